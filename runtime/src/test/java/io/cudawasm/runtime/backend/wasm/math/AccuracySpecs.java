package io.cudawasm.runtime.backend.wasm.math;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;

/** The accuracy checks, one per host function, with the input domains that exercise each. */
final class AccuracySpecs {

    private static final double INF = Double.POSITIVE_INFINITY;

    private AccuracySpecs() {
    }

    // ---------------------------------------------------------------- samplers

    private static ToDoubleFunction<SplittableRandom> fExp(int lo, int hi) {
        return r -> Inputs.randomFloat(r, lo, hi, false);
    }

    private static ToDoubleFunction<SplittableRandom> fExpPos(int lo, int hi) {
        return r -> Inputs.randomFloat(r, lo, hi, true);
    }

    private static ToDoubleFunction<SplittableRandom> fUni(double lo, double hi) {
        return r -> Inputs.uniformFloat(r, lo, hi);
    }

    private static ToDoubleFunction<SplittableRandom> dExp(int lo, int hi) {
        return r -> Inputs.randomDouble(r, lo, hi, false);
    }

    private static ToDoubleFunction<SplittableRandom> dExpPos(int lo, int hi) {
        return r -> Inputs.randomDouble(r, lo, hi, true);
    }

    private static ToDoubleFunction<SplittableRandom> dUni(double lo, double hi) {
        return r -> Inputs.uniformDouble(r, lo, hi);
    }

    /** Values next to the integers and half-integers in [-n, n] (poles, zeros, period points). */
    private static ToDoubleFunction<SplittableRandom> nearHalfIntegers(int n, boolean isFloat) {
        return r -> {
            double k = r.nextInt(-2 * n, 2 * n + 1) * 0.5;
            int steps = r.nextInt(-3, 4);
            double v = k;
            for (int i = 0; i < Math.abs(steps); i++) {
                v = isFloat ? (steps > 0 ? Math.nextUp((float) v) : Math.nextDown((float) v))
                        : (steps > 0 ? Math.nextUp(v) : Math.nextDown(v));
            }
            return v;
        };
    }

    @SafeVarargs
    private static AccuracySpec.Generator unary(boolean isFloat, DoublePredicate domain,
                                                ToDoubleFunction<SplittableRandom>... samplers) {
        return (rnd, samples) -> {
            List<double[]> out = new ArrayList<>();
            for (double e : isFloat ? Inputs.floatEdges() : Inputs.doubleEdges()) {
                if (domain.test(e)) {
                    out.add(new double[] {e});
                }
            }
            int per = Math.max(1, samples / samplers.length);
            for (ToDoubleFunction<SplittableRandom> s : samplers) {
                int added = 0;
                for (int tries = 0; added < per && tries < per * 20; tries++) {
                    double v = s.applyAsDouble(rnd);
                    if (domain.test(v)) {
                        out.add(new double[] {v});
                        added++;
                    }
                }
            }
            return out;
        };
    }

    /** Pairs (x, y) drawn from the two samplers, plus the cross product of a few edge values. */
    private static AccuracySpec.Generator binary(boolean isFloat, ToDoubleFunction<SplittableRandom> xs,
                                                 ToDoubleFunction<SplittableRandom> ys,
                                                 BiPredicate<Double, Double> domain) {
        return (rnd, samples) -> {
            List<double[]> out = new ArrayList<>();
            List<Double> edges = isFloat ? Inputs.floatEdges() : Inputs.doubleEdges();
            for (int i = 0; i < edges.size(); i += 5) {
                for (int j = 1; j < edges.size(); j += 5) {
                    if (domain.test(edges.get(i), edges.get(j))) {
                        out.add(new double[] {edges.get(i), edges.get(j)});
                    }
                }
            }
            int added = 0;
            for (int tries = 0; added < samples && tries < samples * 20; tries++) {
                double x = xs.applyAsDouble(rnd);
                double y = ys.applyAsDouble(rnd);
                if (domain.test(x, y)) {
                    out.add(new double[] {x, y});
                    added++;
                }
            }
            return out;
        };
    }

    private static AccuracySpec spec(String name, BiFunction<BigRef, BigDecimal, BigDecimal> ref,
                                     AccuracySpec.Generator gen) {
        return new AccuracySpec(name, (r, a) -> ref.apply(r, a[0]), gen, INF, 1);
    }

    private static AccuracySpec spec(String name, BiFunction<BigRef, BigDecimal, BigDecimal> ref,
                                     AccuracySpec.Generator gen, double claimed, int weight) {
        return new AccuracySpec(name, (r, a) -> ref.apply(r, a[0]), gen, claimed, weight);
    }

    private static AccuracySpec spec2(String name, AccuracySpec.Reference ref, AccuracySpec.Generator gen, int weight) {
        return new AccuracySpec(name, ref, gen, INF, weight);
    }

    // ---------------------------------------------------------------- exact references

    static BigDecimal fdimRef(BigDecimal[] a) {
        return a[0].compareTo(a[1]) > 0 ? a[0].subtract(a[1]) : BigDecimal.ZERO;
    }

    static BigDecimal fmodRef(BigDecimal[] a) {
        BigDecimal q = a[0].divideToIntegralValue(a[1]);
        return a[0].subtract(q.multiply(a[1]));
    }

    static BigDecimal remainderRef(BigDecimal[] a) {
        BigDecimal x = a[0];
        BigDecimal y = a[1];
        BigDecimal q = x.divideToIntegralValue(y);
        BigDecimal r = x.subtract(q.multiply(y));
        int cmp = r.abs().multiply(BigRef.TWO).compareTo(y.abs());
        boolean odd = q.toBigInteger().testBit(0);
        if (cmp > 0 || (cmp == 0 && odd)) {
            // step the quotient one further away from zero, in the direction of x / y
            BigDecimal step = BigDecimal.valueOf(x.signum() * y.signum());
            q = q.add(step);
            r = x.subtract(q.multiply(y));
        }
        return r;
    }

    static BigDecimal ldexpRef(BigDecimal[] a) {
        int n = a[1].intValueExact();
        if (a[0].signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (n > 2200) {
            return BigRef.HUGE.multiply(BigDecimal.valueOf(a[0].signum()));
        }
        if (n < -2200) {
            return BigRef.TINY.multiply(BigDecimal.valueOf(a[0].signum()));
        }
        return a[0].multiply(BigRef.pow2(n));
    }

    static BigDecimal logbRef(BigDecimal x) {
        return BigDecimal.valueOf(BigRef.floorLog2(x));
    }

    private static BigDecimal recip(BigDecimal v) {
        return BigDecimal.ONE.divide(v, BigRef.work(55));
    }

    private static boolean notInteger(double x) {
        return x != Math.rint(x);
    }

    /** True inside the interval where CUDA documents no lgamma bound (float or double version). */
    static boolean insideLgammaGap(double x, boolean isFloat) {
        return isFloat ? (x > -10.001 && x < -2.264) : (x > -23.0001 && x < -2.2637);
    }

    // ---------------------------------------------------------------- the list

    static List<AccuracySpec> all() {
        List<AccuracySpec> s = new ArrayList<>();
        DoublePredicate any = x -> true;
        DoublePredicate nonzero = x -> x != 0.0;
        DoublePredicate positive = x -> x > 0.0;
        DoublePredicate unit = x -> Math.abs(x) <= 1.0;
        DoublePredicate openUnit = x -> Math.abs(x) < 1.0;

        // roots
        s.add(spec("rsqrt", (r, x) -> recip(r.sqrt(x)), unary(false, positive, dExpPos(-1074, 1023), dUni(0, 4))));
        s.add(spec("cbrtf", BigRef::cbrt, unary(true, any, fExp(-149, 127), fUni(-10, 10)))
                .withFast1(StrictMath::cbrt));
        s.add(spec("cbrt", BigRef::cbrt, unary(false, any, dExp(-1074, 1023), dUni(-10, 10))));
        s.add(spec("rcbrtf", (r, x) -> recip(r.cbrt(x)), unary(true, nonzero, fExp(-149, 127), fUni(-10, 10)))
                .withFast1(x -> 1.0 / StrictMath.cbrt(x)));
        s.add(spec("rcbrt", (r, x) -> recip(r.cbrt(x)), unary(false, nonzero, dExp(-1074, 1023), dUni(-10, 10))));

        // exact operations
        s.add(spec2("fdimf", (r, a) -> fdimRef(a), binary(true, fExp(-149, 127), fExp(-149, 127), (x, y) -> true), 1));
        s.add(spec2("fdim", (r, a) -> fdimRef(a), binary(false, dExp(-1074, 1023), dExp(-1074, 1023),
                (x, y) -> true), 1));
        s.add(spec2("fmaf", (r, a) -> a[0].multiply(a[1]).add(a[2]), fmaInputs(true), 1));
        s.add(spec2("fma", (r, a) -> a[0].multiply(a[1]).add(a[2]), fmaInputs(false), 1));
        s.add(spec2("fmodf", (r, a) -> fmodRef(a), binary(true, fExp(-149, 127), fExp(-149, 127),
                (x, y) -> y != 0.0), 1));
        s.add(spec2("fmod", (r, a) -> fmodRef(a), binary(false, dExp(-1074, 1023), dExp(-1074, 1023),
                (x, y) -> y != 0.0 && Math.getExponent(x) - Math.getExponent(y) < 1500), 1));
        s.add(spec2("remainderf", (r, a) -> remainderRef(a), binary(true, fExp(-149, 127), fExp(-149, 127),
                (x, y) -> y != 0.0), 1));
        s.add(spec2("remainder", (r, a) -> remainderRef(a), binary(false, dExp(-1074, 1023), dExp(-1074, 1023),
                (x, y) -> y != 0.0 && Math.getExponent(x) - Math.getExponent(y) < 1500), 1));
        s.add(spec2("ldexpf", (r, a) -> ldexpRef(a), ldexpInputs(true), 1));
        s.add(spec2("ldexp", (r, a) -> ldexpRef(a), ldexpInputs(false), 1));
        s.add(spec2("scalbnf", (r, a) -> ldexpRef(a), ldexpInputs(true), 1));
        s.add(spec2("scalbn", (r, a) -> ldexpRef(a), ldexpInputs(false), 1));
        s.add(spec("logbf", (r, x) -> logbRef(x), unary(true, nonzero, fExp(-149, 127))));
        s.add(spec("logb", (r, x) -> logbRef(x), unary(false, nonzero, dExp(-1074, 1023))));

        // exponentials
        for (String n : new String[] {"expf", "__expf"}) {
            s.add(spec(n, BigRef::exp, unary(true, any, fUni(-104, 89), fUni(-2, 2), fExp(-149, 7)), 1, 1)
                    .withFast1(StrictMath::exp));
        }
        s.add(spec("exp", BigRef::exp, unary(false, any, dUni(-746, 710), dUni(-2, 2), dExp(-1074, 10))));
        s.add(spec("exp2f", BigRef::exp2, unary(true, any, fUni(-151, 129), fUni(-2, 2), fExp(-149, 8)))
                .withFast1(DeviceMath::exp2));
        s.add(spec("exp2", BigRef::exp2, unary(false, any, dUni(-1076, 1025), dUni(-2, 2), dExp(-1074, 11))));
        for (String n : new String[] {"exp10f", "__exp10f"}) {
            s.add(spec(n, BigRef::exp10, unary(true, any, fUni(-46, 39), fUni(-2, 2), fExp(-149, 6)), 1, 1)
                    .withFast1(DeviceMath::exp10));
        }
        s.add(spec("exp10", BigRef::exp10, unary(false, any, dUni(-324, 309), dUni(-2, 2), dExp(-1074, 9))));
        s.add(spec("expm1f", BigRef::expm1, unary(true, any, fUni(-20, 89), fUni(-1, 1), fExp(-149, 7)))
                .withFast1(StrictMath::expm1));
        s.add(spec("expm1", BigRef::expm1, unary(false, any, dUni(-40, 710), dUni(-1, 1), dExp(-1074, 10))));

        // logarithms
        DoublePredicate aboveMinusOne = x -> x > -1.0;
        for (String n : new String[] {"logf", "__logf"}) {
            s.add(spec(n, BigRef::log, unary(true, positive, fExpPos(-149, 127), fUni(0.5, 2)), 1, 1)
                    .withFast1(StrictMath::log));
        }
        s.add(spec("log", BigRef::log, unary(false, positive, dExpPos(-1074, 1023), dUni(0.5, 2))));
        for (String n : new String[] {"log2f", "__log2f"}) {
            s.add(spec(n, BigRef::log2, unary(true, positive, fExpPos(-149, 127), fUni(0.5, 2)), 1, 1)
                    .withFast1(DeviceMath::log2));
        }
        s.add(spec("log2", BigRef::log2, unary(false, positive, dExpPos(-1074, 1023), dUni(0.5, 2))));
        for (String n : new String[] {"log10f", "__log10f"}) {
            s.add(spec(n, BigRef::log10, unary(true, positive, fExpPos(-149, 127), fUni(0.5, 2)), 1, 1)
                    .withFast1(DeviceMath::log10));
        }
        s.add(spec("log10", BigRef::log10, unary(false, positive, dExpPos(-1074, 1023), dUni(0.5, 2))));
        s.add(spec("log1pf", BigRef::log1p, unary(true, aboveMinusOne, fExp(-149, 127), fUni(-1, 1)))
                .withFast1(StrictMath::log1p));
        s.add(spec("log1p", BigRef::log1p, unary(false, aboveMinusOne, dExp(-1074, 1023), dUni(-1, 1))));
        for (String n : new String[] {"powf", "__powf"}) {
            s.add(new AccuracySpec(n, (r, a) -> r.pow(a[0], a[1]), powInputs(true), 1, 2)
                    .withFast(a -> DeviceMath.pow(a[0], a[1])));
        }
        s.add(new AccuracySpec("pow", (r, a) -> r.pow(a[0], a[1]), powInputs(false), INF, 2));

        // trigonometric
        for (String n : new String[] {"sinf", "__sinf"}) {
            s.add(spec(n, BigRef::sin, unary(true, any, fExp(-149, 127), fUni(-10, 10), fUni(-4e4, 4e4)), 1, 1)
                    .withFast1(StrictMath::sin));
        }
        s.add(spec("sin", BigRef::sin, unary(false, any, dExp(-1074, 1023), dUni(-10, 10), dUni(-1e6, 1e6))));
        for (String n : new String[] {"cosf", "__cosf"}) {
            s.add(spec(n, BigRef::cos, unary(true, any, fExp(-149, 127), fUni(-10, 10), fUni(-4e4, 4e4)), 1, 1)
                    .withFast1(StrictMath::cos));
        }
        s.add(spec("cos", BigRef::cos, unary(false, any, dExp(-1074, 1023), dUni(-10, 10), dUni(-1e6, 1e6))));
        for (String n : new String[] {"tanf", "__tanf"}) {
            s.add(spec(n, BigRef::tan, unary(true, any, fExp(-149, 127), fUni(-10, 10), fUni(-4e4, 4e4)), 1, 1)
                    .withFast1(StrictMath::tan));
        }
        s.add(spec("tan", BigRef::tan, unary(false, any, dExp(-1074, 1023), dUni(-10, 10), dUni(-1e6, 1e6))));
        s.add(spec("asinf", BigRef::asin, unary(true, unit, fExp(-149, 0), fUni(-1, 1))).withFast1(StrictMath::asin));
        s.add(spec("asin", BigRef::asin, unary(false, unit, dExp(-1074, 0), dUni(-1, 1))));
        s.add(spec("acosf", BigRef::acos, unary(true, unit, fExp(-149, 0), fUni(-1, 1))).withFast1(StrictMath::acos));
        s.add(spec("acos", BigRef::acos, unary(false, unit, dExp(-1074, 0), dUni(-1, 1))));
        s.add(spec("atanf", BigRef::atan, unary(true, any, fExp(-149, 127), fUni(-4, 4))).withFast1(StrictMath::atan));
        s.add(spec("atan", BigRef::atan, unary(false, any, dExp(-1074, 1023), dUni(-4, 4))));
        s.add(spec2("atan2f", (r, a) -> r.atan2(a[0], a[1]), binary(true, fExp(-149, 127), fExp(-149, 127),
                (y, x) -> y != 0.0), 1).withFast(a -> StrictMath.atan2(a[0], a[1])));
        s.add(spec2("atan2", (r, a) -> r.atan2(a[0], a[1]), binary(false, dExp(-1074, 1023), dExp(-1074, 1023),
                (y, x) -> y != 0.0), 1));
        s.add(spec("sinpif", (r, x) -> r.sinCosPi(x, 0), unary(true, any, fExp(-149, 127), fUni(-4, 4),
                nearHalfIntegers(8, true))).withFast1(DeviceMath::sinpi));
        s.add(spec("sinpi", (r, x) -> r.sinCosPi(x, 0), unary(false, any, dExp(-1074, 1023), dUni(-4, 4),
                nearHalfIntegers(8, false)), 1, 1));
        s.add(spec("cospif", (r, x) -> r.sinCosPi(x, 1), unary(true, any, fExp(-149, 127), fUni(-4, 4),
                nearHalfIntegers(8, true))).withFast1(DeviceMath::cospi));
        s.add(spec("cospi", (r, x) -> r.sinCosPi(x, 1), unary(false, any, dExp(-1074, 1023), dUni(-4, 4),
                nearHalfIntegers(8, false)), 1, 1));

        // hyperbolic
        s.add(spec("sinhf", BigRef::sinh, unary(true, any, fUni(-90, 90), fExp(-149, 7))).withFast1(StrictMath::sinh));
        s.add(spec("sinh", BigRef::sinh, unary(false, any, dUni(-711, 711), dExp(-1074, 10))));
        s.add(spec("coshf", BigRef::cosh, unary(true, any, fUni(-90, 90), fExp(-149, 7))).withFast1(StrictMath::cosh));
        s.add(spec("cosh", BigRef::cosh, unary(false, any, dUni(-711, 711), dExp(-1074, 10))));
        s.add(spec("tanhf", BigRef::tanh, unary(true, any, fUni(-10, 10), fExp(-149, 127)))
                .withFast1(StrictMath::tanh));
        s.add(spec("tanh", BigRef::tanh, unary(false, any, dUni(-20, 20), dExp(-1074, 1023))));
        s.add(spec("asinhf", BigRef::asinh, unary(true, any, fExp(-149, 127), fUni(-4, 4)))
                .withFast1(DeviceMath::asinh));
        s.add(spec("asinh", BigRef::asinh, unary(false, any, dExp(-1074, 1023), dUni(-4, 4))));
        DoublePredicate atLeastOne = x -> x >= 1.0;
        s.add(spec("acoshf", BigRef::acosh, unary(true, atLeastOne, fExpPos(0, 127), fUni(1, 3)))
                .withFast1(DeviceMath::acosh));
        s.add(spec("acosh", BigRef::acosh, unary(false, atLeastOne, dExpPos(0, 1023), dUni(1, 3),
                r -> 1.0 + Inputs.randomDouble(r, -52, -1, true))));
        s.add(spec("atanhf", BigRef::atanh, unary(true, openUnit, fExp(-149, -1), fUni(-1, 1)))
                .withFast1(DeviceMath::atanh));
        s.add(spec("atanh", BigRef::atanh, unary(false, openUnit, dExp(-1074, -1), dUni(-1, 1),
                r -> 1.0 - Inputs.randomDouble(r, -53, -2, true))));

        // special functions
        s.add(spec("erff", BigRef::erf, unary(true, any, fUni(-5, 5), fExp(-149, 4))).withFast1(DeviceMath::erf));
        s.add(spec("erf", BigRef::erf, unary(false, any, dUni(-6.5, 6.5), dExp(-1074, 4)), INF, 2));
        s.add(spec("erfcf", BigRef::erfc, unary(true, any, fUni(-5, 11), fExp(-149, 4))).withFast1(DeviceMath::erfc));
        s.add(spec("erfc", BigRef::erfc, unary(false, any, dUni(-6.5, 6.5), dUni(5, 28), dExp(-1074, 4)), INF, 2));
        s.add(spec2("hypotf", (r, a) -> r.hypot(a[0], a[1]), binary(true, fExp(-149, 127), fExp(-149, 127),
                (x, y) -> true), 1).withFast(a -> StrictMath.hypot(a[0], a[1])));
        s.add(spec2("hypot", (r, a) -> r.hypot(a[0], a[1]), binary(false, dExp(-1074, 1023), dExp(-1074, 1023),
                (x, y) -> true), 1));
        DoublePredicate lgammaFloat = x -> (x > 0.0 || notInteger(x)) && !insideLgammaGap(x, true);
        s.add(spec("lgammaf", BigRef::lgamma, unary(true, lgammaFloat, fExpPos(-149, 127), fUni(-40, 40),
                nearHalfIntegers(40, true)), INF, 4).withFast1(DeviceMath::lgamma));
        DoublePredicate lgammaDouble = x -> (x > 0.0 || notInteger(x)) && !insideLgammaGap(x, false)
                && x > -1e15;
        s.add(spec("lgamma", BigRef::lgamma, unary(false, lgammaDouble, dExpPos(-1074, 1023), dUni(-60, 60),
                dUni(0.5, 3), nearHalfIntegers(40, false), dUni(0x1.4p1014, 0x1.8p1014)), INF, 2));
        DoublePredicate tgammaDomain = x -> (x > 0.0 || notInteger(x)) && x > -190;
        s.add(spec("tgammaf", BigRef::tgamma, unary(true, tgammaDomain, fUni(-45, 36), fExp(-149, 5),
                nearHalfIntegers(40, true)), INF, 4).withFast1(DeviceMath::tgamma));
        s.add(spec("tgamma", BigRef::tgamma, unary(false, tgammaDomain, dUni(-190, 172), dExp(-1074, 7),
                nearHalfIntegers(40, false)), INF, 2));
        return s;
    }

    // ---------------------------------------------------------------- generators for the exact ops

    private static AccuracySpec.Generator fmaInputs(boolean isFloat) {
        return (rnd, samples) -> {
            List<double[]> out = new ArrayList<>();
            int lo = isFloat ? -149 : -1074;
            int hi = isFloat ? 127 : 1023;
            for (int i = 0; i < samples; i++) {
                double a = isFloat ? Inputs.randomFloat(rnd, lo / 2, hi / 2, false)
                        : Inputs.randomDouble(rnd, lo / 2, hi / 2, false);
                double b = isFloat ? Inputs.randomFloat(rnd, lo / 2, hi / 2, false)
                        : Inputs.randomDouble(rnd, lo / 2, hi / 2, false);
                double c;
                if (i % 2 == 0) {
                    // c close to -a*b: cancellation, and results near rounding midpoints
                    double p = a * b;
                    double shift = isFloat ? Math.scalb(1.0, rnd.nextInt(-30, 2)) : Math.scalb(1.0, rnd.nextInt(-60, 2));
                    c = isFloat ? (float) (-p * (1 + shift * rnd.nextDouble())) : -p * (1 + shift * rnd.nextDouble());
                } else {
                    c = isFloat ? Inputs.randomFloat(rnd, lo, hi, false) : Inputs.randomDouble(rnd, lo, hi, false);
                }
                if (Double.isFinite(c)) {
                    out.add(new double[] {a, b, c});
                }
            }
            if (isFloat) {
                out.addAll(FmaHardCases.floatCases());
            }
            return out;
        };
    }

    private static AccuracySpec.Generator ldexpInputs(boolean isFloat) {
        return (rnd, samples) -> {
            List<double[]> out = new ArrayList<>();
            int[] edgesN = {0, 1, -1, 126, 127, 128, -126, -149, -150, 1023, 1024, -1074, -1075, 2000, -2000,
                Integer.MAX_VALUE, Integer.MIN_VALUE};
            for (double x : isFloat ? Inputs.floatEdges() : Inputs.doubleEdges()) {
                for (int n : edgesN) {
                    out.add(new double[] {x, n});
                }
            }
            for (int i = 0; i < samples; i++) {
                double x = isFloat ? Inputs.randomFloat(rnd, -149, 127, false)
                        : Inputs.randomDouble(rnd, -1074, 1023, false);
                int n = isFloat ? rnd.nextInt(-300, 301) : rnd.nextInt(-2200, 2201);
                out.add(new double[] {x, n});
            }
            return out;
        };
    }

    private static AccuracySpec.Generator powInputs(boolean isFloat) {
        return (rnd, samples) -> {
            List<double[]> out = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                double x;
                double y;
                switch (i % 4) {
                    case 0: // moderate results: y log|x| within range
                        x = isFloat ? Inputs.randomFloat(rnd, -20, 20, true) : Inputs.randomDouble(rnd, -60, 60, true);
                        y = isFloat ? Inputs.uniformFloat(rnd, -4, 4) : Inputs.uniformDouble(rnd, -16, 16);
                        break;
                    case 1: // x near 1, large y
                        x = isFloat ? (float) (1.0 + Inputs.uniformDouble(rnd, -1e-3, 1e-3))
                                : 1.0 + Inputs.uniformDouble(rnd, -1e-6, 1e-6);
                        y = isFloat ? Inputs.uniformFloat(rnd, -8e4, 8e4) : Inputs.uniformDouble(rnd, -7e8, 7e8);
                        break;
                    case 2: // negative x with integer y
                        x = isFloat ? -Inputs.randomFloat(rnd, -8, 8, true) : -Inputs.randomDouble(rnd, -30, 30, true);
                        y = rnd.nextInt(-40, 41);
                        break;
                    default: // anything
                        x = isFloat ? Inputs.randomFloat(rnd, -149, 127, false)
                                : Inputs.randomDouble(rnd, -1074, 1023, false);
                        y = isFloat ? Inputs.randomFloat(rnd, -30, 10, false) : Inputs.randomDouble(rnd, -60, 12, false);
                        break;
                }
                if (x != 0.0) {
                    out.add(new double[] {x, y});
                }
            }
            return out;
        };
    }
}
