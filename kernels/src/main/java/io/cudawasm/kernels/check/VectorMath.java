package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.TypeRules;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the CUDA samples' helper_math.h gives vector types, built in: component-wise arithmetic
 * ({@code a + b}, {@code v * s}, {@code s * v}, {@code -v}, {@code +=}), the math library and
 * {@code min}/{@code max}/{@code abs} applied per component, {@code make_float3(s)} and the other
 * widening and narrowing {@code make_*} forms, and {@code dot}, {@code length}, {@code normalize},
 * {@code cross}, {@code lerp}, {@code clamp}, {@code smoothstep}, {@code reflect}, {@code fracf}.
 * A function of the same name the program defines itself comes first.
 */
final class VectorMath {
    private final FunctionContext ctx;

    VectorMath(FunctionContext ctx) {
        this.ctx = ctx;
    }

    static boolean handles(String name) {
        return switch (name) {
            case "dot", "length", "normalize", "cross", "lerp", "clamp", "smoothstep", "reflect", "fracf" -> true;
            default -> false;
        };
    }

    static boolean isVector(CType t) {
        return t instanceof StructType s && s.isVector() && !s.name().equals("dim3");
    }

    private ExpressionLowering exprs() {
        return ctx.exprs;
    }

    private static CompileException error(SourcePos pos, String message) {
        return CompileException.at(pos, message);
    }

    // ------------------------------------------------------------------ components

    /** Component {@code i} of a vector value (a scalar stands for every component). */
    private KExpr component(KExpr v, int i) {
        if (!(v.type() instanceof StructType s)) {
            return v;
        }
        Field f = s.fields().get(Math.min(i, s.fields().size() - 1));
        if (v instanceof KExpr.LocalGet l) {
            return new KExpr.Load(exprs().fieldAddr(exprs().localAddress(l.local()), f));
        }
        if (v instanceof KExpr.Load ld) {
            return new KExpr.Load(exprs().fieldAddr(ld.address(), f));
        }
        throw new IllegalStateException("vector value " + v);
    }

    /** A vector value kept where its components can be read more than once. */
    private KExpr stable(KExpr v, SourcePos pos) {
        if (!(v.type() instanceof StructType) || v instanceof KExpr.LocalGet) {
            return v;
        }
        KLocal t = ctx.temp(v.type(), pos);
        ctx.emit(new KStmt.Assign(t, v));
        return new KExpr.LocalGet(t);
    }

    /** A new vector of type {@code t} whose component i is {@code f(i)}. */
    private Operand build(StructType t, Function<Integer, KExpr> f, SourcePos pos) {
        KLocal r = ctx.temp(t, pos);
        for (int i = 0; i < t.fields().size(); i++) {
            Field field = t.fields().get(i);
            ctx.emit(new KStmt.Store(exprs().fieldAddr(exprs().localAddress(r), field),
                    exprs().convert(f.apply(i), field.type(), pos, false)));
        }
        return new Place(new LValue.OfLocal(r, false));
    }

    private static ScalarType element(StructType t) {
        return ScalarType.of(t.vectorElement());
    }

    // ------------------------------------------------------------------ operators

    /** {@code a op b} where either is a vector: per component, a scalar operand applying to every one; null otherwise. */
    Operand binary(Expr.BinaryOp op, Operand a, Operand b, SourcePos pos) {
        if (!isVector(a.type()) && !isVector(b.type())) {
            return null;
        }
        if (op.isComparison() || op == Expr.BinaryOp.AND || op == Expr.BinaryOp.OR || op == Expr.BinaryOp.COMMA) {
            return null;
        }
        StructType t = (StructType) (isVector(a.type()) ? a.type() : b.type());
        if (isVector(a.type()) && isVector(b.type()) && a.type() != b.type()) {
            throw error(pos, "invalid operands to '" + op.symbol() + "' ('" + a.type().display() + "' and '"
                    + b.type().display() + "')");
        }
        KExpr x = stable(exprs().toRValue(a, pos), pos);
        KExpr y = stable(exprs().toRValue(b, pos), pos);
        return build(t, i -> exprs().arithmetic(op, component(x, i), component(y, i), pos), pos);
    }

    Operand negate(Operand v, SourcePos pos) {
        KExpr x = stable(exprs().toRValue(v, pos), pos);
        StructType t = (StructType) v.type();
        return build(t, i -> {
            KExpr c = component(x, i);
            ScalarType p = TypeRules.promote((ScalarType) c.type());
            return new KExpr.Unary(KExpr.UnaryOp.NEG, exprs().convert(c, p, pos, false), p);
        }, pos);
    }

    // ------------------------------------------------------------------ functions

    static boolean anyVector(List<KExpr> values) {
        return values.stream().anyMatch(v -> isVector(v.type()));
    }

    /** A scalar function applied to vector arguments per component. */
    Operand componentwise(List<KExpr> args, Function<List<KExpr>, KExpr> scalar, SourcePos pos) {
        StructType t = null;
        List<KExpr> stable = new ArrayList<>();
        for (KExpr a : args) {
            if (isVector(a.type())) {
                if (t != null && t != a.type()) {
                    throw error(pos, "vector arguments of different types ('" + t.display() + "' and '"
                            + a.type().display() + "')");
                }
                t = (StructType) a.type();
            }
            stable.add(stable(a, pos));
        }
        StructType type = t;
        return build(type, i -> {
            List<KExpr> parts = new ArrayList<>();
            for (KExpr a : stable) {
                parts.add(component(a, i));
            }
            return scalar.apply(parts);
        }, pos);
    }

    /**
     * {@code make_float3(x, y, z)} and what helper_math.h adds: one scalar for every component,
     * a vector widened with scalars ({@code make_float4(v3, w)}) or narrowed ({@code make_float3(v4)}),
     * a vector of another element type converted.
     */
    Operand make(StructType t, List<Expr> args, SourcePos pos) {
        List<KExpr> parts = new ArrayList<>();
        for (Expr a : args) {
            KExpr v = exprs().rvalue(a);
            if (isVector(v.type())) {
                KExpr s = stable(v, pos);
                for (int i = 0; i < ((StructType) v.type()).fields().size(); i++) {
                    parts.add(component(s, i));
                }
            } else {
                parts.add(v);
            }
        }
        int n = t.fields().size();
        if (parts.size() == 1 && n > 1 && args.size() == 1 && !isVector(parts.get(0).type())) {
            KExpr s = parts.get(0);
            KLocal once = ctx.temp(s.type(), pos);
            ctx.emit(new KStmt.Assign(once, s));
            return build(t, i -> new KExpr.LocalGet(once), pos);
        }
        if (parts.size() < n || parts.size() > n && args.size() != 1) {
            throw error(pos, "'make_" + t.name() + "' takes " + n + " components, " + parts.size() + " given");
        }
        return build(t, parts::get, pos);
    }

    /** helper_math.h's vector functions (and their scalar forms: lerp, clamp, smoothstep of floats and ints). */
    Operand call(String name, List<Expr> argExprs, SourcePos pos) {
        List<KExpr> args = new ArrayList<>();
        for (Expr e : argExprs) {
            args.add(stable(exprs().rvalue(e), pos));
        }
        int arity = switch (name) {
            case "length", "normalize", "fracf" -> 1;
            case "dot", "cross", "reflect" -> 2;
            default -> 3;
        };
        if (args.size() != arity) {
            throw error(pos, "'" + name + "' takes " + arity + " argument" + (arity == 1 ? "" : "s") + ", " + args.size()
                    + " given");
        }
        KExpr a = args.get(0);
        switch (name) {
            case "dot" -> {
                vector(name, a, pos);
                vector(name, args.get(1), pos);
                return new Value(dot(a, args.get(1), pos));
            }
            case "length" -> {
                return new Value(sqrt(dot(vector(name, a, pos), a, pos)));
            }
            case "normalize" -> {
                StructType t = vector(name, a, pos);
                KLocal inv = ctx.temp(element(t), pos);
                ctx.emit(new KStmt.Assign(inv, new KExpr.Math(MathFn.RSQRT, List.of(dot(t, a, pos)), ScalarType.FLOAT)));
                return build(t, i -> exprs().arithmetic(Expr.BinaryOp.MUL, component(a, i), new KExpr.LocalGet(inv), pos),
                        pos);
            }
            case "cross" -> {
                StructType t = vector(name, a, pos);
                KExpr b = args.get(1);
                if (t.fields().size() != 3) {
                    throw error(pos, "'cross' needs 3-component vectors");
                }
                int[][] idx = {{1, 2}, {2, 0}, {0, 1}};
                return build(t, i -> exprs().arithmetic(Expr.BinaryOp.SUB,
                        exprs().arithmetic(Expr.BinaryOp.MUL, component(a, idx[i][0]), component(b, idx[i][1]), pos),
                        exprs().arithmetic(Expr.BinaryOp.MUL, component(b, idx[i][0]), component(a, idx[i][1]), pos), pos),
                        pos);
            }
            case "reflect" -> {
                // i - 2 * n * dot(n, i)
                StructType t = vector(name, a, pos);
                KExpr n = args.get(1);
                KLocal d = ctx.temp(element(t), pos);
                ctx.emit(new KStmt.Assign(d, exprs().convert(dot(t, n, a, pos), element(t), pos, false)));
                return build(t, i -> exprs().arithmetic(Expr.BinaryOp.SUB, component(a, i), exprs().arithmetic(
                        Expr.BinaryOp.MUL, exprs().arithmetic(Expr.BinaryOp.MUL, new KExpr.FloatConst(ScalarType.FLOAT, 2.0),
                                component(n, i), pos), new KExpr.LocalGet(d), pos), pos), pos);
            }
            case "fracf" -> {
                return elementwise(args, p -> exprs().arithmetic(Expr.BinaryOp.SUB, p.get(0),
                        new KExpr.Math(MathFn.FLOOR, List.of(asFloat(p.get(0), pos)), ScalarType.FLOAT), pos), pos);
            }
            case "lerp" -> {
                // a + t * (b - a)
                return elementwise(args, p -> exprs().arithmetic(Expr.BinaryOp.ADD, p.get(0), exprs().arithmetic(
                        Expr.BinaryOp.MUL, p.get(2), exprs().arithmetic(Expr.BinaryOp.SUB, p.get(1), p.get(0), pos), pos),
                        pos), pos);
            }
            case "clamp" -> {
                return elementwise(args, p -> max(p.get(1), min(p.get(0), p.get(2), pos), pos), pos);
            }
            default -> {
                // smoothstep(a, b, x): y = clamp((x - a) / (b - a), 0, 1); y * y * (3 - 2 * y)
                return elementwise(args, p -> {
                    KExpr y = max(new KExpr.FloatConst(ScalarType.FLOAT, 0.0), min(exprs().arithmetic(Expr.BinaryOp.DIV,
                            exprs().arithmetic(Expr.BinaryOp.SUB, p.get(2), p.get(0), pos),
                            exprs().arithmetic(Expr.BinaryOp.SUB, p.get(1), p.get(0), pos), pos),
                            new KExpr.FloatConst(ScalarType.FLOAT, 1.0), pos), pos);
                    KLocal yl = ctx.temp(y.type(), pos);
                    ctx.emit(new KStmt.Assign(yl, y));
                    KExpr yv = new KExpr.LocalGet(yl);
                    return exprs().arithmetic(Expr.BinaryOp.MUL, exprs().arithmetic(Expr.BinaryOp.MUL, yv, yv, pos),
                            exprs().arithmetic(Expr.BinaryOp.SUB, new KExpr.FloatConst(ScalarType.FLOAT, 3.0),
                                    exprs().arithmetic(Expr.BinaryOp.MUL, new KExpr.FloatConst(ScalarType.FLOAT, 2.0), yv,
                                            pos), pos), pos);
                }, pos);
            }
        }
    }

    /** A scalar function, or the same per component when an argument is a vector. */
    private Operand elementwise(List<KExpr> args, Function<List<KExpr>, KExpr> f, SourcePos pos) {
        if (anyVector(args)) {
            return componentwise(args, f, pos);
        }
        return new Value(f.apply(args));
    }

    private StructType vector(String name, KExpr v, SourcePos pos) {
        if (!isVector(v.type())) {
            throw error(pos, "'" + name + "' needs a vector (float3, int2, ...), not '" + v.type().display() + "'");
        }
        return (StructType) v.type();
    }

    private KExpr dot(StructType t, KExpr a, SourcePos pos) {
        return dot(t, a, a, pos);
    }

    private KExpr dot(StructType t, KExpr a, KExpr b, SourcePos pos) {
        KExpr sum = null;
        for (int i = 0; i < t.fields().size(); i++) {
            KExpr p = exprs().arithmetic(Expr.BinaryOp.MUL, component(a, i), component(b, i), pos);
            sum = sum == null ? p : exprs().arithmetic(Expr.BinaryOp.ADD, sum, p, pos);
        }
        return exprs().convert(sum, element(t), pos, false);
    }

    private KExpr dot(KExpr a, KExpr b, SourcePos pos) {
        StructType t = (StructType) a.type();
        if (a.type() != b.type()) {
            throw error(pos, "'dot' of different vector types");
        }
        return dot(t, a, b, pos);
    }

    private static KExpr sqrt(KExpr v) {
        return new KExpr.Math(MathFn.SQRT, List.of(v), (ScalarType) v.type());
    }

    private KExpr asFloat(KExpr v, SourcePos pos) {
        return exprs().convert(v, ScalarType.FLOAT, pos, false);
    }

    private KExpr min(KExpr a, KExpr b, SourcePos pos) {
        return minMax(a, b, true, pos);
    }

    private KExpr max(KExpr a, KExpr b, SourcePos pos) {
        return minMax(a, b, false, pos);
    }

    private KExpr minMax(KExpr a, KExpr b, boolean min, SourcePos pos) {
        ScalarType t = TypeRules.usualArithmetic((ScalarType) a.type(), (ScalarType) b.type());
        KExpr x = exprs().convert(a, t, pos, false);
        KExpr y = exprs().convert(b, t, pos, false);
        if (t.kind().isFloating()) {
            return new KExpr.Math(min ? MathFn.FMIN : MathFn.FMAX, List.of(x, y), t);
        }
        return new KExpr.IntrinsicCall(min ? Intrinsic.IMIN : Intrinsic.IMAX, List.of(x, y), t);
    }

    /** Whether a math function's precision comes from a vector argument's element type. */
    static ScalarType elementOf(List<KExpr> args) {
        for (KExpr a : args) {
            if (isVector(a.type()) && ((StructType) a.type()).vectorElement() == ScalarKind.DOUBLE) {
                return ScalarType.DOUBLE;
            }
        }
        return ScalarType.FLOAT;
    }
}
