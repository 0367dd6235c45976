package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The integer and bit-manipulation instruction families, hand-written PTX (resources ptx/integer.ptx
 * and ptx/bits.ptx) run on the Wasm path against Java references written from the PTX ISA's
 * definitions: wide, high and 24-bit multiplies, mad, sad, saturating add, 16- and 64-bit forms,
 * division and remainder; and/or/xor/not/cnot, shifts past the width (PTX clamps), popc, clz, brev,
 * bfind, bfe, bfi, prmt, shf, lop3, predicate logic and selp; fns. Bit-exact.
 */
class PtxIntegerAndBitsTest {
    private static final long M = 0xFFFF_FFFFL;

    static String resource(String name) {
        try (InputStream in = PtxIntegerAndBitsTest.class.getResourceAsStream("/ptx/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Edge cases first, then random triples. */
    static int[] inputs(int threads) {
        int[] fixed = {0, 0, 0, Integer.MIN_VALUE, -1, 5, Integer.MAX_VALUE, 1, -1, -7, 3, 2, 0x8000_0001, 0x7FFF_FFFF,
            0, 1, 40, 31, 0xFFFF, 0xFFFF, 0x1234_5678, -123456, 987654, 64, 0x00FF_FF00, 0x0F0F_F0F0, 0x4076_5321};
        int[] in = new int[threads * 3];
        System.arraycopy(fixed, 0, in, 0, fixed.length);
        SplittableRandom r = new SplittableRandom(99);
        for (int i = fixed.length; i < in.length; i++) {
            in[i] = r.nextInt();
        }
        return in;
    }

    private static long[] run(String file, String kernel, int[] in, int threads) {
        try (KernelHarness h = KernelHarness.of(CompileRequest.of(file, resource(file)), 2)) {
            DeviceBuffer input = h.buffer(in);
            DeviceBuffer out = h.buffer(new long[threads * 32]);
            h.launch(kernel, Dim3.of(1), Dim3.of(threads), input, out);
            return h.longs(out);
        }
    }

    private static void check(String family, long[] got, int t, long[] want) {
        for (int k = 0; k < want.length; k++) {
            int slot = k;
            assertEquals(want[k], got[t * 32 + k], () -> family + " thread " + t + " slot " + slot);
        }
    }

    @Test
    void integerArithmetic() {
        int threads = 64;
        int[] in = inputs(threads);
        long[] got = run("integer.ptx", "integer", in, threads);
        for (int t = 0; t < threads; t++) {
            int a = in[3 * t];
            int b = in[3 * t + 1];
            int c = in[3 * t + 2];
            long ua = a & M;
            long ub = b & M;
            long w3 = (long) a << 20;
            long w4 = ub;
            int r3 = (b & 32767) | 1;
            int a24 = (a << 8) >> 8;
            int b24 = (b << 8) >> 8;
            short h1 = (short) a;
            short h2 = (short) b;
            long[] want = {
                u(a + b), u(a - b), u(a * b), u((int) (((long) a * b) >> 32)), u((int) ((ua * ub) >>> 32)),
                (long) a * b, ua * ub, u(a * b + c), u((int) ((ua * ub) >>> 32) + c), (long) a * b + (c & M),
                u(Math.min(a, b)), u(Math.max(a, b)), u(Integer.compareUnsigned(a, b) < 0 ? a : b),
                u(Integer.compareUnsigned(a, b) > 0 ? a : b), u(Math.abs(a)), u(-a), u(a24 * b24),
                u((a & 0xFFFFFF) * (b & 0xFFFFFF)), u((int) (Math.abs(ua - ub)) + c), u((a > b ? a - b : b - a) + c),
                u((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (long) a + b))),
                u((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (long) a - b))),
                ((a & 0xFFFF) + (b & 0xFFFF)) & 0xFFFF, (long) (a & 0xFFFF) * (b & 0xFFFF),
                u((short) ((h1 * h2) >> 16)), w3 * w4, unsignedMultiplyHigh(w3, w4), Math.multiplyHigh(w3, w4),
                u(a / r3), u(a % r3), u(Integer.divideUnsigned(a, r3)), Long.remainderUnsigned(w3, r3 & M)};
            check("integer", got, t, want);
        }
    }

    @Test
    void bitOperations() {
        int threads = 64;
        int[] in = inputs(threads);
        long[] got = run("bits.ptx", "bits", in, threads);
        for (int t = 0; t < threads; t++) {
            int a = in[3 * t];
            int b = in[3 * t + 1];
            int c = in[3 * t + 2];
            int n = b & 63;
            int r3 = c & 31;
            long w3 = ((a & M) << 32) | (b & M);
            boolean p1 = (c != 0) ^ (Integer.compareUnsigned(a, b) < 0);
            int neg = a < 0 ? ~a : a;
            long[] want = {
                u(a & b), u(a | b), u(a ^ b), u(~a), c == 0 ? 1 : 0, u(n >= 32 ? 0 : a << n), u(n >= 32 ? 0 : a >>> n),
                u(n >= 32 ? a >> 31 : a >> n), u(a << 7), u(a >> 31), Integer.bitCount(a),
                Integer.numberOfLeadingZeros(a), u(Integer.reverse(a)), u(a == 0 ? -1 : 31 - Integer.numberOfLeadingZeros(a)),
                u(neg == 0 ? -1 : 31 - Integer.numberOfLeadingZeros(neg)), u(a == 0 ? -1 : Integer.numberOfLeadingZeros(a)),
                u((int) bfe(a & M, r3, n, 31, false)), u((int) bfe(a, r3, n, 31, true)), u(bfi(a, b, r3, n)),
                u(prmt(a, b, 0x5140)), u(prmt(a, b, c)), u((int) ((w3(a, b) << (c & 31)) >>> 32)),
                u((int) (w3(a, b) >>> Math.min(n, 32))), u((a & b) | (a & c) | (b & c)), w3, w3 >> n,
                Long.bitCount(w3), Long.numberOfLeadingZeros(w3), Long.reverse(w3), p1 ? 0 : 1, bfe(w3, r3, n, 63, false)};
            check("bits", got, t, want);
        }
    }

    /**
     * {@code fns.b32} (find the n-th set bit; nvcc's coalesced-group shuffles use it) against the
     * PTX ISA's definition: upwards, downwards, offset 0, past either end, the ISA's examples.
     */
    @Test
    void findNthSetBit() {
        String ptx = """
                .version 7.0
                .target sm_70
                .address_size 64
                .visible .entry fns(.param .u64 in, .param .u64 out)
                {
                    .reg .b32 %r<6>;
                    .reg .b64 %rd<7>;
                    ld.param.u64 %rd1, [in];
                    ld.param.u64 %rd2, [out];
                    cvta.to.global.u64 %rd1, %rd1;
                    cvta.to.global.u64 %rd2, %rd2;
                    mov.u32 %r1, %tid.x;
                    mul.wide.u32 %rd3, %r1, 12;
                    add.s64 %rd4, %rd1, %rd3;
                    ld.global.u32 %r2, [%rd4];
                    ld.global.u32 %r3, [%rd4+4];
                    ld.global.s32 %r4, [%rd4+8];
                    fns.b32 %r5, %r2, %r3, %r4;
                    mul.wide.u32 %rd5, %r1, 4;
                    add.s64 %rd6, %rd2, %rd5;
                    st.global.u32 [%rd6], %r5;
                    ret;
                }
                """;
        int threads = 256;
        int[] in = new int[3 * threads];
        int[][] fixed = {{0xaaaaaaaa, 3, 1}, {0xaaaaaaaa, 3, -1}, {0xaaaaaaaa, 2, 1}, {0xaaaaaaaa, 2, -1},
            {0, 5, 1}, {0, 5, 0}, {-1, 0, 32}, {-1, 0, 33}, {-1, 31, -32}, {-1, 31, -33}, {-1, 31, 1}, {-1, 31, 2},
            {0x80000001, 0, 2}, {0x80000001, 31, -2}, {0x80000001, 31, 0}, {0x80000001, 30, 0}, {1, 0, -1}};
        SplittableRandom r = new SplittableRandom(17);
        for (int t = 0; t < threads; t++) {
            int[] x = t < fixed.length ? fixed[t]
                    : new int[] {r.nextInt(4) == 0 ? r.nextInt() & r.nextInt() : r.nextInt(), r.nextInt(32), r.nextInt(-34, 35)};
            System.arraycopy(x, 0, in, 3 * t, 3);
        }
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("fns.ptx", ptx), 2)) {
            DeviceBuffer input = h.buffer(in);
            DeviceBuffer out = h.buffer(new int[threads]);
            h.launch("fns", Dim3.of(1), Dim3.of(threads), input, out);
            int[] got = h.ints(out);
            for (int t = 0; t < threads; t++) {
                int mask = in[3 * t];
                int base = in[3 * t + 1];
                int offset = in[3 * t + 2];
                int want = -1;
                if (offset == 0) {
                    want = (mask >>> base & 1) != 0 ? base : -1;
                } else {
                    for (int pos = base, count = Math.abs(offset) - 1; pos >= 0 && pos < 32; pos += offset > 0 ? 1 : -1) {
                        if ((mask >>> pos & 1) != 0) {
                            if (count == 0) {
                                want = pos;
                                break;
                            }
                            count--;
                        }
                    }
                }
                int tt = t;
                assertEquals(want, got[t], () -> "fns(" + Integer.toHexString(mask) + ", " + base + ", " + offset
                        + ") thread " + tt);
            }
        }
    }

    private static long u(int v) {
        return v & M;
    }

    /** {b, a} as one 64-bit value, for shf. */
    private static long w3(int a, int b) {
        return ((b & M) << 32) | (a & M);
    }

    private static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
    }

    /** bfe as the PTX ISA defines it, bit by bit. */
    private static long bfe(long a, int pos, int len, int msb, boolean signed) {
        pos &= 0xFF;
        len &= 0xFF;
        long sbit = !signed || len == 0 ? 0 : (a >>> Math.min(pos + len - 1, msb)) & 1;
        long d = 0;
        for (int i = 0; i <= msb; i++) {
            long bit = i < len && pos + i <= msb ? (a >>> (pos + i)) & 1 : sbit;
            d |= bit << i;
        }
        return msb == 31 ? d & M : d;
    }

    /** bfi: a's low len bits into b at pos. */
    private static int bfi(int a, int b, int pos, int len) {
        pos &= 0xFF;
        len &= 0xFF;
        int f = b;
        for (int i = 0; i < len && pos + i <= 31; i++) {
            int bit = (a >>> i) & 1;
            f = (f & ~(1 << (pos + i))) | (bit << (pos + i));
        }
        return f;
    }

    /** prmt's default mode: each result byte picks one of the eight bytes of {b, a}, or its sign. */
    private static int prmt(int a, int b, int selector) {
        long bytes = ((b & M) << 32) | (a & M);
        int d = 0;
        for (int i = 0; i < 4; i++) {
            int sel = (selector >>> (4 * i)) & 0xF;
            int v = (int) (bytes >>> (8 * (sel & 7))) & 0xFF;
            if ((sel & 8) != 0) {
                v = (v & 0x80) != 0 ? 0xFF : 0;
            }
            d |= v << (8 * i);
        }
        return d;
    }
}
