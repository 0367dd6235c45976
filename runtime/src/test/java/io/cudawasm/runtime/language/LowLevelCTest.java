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
}
