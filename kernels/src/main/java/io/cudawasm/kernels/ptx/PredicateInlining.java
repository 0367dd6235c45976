package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KExpr.UnaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a predicate back into the {@code if} that tests it: {@code setp.ge.s32 %p, %r, %s; @%p bra}
 * lowers to {@code p = r >= s; if (!p) {...}}, and becomes {@code if (r < s) {...}} when {@code p}
 * is assigned once, read only there, and computed right before from plain values. The Wasm
 * emitter recognises a thread loop guarded by {@code threadIdx.x < U} (a reduction's tree step) and
 * stops the loop at U; with the comparison hidden behind a predicate register it visits every
 * thread of the block to find the guard false.
 */
final class PredicateInlining {
    private PredicateInlining() {}

    static KBlock apply(KBlock body) {
        LocalUses uses = LocalUses.of(body);
        KirRewriter rewriter = new KirRewriter() {
            @Override
            public KBlock block(KBlock b) {
                List<KStmt> in = b.statements();
                List<KStmt> out = new ArrayList<>();
                for (int i = 0; i < in.size(); i++) {
                    KStmt s = in.get(i);
                    if (i + 1 < in.size() && s instanceof KStmt.Assign a && in.get(i + 1) instanceof KStmt.If f
                            && inlinable(a, f, uses)) {
                        KExpr condition = simplified(substitute(f.condition(), a.target(), a.value()));
                        out.addAll(stmt(new KStmt.If(condition, f.then(), f.otherwise())));
                        i++;
                        continue;
                    }
                    out.addAll(stmt(s));
                }
                return new KBlock(out);
            }
        };
        return rewriter.block(body);
    }

    private static boolean inlinable(KStmt.Assign a, KStmt.If f, LocalUses uses) {
        KLocal p = a.target();
        if (!(p.type() instanceof ScalarType t) || t.kind() != ScalarKind.BOOL || !uses.singleUse(p)) {
            return false;
        }
        int[] inCondition = {0};
        KirWalk.expression(f.condition(), e -> {
            if (e instanceof KExpr.LocalGet g && g.local() == p) {
                inCondition[0]++;
            }
        });
        return inCondition[0] == 1 && plain(a.value());
    }

    /** No memory access, call or collective: evaluating it a statement later changes nothing. */
    private static boolean plain(KExpr e) {
        boolean[] ok = {true};
        KirWalk.expression(e, x -> {
            if (!(x instanceof KExpr.IntConst || x instanceof KExpr.FloatConst || x instanceof KExpr.LocalGet
                    || x instanceof KExpr.Special || x instanceof KExpr.Unary || x instanceof KExpr.Binary
                    || x instanceof KExpr.Convert || x instanceof KExpr.Select)) {
                ok[0] = false;
            }
        });
        return ok[0];
    }

    private static KExpr substitute(KExpr e, KLocal p, KExpr value) {
        return new KirRewriter() {
            @Override
            public KExpr expr(KExpr x) {
                if (x instanceof KExpr.LocalGet g && g.local() == p) {
                    return value;
                }
                return super.expr(x);
            }
        }.expr(e);
    }

    /** {@code !(a >= b)} is {@code a < b} for integers (not for floats: NaN). */
    private static KExpr simplified(KExpr e) {
        if (e instanceof KExpr.Unary u && u.op() == UnaryOp.NOT && u.operand() instanceof KExpr.Binary c
                && c.op().isComparison() && isInteger(c.left()) && isInteger(c.right())) {
            BinaryOp flipped = switch (c.op()) {
                case EQ -> BinaryOp.NE;
                case NE -> BinaryOp.EQ;
                case LT -> BinaryOp.GE;
                case LE -> BinaryOp.GT;
                case GT -> BinaryOp.LE;
                default -> BinaryOp.LT;
            };
            return new KExpr.Binary(flipped, c.left(), c.right(), c.type());
        }
        return e;
    }

    private static boolean isInteger(KExpr e) {
        return e.type() instanceof ScalarType t && !t.kind().isFloating() && t.kind() != ScalarKind.BOOL;
    }
}
