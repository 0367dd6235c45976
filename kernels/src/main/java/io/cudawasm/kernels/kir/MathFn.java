package io.cudawasm.kernels.kir;

/**
 * CUDA math library functions. Each exists in float and double precision (decided by the call's
 * type); the FAST_ ones are the {@code __expf}-style intrinsics with their larger error bounds.
 * The bound each back end must meet is documented in MathBounds (and tested).
 */
public enum MathFn {
    SQRT(1), RSQRT(1), CBRT(1), RCBRT(1), FABS(1), FMIN(2), FMAX(2), FLOOR(1), CEIL(1), TRUNC(1), ROUND(1),
    RINT(1), NEARBYINT(1), COPYSIGN(2), FDIM(2), FMA(3), FMOD(2), REMAINDER(2),
    EXP(1), EXP2(1), EXP10(1), EXPM1(1), LOG(1), LOG2(1), LOG10(1), LOG1P(1), POW(2),
    SIN(1), COS(1), TAN(1), ASIN(1), ACOS(1), ATAN(1), ATAN2(2), SINH(1), COSH(1), TANH(1),
    ASINH(1), ACOSH(1), ATANH(1), SINPI(1), COSPI(1), ERF(1), ERFC(1), HYPOT(2), LGAMMA(1), TGAMMA(1),
    LDEXP(2), SCALBN(2), LOGB(1), ILOGB(1),
    /** __saturatef: clamp to [0, 1], NaN to 0. */
    SATURATE(1),
    FAST_EXP(1), FAST_EXP10(1), FAST_LOG(1), FAST_LOG2(1), FAST_LOG10(1), FAST_POW(2), FAST_SIN(1),
    FAST_COS(1), FAST_TAN(1), FAST_DIVIDE(2);

    private final int arity;

    MathFn(int arity) {
        this.arity = arity;
    }

    public int arity() {
        return arity;
    }

    /** The import name on the Wasm path, e.g. {@code expf} / {@code exp}. */
    public String cName(boolean single) {
        String base = switch (this) {
            case FAST_EXP -> "__exp";
            case FAST_EXP10 -> "__exp10";
            case FAST_LOG -> "__log";
            case FAST_LOG2 -> "__log2";
            case FAST_LOG10 -> "__log10";
            case FAST_POW -> "__pow";
            case FAST_SIN -> "__sin";
            case FAST_COS -> "__cos";
            case FAST_TAN -> "__tan";
            case FAST_DIVIDE -> "__fdivide";
            case SATURATE -> "__saturate";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
        return single ? base + "f" : base;
    }
}
