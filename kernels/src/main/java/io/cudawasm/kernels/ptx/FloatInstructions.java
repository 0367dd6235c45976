package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.Set;

/**
 * Floating-point arithmetic in single and double precision, rounded to nearest even, or toward
 * zero, minus or plus infinity ({@code .rz/.rm/.rp} on add, sub, mul, fma, div, rcp and sqrt: calls
 * of the device library's exact lowerings, {@link io.cudawasm.kernels.devicelib.RoundedArithmetic}). The
 * approximate instructions ({@code sqrt.approx}, {@code rcp.approx}, {@code ex2.approx},
 * {@code sin.approx}, ...) are computed with the accurate functions, which are well inside the
 * error bounds PTX documents for them; {@code .ftz} is accepted and subnormals are kept.
 */
final class FloatInstructions {
    private static final Set<String> DIRECTED = Set.of("rz", "rm", "rp");
    private static final Set<String> DIRECTED_OPS = Set.of("add", "sub", "mul", "fma", "mad", "div", "rcp", "sqrt");

    private final FunctionLowering f;

    FloatInstructions(FunctionLowering f) {
        this.f = f;
    }

    void lower(Instruction ins, PtxType t) {
        if (!t.isFloat()) {
            throw f.unsupported(ins, t.kind() == PtxType.Kind.HALF ? "half precision" : "type " + t.spelling());
        }
        ScalarType k = t.kir();
        String op = ins.opcode();
        for (String m : ins.modifiers()) {
            if (DIRECTED.contains(m)) {
                if (DIRECTED_OPS.contains(op)) {
                    directed(ins, op, m, k);
                    return;
                }
                throw f.unsupported(ins, "directed rounding (." + m + ") here; only round-to-nearest is supported"
                        + " except for add, sub, mul, fma, div, rcp and sqrt");
            }
        }
        KExpr r;
        switch (op) {
            case "add", "sub", "mul" -> {
                f.arity(ins, 3);
                BinaryOp bop = op.equals("add") ? BinaryOp.ADD : op.equals("sub") ? BinaryOp.SUB : BinaryOp.MUL;
                r = Exprs.binary(bop, f.read(ins.operand(1), k), f.read(ins.operand(2), k));
            }
            case "fma", "mad" -> {
                f.arity(ins, 4);
                // correctly rounded on every back end: Wasm's own fmaf, OpenCL's fma, CUDA's fmaf
                r = Exprs.math(MathFn.FMA, f.read(ins.operand(1), k), f.read(ins.operand(2), k), f.read(ins.operand(3), k));
            }
            case "div" -> {
                f.arity(ins, 3);
                KExpr a = f.read(ins.operand(1), k);
                KExpr b = f.read(ins.operand(2), k);
                r = ins.has("approx") && k.kind() == ScalarKind.FLOAT ? Exprs.math(MathFn.FAST_DIVIDE, a, b)
                        : Exprs.binary(BinaryOp.DIV, a, b);
            }
            case "rcp" -> {
                f.arity(ins, 2);
                r = Exprs.binary(BinaryOp.DIV, new KExpr.FloatConst(k, 1.0), f.read(ins.operand(1), k));
            }
            case "abs" -> r = unary(ins, k, MathFn.FABS);
            case "neg" -> {
                f.arity(ins, 2);
                r = Exprs.neg(f.read(ins.operand(1), k));
            }
            case "min", "max" -> {
                f.arity(ins, 3);
                if (ins.has("NaN") || ins.has("xorsign")) {
                    throw f.unsupported(ins, null);
                }
                r = Exprs.math(op.equals("min") ? MathFn.FMIN : MathFn.FMAX, f.read(ins.operand(1), k),
                        f.read(ins.operand(2), k));
            }
            case "sqrt" -> r = unary(ins, k, MathFn.SQRT);
            case "rsqrt" -> r = unary(ins, k, MathFn.RSQRT);
            case "sin" -> r = unary(ins, k, MathFn.SIN);
            case "cos" -> r = unary(ins, k, MathFn.COS);
            case "ex2" -> r = unary(ins, k, MathFn.EXP2);
            case "lg2" -> r = unary(ins, k, MathFn.LOG2);
            case "tanh" -> r = unary(ins, k, MathFn.TANH);
            case "copysign" -> {
                f.arity(ins, 3);
                r = Exprs.math(MathFn.COPYSIGN, f.read(ins.operand(2), k), f.read(ins.operand(1), k));
            }
            case "testp" -> {
                testp(ins, k);
                return;
            }
            default -> throw f.unsupported(ins, "on floating-point values");
        }
        if (ins.has("sat")) {
            r = Exprs.math(MathFn.SATURATE, r);
        }
        f.write(ins.operand(0), r);
    }

    private void directed(Instruction ins, String op, String mode, ScalarType k) {
        boolean single = k.kind() == ScalarKind.FLOAT;
        String base = switch (op) {
            case "fma", "mad" -> single ? "fmaf" : "fma";
            default -> (single ? "f" : "d") + op;
        };
        int operands = switch (op) {
            case "rcp", "sqrt" -> 1;
            case "fma", "mad" -> 3;
            default -> 2;
        };
        f.arity(ins, operands + 1);
        java.util.List<KExpr> args = new java.util.ArrayList<>();
        for (int i = 1; i <= operands; i++) {
            args.add(f.read(ins.operand(i), k));
        }
        KExpr r = libraryCall(f, ins, "__" + base + "_" + cudaMode(mode), args);
        if (ins.has("sat")) {
            r = Exprs.math(MathFn.SATURATE, r);
        }
        f.write(ins.operand(0), r);
    }

    /** PTX's rounding modifier as CUDA's intrinsic suffix: rz, rd (PTX rm) or ru (PTX rp). */
    static String cudaMode(String ptxMode) {
        return switch (ptxMode) {
            case "rm" -> "rd";
            case "rp" -> "ru";
            default -> "rz";
        };
    }

    /** A call of the device library's directed-rounding function {@code cudaName}, its result in a temporary. */
    static KExpr libraryCall(FunctionLowering f, Instruction ins, String cudaName, java.util.List<KExpr> args) {
        io.cudawasm.kernels.kir.KFunction fn = f.module().deviceLibrary(ins.pos(), "directed rounding").rounded(cudaName);
        java.util.List<KExpr> conv = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            conv.add(Exprs.convert(args.get(i), fn.params().get(i).type()));
        }
        return f.temp(new KExpr.Call(fn, conv, fn.returnType()));
    }

    private KExpr unary(Instruction ins, ScalarType k, MathFn fn) {
        f.arity(ins, 2);
        return Exprs.math(fn, f.read(ins.operand(1), k));
    }

    private void testp(Instruction ins, ScalarType k) {
        f.arity(ins, 2);
        KExpr a = f.temp(f.read(ins.operand(1), k));
        double minNormal = k.kind() == ScalarKind.FLOAT ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        KExpr abs = Exprs.math(MathFn.FABS, a);
        KExpr r;
        if (ins.has("finite")) {
            r = flag(Intrinsic.ISFINITE, a);
        } else if (ins.has("infinite")) {
            r = flag(Intrinsic.ISINF, a);
        } else if (ins.has("number")) {
            r = Exprs.not(flag(Intrinsic.ISNAN, a));
        } else if (ins.has("notanumber")) {
            r = flag(Intrinsic.ISNAN, a);
        } else if (ins.has("normal")) {
            r = Exprs.binary(BinaryOp.AND, flag(Intrinsic.ISFINITE, a),
                    Exprs.compare(BinaryOp.GE, abs, new KExpr.FloatConst(k, minNormal)));
        } else if (ins.has("subnormal")) {
            r = Exprs.binary(BinaryOp.AND, Exprs.compare(BinaryOp.LT, abs, new KExpr.FloatConst(k, minNormal)),
                    Exprs.compare(BinaryOp.NE, a, new KExpr.FloatConst(k, 0)));
        } else {
            throw f.unsupported(ins, null);
        }
        f.write(ins.operand(0), r);
    }

    private static KExpr flag(Intrinsic test, KExpr a) {
        return Exprs.compare(BinaryOp.NE, Exprs.intrinsic(test, Exprs.INT, a), Exprs.i32(0));
    }
}
