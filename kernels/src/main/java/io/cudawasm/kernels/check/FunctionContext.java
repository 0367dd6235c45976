package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;

/**
 * The state of lowering one function body (or, with {@code fn == null}, a constant expression
 * at file scope): scopes, the statement builder and the counters for new locals.
 */
final class FunctionContext {
    final Checker checker;
    final KFunction fn;
    final TemplateEnv env;
    final Scope scope = new Scope();
    final BlockBuilder out = new BlockBuilder();
    final ExpressionLowering exprs;
    final CompileBudget budget;
    final BuiltinCalls builtins;
    final ObjectLowering objects;
    final DeviceLaunches launches;
    /** The statement being lowered, where a limit hit while lowering it is reported. */
    SourcePos at;
    int loopDepth;
    int breakableDepth;
    /** In a member function: its class, its entry, and the object's address (null in a static one). */
    StructInfo owner;
    Checker.FunctionEntry method;
    KLocal thisLocal;
    /** The carry flag (CC.CF) the function's inline assembly statements share. */
    final io.cudawasm.kernels.ptx.InlinePtx.CarryFlag asmCarry = new io.cudawasm.kernels.ptx.InlinePtx.CarryFlag();
    /** Lowering only to find the type of the first return statement (a lambda's or auto function's). */
    boolean deducing;
    private int nextLocalId;

    FunctionContext(Checker checker, KFunction fn, TemplateEnv env) {
        this.checker = checker;
        this.fn = fn;
        this.env = env;
        this.nextLocalId = fn == null ? 0 : fn.params().size();
        this.budget = checker.budget;
        this.exprs = new ExpressionLowering(this);
        this.builtins = new BuiltinCalls(this);
        this.objects = new ObjectLowering(this);
        this.launches = new DeviceLaunches(this);
    }

    void enterClass(Checker.FunctionEntry entry, KLocal self) {
        this.owner = entry.owner;
        this.method = entry;
        this.thisLocal = self;
    }

    boolean inFunction() {
        return fn != null;
    }

    KLocal newLocal(String name, CType type, SourcePos pos) {
        if (fn != null) {
            // the function's own counter: the PTX front end adds locals to it too (inline assembly)
            return fn.newLocal(name, type, pos);
        }
        return new KLocal(nextLocalId++, name, type, false, pos);
    }

    /** A compiler temporary. */
    KLocal temp(CType type, SourcePos pos) {
        return newLocal("t", type, pos);
    }

    /** {@code e} in a fresh local (a value used more than once); reads and constants stay as they are. */
    KExpr let(KExpr e, SourcePos pos) {
        if (e instanceof KExpr.LocalGet || e instanceof KExpr.IntConst || e instanceof KExpr.Special) {
            return e;
        }
        KLocal t = temp(e.type(), pos);
        emit(new KStmt.Assign(t, e));
        return new KExpr.LocalGet(t);
    }

    void emit(KStmt s) {
        budget.countIrNodes(KirSize.shallow(s), at != null ? at : fn != null ? fn.pos() : null,
                fn != null ? fn.sourceName() : null);
        out.emit(s);
    }
}
