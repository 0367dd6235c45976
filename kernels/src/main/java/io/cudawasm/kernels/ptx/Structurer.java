package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.StructuredNode.Label;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns a reducible control-flow graph into nested blocks, loops and ifs, following the dominator
 * tree (the method of Ramsey's "Beyond Relooper", 2022, which is also what WebAssembly compilers
 * call stackifying). A block's code is followed by the code of the blocks it immediately
 * dominates: those with one way in are placed where they are branched to, the others (merge
 * points) get a labelled {@link StructuredNode.Block} around the code that branches to them. A loop
 * header's code is wrapped in a {@link StructuredNode.Loop}. One refinement: a block that a branch
 * reaches by leaving loops is placed after the outermost loop it leaves, so loop exits come after
 * the loop rather than inside it.
 */
final class Structurer {
    private final ControlFlowGraph cfg;
    private final Supplier<KStmt> returnStatement;
    private final Map<Integer, Label> blockLabels = new HashMap<>();
    private final Map<Integer, Label> loopLabels = new HashMap<>();
    private final Map<Integer, List<Integer>> placed = new HashMap<>();
    private final boolean[] labelled;
    private int nextLabel;

    private Structurer(ControlFlowGraph cfg, Supplier<KStmt> returnStatement) {
        this.cfg = cfg;
        this.returnStatement = returnStatement;
        this.labelled = new boolean[cfg.blockCount()];
    }

    static List<StructuredNode> structure(ControlFlowGraph cfg, Supplier<KStmt> returnStatement) {
        Structurer s = new Structurer(cfg, returnStatement);
        s.place();
        return s.tree(cfg.entry());
    }

    /** Decides for every block whether it needs a label and under which block it is placed. */
    private void place() {
        for (int y : cfg.order()) {
            if (y == cfg.entry()) {
                continue;
            }
            int x = cfg.idom(y);
            int hoistTo = -1;
            for (int h = cfg.innermostLoop(x); h != -1 && !cfg.inLoop(h, y); h = cfg.parentLoop(h)) {
                hoistTo = h;
            }
            int parent = hoistTo != -1 ? hoistTo : x;
            labelled[y] = hoistTo != -1 || cfg.forwardPredecessors(y) > 1;
            if (labelled[y]) {
                placed.computeIfAbsent(parent, k -> new ArrayList<>()).add(y);
            }
        }
        for (List<Integer> children : placed.values()) {
            children.sort((a, b) -> Integer.compare(cfg.rpo(a), cfg.rpo(b)));
        }
    }

    private Label blockLabel(int b) {
        return blockLabels.computeIfAbsent(b, k -> new Label(nextLabel++, "after_" + cfg.block(k)));
    }

    private Label loopLabel(int b) {
        return loopLabels.computeIfAbsent(b, k -> new Label(nextLabel++, "loop_" + cfg.block(k)));
    }

    /** The code of block {@code x} and of everything placed under it. */
    private List<StructuredNode> tree(int x) {
        List<Integer> children = placed.getOrDefault(x, List.of());
        if (!cfg.isLoopHeader(x)) {
            return nest(x, children);
        }
        List<Integer> inside = new ArrayList<>();
        List<Integer> outside = new ArrayList<>();
        for (int c : children) {
            (cfg.inLoop(x, c) ? inside : outside).add(c);
        }
        List<StructuredNode> code = new ArrayList<>();
        code.add(new StructuredNode.Loop(loopLabel(x), nest(x, inside), List.of()));
        for (int o : outside) {
            List<StructuredNode> wrapped = new ArrayList<>();
            wrapped.add(new StructuredNode.Block(blockLabel(o), code));
            wrapped.addAll(tree(o));
            code = wrapped;
        }
        return code;
    }

    /** Block {@code x}'s own code inside blocks for its labelled children (lowest order innermost). */
    private List<StructuredNode> nest(int x, List<Integer> children) {
        List<StructuredNode> code = straightLine(x);
        for (int c : children) {
            List<StructuredNode> wrapped = new ArrayList<>();
            wrapped.add(new StructuredNode.Block(blockLabel(c), code));
            wrapped.addAll(tree(c));
            code = wrapped;
        }
        return code;
    }

    private List<StructuredNode> straightLine(int x) {
        BasicBlock b = cfg.block(x);
        List<StructuredNode> code = new ArrayList<>();
        for (KStmt s : b.statements()) {
            code.add(new StructuredNode.Leaf(s));
        }
        Terminator t = b.terminator();
        if (t instanceof Terminator.Jump j) {
            code.addAll(branch(x, j.target()));
        } else if (t instanceof Terminator.Branch br) {
            if (br.ifTrue() == br.ifFalse()) {
                code.addAll(branch(x, br.ifTrue()));
            } else {
                code.add(new StructuredNode.If(br.condition(), branch(x, br.ifTrue()), branch(x, br.ifFalse())));
            }
        } else {
            code.add(new StructuredNode.Leaf(returnStatement.get()));
        }
        return code;
    }

    private List<StructuredNode> branch(int from, int to) {
        if (to == Terminator.RETURN) {
            return List.of(new StructuredNode.Leaf(returnStatement.get()));
        }
        if (cfg.isBackEdge(from, to)) {
            return List.of(new StructuredNode.Br(loopLabel(to)));
        }
        if (labelled[to]) {
            return List.of(new StructuredNode.Br(blockLabel(to)));
        }
        return tree(to);
    }
}
