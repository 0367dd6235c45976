package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.types.ArrayType;

/** Structural questions about KIR blocks the C printers ask. */
public final class ControlFlow {
    private ControlFlow() {}

    /** True when control can reach the end of the block (a non-void function would then miss its return). */
    public static boolean fallsThrough(KBlock b) {
        if (b.isEmpty()) {
            return true;
        }
        KStmt last = b.statements().get(b.statements().size() - 1);
        if (last instanceof KStmt.Return || last instanceof KStmt.Trap) {
            return false;
        }
        if (last instanceof KStmt.If i) {
            return fallsThrough(i.then()) || fallsThrough(i.otherwise());
        }
        if (last instanceof KStmt.Nested n) {
            return fallsThrough(n.block());
        }
        if (last instanceof KStmt.Loop l) {
            boolean forever = l.condition() instanceof KExpr.IntConst c && c.value() != 0;
            return !forever || breaks(l.body());
        }
        return true;
    }

    /** True when a {@code break} in the block leaves the loop directly enclosing it. */
    private static boolean breaks(KBlock b) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Break) {
                return true;
            }
            if (s instanceof KStmt.If i && (breaks(i.then()) || breaks(i.otherwise()))) {
                return true;
            }
            if (s instanceof KStmt.Nested n && breaks(n.block())) {
                return true;
            }
        }
        return false;
    }

    /** True when a {@code continue} in the block targets the loop directly enclosing it. */
    public static boolean continues(KBlock b) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Continue) {
                return true;
            }
            if (s instanceof KStmt.If i && (continues(i.then()) || continues(i.otherwise()))) {
                return true;
            }
            if (s instanceof KStmt.Nested n && continues(n.block())) {
                return true;
            }
            if (s instanceof KStmt.Switch sw) {
                for (KStmt.Case c : sw.cases()) {
                    if (continues(c.body())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** True when every statement of a loop step can be written as one comma expression. */
    public static boolean isExpressionList(KBlock step) {
        for (KStmt s : step.statements()) {
            boolean ok = s instanceof KStmt.Eval
                    || s instanceof KStmt.Assign a && !(a.target().type() instanceof ArrayType)
                    || s instanceof KStmt.Store st && !(st.value().type() instanceof ArrayType);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
