package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.UnaryOp;
import io.cudawasm.kernels.ptx.StructuredNode.Label;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the labelled blocks the structurer had to assume, bottom up, so that ordinary
 * if/else and loops remain:
 * <ul>
 * <li>a branch to a block's end that is the last thing the block does anyway is dropped;
 * <li>{@code if (c) { A; br L } rest} inside block L becomes {@code if (c) { A } else { rest }};
 * <li>a block whose remaining branches all leave loops that end the block is folded into those
 * loops: the branch becomes the loop's {@code break};
 * <li>a block nobody branches to any more is replaced by its body.
 * </ul>
 */
final class StructuredSimplifier {
    private StructuredSimplifier() {}

    static List<StructuredNode> simplify(List<StructuredNode> code) {
        List<StructuredNode> out = new ArrayList<>();
        for (StructuredNode n : code) {
            if (n instanceof StructuredNode.Block b) {
                List<StructuredNode> body = simplify(b.body());
                removeTailBranches(body, b.label());
                foldForwardBranches(body, b.label());
                int uses = count(body, b.label());
                if (uses > 0) {
                    List<StructuredNode.Loop> tails = new ArrayList<>();
                    tailLoops(body, tails);
                    int inTails = 0;
                    for (StructuredNode.Loop l : tails) {
                        inTails += count(l.body(), b.label());
                    }
                    if (inTails == uses) {
                        for (StructuredNode.Loop l : tails) {
                            l.exits().add(b.label());
                        }
                        uses = 0;
                    }
                }
                if (uses == 0) {
                    out.addAll(body);
                } else {
                    out.add(new StructuredNode.Block(b.label(), body));
                }
            } else if (n instanceof StructuredNode.Loop l) {
                out.add(new StructuredNode.Loop(l.label(), simplify(l.body()), l.exits()));
            } else if (n instanceof StructuredNode.If i) {
                out.add(normalized(i.condition(), simplify(i.then()), simplify(i.otherwise())));
            } else {
                out.add(n);
            }
        }
        return flattenEarlyExits(out);
    }

    /**
     * {@code if (c) { ...; return } else { E }} is {@code if (c) { ...; return } E}: the shape of
     * an early return (or break, continue) as written in source, which keeps the rest of the body
     * out of a divergent branch.
     */
    private static List<StructuredNode> flattenEarlyExits(List<StructuredNode> code) {
        List<StructuredNode> out = new ArrayList<>();
        for (StructuredNode n : code) {
            if (n instanceof StructuredNode.If i && !i.then().isEmpty() && !i.otherwise().isEmpty()) {
                if (!canFallThrough(i.then())) {
                    out.add(new StructuredNode.If(i.condition(), i.then(), List.of()));
                    out.addAll(flattenEarlyExits(i.otherwise()));
                    continue;
                }
                if (!canFallThrough(i.otherwise())) {
                    out.add(new StructuredNode.If(negate(i.condition()), i.otherwise(), List.of()));
                    out.addAll(flattenEarlyExits(i.then()));
                    continue;
                }
            }
            out.add(n);
        }
        return out;
    }

    private static StructuredNode.If normalized(KExpr c, List<StructuredNode> then, List<StructuredNode> otherwise) {
        if (then.isEmpty() && !otherwise.isEmpty()) {
            return new StructuredNode.If(negate(c), otherwise, then);
        }
        return new StructuredNode.If(c, then, otherwise);
    }

    static KExpr negate(KExpr c) {
        if (c instanceof KExpr.Unary u && u.op() == UnaryOp.NOT) {
            return u.operand();
        }
        return new KExpr.Unary(UnaryOp.NOT, c, ScalarType.BOOL);
    }

    /** Drops branches to {@code label} that sit where control would reach the block's end anyway. */
    private static void removeTailBranches(List<StructuredNode> code, Label label) {
        if (code.isEmpty()) {
            return;
        }
        StructuredNode last = code.get(code.size() - 1);
        if (last instanceof StructuredNode.Br br && br.label() == label) {
            code.remove(code.size() - 1);
        } else if (last instanceof StructuredNode.If i) {
            removeTailBranches(i.then(), label);
            removeTailBranches(i.otherwise(), label);
            if (i.then().isEmpty() && i.otherwise().isEmpty()) {
                code.remove(code.size() - 1);
            } else if (i.then().isEmpty()) {
                code.set(code.size() - 1, normalized(i.condition(), i.then(), i.otherwise()));
            }
        } else if (last instanceof StructuredNode.Block b) {
            removeTailBranches(b.body(), label);
        }
    }

    /** {@code if (c) { A; br L } rest} becomes {@code if (c) { A } else { rest }} (and the mirror image). */
    private static void foldForwardBranches(List<StructuredNode> code, Label label) {
        for (int i = 0; i < code.size() - 1; i++) {
            if (!(code.get(i) instanceof StructuredNode.If n)) {
                continue;
            }
            boolean thenJumps = endsWith(n.then(), label) && count(n.then(), label) == 1;
            boolean elseJumps = endsWith(n.otherwise(), label) && count(n.otherwise(), label) == 1;
            List<StructuredNode> keep;
            List<StructuredNode> receive;
            if (thenJumps && !elseJumps && canFallThrough(n.otherwise())) {
                keep = n.then();
                receive = n.otherwise();
            } else if (elseJumps && !thenJumps && canFallThrough(n.then())) {
                keep = n.otherwise();
                receive = n.then();
            } else {
                continue;
            }
            keep.remove(keep.size() - 1);
            List<StructuredNode> rest = code.subList(i + 1, code.size());
            receive.addAll(rest);
            rest.clear();
            foldForwardBranches(receive, label);
            code.set(i, normalized(n.condition(), n.then(), n.otherwise()));
            return;
        }
    }

    private static boolean endsWith(List<StructuredNode> code, Label label) {
        return !code.isEmpty() && code.get(code.size() - 1) instanceof StructuredNode.Br br && br.label() == label;
    }

    /** Whether control can reach the end of {@code code} (conservatively true). */
    static boolean canFallThrough(List<StructuredNode> code) {
        if (code.isEmpty()) {
            return true;
        }
        StructuredNode last = code.get(code.size() - 1);
        if (last instanceof StructuredNode.Br) {
            return false;
        }
        if (last instanceof StructuredNode.Loop l) {
            return !l.exits().isEmpty();
        }
        if (last instanceof StructuredNode.Leaf leaf) {
            return !(leaf.statement() instanceof io.cudawasm.kernels.kir.KStmt.Return);
        }
        if (last instanceof StructuredNode.If i) {
            return canFallThrough(i.then()) || canFallThrough(i.otherwise());
        }
        return true;
    }

    /** Loops in tail position: when one of them is left, control reaches the end of {@code code}. */
    private static void tailLoops(List<StructuredNode> code, List<StructuredNode.Loop> out) {
        if (code.isEmpty()) {
            return;
        }
        StructuredNode last = code.get(code.size() - 1);
        if (last instanceof StructuredNode.Loop l) {
            out.add(l);
        } else if (last instanceof StructuredNode.If i) {
            tailLoops(i.then(), out);
            tailLoops(i.otherwise(), out);
        } else if (last instanceof StructuredNode.Block b) {
            tailLoops(b.body(), out);
        }
    }

    static int count(List<StructuredNode> code, Label label) {
        int n = 0;
        CompileBudget budget = CompileBudget.current();
        for (StructuredNode s : code) {
            budget.checkpoint(null);
            if (s instanceof StructuredNode.Br br) {
                n += br.label() == label ? 1 : 0;
            } else if (s instanceof StructuredNode.If i) {
                n += count(i.then(), label) + count(i.otherwise(), label);
            } else if (s instanceof StructuredNode.Block b) {
                n += count(b.body(), label);
            } else if (s instanceof StructuredNode.Loop l) {
                n += count(l.body(), label);
            }
        }
        return n;
    }
}
