package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Valid C that hand-tuned kernels use (issue 18, item 18): side effects in loop headers, byte
 * permutes and funnel shifts, bit-fields and forward {@code goto}; each on the WebAssembly, OpenCL
 * and PTX paths against a Java reference.
 */
class LowLevelCTest {

    @Test
    void sideEffectsInDoWhileConditionsAndForIncrements() {
        String src = """
                __device__ int pure(int x) { return x * 3 + 1; }
                __global__ void headers(const int* lim, int* out)
                {
                    int i = 0, s = 0, t = 0;
                    do { s += i; } while (++i < lim[0] && (t += 2) < 100);
                    out[0] = s; out[1] = t;
                    int calls = 0;
                    for (int j = 0; j < lim[1]; j++, (j & 1) ? calls += pure(j) : calls--) { s += j; }
                    out[2] = s; out[3] = calls;
                    int k = 0;
                    do { k += 3; } while (pure(k) < lim[2] || (t -= 1) > 90);
                    out[4] = k; out[5] = t;
                }
                """;
        int[] lim = {7, 9, 40};
        int[] expected = new int[6];
        int i = 0;
        int s = 0;
        int t = 0;
        do {
            s += i;
        } while (++i < lim[0] && (t += 2) < 100);
        expected[0] = s;
        expected[1] = t;
        int calls = 0;
        for (int j = 0; j < lim[1]; j++, calls = (j & 1) != 0 ? calls + 3 * j + 1 : calls - 1) {
            s += j;
        }
        expected[2] = s;
        expected[3] = calls;
        int k = 0;
        do {
            k += 3;
        } while (3 * k + 1 < lim[2] || (t -= 1) > 90);
        expected[4] = k;
        expected[5] = t;
        AllPaths.check(CaseBuilder.of("loop_header_side_effects", "headers.cu", src).kernel("headers")
                .launch(Dim3.of(1), Dim3.of(1)).in("lim", lim).out("out", new int[6], expected).build());
    }

    static int bytePerm(int x, int y, int s) {
        long both = (Integer.toUnsignedLong(y) << 32) | Integer.toUnsignedLong(x);
        int r = 0;
        for (int i = 0; i < 4; i++) {
            int sel = (s >>> (4 * i)) & 7;
            r |= (int) ((both >>> (8 * sel)) & 0xFF) << (8 * i);
        }
        return r;
    }

    static int funnel(int lo, int hi, int n, boolean left, boolean clamp) {
        long both = (Integer.toUnsignedLong(hi) << 32) | Integer.toUnsignedLong(lo);
        long count = clamp ? Math.min(Integer.toUnsignedLong(n), 32) : n & 31;
        return left ? (int) ((both << count) >>> 32) : (int) (both >>> count);
    }

    @Test
    void bytePermAndFunnelShifts() {
        String src = """
                __global__ void bits(const unsigned* x, const unsigned* y, const unsigned* s, unsigned* out)
                {
                    int i = threadIdx.x;
                    out[5 * i] = __byte_perm(x[i], y[i], s[i]);
                    out[5 * i + 1] = __funnelshift_l(x[i], y[i], s[i]);
                    out[5 * i + 2] = __funnelshift_lc(x[i], y[i], s[i]);
                    out[5 * i + 3] = __funnelshift_r(x[i], y[i], s[i]);
                    out[5 * i + 4] = __funnelshift_rc(x[i], y[i], s[i]);
                }
                """;
        int n = 32;
        SplittableRandom r = new SplittableRandom(18);
        int[] x = new int[n];
        int[] y = new int[n];
        int[] s = new int[n];
        int[] expected = new int[5 * n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt();
            y[i] = r.nextInt();
            s[i] = i < 4 ? new int[] {0x3210, 0x7654, 0x0123, 0x4444}[i] : i < 8 ? 31 + i : r.nextInt();
            expected[5 * i] = bytePerm(x[i], y[i], s[i]);
            expected[5 * i + 1] = funnel(x[i], y[i], s[i], true, false);
            expected[5 * i + 2] = funnel(x[i], y[i], s[i], true, true);
            expected[5 * i + 3] = funnel(x[i], y[i], s[i], false, false);
            expected[5 * i + 4] = funnel(x[i], y[i], s[i], false, true);
        }
        AllPaths.check(CaseBuilder.of("byte_perm_funnel_shift", "bits.cu", src).kernel("bits")
                .launch(Dim3.of(1), Dim3.of(n)).in("x", x).in("y", y).in("s", s).out("out", new int[5 * n], expected)
                .build());
    }

    @Test
    void bitFields() {
        String src = """
                struct Flags { unsigned a : 3; int b : 5; unsigned c : 12; unsigned : 0; unsigned char d : 4; bool e : 1; };
                struct Mixed { char tag; unsigned lo : 4; unsigned hi : 28; short s; };
                __constant__ Flags preset = {5, -3, 4000, 9, true};
                __global__ void bits(const int* in, int* out, Flags* f)
                {
                    Flags x = {0, 0, 0, 0, false};
                    x.a = in[0];              // 13 keeps its low 3 bits: 5
                    x.b = in[1];              // -20 wraps into 5 signed bits: 12
                    x.c = in[2];
                    x.d = in[3];
                    x.e = in[4] != 0;
                    out[0] = x.a; out[1] = x.b; out[2] = x.c; out[3] = x.d; out[4] = x.e;
                    out[5] = x.a - 6;         // a promotes to int: -1, not 4294967295
                    x.b += 7;                 // 12 + 7 = 19 wraps to -13
                    out[6] = x.b;
                    int r = (x.a = 9);        // the assignment's value is the stored field: 1
                    out[7] = r;
                    out[8] = x.a++;           // 1, then 2
                    out[9] = ++x.a;           // 3
                    out[10] = sizeof(Flags);
                    out[11] = preset.a * 1000 + preset.c;
                    out[12] = preset.b;
                    Mixed m = {'x', 15, 0x0ABCDEF1, -2};
                    m.hi += 1;
                    out[13] = m.lo; out[14] = m.hi; out[15] = m.s; out[16] = sizeof(Mixed);
                    out[17] = m.tag;
                    f[0] = x;
                }
                """;
        int[] in = {13, -20, 4097, 0x1F, 7};
        int[] expected = {5, 12, 1, 0xF, 1, -1, -13, 1, 1, 3, 8, 5 * 1000 + 4000, -3, 15, 0x0ABCDEF2, -2, 12, 'x'};
        // Flags as nvcc lays it out: a, b, c in the first 4 bytes (bits 0-2, 3-7, 8-19), d and e after ':0' in byte 4
        int word = 3 | ((-13 & 0x1F) << 3) | (1 << 8);
        byte[] flags = {(byte) word, (byte) (word >> 8), (byte) (word >> 16), (byte) (word >> 24),
            (byte) (0xF | (1 << 4)), 0, 0, 0};
        AllPaths.check(CaseBuilder.of("bit_fields", "bits.cu", src).kernel("bits").launch(Dim3.of(1), Dim3.of(1))
                .in("in", in).out("out", new int[expected.length], expected)
                .outBytes("f", new byte[8], io.cudawasm.runtime.data.ElementType.U8, flags).build());
    }

    @Test
    void forwardGotoOutOfNestedLoops() {
        String src = """
                __global__ void search(const int* grid, int n, int target, int* out)
                {
                    int row = -1, col = -1, visited = 0;
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            visited++;
                            if (grid[i * n + j] == target) { row = i; col = j; goto found; }
                        }
                    }
                    out[3] = 1;               // only when nothing was found
                found:
                    out[0] = row; out[1] = col; out[2] = visited;
                    // a goto from a switch inside a loop, and one within the same block
                    int k = 0;
                    while (true) {
                        switch (k % 3) {
                            case 2: if (k > 6) goto done; break;
                            default: k += 1; continue;
                        }
                        k += 2;
                    }
                    k = -1;
                done:
                    out[4] = k;
                    if (target > 1000) goto skip;
                    out[5] = 77;
                skip:
                    out[6] = 1;
                }
                """;
        int n = 6;
        int[] grid = new int[n * n];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = i * 7 % 37;
        }
        int target = grid[3 * n + 4];
        int[] expected = new int[7];
        int visited = 0;
        int row = -1;
        int col = -1;
        search:
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                visited++;
                if (grid[i * n + j] == target) {
                    row = i;
                    col = j;
                    break search;
                }
            }
        }
        expected[0] = row;
        expected[1] = col;
        expected[2] = visited;
        int k = 0;
        loop:
        while (true) {
            switch (k % 3) {
                case 2:
                    if (k > 6) {
                        break loop;
                    }
                    break;
                default:
                    k += 1;
                    continue;
            }
            k += 2;
        }
        expected[4] = k;
        expected[5] = 77;
        expected[6] = 1;
        AllPaths.check(CaseBuilder.of("goto_forward", "goto.cu", src).kernel("search").launch(Dim3.of(1), Dim3.of(1))
                .in("grid", grid).scalar(n).scalar(target).out("out", new int[7], expected).build());
    }

    @Test
    void backwardGotoRepeatsStatements() {
        String src = """
                __global__ void retry(const int* data, int n, int* out)
                {
                    int i = 0;
                again:
                    i++;
                    if (i < data[0]) goto again;
                    out[0] = i;
                    int sum = 0, rounds = 0;
                    for (int r = 0; r < n; r++) {
                        int tries = 0;
                    retry:
                        tries++;
                        rounds++;
                        if (data[r] < 0) continue;          // the for loop's continue, from inside the repeat
                        if (data[r] == 99) break;           // the for loop's break
                        switch (tries % 4) {
                            case 3: continue;               // continue through a switch
                            default: break;
                        }
                        for (int j = 1; j < 5; j++) {
                            if ((data[r] + tries) % (j + 2) == 0 && tries < 6) goto retry;
                        }
                        sum += data[r] * tries;
                    }
                    out[1] = sum; out[2] = rounds;
                }
                """;
        int[] data = {5, 7, -3, 12, 4, 9, 30, 99, 8};
        int n = data.length;
        int[] expected = new int[3];
        expected[0] = data[0];
        int sum = 0;
        int rounds = 0;
        rows:
        for (int r = 0; r < n; r++) {
            int tries = 0;
            while (true) {
                tries++;
                rounds++;
                if (data[r] < 0) {
                    continue rows;
                }
                if (data[r] == 99) {
                    break rows;
                }
                if (tries % 4 == 3) {
                    continue rows;
                }
                boolean again = false;
                for (int j = 1; j < 5 && !again; j++) {
                    again = (data[r] + tries) % (j + 2) == 0 && tries < 6;
                }
                if (!again) {
                    break;
                }
            }
            sum += data[r] * tries;
        }
        expected[1] = sum;
        expected[2] = rounds;
        AllPaths.check(CaseBuilder.of("goto_backward", "retry.cu", src).kernel("retry").launch(Dim3.of(1), Dim3.of(1))
                .in("data", data).scalar(n).out("out", new int[3], expected).build());
    }

    @Test
    void backwardGotoAroundBarriers() {
        String src = """
                __global__ void relax(int rounds, int* out)
                {
                    __shared__ int s[64];
                    int t = threadIdx.x, iter = 0;
                    s[t] = t * 7;
                again:
                    __syncthreads();
                    int v = s[(t + 1) % 64] + s[(t + 63) % 64] + t;
                    __syncthreads();
                    s[t] = v % 1000;
                    if (++iter < rounds) goto again;
                    __syncthreads();
                    out[t] = s[t] + iter * 100000;
                }
                """;
        int rounds = 5;
        int[] s = new int[64];
        for (int t = 0; t < 64; t++) {
            s[t] = t * 7;
        }
        for (int it = 0; it < rounds; it++) {
            int[] next = new int[64];
            for (int t = 0; t < 64; t++) {
                next[t] = (s[(t + 1) % 64] + s[(t + 63) % 64] + t) % 1000;
            }
            s = next;
        }
        int[] expected = new int[64];
        for (int t = 0; t < 64; t++) {
            expected[t] = s[t] + rounds * 100000;
        }
        AllPaths.check(CaseBuilder.of("goto_backward_barrier", "relax.cu", src).kernel("relax")
                .launch(Dim3.of(1), Dim3.of(64)).scalar(rounds).out("out", new int[64], expected).build());
    }

    @Test
    void gotoIntoRepeatedStatementsIsRefusedByName() {
        AllPaths.refuses("__global__ void k(int* a) { goto in; again: a[0]++; in: a[0]++; if (a[0] < 9) goto again; }",
                "'goto again' jumps back over a label that an earlier goto jumps to");
    }
}
