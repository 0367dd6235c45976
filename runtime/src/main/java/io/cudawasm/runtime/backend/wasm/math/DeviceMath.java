package io.cudawasm.runtime.backend.wasm.math;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The CUDA device math library on the JVM: the transcendental and helper functions that WebAssembly kernels import
 * from the host, with CUDA's semantics for special values (C99 Annex F: NaN propagation, signed zeros, infinities,
 * poles) and each within the maximum ulp error that the CUDA C++ Programming Guide (Mathematical Functions appendix,
 * CUDA 12) documents for it.
 *
 * <p>Implementation pattern: single-precision functions compute in double (StrictMath, i.e. fdlibm, within about 1
 * double ulp, or our own double code) and round once to float, which lands within half a float ulp plus about
 * 2^-29; the exact ones (fmaf, fmodf, remainderf, fdimf, ldexpf, scalbnf, logbf) are exact by construction.
 * Double-precision functions use StrictMath where fdlibm is within 1 ulp (exp, expm1, log, log1p, pow, cbrt, hypot,
 * the circular functions and their inverses) and our own double-double code elsewhere (erf, erfc, lgamma, tgamma,
 * sinh, cosh, tanh, asinh, acosh, atanh, sinpi, cospi, exp2, exp10, log2, log10, rsqrt, rcbrt). CUDA's fast
 * intrinsics ({@code __expf}, ...) return the accurate result, which always satisfies their looser bounds.
 *
 * <p>Each method's javadoc states CUDA's bound; {@link #lookup}/{@link #all} give the same as data, and
 * {@code runtime/README-math.md} lists the errors measured by the tests.
 */
public final class DeviceMath {

    private static final Map<String, MathFunction> FUNCTIONS = FunctionTable.build();

    private DeviceMath() {
    }

    /** The host function imported under {@code name}, if it is one of ours. */
    public static Optional<MathFunction> lookup(String name) {
        return Optional.ofNullable(FUNCTIONS.get(name));
    }

    /** All host functions, in a stable order. */
    public static Collection<MathFunction> all() {
        return FUNCTIONS.values();
    }

    // ---------------------------------------------------------------- roots

    /** 1/sqrt(x). CUDA: 1 ulp. rsqrt(+-0) = +-inf, rsqrt(x &lt; 0) = NaN. */
    public static double rsqrt(double x) {
        return Roots.rsqrt(x);
    }

    /** Cube root. CUDA: 1 ulp. */
    public static float cbrtf(float x) {
        return (float) StrictMath.cbrt(x);
    }

    /** Cube root. CUDA: 1 ulp. */
    public static double cbrt(double x) {
        return StrictMath.cbrt(x);
    }

    /** 1/cbrt(x). CUDA: 1 ulp. rcbrtf(+-0) = +-inf, rcbrtf(+-inf) = +-0. */
    public static float rcbrtf(float x) {
        return (float) (1.0 / StrictMath.cbrt(x));
    }

    /** 1/cbrt(x). CUDA: 1 ulp. */
    public static double rcbrt(double x) {
        return Roots.rcbrt(x);
    }

    // ---------------------------------------------------------------- exact operations

    /** Positive difference: x - y if x &gt; y, else +0; NaN if either is NaN. CUDA: 0 ulp. */
    public static float fdimf(float x, float y) {
        return ExactOps.fdimf(x, y);
    }

    /** Positive difference. CUDA: 0 ulp. */
    public static double fdim(double x, double y) {
        return ExactOps.fdim(x, y);
    }

    /** x*y + z with one rounding. CUDA: 0 ulp. */
    public static float fmaf(float x, float y, float z) {
        return ExactOps.fmaf(x, y, z);
    }

    /** x*y + z with one rounding. CUDA: 0 ulp. */
    public static double fma(double x, double y, double z) {
        return ExactOps.fma(x, y, z);
    }

    /** Truncated remainder (sign of x). CUDA: 0 ulp. fmodf(x, 0) and fmodf(inf, y) are NaN. */
    public static float fmodf(float x, float y) {
        return ExactOps.fmodf(x, y);
    }

    /** Truncated remainder. CUDA: 0 ulp. */
    public static double fmod(double x, double y) {
        return ExactOps.fmod(x, y);
    }

    /** IEEE remainder x - n y, n the nearest integer (ties even). CUDA: 0 ulp. */
    public static float remainderf(float x, float y) {
        return ExactOps.remainderf(x, y);
    }

    /** IEEE remainder. CUDA: 0 ulp. */
    public static double remainder(double x, double y) {
        return ExactOps.remainder(x, y);
    }

    /** x * 2^n, rounded once. CUDA: 0 ulp. */
    public static float ldexpf(float x, int n) {
        return ExactOps.ldexpf(x, n);
    }

    /** x * 2^n, rounded once. CUDA: 0 ulp. */
    public static double ldexp(double x, int n) {
        return ExactOps.ldexp(x, n);
    }

    /** x * 2^n (binary radix: same as ldexpf). CUDA: 0 ulp. */
    public static float scalbnf(float x, int n) {
        return ExactOps.ldexpf(x, n);
    }

    /** x * 2^n. CUDA: 0 ulp. */
    public static double scalbn(double x, int n) {
        return ExactOps.ldexp(x, n);
    }

    /** Unbiased exponent (subnormals included). CUDA: 0 ulp. logbf(0) = -inf. */
    public static float logbf(float x) {
        return ExactOps.logbf(x);
    }

    /** Unbiased exponent. CUDA: 0 ulp. */
    public static double logb(double x) {
        return ExactOps.logb(x);
    }

    // ---------------------------------------------------------------- exponentials

    /** e^x. CUDA: 2 ulp. */
    public static float expf(float x) {
        return (float) StrictMath.exp(x);
    }

    /** e^x. CUDA: 1 ulp. */
    public static double exp(double x) {
        return StrictMath.exp(x);
    }

    /** 2^x. CUDA: 2 ulp. */
    public static float exp2f(float x) {
        return (float) StrictMath.pow(2.0, x);
    }

    /** 2^x. CUDA: 1 ulp. */
    public static double exp2(double x) {
        return ExpLog.exp2(x);
    }

    /** 10^x. CUDA: 2 ulp. */
    public static float exp10f(float x) {
        return (float) StrictMath.pow(10.0, x);
    }

    /** 10^x. CUDA: 1 ulp. */
    public static double exp10(double x) {
        return ExpLog.exp10(x);
    }

    /** e^x - 1. CUDA: 1 ulp. */
    public static float expm1f(float x) {
        return (float) StrictMath.expm1(x);
    }

    /** e^x - 1. CUDA: 1 ulp. */
    public static double expm1(double x) {
        return StrictMath.expm1(x);
    }

    // ---------------------------------------------------------------- logarithms

    /** Natural log. CUDA: 1 ulp. logf(+-0) = -inf, logf(x &lt; 0) = NaN. */
    public static float logf(float x) {
        return (float) StrictMath.log(x);
    }

    /** Natural log. CUDA: 1 ulp. */
    public static double log(double x) {
        return StrictMath.log(x);
    }

    /** Base-2 log. CUDA: 1 ulp. */
    public static float log2f(float x) {
        return FloatKernels.log2f(x);
    }

    /** Base-2 log. CUDA: 1 ulp. */
    public static double log2(double x) {
        return ExpLog.log2(x);
    }

    /** Base-10 log. CUDA: 2 ulp. */
    public static float log10f(float x) {
        return (float) StrictMath.log10(x);
    }

    /** Base-10 log. CUDA: 1 ulp. */
    public static double log10(double x) {
        return ExpLog.log10(x);
    }

    /** log(1 + x). CUDA: 1 ulp. */
    public static float log1pf(float x) {
        return (float) StrictMath.log1p(x);
    }

    /** log(1 + x). CUDA: 1 ulp. */
    public static double log1p(double x) {
        return StrictMath.log1p(x);
    }

    /** x^y with C99 special cases (powf(1, NaN) = 1, powf(NaN, 0) = 1, powf(-1, +-inf) = 1). CUDA: 4 ulp. */
    public static float powf(float x, float y) {
        return (float) ExpLog.pow(x, y);
    }

    /** x^y with C99 special cases. CUDA: 2 ulp. */
    public static double pow(double x, double y) {
        return ExpLog.pow(x, y);
    }

    // ---------------------------------------------------------------- trigonometric

    /** Sine (full argument reduction). CUDA: 2 ulp. */
    public static float sinf(float x) {
        return (float) StrictMath.sin(x);
    }

    /** Sine. CUDA: 2 ulp. */
    public static double sin(double x) {
        return StrictMath.sin(x);
    }

    /** Cosine. CUDA: 2 ulp. */
    public static float cosf(float x) {
        return (float) StrictMath.cos(x);
    }

    /** Cosine. CUDA: 2 ulp. */
    public static double cos(double x) {
        return StrictMath.cos(x);
    }

    /** Tangent. CUDA: 4 ulp. */
    public static float tanf(float x) {
        return (float) StrictMath.tan(x);
    }

    /** Tangent. CUDA: 2 ulp. */
    public static double tan(double x) {
        return StrictMath.tan(x);
    }

    /** Arc sine. CUDA: 2 ulp. */
    public static float asinf(float x) {
        return (float) StrictMath.asin(x);
    }

    /** Arc sine. CUDA: 2 ulp. */
    public static double asin(double x) {
        return StrictMath.asin(x);
    }

    /** Arc cosine. CUDA: 2 ulp. */
    public static float acosf(float x) {
        return (float) StrictMath.acos(x);
    }

    /** Arc cosine. CUDA: 2 ulp. */
    public static double acos(double x) {
        return StrictMath.acos(x);
    }

    /** Arc tangent. CUDA: 2 ulp. */
    public static float atanf(float x) {
        return (float) StrictMath.atan(x);
    }

    /** Arc tangent. CUDA: 2 ulp. */
    public static double atan(double x) {
        return StrictMath.atan(x);
    }

    /** Arc tangent of y/x in the right quadrant. CUDA: 3 ulp. */
    public static float atan2f(float y, float x) {
        return (float) StrictMath.atan2(y, x);
    }

    /** Arc tangent of y/x. CUDA: 2 ulp. */
    public static double atan2(double y, double x) {
        return StrictMath.atan2(y, x);
    }

    /** sin(pi x), exact reduction. CUDA: 1 ulp. sinpif(+-0) = +-0, sinpif(n) = +0 for n &gt; 0, -0 for n &lt; 0. */
    public static float sinpif(float x) {
        return FloatKernels.sinpif(x);
    }

    /** sin(pi x). CUDA: 2 ulp. */
    public static double sinpi(double x) {
        return PiTrig.sinpi(x);
    }

    /** cos(pi x). CUDA: 1 ulp. cospif(n + 1/2) = +0. */
    public static float cospif(float x) {
        return FloatKernels.cospif(x);
    }

    /** cos(pi x). CUDA: 2 ulp. */
    public static double cospi(double x) {
        return PiTrig.cospi(x);
    }

    // ---------------------------------------------------------------- hyperbolic

    /** Hyperbolic sine. CUDA: 3 ulp. */
    public static float sinhf(float x) {
        return (float) StrictMath.sinh(x);
    }

    /** Hyperbolic sine. CUDA: 2 ulp. */
    public static double sinh(double x) {
        return Hyperbolic.sinh(x);
    }

    /** Hyperbolic cosine. CUDA: 2 ulp. */
    public static float coshf(float x) {
        return (float) StrictMath.cosh(x);
    }

    /** Hyperbolic cosine. CUDA: 1 ulp. */
    public static double cosh(double x) {
        return Hyperbolic.cosh(x);
    }

    /** Hyperbolic tangent. CUDA: 2 ulp. */
    public static float tanhf(float x) {
        return (float) StrictMath.tanh(x);
    }

    /** Hyperbolic tangent. CUDA: 1 ulp. */
    public static double tanh(double x) {
        return Hyperbolic.tanh(x);
    }

    /** Inverse hyperbolic sine. CUDA: 3 ulp. */
    public static float asinhf(float x) {
        return FloatKernels.asinhf(x);
    }

    /** Inverse hyperbolic sine. CUDA: 3 ulp. */
    public static double asinh(double x) {
        return InverseHyperbolic.asinh(x);
    }

    /** Inverse hyperbolic cosine. CUDA: 4 ulp. acoshf(x &lt; 1) = NaN. */
    public static float acoshf(float x) {
        return FloatKernels.acoshf(x);
    }

    /** Inverse hyperbolic cosine. CUDA: 3 ulp. */
    public static double acosh(double x) {
        return InverseHyperbolic.acosh(x);
    }

    /** Inverse hyperbolic tangent. CUDA: 3 ulp. atanhf(+-1) = +-inf. */
    public static float atanhf(float x) {
        return FloatKernels.atanhf(x);
    }

    /** Inverse hyperbolic tangent. CUDA: 2 ulp. */
    public static double atanh(double x) {
        return InverseHyperbolic.atanh(x);
    }

    // ---------------------------------------------------------------- special functions

    /** Error function. CUDA: 2 ulp. */
    public static float erff(float x) {
        return FloatKernels.erff(x);
    }

    /** Error function. CUDA: 2 ulp. */
    public static double erf(double x) {
        return ErrorFunction.erf(x);
    }

    /** Complementary error function. CUDA: 4 ulp. erfcf(-inf) = 2. */
    public static float erfcf(float x) {
        return FloatKernels.erfcf(x);
    }

    /** Complementary error function. CUDA: 5 ulp. */
    public static double erfc(double x) {
        return ErrorFunction.erfc(x);
    }

    /** sqrt(x^2 + y^2) without undue overflow; hypotf(+-inf, NaN) = +inf. CUDA: 3 ulp. */
    public static float hypotf(float x, float y) {
        return FloatKernels.hypotf(x, y);
    }

    /** sqrt(x^2 + y^2). CUDA: 2 ulp. */
    public static double hypot(double x, double y) {
        return StrictMath.hypot(x, y);
    }

    /** log|Gamma(x)|. CUDA: 6 ulp outside -10.001 ... -2.264, larger inside. lgammaf(0 or negative integer) = +inf. */
    public static float lgammaf(float x) {
        return (float) GammaFunction.lgamma(x);
    }

    /** log|Gamma(x)|. CUDA: 4 ulp outside -23.0001 ... -2.2637, larger inside. */
    public static double lgamma(double x) {
        return GammaFunction.lgamma(x);
    }

    /** Gamma(x). CUDA: 5 ulp. tgammaf(+-0) = +-inf, tgammaf(negative integer) = NaN. */
    public static float tgammaf(float x) {
        return (float) GammaFunction.tgamma(x);
    }

    /** Gamma(x). CUDA: 10 ulp. */
    public static double tgamma(double x) {
        return GammaFunction.tgamma(x);
    }

    // ---------------------------------------------------------------- fast intrinsics (accurate results)

    /** Fast e^x. CUDA: 2 + floor(|1.173 x|) ulp; here the accurate expf. */
    public static float __expf(float x) {
        return expf(x);
    }

    /** Fast 10^x. CUDA: 2 + floor(|2.97 x|) ulp; here the accurate exp10f. */
    public static float __exp10f(float x) {
        return exp10f(x);
    }

    /** Fast log. CUDA: 2^-21.41 absolute in [0.5, 2], else 3 ulp; here the accurate logf. */
    public static float __logf(float x) {
        return logf(x);
    }

    /** Fast log2. CUDA: 2^-22 absolute in [0.5, 2], else 2 ulp; here the accurate log2f. */
    public static float __log2f(float x) {
        return log2f(x);
    }

    /** Fast log10. CUDA: 2^-24 absolute in [0.5, 2], else 3 ulp; here the accurate log10f. */
    public static float __log10f(float x) {
        return log10f(x);
    }

    /** Fast x^y. CUDA: derived from exp2f(y * __log2f(x)); here the accurate powf. */
    public static float __powf(float x, float y) {
        return powf(x, y);
    }

    /** Fast sine. CUDA: 2^-21.41 absolute in [-pi, pi], larger outside; here the accurate sinf. */
    public static float __sinf(float x) {
        return sinf(x);
    }

    /** Fast cosine. CUDA: 2^-21.19 absolute in [-pi, pi], larger outside; here the accurate cosf. */
    public static float __cosf(float x) {
        return cosf(x);
    }

    /** Fast tangent. CUDA: derived from __sinf(x) * (1/__cosf(x)); here the accurate tanf. */
    public static float __tanf(float x) {
        return tanf(x);
    }

    // ---------------------------------------------------------------- integer intrinsics

    /** Bit reversal of a 32-bit integer. */
    public static int __brev(int x) {
        return IntegerIntrinsics.brev(x);
    }

    /** Bit reversal of a 64-bit integer. */
    public static long __brevll(long x) {
        return IntegerIntrinsics.brevll(x);
    }

    /** High 64 bits of the signed 128-bit product. */
    public static long __mul64hi(long x, long y) {
        return IntegerIntrinsics.mul64hi(x, y);
    }

    /** High 64 bits of the unsigned 128-bit product. */
    public static long __umul64hi(long x, long y) {
        return IntegerIntrinsics.umul64hi(x, y);
    }
}
