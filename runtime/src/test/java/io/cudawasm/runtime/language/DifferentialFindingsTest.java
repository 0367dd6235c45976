package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * What differential testing against gcc found wrong (issue 18, items 15–17), each on the
 * WebAssembly, OpenCL and PTX paths against a Java reference.
 */
class DifferentialFindingsTest {

    /** Values around 2^63 and 2^64 where the rounding of an unsigned 64-bit conversion shows. */
    private static final long[] UNSIGNED_BOUNDARIES = {
        0L, 1L, (1L << 53) + 1, (1L << 62) + 257, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
        0x8000000000000C00L, 0x8000000000000400L, 0x8000000000000401L, 0x8000008000000000L, 0x8000008000000001L,
        0x8000018000000000L, 0x80000000000007FFL, 0xFFFFFFFFFFFFFFFFL, 0xFFFFFF7FFFFFFFFFL, 0xFFFFFFFFFFFFFC00L,
        0xFFFFFFFFFFFFFBFFL, 0xC000000000000001L, 0x9876543210FEDCBAL,
    };

    @Test
    void unsignedLongToFloatAndDoubleRoundOnceToNearestEven() {
        String src = """
                __global__ void convert(const unsigned long long* in, float* f, double* d, float* folded, double* foldedD)
                {
                    int i = threadIdx.x;
                    f[i] = (float)in[i];
                    d[i] = (double)in[i];
                    if (i == 0) {
                        folded[0] = (float)0x8000000000000001ull;
                        folded[1] = (float)0xFFFFFF7FFFFFFFFFull;
                        foldedD[0] = (double)0x8000000000000C00ull;
                        foldedD[1] = (double)0x8000000000000401ull;
                    }
                }
                """;
        int n = UNSIGNED_BOUNDARIES.length;
        float[] f = new float[n];
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            BigDecimal exact = new BigDecimal(Long.toUnsignedString(UNSIGNED_BOUNDARIES[i]));
            f[i] = exact.floatValue();
            d[i] = exact.doubleValue();
        }
        float[] folded = {new BigDecimal(Long.toUnsignedString(0x8000000000000001L)).floatValue(),
            new BigDecimal(Long.toUnsignedString(0xFFFFFF7FFFFFFFFFL)).floatValue()};
        double[] foldedD = {new BigDecimal(Long.toUnsignedString(0x8000000000000C00L)).doubleValue(),
            new BigDecimal(Long.toUnsignedString(0x8000000000000401L)).doubleValue()};
        AllPaths.check(CaseBuilder.of("u64_to_floating", "u64.cu", src).kernel("convert")
                .launch(Dim3.of(1), Dim3.of(n)).in("in", UNSIGNED_BOUNDARIES).out("f", new float[n], f)
                .out("d", new double[n], d).out("folded", new float[2], folded).out("foldedD", new double[2], foldedD)
                .build());
    }

    @Test
    void reinterpretedUnsignedBitsWidenWithoutSignExtension() {
        String src = """
                __global__ void widen(const float* x, unsigned long long* out, long long* signedOut)
                {
                    unsigned long long r = __float_as_uint(x[0]);
                    out[0] = r;
                    out[1] = __float_as_uint(x[1]) + 0ull;
                    signedOut[0] = __float_as_int(x[0]);
                    signedOut[1] = (long long)__float_as_uint(x[0]);
                }
                """;
        float[] x = {-1.0f, -0.0f};
        long[] out = {Integer.toUnsignedLong(Float.floatToRawIntBits(-1.0f)),
            Integer.toUnsignedLong(Float.floatToRawIntBits(-0.0f))};
        long[] signedOut = {Float.floatToRawIntBits(-1.0f), Integer.toUnsignedLong(Float.floatToRawIntBits(-1.0f))};
        AllPaths.check(CaseBuilder.of("float_as_uint_widened", "widen.cu", src).kernel("widen")
                .launch(Dim3.of(1), Dim3.of(1)).in("x", x).out("out", new long[2], out)
                .out("signedOut", new long[2], signedOut).build());
    }

    @Test
    void continueInDoWhileRunsTheConditionsSideEffects() {
        String src = """
                __global__ void loops(const int* lim, int* out)
                {
                    int i = 0, s = 0;
                    do { s += i; if (i == lim[0]) { i += 2; continue; } } while (++i < lim[1]);
                    out[0] = s;
                    out[1] = i;
                    i = 0; s = 0;
                    do { if (i == 1) continue; s += 10; } while (++i < lim[2]);
                    out[2] = s;
                    out[3] = i;
                    // a continue in a switch inside the do-while, and a nested loop's own continue
                    i = 0; s = 0;
                    do {
                        switch (i & 3) { case 1: continue; default: s += i; }
                        for (int j = 0; j < 3; j++) { if (j == 1) continue; s += 100; }
                    } while ((i += 1) < lim[3]);
                    out[4] = s;
                }
                """;
        int[] lim = {2, 6, 3, 9};
        int[] expected = new int[5];
        int i = 0;
        int s = 0;
        do {
            s += i;
            if (i == lim[0]) {
                i += 2;
                continue;
            }
        } while (++i < lim[1]);
        expected[0] = s;
        expected[1] = i;
        i = 0;
        s = 0;
        do {
            if (i == 1) {
                continue;
            }
            s += 10;
        } while (++i < lim[2]);
        expected[2] = s;
        expected[3] = i;
        i = 0;
        s = 0;
        do {
            if ((i & 3) == 1) {
                continue;
            }
            s += i;
            for (int j = 0; j < 3; j++) {
                if (j == 1) {
                    continue;
                }
                s += 100;
            }
        } while ((i += 1) < lim[3]);
        expected[4] = s;
        AllPaths.check(CaseBuilder.of("do_while_continue", "loops.cu", src).kernel("loops")
                .launch(Dim3.of(1), Dim3.of(1)).in("lim", lim).out("out", new int[5], expected).build());
    }
}
