package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileBudget;
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
    private final CompileBudget budget = CompileBudget.current();
    private int nextLabel;
    private int depth;

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
        // one Java frame per level of real nesting (an if inside an if, a block inside a block): the
        // last child of each block continues the same list, so a long chain of merges does not recurse
        budget.checkNesting(++depth, cfg.block(x).pos());
        try {
            List<StructuredNode> out = new ArrayList<>();
            treeInto(x, out);
            return out;
        } finally {
            depth--;
        }
    }

    /** Appends the code of block {@code x} and of everything placed under it to {@code out}. */
    private void treeInto(int first, List<StructuredNode> out) {
        int x = first;
        while (true) {
            budget.checkpoint(cfg.block(x).pos());
            List<Integer> children = placed.getOrDefault(x, List.of());
            List<StructuredNode> code;
            List<Integer> following;
            if (cfg.isLoopHeader(x)) {
                List<Integer> inside = new ArrayList<>();
                following = new ArrayList<>();
                for (int c : children) {
                    (cfg.inLoop(x, c) ? inside : following).add(c);
                }
                code = new ArrayList<>();
                code.add(new StructuredNode.Loop(loopLabel(x), nest(x, inside), List.of()));
            } else {
                code = straightLine(x);
                following = children;
            }
            if (following.isEmpty()) {
                out.addAll(code);
                return;
            }
            // each child wraps what came before in a block it follows (lowest order innermost)
            for (int i = 0; i < following.size() - 1; i++) {
                int c = following.get(i);
                budget.checkNesting(depth + i + 1, cfg.block(c).pos());
                List<StructuredNode> wrapped = new ArrayList<>();
                wrapped.add(new StructuredNode.Block(blockLabel(c), code));
                wrapped.addAll(tree(c));
                code = wrapped;
            }
            int last = following.get(following.size() - 1);
            out.add(new StructuredNode.Block(blockLabel(last), code));
            x = last;
        }
    }

    /** Block {@code x}'s own code inside blocks for its labelled children (lowest order innermost). */
    private List<StructuredNode> nest(int x, List<Integer> children) {
        List<StructuredNode> code = straightLine(x);
        int wraps = 0;
        for (int c : children) {
            budget.checkNesting(depth + ++wraps, cfg.block(c).pos());
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
