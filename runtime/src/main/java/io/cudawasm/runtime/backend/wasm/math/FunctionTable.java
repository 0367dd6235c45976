package io.cudawasm.runtime.backend.wasm.math;

import static io.cudawasm.runtime.backend.wasm.math.ValueKind.F32;
import static io.cudawasm.runtime.backend.wasm.math.ValueKind.F64;
import static io.cudawasm.runtime.backend.wasm.math.ValueKind.I32;
import static io.cudawasm.runtime.backend.wasm.math.ValueKind.I64;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * The registry behind {@link DeviceMath#lookup}: each imported name with its signature, a raw-bits adapter around
 * the typed method, and CUDA's documented bound (CUDA C++ Programming Guide, Mathematical Functions appendix, tables
 * of single- and double-precision standard functions and of single-precision intrinsics, CUDA 12).
 */
final class FunctionTable {

    private static final double NO_ULP_BOUND = Double.POSITIVE_INFINITY;
    private static final String F32_VIA_DOUBLE = " Host: computed in double (StrictMath), rounded once to float.";
    private static final String STRICT = " Host: StrictMath (fdlibm, < 1 ulp).";
    private static final String DD =
            " Host: own double-double evaluation, correctly rounded except in rare hard cases.";
    private static final String EXACT = " Host: exact.";
    private static final String ACCURATE_INTRINSIC =
            " Host: returns the accurate function (<= 1 ulp), which meets this.";

    @FunctionalInterface
    interface FloatUnary {
        float apply(float x);
    }

    @FunctionalInterface
    interface FloatBinary {
        float apply(float x, float y);
    }

    @FunctionalInterface
    interface FloatTernary {
        float apply(float x, float y, float z);
    }

    @FunctionalInterface
    interface FloatInt {
        float apply(float x, int n);
    }

    @FunctionalInterface
    interface DoubleTernary {
        double apply(double x, double y, double z);
    }

    @FunctionalInterface
    interface DoubleInt {
        double apply(double x, int n);
    }

    @FunctionalInterface
    interface IntUnary {
        int apply(int x);
    }

    private final Map<String, MathFunction> functions = new LinkedHashMap<>();

    private FunctionTable() {
    }

    static Map<String, MathFunction> build() {
        FunctionTable t = new FunctionTable();
        t.roots();
        t.exact();
        t.exponentials();
        t.logarithms();
        t.trigonometric();
        t.hyperbolic();
        t.special();
        t.intrinsics();
        t.integers();
        return Collections.unmodifiableMap(t.functions);
    }

    private void roots() {
        d1("rsqrt", DeviceMath::rsqrt, 1, "CUDA: 1 ulp (full range)." + " Host: 1/sqrt corrected by one residual step"
                + " with exact products; correctly rounded except in rare hard cases.");
        f1("cbrtf", DeviceMath::cbrtf, 1, "CUDA: 1 ulp (full range)." + F32_VIA_DOUBLE);
        d1("cbrt", DeviceMath::cbrt, 1, "CUDA: 1 ulp (full range)." + STRICT);
        f1("rcbrtf", DeviceMath::rcbrtf, 1, "CUDA: 1 ulp (full range)." + " Host: 1/cbrt in double, rounded to float.");
        d1("rcbrt", DeviceMath::rcbrt, 1, "CUDA: 1 ulp (full range)." + " Host: 1/cbrt corrected by one residual step"
                + " with exact products; correctly rounded except in rare hard cases.");
    }

    private void exact() {
        f2("fdimf", DeviceMath::fdimf, 0, "CUDA: 0 ulp (full range)." + EXACT);
        d2("fdim", DeviceMath::fdim, 0, "CUDA: 0 ulp (full range)." + EXACT);
        f3("fmaf", DeviceMath::fmaf, 0, "CUDA: 0 ulp (IEEE-754 round-to-nearest-even)."
                + " Host: exact double product, sum rounded to odd in double, then rounded to float"
                + " (one correct rounding).");
        d3("fma", DeviceMath::fma, 0, "CUDA: 0 ulp (IEEE-754 round-to-nearest-even)."
                + " Host: Math.fma (correctly rounded).");
        f2("fmodf", DeviceMath::fmodf, 0, "CUDA: 0 ulp (full range). Host: Java % (exact truncated remainder).");
        d2("fmod", DeviceMath::fmod, 0, "CUDA: 0 ulp (full range). Host: Java % (exact truncated remainder).");
        f2("remainderf", DeviceMath::remainderf, 0,
                "CUDA: 0 ulp (full range). Host: StrictMath.IEEEremainder (exact).");
        d2("remainder", DeviceMath::remainder, 0, "CUDA: 0 ulp (full range). Host: StrictMath.IEEEremainder (exact).");
        fi("ldexpf", DeviceMath::ldexpf, 0, "CUDA: 0 ulp (full range). Host: Math.scalb (one rounding).");
        di("ldexp", DeviceMath::ldexp, 0, "CUDA: 0 ulp (full range). Host: Math.scalb (one rounding).");
        fi("scalbnf", DeviceMath::scalbnf, 0, "CUDA: 0 ulp (full range). Host: Math.scalb (one rounding).");
        di("scalbn", DeviceMath::scalbn, 0, "CUDA: 0 ulp (full range). Host: Math.scalb (one rounding).");
        f1("logbf", DeviceMath::logbf, 0, "CUDA: 0 ulp (full range)." + EXACT);
        d1("logb", DeviceMath::logb, 0, "CUDA: 0 ulp (full range)." + EXACT);
    }

    private void exponentials() {
        f1("expf", DeviceMath::expf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("exp", DeviceMath::exp, 1, "CUDA: 1 ulp (full range)." + STRICT);
        f1("exp2f", DeviceMath::exp2f, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("exp2", DeviceMath::exp2, 1, "CUDA: 1 ulp (full range)." + DD);
        f1("exp10f", DeviceMath::exp10f, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("exp10", DeviceMath::exp10, 1, "CUDA: 1 ulp (full range)." + DD);
        f1("expm1f", DeviceMath::expm1f, 1, "CUDA: 1 ulp (full range)." + F32_VIA_DOUBLE);
        d1("expm1", DeviceMath::expm1, 1, "CUDA: 1 ulp (full range)." + STRICT);
    }

    private void logarithms() {
        f1("logf", DeviceMath::logf, 1, "CUDA: 1 ulp (full range)." + F32_VIA_DOUBLE);
        d1("log", DeviceMath::log, 1, "CUDA: 1 ulp (full range)." + STRICT);
        f1("log2f", DeviceMath::log2f, 1, "CUDA: 1 ulp (full range)." + F32_VIA_DOUBLE);
        d1("log2", DeviceMath::log2, 1, "CUDA: 1 ulp (full range)." + DD);
        f1("log10f", DeviceMath::log10f, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("log10", DeviceMath::log10, 1, "CUDA: 1 ulp (full range)." + DD
                + " (StrictMath.log10 rounds twice and reaches 2 ulp.)");
        f1("log1pf", DeviceMath::log1pf, 1, "CUDA: 1 ulp (full range)." + F32_VIA_DOUBLE);
        d1("log1p", DeviceMath::log1p, 1, "CUDA: 1 ulp (full range)." + STRICT);
        f2("powf", DeviceMath::powf, 4, "CUDA: 4 ulp (full range)." + F32_VIA_DOUBLE + " C99 special cases.");
        d2("pow", DeviceMath::pow, 2, "CUDA: 2 ulp (full range)." + STRICT + " C99 special cases.");
    }

    private void trigonometric() {
        f1("sinf", DeviceMath::sinf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("sin", DeviceMath::sin, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f1("cosf", DeviceMath::cosf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("cos", DeviceMath::cos, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f1("tanf", DeviceMath::tanf, 4, "CUDA: 4 ulp (full range)." + F32_VIA_DOUBLE);
        d1("tan", DeviceMath::tan, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f1("asinf", DeviceMath::asinf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("asin", DeviceMath::asin, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f1("acosf", DeviceMath::acosf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("acos", DeviceMath::acos, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f1("atanf", DeviceMath::atanf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("atan", DeviceMath::atan, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f2("atan2f", DeviceMath::atan2f, 3, "CUDA: 3 ulp (full range)." + F32_VIA_DOUBLE);
        d2("atan2", DeviceMath::atan2, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f1("sinpif", DeviceMath::sinpif, 1, "CUDA: 1 ulp (full range)."
                + " Host: exact reduction modulo 2, then StrictMath sin/cos of pi*r in double, rounded to float.");
        d1("sinpi", DeviceMath::sinpi, 2, "CUDA: 2 ulp (full range)." + " Host: exact reduction modulo 2, then"
                + " double-double sin/cos series; correctly rounded except in rare hard cases.");
        f1("cospif", DeviceMath::cospif, 1, "CUDA: 1 ulp (full range)."
                + " Host: exact reduction modulo 2, then StrictMath sin/cos of pi*r in double, rounded to float.");
        d1("cospi", DeviceMath::cospi, 2, "CUDA: 2 ulp (full range)." + " Host: exact reduction modulo 2, then"
                + " double-double sin/cos series; correctly rounded except in rare hard cases.");
    }

    private void hyperbolic() {
        f1("sinhf", DeviceMath::sinhf, 3, "CUDA: 3 ulp (full range)." + F32_VIA_DOUBLE);
        d1("sinh", DeviceMath::sinh, 2, "CUDA: 2 ulp (full range)." + DD);
        f1("coshf", DeviceMath::coshf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("cosh", DeviceMath::cosh, 1, "CUDA: 1 ulp (full range)." + DD);
        f1("tanhf", DeviceMath::tanhf, 2, "CUDA: 2 ulp (full range)." + F32_VIA_DOUBLE);
        d1("tanh", DeviceMath::tanh, 1, "CUDA: 1 ulp (full range)." + DD);
        f1("asinhf", DeviceMath::asinhf, 3, "CUDA: 3 ulp (full range)."
                + " Host: log1p(|x| + x^2/(1 + sqrt(1 + x^2))) in double, rounded to float.");
        d1("asinh", DeviceMath::asinh, 3, "CUDA: 3 ulp (full range)." + DD);
        f1("acoshf", DeviceMath::acoshf, 4, "CUDA: 4 ulp (full range)."
                + " Host: log1p((x-1) + sqrt((x-1)(x+1))) in double, rounded to float.");
        d1("acosh", DeviceMath::acosh, 3, "CUDA: 3 ulp (full range)." + DD);
        f1("atanhf", DeviceMath::atanhf, 3, "CUDA: 3 ulp (full range)."
                + " Host: log1p(2|x|/(1-|x|))/2 in double, rounded to float.");
        d1("atanh", DeviceMath::atanh, 2, "CUDA: 2 ulp (full range)." + DD);
    }

    private void special() {
        f1("erff", DeviceMath::erff, 2, "CUDA: 2 ulp (full range)."
                + " Host: series / continued fraction in double, rounded to float.");
        d1("erf", DeviceMath::erf, 2, "CUDA: 2 ulp (full range)." + DD);
        f1("erfcf", DeviceMath::erfcf, 4, "CUDA: 4 ulp (full range)."
                + " Host: series / continued fraction in double, rounded to float.");
        d1("erfc", DeviceMath::erfc, 5, "CUDA: 5 ulp (full range)." + DD);
        f2("hypotf", DeviceMath::hypotf, 3, "CUDA: 3 ulp (full range). Host: sqrt of the exact double squares.");
        d2("hypot", DeviceMath::hypot, 2, "CUDA: 2 ulp (full range)." + STRICT);
        f1("lgammaf", DeviceMath::lgammaf, 6, "CUDA: 6 ulp outside the interval -10.001 ... -2.264, larger inside."
                + " Host: double lgamma (double-double), rounded to float; within 1 ulp inside the interval too.");
        d1("lgamma", DeviceMath::lgamma, 4, "CUDA: 4 ulp outside the interval -23.0001 ... -2.2637, larger inside."
                + " Host: double-double series/Stirling/reflection, correctly rounded except in rare hard cases;"
                + " inside the interval, next to the zeros of lgamma, within 4 ulp or 2^-96 absolute.");
        f1("tgammaf", DeviceMath::tgammaf, 5, "CUDA: 5 ulp (full range)."
                + " Host: double tgamma (double-double), rounded to float.");
        d1("tgamma", DeviceMath::tgamma, 10, "CUDA: 10 ulp (full range)."
                + " Host: exp of the double-double log|Gamma|, signed by reflection.");
    }

    private void intrinsics() {
        f1("__expf", DeviceMath::__expf, 2, "CUDA: 2 + floor(abs(1.173 * x)) ulp (ulpBound holds the x = 0 value)."
                + ACCURATE_INTRINSIC);
        f1("__exp10f", DeviceMath::__exp10f, 2, "CUDA: 2 + floor(abs(2.97 * x)) ulp (ulpBound holds the x = 0"
                + " value)." + ACCURATE_INTRINSIC);
        f1("__logf", DeviceMath::__logf, 3, "CUDA: for x in [0.5, 2] max absolute error 2^-21.41, otherwise 3 ulp."
                + ACCURATE_INTRINSIC);
        f1("__log2f", DeviceMath::__log2f, 2, "CUDA: for x in [0.5, 2] max absolute error 2^-22, otherwise 2 ulp."
                + ACCURATE_INTRINSIC);
        f1("__log10f", DeviceMath::__log10f, 3, "CUDA: for x in [0.5, 2] max absolute error 2^-24, otherwise 3 ulp."
                + ACCURATE_INTRINSIC);
        f2("__powf", DeviceMath::__powf, NO_ULP_BOUND, "CUDA: derived from its implementation as"
                + " exp2f(y * __log2f(x)); no ulp bound stated. Host: returns the accurate powf (<= 1 ulp).");
        f1("__sinf", DeviceMath::__sinf, NO_ULP_BOUND, "CUDA: for x in [-pi, pi] max absolute error 2^-21.41,"
                + " larger otherwise; no ulp bound stated. Host: returns the accurate sinf (<= 1 ulp).");
        f1("__cosf", DeviceMath::__cosf, NO_ULP_BOUND, "CUDA: for x in [-pi, pi] max absolute error 2^-21.19,"
                + " larger otherwise; no ulp bound stated. Host: returns the accurate cosf (<= 1 ulp).");
        f1("__tanf", DeviceMath::__tanf, NO_ULP_BOUND, "CUDA: derived from its implementation as"
                + " __sinf(x) * (1/__cosf(x)); no ulp bound stated. Host: returns the accurate tanf (<= 1 ulp).");
    }

    private void integers() {
        IntUnary brev = DeviceMath::__brev;
        put("__brev", List.of(I32), I32, args -> brev.apply((int) args[0]), 0, "Exact: 32-bit bit reversal.");
        LongUnaryOperator brevll = DeviceMath::__brevll;
        put("__brevll", List.of(I64), I64, args -> brevll.applyAsLong(args[0]), 0, "Exact: 64-bit bit reversal.");
        LongBinaryOperator mulhi = DeviceMath::__mul64hi;
        put("__mul64hi", List.of(I64, I64), I64, args -> mulhi.applyAsLong(args[0], args[1]), 0,
                "Exact: high 64 bits of the signed 128-bit product.");
        LongBinaryOperator umulhi = DeviceMath::__umul64hi;
        put("__umul64hi", List.of(I64, I64), I64, args -> umulhi.applyAsLong(args[0], args[1]), 0,
                "Exact: high 64 bits of the unsigned 128-bit product.");
    }

    // ---------------------------------------------------------------- raw-bits adapters

    private static float f(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    private static long bits(float x) {
        return Float.floatToRawIntBits(x); // sign-extended, as Chicory's Value.floatToLong
    }

    private static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    private static long bits(double x) {
        return Double.doubleToRawLongBits(x);
    }

    private void f1(String name, FloatUnary op, double bound, String note) {
        put(name, List.of(F32), F32, a -> bits(op.apply(f(a[0]))), bound, note);
    }

    private void f2(String name, FloatBinary op, double bound, String note) {
        put(name, List.of(F32, F32), F32, a -> bits(op.apply(f(a[0]), f(a[1]))), bound, note);
    }

    private void f3(String name, FloatTernary op, double bound, String note) {
        put(name, List.of(F32, F32, F32), F32, a -> bits(op.apply(f(a[0]), f(a[1]), f(a[2]))), bound, note);
    }

    private void fi(String name, FloatInt op, double bound, String note) {
        put(name, List.of(F32, I32), F32, a -> bits(op.apply(f(a[0]), (int) a[1])), bound, note);
    }

    private void d1(String name, DoubleUnaryOperator op, double bound, String note) {
        put(name, List.of(F64), F64, a -> bits(op.applyAsDouble(d(a[0]))), bound, note);
    }

    private void d2(String name, DoubleBinaryOperator op, double bound, String note) {
        put(name, List.of(F64, F64), F64, a -> bits(op.applyAsDouble(d(a[0]), d(a[1]))), bound, note);
    }

    private void d3(String name, DoubleTernary op, double bound, String note) {
        put(name, List.of(F64, F64, F64), F64, a -> bits(op.apply(d(a[0]), d(a[1]), d(a[2]))), bound, note);
    }

    private void di(String name, DoubleInt op, double bound, String note) {
        put(name, List.of(F64, I32), F64, a -> bits(op.apply(d(a[0]), (int) a[1])), bound, note);
    }

    private void put(String name, List<ValueKind> params, ValueKind result, RawHandle handle, double bound,
                     String note) {
        MathFunction previous = functions.put(name, new MathFunction(name, params, result, handle, bound, note));
        if (previous != null) {
            throw new IllegalStateException("duplicate math function " + name);
        }
    }
}
