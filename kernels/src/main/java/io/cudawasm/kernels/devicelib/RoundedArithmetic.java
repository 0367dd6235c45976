package io.cudawasm.kernels.devicelib;

import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CUDA's directed-rounding arithmetic ({@code __dadd_rd}, {@code __fmul_ru}, {@code __fma_rz},
 * {@code __ddiv_ru}, {@code __dsqrt_rd}, {@code __double2float_rd}, {@code __ll2double_ru}, ...)
 * and PTX's {@code .rz/.rm/.rp} instructions, as device functions in plain KIR that every back end
 * runs bit-exactly with round-to-nearest arithmetic alone (WebAssembly and OpenCL have no other).
 * Both front ends call them by their CUDA name; the CUDA C back end calls CUDA's own intrinsic
 * instead ({@link #isIntrinsic}).
 *
 * <p>Each function computes {@code s}, the exact result rounded to nearest in double precision, and
 * {@code err}, a double whose sign is the sign of {@code exact - s} (exact error-free transforms:
 * Fast2Sum for sums, an fma residual for products, quotients and square roots; operands are scaled
 * by powers of two where a residual could underflow). Rounding {@code s} to the result type gives
 * {@code r}; the exact value lies below {@code r} when {@code r > s}, or {@code r == s} and
 * {@code err < 0}, above it in the mirrored case, and then the directed result is {@code r} or its
 * neighbour one ulp away (stepped through the bits; from infinity that is the largest finite value,
 * which is how an overflow rounds toward zero). NaN operands give NaN comparisons and no step.
 */
public final class RoundedArithmetic {
    private static final Pattern ARITHMETIC = Pattern.compile(
            "__(fadd|fsub|fmul|fdiv|fmaf|frcp|fsqrt|dadd|dsub|dmul|ddiv|fma|drcp|dsqrt)_r([zdu])");
    private static final Pattern CONVERSION = Pattern.compile("__(double|int|uint|ll|ull)2(float|double)_r([zdu])");
    private static final ScalarType D = ScalarType.DOUBLE;

    private RoundedArithmetic() {}

    /** Whether {@code cudaName} (e.g. {@code __dadd_rd}) is one of the functions built here. */
    public static boolean builds(String cudaName) {
        return ARITHMETIC.matcher(cudaName).matches() || conversion(cudaName) != null;
    }

    /** Whether {@code f} is one of these functions (the CUDA C back end calls CUDA's intrinsic of that name). */
    public static boolean isIntrinsic(KFunction f) {
        return f.pos() == SourcePos.BUILTIN && !f.isKernel() && builds(f.name());
    }

    private static Matcher conversion(String name) {
        Matcher m = CONVERSION.matcher(name);
        if (!m.matches()) {
            return null;
        }
        String from = m.group(1);
        boolean exact = m.group(2).equals("double") && (from.equals("int") || from.equals("uint") || from.equals("double"));
        return exact ? null : m;
    }

    /** The function named {@code cudaName}; {@link #builds} must hold. */
    static KFunction build(String cudaName) {
        Matcher a = ARITHMETIC.matcher(cudaName);
        if (a.matches()) {
            String op = a.group(1);
            boolean single = op.startsWith("f") && !op.equals("fma");
            String base = op.equals("fma") || op.equals("fmaf") ? "fma" : op.substring(1);
            int arity = switch (base) {
                case "rcp", "sqrt" -> 1;
                case "fma" -> 3;
                default -> 2;
            };
            ScalarType t = single ? ScalarType.FLOAT : D;
            List<ScalarType> params = new ArrayList<>();
            for (int i = 0; i < arity; i++) {
                params.add(t);
            }
            Body b = new Body(cudaName, t, params);
            b.arithmetic(base, a.group(2).charAt(0));
            return b.fn;
        }
        Matcher c = conversion(cudaName);
        if (c == null) {
            throw new IllegalArgumentException(cudaName);
        }
        ScalarType from = switch (c.group(1)) {
            case "double" -> D;
            case "int" -> ScalarType.INT;
            case "uint" -> ScalarType.UINT;
            case "ll" -> ScalarType.LONGLONG;
            default -> ScalarType.ULONGLONG;
        };
        ScalarType to = c.group(2).equals("float") ? ScalarType.FLOAT : D;
        Body b = new Body(cudaName, to, List.of(from));
        b.conversion(from, c.group(3).charAt(0));
        return b.fn;
    }

    /** One function being built: its parameters, statements and locals. */
    private static final class Body {
        final KFunction fn;
        final ScalarType type;
        final List<KExpr> args = new ArrayList<>();
        final List<KStmt> out = new ArrayList<>();

        Body(String name, ScalarType type, List<ScalarType> params) {
            List<KLocal> ps = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                ps.add(new KLocal(i, String.valueOf((char) ('a' + i)), params.get(i), true, SourcePos.BUILTIN));
            }
            fn = new KFunction(name, name, false, type, ps, SourcePos.BUILTIN);
            this.type = type;
            for (KLocal p : ps) {
                args.add(new KExpr.LocalGet(p));
            }
        }

        KExpr let(String name, KExpr e) {
            KLocal l = fn.newLocal(name, e.type(), SourcePos.BUILTIN);
            out.add(new KStmt.Assign(l, e));
            return new KExpr.LocalGet(l);
        }

        void arithmetic(String op, char mode) {
            boolean single = type.kind() == ScalarKind.FLOAT;
            KExpr s;
            KExpr err;
            KExpr zeroSum = null;
            switch (op) {
                case "add", "sub" -> {
                    KExpr x = let("x", widen(args.get(0)));
                    KExpr y = let("y", op.equals("sub") ? neg(widen(args.get(1))) : widen(args.get(1)));
                    s = let("s", bin(BinaryOp.ADD, x, y));
                    err = let("err", fastTwoSumError(x, y, s));
                    zeroSum = neg(bin(BinaryOp.ADD, neg(x), neg(y)));
                }
                case "mul" -> {
                    if (single) {
                        // a product of two floats is exact in double precision
                        s = let("s", bin(BinaryOp.MUL, widen(args.get(0)), widen(args.get(1))));
                        err = dbl(0);
                    } else {
                        KExpr[] se = productError(args.get(0), args.get(1));
                        s = se[0];
                        err = se[1];
                    }
                }
                case "div", "rcp" -> {
                    KExpr x = op.equals("rcp") ? new KExpr.FloatConst(type, 1.0) : args.get(0);
                    KExpr y = args.get(op.equals("rcp") ? 0 : 1);
                    if (single) {
                        KExpr xd = let("x", widen(x));
                        KExpr yd = let("y", widen(y));
                        s = let("s", bin(BinaryOp.DIV, xd, yd));
                        // only looked at when s is a float: then s * y is exact in double
                        KExpr rest = let("rest", bin(BinaryOp.SUB, xd, bin(BinaryOp.MUL, s, yd)));
                        err = new KExpr.Select(cmp(BinaryOp.GT, yd, dbl(0)), rest, neg(rest), D);
                    } else {
                        KExpr[] se = quotientError(x, y);
                        s = se[0];
                        err = se[1];
                    }
                }
                case "sqrt" -> {
                    if (single) {
                        KExpr xd = let("x", widen(args.get(0)));
                        s = let("s", math(MathFn.SQRT, xd));
                        err = bin(BinaryOp.SUB, xd, bin(BinaryOp.MUL, s, s));
                    } else {
                        KExpr[] se = rootError(args.get(0));
                        s = se[0];
                        err = se[1];
                    }
                }
                case "fma" -> {
                    if (single) {
                        KExpr p = let("p", bin(BinaryOp.MUL, widen(args.get(0)), widen(args.get(1))));
                        KExpr q = let("q", widen(args.get(2)));
                        s = let("s", bin(BinaryOp.ADD, p, q));
                        err = let("err", fastTwoSumError(p, q, s));
                        zeroSum = neg(bin(BinaryOp.ADD, neg(p), neg(q)));
                    } else {
                        KExpr[] se = fusedError(args.get(0), args.get(1), args.get(2));
                        s = se[0];
                        err = se[1];
                        zeroSum = neg(new KExpr.Math(MathFn.FMA, List.of(neg(args.get(0)), args.get(1), neg(args.get(2))),
                                D));
                    }
                }
                default -> throw new IllegalArgumentException(op);
            }
            finish(s, err, mode, zeroSum);
        }

        void conversion(ScalarType from, char mode) {
            KExpr v = args.get(0);
            if (from.kind().is64BitInteger()) {
                // high and low 32-bit halves, each exact in double: the value is h + l exactly
                KExpr high = new KExpr.Binary(BinaryOp.SHR, v, new KExpr.IntConst(from, 32), from);
                KExpr h = let("h", bin(BinaryOp.MUL, new KExpr.Convert(D, high), dbl(4294967296.0)));
                KExpr low = new KExpr.Binary(BinaryOp.AND, v, new KExpr.IntConst(from, 0xFFFF_FFFFL), from);
                KExpr l = let("l", new KExpr.Convert(D, low));
                KExpr s = let("s", bin(BinaryOp.ADD, h, l));
                finish(s, let("err", fastTwoSumError(h, l, s)), mode, null);
            } else {
                finish(let("s", widen(v)), dbl(0), mode, null);
            }
        }

        /**
         * {@code s + err == x + y} exactly (Fast2Sum after ordering by magnitude); an overflowed
         * {@code s} gives an infinite error of the opposite sign, NaN operands a NaN.
         */
        KExpr fastTwoSumError(KExpr x, KExpr y, KExpr s) {
            KExpr xFirst = let("ordered", cmp(BinaryOp.GE, math(MathFn.FABS, x), math(MathFn.FABS, y)));
            KExpr big = new KExpr.Select(xFirst, x, y, D);
            KExpr small = new KExpr.Select(xFirst, y, x, D);
            return bin(BinaryOp.SUB, small, bin(BinaryOp.SUB, s, big));
        }

        /**
         * {@code a * b}: the fma residual {@code a*b - s} is exact unless the product is tiny; then
         * both factors (each then below 2^107) are scaled by 2^108 and the exact product, rounded to
         * 53 bits ({@code p}), is compared with {@code s * 2^216}: the sign of their difference is
         * the sign of the error unless it is 0, when the scaled residual decides. A product that
         * underflows even scaled has the sign of {@code s}'s zero.
         */
        KExpr[] productError(KExpr a, KExpr b) {
            KExpr s = let("s", bin(BinaryOp.MUL, a, b));
            KExpr tiny = let("tiny", cmp(BinaryOp.LT, math(MathFn.FABS, s), dbl(0x1p-968)));
            KExpr x = let("x", new KExpr.Select(tiny, bin(BinaryOp.MUL, a, dbl(0x1p108)), a, D));
            KExpr y = let("y", new KExpr.Select(tiny, bin(BinaryOp.MUL, b, dbl(0x1p108)), b, D));
            KExpr p = let("p", bin(BinaryOp.MUL, x, y));
            KExpr residual = let("residual", fma(x, y, neg(p)));
            KExpr scaled = new KExpr.Select(tiny, bin(BinaryOp.MUL, bin(BinaryOp.MUL, s, dbl(0x1p108)), dbl(0x1p108)), s, D);
            KExpr diff = let("diff", bin(BinaryOp.SUB, p, scaled));
            KExpr err = let("err", new KExpr.Select(nonZero(diff), diff, residual, D));
            KExpr lost = and(and(cmp(BinaryOp.EQ, err, dbl(0)), cmp(BinaryOp.EQ, s, dbl(0))),
                    and(cmp(BinaryOp.NE, a, dbl(0)), cmp(BinaryOp.NE, b, dbl(0))));
            return new KExpr[] {s, new KExpr.Select(lost, math(MathFn.COPYSIGN, dbl(1), s), err, D)};
        }

        /**
         * {@code a / b}: the residual {@code a - s*b} (by fma) has the sign of the error times the
         * sign of b, and is exact when |a| >= 2^-968; a smaller a is scaled by 2^200 first and the
         * scaled quotient compared with {@code s * 2^200} as for products.
         */
        KExpr[] quotientError(KExpr a, KExpr b) {
            KExpr s = let("s", bin(BinaryOp.DIV, a, b));
            KExpr tiny = let("tiny", cmp(BinaryOp.LT, math(MathFn.FABS, a), dbl(0x1p-968)));
            KExpr x = let("x", new KExpr.Select(tiny, bin(BinaryOp.MUL, a, dbl(0x1p200)), a, D));
            KExpr q = let("q", bin(BinaryOp.DIV, x, b));
            KExpr residual = let("residual", fma(neg(q), b, x));
            KExpr diff = let("diff", bin(BinaryOp.SUB, q, new KExpr.Select(tiny, bin(BinaryOp.MUL, s, dbl(0x1p200)), s, D)));
            KExpr signed = new KExpr.Select(cmp(BinaryOp.GT, b, dbl(0)), residual, neg(residual), D);
            return new KExpr[] {s, new KExpr.Select(nonZero(diff), diff, signed, D)};
        }

        /**
         * {@code sqrt(a)}: the residual {@code a - s*s} has the sign of the error; a below 2^-968 is
         * scaled by 2^200 first (its root, never subnormal, scales by exactly 2^100).
         */
        KExpr[] rootError(KExpr a) {
            KExpr s = let("s", math(MathFn.SQRT, a));
            KExpr tiny = cmp(BinaryOp.LT, math(MathFn.FABS, a), dbl(0x1p-968));
            KExpr x = let("x", new KExpr.Select(tiny, bin(BinaryOp.MUL, a, dbl(0x1p200)), a, D));
            KExpr q = let("q", math(MathFn.SQRT, x));
            return new KExpr[] {s, fma(neg(q), q, x)};
        }

        /**
         * {@code a*b + c} rounded to nearest ({@code s}) and the sign of its error: the exact value
         * minus {@code s} is {@code p + e + c - s} with {@code p + e == a*b} (p rounded, e by fma),
         * summed exactly as a nonoverlapping expansion whose largest nonzero part has the sign
         * of the sum. Tiny products are scaled by 2^108 per factor, huge ones by 2^-8 on each side,
         * with c and s scaled alike where that is exact (see the cases below).
         */
        KExpr[] fusedError(KExpr a, KExpr b, KExpr c) {
            KExpr s = let("s", fma(a, b, c));
            KExpr p0 = let("p0", bin(BinaryOp.MUL, a, b));
            KExpr absP = math(MathFn.FABS, p0);
            KExpr absC = math(MathFn.FABS, c);
            // tiny product, small c: everything times 2^216, exact (c and s are below 2^-800)
            KExpr tiny = let("tiny", and(cmp(BinaryOp.LT, absP, dbl(0x1p-968)), cmp(BinaryOp.LE, absC, dbl(0x1p-800))));
            // huge terms: everything times 2^-16 (a, b >= 2^-16 when the product is huge; c and s
            // scale exactly when they are not tiny, and a tiny one only matters on an exact tie)
            KExpr huge = let("huge", or(or(cmp(BinaryOp.GE, absP, dbl(0x1p1000)), cmp(BinaryOp.NE, absP, absP)),
                    or(cmp(BinaryOp.GE, absC, dbl(0x1p1000)), cmp(BinaryOp.GE, math(MathFn.FABS, s), dbl(0x1p1000)))));
            KExpr fa = new KExpr.Select(tiny, dbl(0x1p108), new KExpr.Select(huge, dbl(0x1p-8), dbl(1), D), D);
            KExpr fc = let("fc", new KExpr.Select(tiny, dbl(0x1p216), new KExpr.Select(huge, dbl(0x1p-16), dbl(1), D), D));
            KExpr x = let("x", bin(BinaryOp.MUL, a, fa));
            KExpr y = let("y", bin(BinaryOp.MUL, b, fa));
            KExpr p = let("p", bin(BinaryOp.MUL, x, y));
            KExpr e = let("e", fma(x, y, neg(p)));
            KExpr cs = let("cs", bin(BinaryOp.MUL, c, fc));
            KExpr ss = let("ss", neg(bin(BinaryOp.MUL, s, fc)));
            // expansion [e, p] plus cs, then plus ss (Shewchuk's grow-expansion with TwoSum)
            KExpr[] h = grow(new KExpr[] {e, p}, cs);
            KExpr[] g = grow(h, ss);
            KExpr sign = dbl(0);
            for (KExpr part : g) {
                sign = new KExpr.Select(nonZero(part), part, sign, D);
                sign = let("sign", sign);
            }
            // a term scaling lost entirely (a tiny c beside huge terms, a product too small to see
            // even scaled) decides alone when the rest is an exact tie; both are never lost at once
            KExpr cLost = and(cmp(BinaryOp.NE, c, dbl(0)), cmp(BinaryOp.EQ, cs, dbl(0)));
            KExpr productLost = and(and(cmp(BinaryOp.NE, a, dbl(0)), cmp(BinaryOp.NE, b, dbl(0))),
                    and(cmp(BinaryOp.EQ, p, dbl(0)), cmp(BinaryOp.EQ, e, dbl(0))));
            KExpr productSign = bin(BinaryOp.MUL, math(MathFn.COPYSIGN, dbl(1), a), math(MathFn.COPYSIGN, dbl(1), b));
            KExpr tieBreak = new KExpr.Select(cLost, math(MathFn.COPYSIGN, dbl(1), c),
                    new KExpr.Select(productLost, productSign, dbl(0), D), D);
            KExpr finiteOps = let("finiteOps", and(and(finite(a), finite(b)), finite(c)));
            KExpr err = new KExpr.Select(finiteOps, new KExpr.Select(cmp(BinaryOp.EQ, sign, dbl(0)), tieBreak, sign, D),
                    dbl(0), D);
            // overflow: s infinite from finite operands lies beyond the exact value
            KExpr overflow = and(finiteOps, not(finite(s)));
            return new KExpr[] {s, new KExpr.Select(overflow, neg(s), err, D)};
        }

        /** Adds {@code v} to a nonoverlapping expansion (increasing magnitude) exactly. */
        KExpr[] grow(KExpr[] expansion, KExpr v) {
            KExpr[] out = new KExpr[expansion.length + 1];
            KExpr q = v;
            for (int i = 0; i < expansion.length; i++) {
                KExpr sum = let("sum", bin(BinaryOp.ADD, q, expansion[i]));
                out[i] = let("part", twoSumError(q, expansion[i], sum));
                q = sum;
            }
            out[expansion.length] = q;
            return out;
        }

        /** Knuth's TwoSum: {@code s + err == x + y} exactly, in any order of magnitude. */
        KExpr twoSumError(KExpr x, KExpr y, KExpr s) {
            KExpr yy = let("yy", bin(BinaryOp.SUB, s, x));
            KExpr xx = bin(BinaryOp.SUB, s, yy);
            return bin(BinaryOp.ADD, bin(BinaryOp.SUB, x, xx), bin(BinaryOp.SUB, y, yy));
        }

        /**
         * Rounds {@code s} (double) to the result type and steps one ulp where the exact value
         * ({@code s} plus an error of {@code err}'s sign) lies on the wrong side for the mode.
         * {@code zeroSum} is a sum's exact zero rounded downwards (-0 unless both terms are +0).
         */
        void finish(KExpr s, KExpr err, char mode, KExpr zeroSum) {
            KLocal r = fn.newLocal("rounded", type, SourcePos.BUILTIN);
            KExpr nearest = type == D ? s : new KExpr.Convert(type, s);
            if (mode == 'd' && zeroSum != null) {
                KExpr zero = type == D ? zeroSum : new KExpr.Convert(type, zeroSum);
                nearest = new KExpr.Select(cmp(BinaryOp.EQ, s, dbl(0)), zero, nearest, type);
            }
            out.add(new KStmt.Assign(r, nearest));
            KExpr rv = new KExpr.LocalGet(r);
            KExpr rd = let("back", widen(rv));
            KExpr e = let("error", err);
            // the exact value lies below r (above it)
            KExpr below = let("below", or(cmp(BinaryOp.GT, rd, s), and(cmp(BinaryOp.EQ, rd, s), cmp(BinaryOp.LT, e, dbl(0)))));
            KExpr above = let("above", or(cmp(BinaryOp.LT, rd, s), and(cmp(BinaryOp.EQ, rd, s), cmp(BinaryOp.GT, e, dbl(0)))));
            KExpr zero = new KExpr.FloatConst(type, 0);
            KExpr down;
            KExpr up;
            switch (mode) {
                case 'd' -> {
                    down = below;
                    up = null;
                }
                case 'u' -> {
                    down = null;
                    up = above;
                }
                default -> {
                    down = and(cmp(BinaryOp.GT, rv, zero), below);
                    up = and(cmp(BinaryOp.LT, rv, zero), above);
                }
            }
            if (down != null) {
                out.add(new KStmt.If(down, new KBlock(List.of(new KStmt.Assign(r, step(rv, false)))), KBlock.EMPTY));
            }
            if (up != null) {
                out.add(new KStmt.If(up, new KBlock(List.of(new KStmt.Assign(r, step(rv, true)))), KBlock.EMPTY));
            }
            out.add(new KStmt.Return(rv));
            fn.setBody(new KBlock(out));
        }

        /** The next value above ({@code up}) or below {@code r}, through its bits; r is not NaN. */
        KExpr step(KExpr r, boolean up) {
            boolean single = type.kind() == ScalarKind.FLOAT;
            ScalarType bitsType = single ? ScalarType.INT : ScalarType.LONGLONG;
            KExpr bits = new KExpr.IntrinsicCall(single ? Intrinsic.FLOAT_AS_INT : Intrinsic.DOUBLE_AS_LONGLONG,
                    List.of(r), bitsType);
            KExpr zero = new KExpr.FloatConst(type, 0);
            KExpr positive = cmp(BinaryOp.GT, r, zero);
            KExpr plus = new KExpr.Binary(BinaryOp.ADD, bits, new KExpr.IntConst(bitsType, 1), bitsType);
            KExpr minus = new KExpr.Binary(BinaryOp.SUB, bits, new KExpr.IntConst(bitsType, 1), bitsType);
            KExpr away = up ? new KExpr.Select(positive, plus, minus, bitsType)
                    : new KExpr.Select(positive, minus, plus, bitsType);
            // from +-0 the next value is the smallest subnormal of the step's sign
            long smallest = up ? 1 : single ? 0x8000_0001L : 0x8000_0000_0000_0001L;
            KExpr fromZero = new KExpr.IntConst(bitsType, single ? (int) smallest : smallest);
            KExpr next = new KExpr.Select(cmp(BinaryOp.EQ, r, zero), fromZero, away, bitsType);
            return new KExpr.IntrinsicCall(single ? Intrinsic.INT_AS_FLOAT : Intrinsic.LONGLONG_AS_DOUBLE, List.of(next),
                    type);
        }

        static KExpr widen(KExpr e) {
            return e.type() == D ? e : new KExpr.Convert(D, e);
        }

        static KExpr dbl(double v) {
            return new KExpr.FloatConst(D, v);
        }

        static KExpr bin(BinaryOp op, KExpr a, KExpr b) {
            return new KExpr.Binary(op, a, b, a.type());
        }

        static KExpr cmp(BinaryOp op, KExpr a, KExpr b) {
            return new KExpr.Binary(op, a, b, ScalarType.BOOL);
        }

        static KExpr and(KExpr a, KExpr b) {
            return new KExpr.Binary(BinaryOp.LAND, a, b, ScalarType.BOOL);
        }

        static KExpr or(KExpr a, KExpr b) {
            return new KExpr.Binary(BinaryOp.LOR, a, b, ScalarType.BOOL);
        }

        static KExpr not(KExpr a) {
            return new KExpr.Unary(KExpr.UnaryOp.NOT, a, ScalarType.BOOL);
        }

        static KExpr neg(KExpr a) {
            return new KExpr.Unary(KExpr.UnaryOp.NEG, a, a.type());
        }

        static KExpr math(MathFn f, KExpr a) {
            return new KExpr.Math(f, List.of(a), (ScalarType) a.type());
        }

        static KExpr math(MathFn f, KExpr a, KExpr b) {
            return new KExpr.Math(f, List.of(a, b), (ScalarType) a.type());
        }

        static KExpr fma(KExpr a, KExpr b, KExpr c) {
            return new KExpr.Math(MathFn.FMA, List.of(a, b, c), D);
        }

        /** Nonzero and not NaN. */
        static KExpr nonZero(KExpr v) {
            return or(cmp(BinaryOp.GT, v, dbl(0)), cmp(BinaryOp.LT, v, dbl(0)));
        }

        static KExpr finite(KExpr v) {
            return new KExpr.IntrinsicCall(Intrinsic.ISFINITE, List.of(v), ScalarType.BOOL);
        }
    }
}
