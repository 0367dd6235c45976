package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code call} of a {@code .func} defined in the module: arguments and the result travel through
 * the {@code .param} variables of the call sequence, which are locals here. CUDA's assertion
 * handler {@code __assertfail} becomes a trap.
 */
final class CallInstructions {
    private final FunctionLowering f;

    CallInstructions(FunctionLowering f) {
        this.f = f;
    }

    void call(Instruction ins) {
        List<PtxOperand> ops = ins.operands();
        int i = 0;
        List<PtxOperand> results = List.of();
        if (i < ops.size() && ops.get(i) instanceof PtxOperand.Parenthesized p) {
            results = p.elements();
            i++;
        }
        if (i < ops.size() && ops.get(i) instanceof PtxOperand.Register target) {
            List<PtxOperand> args = i + 1 < ops.size() && ops.get(i + 1) instanceof PtxOperand.Parenthesized p
                    ? p.elements() : List.of();
            indirect(ins, target, results, args);
            return;
        }
        if (i >= ops.size() || !(ops.get(i) instanceof PtxOperand.Symbol callee)) {
            throw f.unsupported(ins, "a call whose target is neither a function nor a register");
        }
        i++;
        List<PtxOperand> args = List.of();
        if (i < ops.size() && ops.get(i) instanceof PtxOperand.Parenthesized p) {
            args = p.elements();
            i++;
        }
        if (i < ops.size()) {
            throw f.unsupported(ins, "calls with a prototype (indirect calls)");
        }
        Binding b = f.scopes().lookup(callee.name());
        if (!(b instanceof Binding.Function fb)) {
            throw CompileException.at(callee.pos(), "call of undeclared function '" + callee.name() + "'");
        }
        if (fb.function() == null) {
            external(ins, callee.name());
            return;
        }
        KFunction target = fb.function();
        PtxFunction decl = fb.decl();
        if (args.size() != decl.params().size() || results.size() != decl.returns().size()) {
            throw CompileException.at(ins.pos(), "call of '" + callee.name() + "' with " + args.size() + " arguments and "
                    + results.size() + " results; it takes " + decl.params().size() + " and returns "
                    + decl.returns().size());
        }
        direct(ins, target, results, args);
    }

    /**
     * {@code call (ret), %rd, (args), prototype;}: the register holds a function's index (see
     * {@link ModuleLowering#functionIndex}), so the call compares it with the module's functions whose
     * parameters and results have the call's shapes in turn; any other value, null included, traps.
     */
    private void indirect(Instruction ins, PtxOperand.Register target, List<PtxOperand> results, List<PtxOperand> args) {
        KExpr index = f.read(target, ScalarType.ULONGLONG);
        KLocal selector = f.fn().newLocal("callee", ScalarType.ULONGLONG, ins.pos());
        f.emit(new KStmt.Assign(selector, index));
        List<KFunction> candidates = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (Binding b : f.module().names().values()) {
            if (!(b instanceof Binding.Function fb) || fb.function() == null || fb.decl().entry()
                    || !sameShapes(fb.decl().params(), args) || !sameShapes(fb.decl().returns(), results)) {
                continue;
            }
            Long value = f.module().functionIndex(fb.decl().name());
            if (value == null) {
                continue;
            }
            candidates.add(fb.function());
            values.add(value);
        }
        // an if-else chain, as the source path's dispatchers (a barrier in a callee is allowed there, not in a switch)
        KBlock chain = new KBlock(List.of(new KStmt.Trap(
                "call through a function pointer that is null or not a function of the call's prototype",
                ins.sourcePos(), KernelAbi.TRAP_BAD_FUNCTION_POINTER)));
        for (int c = candidates.size() - 1; c >= 0; c--) {
            KFunction callee = candidates.get(c);
            KExpr matches = new KExpr.Binary(KExpr.BinaryOp.EQ, new KExpr.LocalGet(selector),
                    new KExpr.IntConst(ScalarType.ULONGLONG, values.get(c)), ScalarType.BOOL);
            chain = new KBlock(List.of(new KStmt.If(matches, new KBlock(f.capture(() -> direct(ins, callee, results, args))),
                    chain)));
        }
        f.emit(new KStmt.Nested(chain));
    }

    /** Whether a function's parameters (or results) are declared as the call's {@code .param} operands are. */
    private boolean sameShapes(List<PtxVariable> declared, List<PtxOperand> operands) {
        if (declared.size() != operands.size()) {
            return false;
        }
        for (int a = 0; a < operands.size(); a++) {
            if (!(operands.get(a) instanceof PtxOperand.Symbol s
                    && f.scopes().lookup(s.name()) instanceof Binding.Param p)) {
                return false;
            }
            PtxVariable d = declared.get(a);
            PtxVariable given = p.decl();
            if (d.size() != given.size() || d.isArray() != given.isArray()
                    || d.type().isFloat() != given.type().isFloat()) {
                return false;
            }
        }
        return true;
    }

    private void direct(Instruction ins, KFunction target, List<PtxOperand> results, List<PtxOperand> args) {
        List<KExpr> values = new ArrayList<>();
        for (int a = 0; a < args.size(); a++) {
            values.add(argument(args.get(a), target.params().get(a)));
        }
        KExpr call = new KExpr.Call(target, values, target.returnType());
        if (results.isEmpty()) {
            f.emit(new KStmt.Eval(call));
            return;
        }
        PtxOperand r = results.get(0);
        if (r instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p) {
            KLocal dst = p.local();
            if (dst.type().equals(target.returnType()) || !(dst.type() instanceof ScalarType)) {
                f.emit(new KStmt.Assign(dst, call));
            } else {
                KLocal tmp = f.fn().newLocal("t", target.returnType(), ins.pos());
                f.emit(new KStmt.Assign(tmp, call));
                f.emit(new KStmt.Assign(dst, Exprs.as(new KExpr.LocalGet(tmp), (ScalarType) dst.type())));
            }
            return;
        }
        f.write(r, call);
    }

    private KExpr argument(PtxOperand arg, KLocal param) {
        if (arg instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p) {
            KExpr v = new KExpr.LocalGet(p.local());
            if (param.type() instanceof ScalarType st && p.local().type() instanceof ScalarType) {
                return Exprs.as(v, st);
            }
            if (!p.local().type().equals(param.type())) {
                throw CompileException.at(arg.pos(), "argument '" + s.name() + "' does not match the parameter of "
                        + param.type().display());
            }
            return v;
        }
        if (param.type() instanceof ScalarType st) {
            return f.read(arg, st);
        }
        throw CompileException.at(arg.pos(), "expected a .param variable as the argument");
    }

    private void external(Instruction ins, String name) {
        switch (name) {
            case "__assertfail" -> f.emit(new KStmt.Trap("assertion failed", ins.pos()));
            case "vprintf" -> throw f.unsupported(ins, "device printf (vprintf)");
            case "malloc", "free" -> throw f.unsupported(ins, "device heap (" + name + ")");
            default -> throw CompileException.at(ins.pos(), "call of external function '" + name
                    + "' whose body is not in this PTX (link it in first)");
        }
    }
}
