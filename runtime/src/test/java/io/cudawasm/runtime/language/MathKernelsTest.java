package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.backend.wasm.math.DeviceMath;
import io.cudawasm.runtime.backend.wasm.math.MathFunction;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA math API through the whole compiler and the Wasm path. Functions the back end emits
 * inline are checked bit for bit against the C definition; the others must give exactly the host
 * library's result (whose ULP bounds are proven against high-precision references in
 * DeviceMath's own tests) and stay within CUDA's bound of StrictMath.
 */
class MathKernelsTest {
    private static final int N = 2048;

    static float[] floatInputs() {
        List<Float> v = new ArrayList<>(List.of(0f, -0f, 1f, -1f, 0.5f, -0.5f, 2f, 3.5f, -7.25f, 100f, 1e-3f, 1e10f,
                -1e10f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0.49999997f, 2.5f, -2.5f, 1.5f, 88.7f,
                -103.9f, 1e30f, 3.14159265f, 1.0e-40f));
        SplittableRandom r = new SplittableRandom(99);
        while (v.size() < N) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (r.nextInt(3) == 0) {
                f = (float) (r.nextDouble() * 20 - 10);
            }
            v.add(f);
        }
        float[] a = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    static double[] doubleInputs() {
        float[] f = floatInputs();
        SplittableRandom r = new SplittableRandom(7);
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            d[i] = i % 2 == 0 ? f[i] : (r.nextInt(4) == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * 40 - 20);
        }
        return d;
    }

    static Stream<Arguments> unaryFloat() {
        return Stream.of("expf", "exp2f", "exp10f", "expm1f", "logf", "log2f", "log10f", "log1pf", "sinf", "cosf", "tanf",
                "asinf", "acosf", "atanf", "sinhf", "coshf", "tanhf", "asinhf", "acoshf", "atanhf", "erff", "erfcf",
                "cbrtf", "__expf", "__logf", "__sinf", "__cosf", "__exp10f", "__log2f", "__log10f", "__tanf", "sinpif",
                "cospif", "lgammaf", "tgammaf", "logbf").map(Arguments::of);
    }

    static Stream<Arguments> unaryDouble() {
        return Stream.of("exp", "exp2", "exp10", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin",
                "acos", "atan", "sinh", "cosh", "tanh", "erf", "erfc", "cbrt", "rsqrt", "asinh", "acosh", "atanh")
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryFloat")
    void hostFloatFunctionsGiveTheLibraryResult(String fn) {
        float[] x = floatInputs();
        MathFunction host = DeviceMath.lookup(fn).orElseThrow();
        String src = "__global__ void k(const float* x, float* out, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x;"
                + " if (i < n) out[i] = " + fn + "(x[i]); }";
        try (KernelHarness h = KernelHarness.of(src, 2)) {
            DeviceBuffer dx = h.buffer(x);
            DeviceBuffer out = h.buffer(new float[N]);
            h.launch("k", Dim3.of(N / 256), Dim3.of(256), dx, out, N);
            float[] got = h.floats(out);
            for (int i = 0; i < N; i++) {
                float expected = Float.intBitsToFloat((int) host.handle().apply(new long[] {Float.floatToRawIntBits(x[i])}));
                assertSameFloat(expected, got[i], fn + "(" + x[i] + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryDouble")
    void hostDoubleFunctionsGiveTheLibraryResult(String fn) {
        double[] x = doubleInputs();
        MathFunction host = DeviceMath.lookup(fn).orElseThrow();
        String src = "__global__ void k(const double* x, double* out, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x;"
                + " if (i < n) out[i] = " + fn + "(x[i]); }";
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            DeviceBuffer dx = h.buffer(x);
            DeviceBuffer out = h.buffer(new double[N]);
            h.launch("k", Dim3.of(N / 256), Dim3.of(256), dx, out, N);
            double[] got = h.doubles(out);
            for (int i = 0; i < N; i++) {
                double expected = Double.longBitsToDouble(host.handle().apply(new long[] {Double.doubleToRawLongBits(x[i])}));
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(got[i]), fn + "(" + x[i] + ")");
            }
        }
    }

    private static void assertSameFloat(float expected, float got, String what) {
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got), what + ": expected " + expected
                + " got " + got);
    }

    /** ULP distance in float, NaN equal to NaN. */
    static double ulps(float expected, float got) {
        if (Float.isNaN(expected) || Float.isNaN(got)) {
            return Float.isNaN(expected) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (expected == got) {
            return 0;
        }
        return Math.abs((double) got - expected) / Math.ulp(expected);
    }

    @ParameterizedTest(name = "{0} within {1} ulp of StrictMath")
    @MethodSource("boundsAgainstStrictMath")
    void floatFunctionsAreWithinCudaBoundsOfStrictMath(String fn, double bound) {
        float[] x = floatInputs();
        String src = "__global__ void k(const float* x, float* out, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x;"
                + " if (i < n) out[i] = " + fn + "(x[i]); }";
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            DeviceBuffer dx = h.buffer(x);
            DeviceBuffer out = h.buffer(new float[N]);
            h.launch("k", Dim3.of(N / 256), Dim3.of(256), dx, out, N);
            float[] got = h.floats(out);
            double worst = 0;
            for (int i = 0; i < N; i++) {
                float ref = (float) strict(fn, x[i]);
                worst = Math.max(worst, ulps(ref, got[i]));
            }
            assertTrue(worst <= bound, fn + " is " + worst + " ulp from StrictMath, CUDA allows " + bound);
        }
    }

    static Stream<Arguments> boundsAgainstStrictMath() {
        // CUDA Programming Guide, single-precision table (+0.5 for StrictMath's own rounding to float)
        return Stream.of(Arguments.of("expf", 2.5), Arguments.of("logf", 1.5), Arguments.of("sinf", 2.5),
                Arguments.of("cosf", 2.5), Arguments.of("tanf", 4.5), Arguments.of("sqrtf", 0.5),
                Arguments.of("cbrtf", 1.5), Arguments.of("atanf", 2.5), Arguments.of("sinhf", 3.5),
                Arguments.of("tanhf", 2.5), Arguments.of("expm1f", 1.5), Arguments.of("log1pf", 1.5));
    }

    private static double strict(String fn, float x) {
        return switch (fn) {
            case "expf" -> StrictMath.exp(x);
            case "logf" -> StrictMath.log(x);
            case "sinf" -> StrictMath.sin(x);
            case "cosf" -> StrictMath.cos(x);
            case "tanf" -> StrictMath.tan(x);
            case "sqrtf" -> StrictMath.sqrt(x);
            case "cbrtf" -> StrictMath.cbrt(x);
            case "atanf" -> StrictMath.atan(x);
            case "sinhf" -> StrictMath.sinh(x);
            case "tanhf" -> StrictMath.tanh(x);
            case "expm1f" -> StrictMath.expm1(x);
            case "log1pf" -> StrictMath.log1p(x);
            default -> throw new IllegalArgumentException(fn);
        };
    }

    @org.junit.jupiter.api.Test
    void inlineFunctionsFollowTheirCDefinitions() {
        float[] x = floatInputs();
        float[] y = floatInputs().clone();
        for (int i = 0; i < N; i++) {
            y[i] = y[(i * 7 + 3) % N];
        }
        String src = """
                __global__ void k(const float* x, const float* y, float* out, int* iout, int n) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    float a = x[i], b = y[i];
                    float* o = out + 12 * i;
                    o[0] = sqrtf(a); o[1] = fabsf(a); o[2] = floorf(a); o[3] = ceilf(a); o[4] = truncf(a);
                    o[5] = rintf(a); o[6] = roundf(a); o[7] = fminf(a, b); o[8] = fmaxf(a, b);
                    o[9] = copysignf(a, b); o[10] = __saturatef(a); o[11] = fmaf(a, b, 1.0f);
                    iout[2 * i] = __float2int_rn(a);
                    iout[2 * i + 1] = (int)a;
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 2)) {
            DeviceBuffer dx = h.buffer(x);
            DeviceBuffer dy = h.buffer(y);
            DeviceBuffer out = h.buffer(new float[12 * N]);
            DeviceBuffer iout = h.buffer(new int[2 * N]);
            h.launch("k", Dim3.of(N / 256), Dim3.of(256), dx, dy, out, iout, N);
            float[] o = h.floats(out);
            int[] io = h.ints(iout);
            for (int i = 0; i < N; i++) {
                float a = x[i];
                float b = y[i];
                float[] e = {(float) Math.sqrt(a), Math.abs(a), (float) Math.floor(a), (float) Math.ceil(a),
                    trunc(a), (float) Math.rint(a), round(a), fmin(a, b), fmax(a, b), Math.copySign(a, b),
                    Float.isNaN(a) ? 0f : Math.min(Math.max(a, 0f), 1f), Math.fma(a, b, 1.0f)};
                for (int k = 0; k < 12; k++) {
                    assertSameFloat(e[k], o[12 * i + k], "function " + k + " at a=" + a + " b=" + b);
                }
                assertEquals(Float.isNaN(a) ? 0 : (int) Math.rint(a), io[2 * i], "__float2int_rn(" + a + ")");
                assertEquals((int) a, io[2 * i + 1], "(int)" + a + " saturates like cvt.rzi (and Java)");
            }
        }
    }

    private static float trunc(float a) {
        return a < 0 ? (float) Math.ceil(a) : (float) Math.floor(a);
    }

    private static float round(float a) {
        if (Float.isNaN(a) || Float.isInfinite(a)) {
            return a;
        }
        float t = trunc(a);
        return Math.copySign(Math.abs(a - t) >= 0.5f ? t + Math.copySign(1f, a) : t, a);
    }

    private static float fmin(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.min(a, b);
    }

    private static float fmax(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.max(a, b);
    }
}
