package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The reachable part of a function's basic blocks with predecessors, a reverse postorder,
 * immediate dominators (Cooper, Harvey and Kennedy's iterative algorithm) and natural loops.
 * Only reducible graphs are accepted: every retreating edge must go to a block that dominates
 * its source, which holds for everything compiled from structured source.
 */
final class ControlFlowGraph {
    private final List<BasicBlock> blocks;
    private final CompileBudget budget = CompileBudget.current();
    private final int entry;
    private final List<List<Integer>> succs = new ArrayList<>();
    private final List<List<Integer>> preds = new ArrayList<>();
    /** Blocks in reverse postorder, and each block's index in it (-1: unreachable). */
    private final List<Integer> order = new ArrayList<>();
    private final int[] rpo;
    private final int[] idom;
    /** Per loop header, the blocks of its natural loop (including the header). */
    private final BitSet[] loopBody;
    /** The header of the innermost loop containing a block, or -1. */
    private final int[] innermostLoop;
    /** The header of the loop enclosing a loop header's loop, or -1. */
    private final int[] parentLoop;

    ControlFlowGraph(List<BasicBlock> blocks, int entry) {
        this.blocks = blocks;
        this.entry = entry;
        int n = blocks.size();
        for (BasicBlock b : blocks) {
            List<Integer> s = new ArrayList<>();
            for (int t : b.terminator().targets()) {
                if (t != Terminator.RETURN && !s.contains(t)) {
                    s.add(t);
                }
            }
            succs.add(s);
            preds.add(new ArrayList<>());
        }
        rpo = new int[n];
        Arrays.fill(rpo, -1);
        computeOrder();
        for (int b : order) {
            for (int s : succs.get(b)) {
                preds.get(s).add(b);
            }
        }
        idom = new int[n];
        computeDominators();
        loopBody = new BitSet[n];
        innermostLoop = new int[n];
        parentLoop = new int[n];
        computeLoops();
    }

    int entry() {
        return entry;
    }

    int blockCount() {
        return blocks.size();
    }

    BasicBlock block(int id) {
        return blocks.get(id);
    }

    List<Integer> order() {
        return order;
    }

    int rpo(int b) {
        return rpo[b];
    }

    List<Integer> preds(int b) {
        return preds.get(b);
    }

    int idom(int b) {
        return idom[b];
    }

    boolean dominates(int a, int b) {
        int x = b;
        while (true) {
            if (x == a) {
                return true;
            }
            if (x == entry) {
                return false;
            }
            x = idom[x];
        }
    }

    boolean isLoopHeader(int b) {
        return loopBody[b] != null;
    }

    /** Whether block {@code b} is in the natural loop headed by {@code header}. */
    boolean inLoop(int header, int b) {
        return loopBody[header] != null && loopBody[header].get(b);
    }

    int innermostLoop(int b) {
        return innermostLoop[b];
    }

    int parentLoop(int header) {
        return parentLoop[header];
    }

    /** An edge to a loop header from inside its loop. */
    boolean isBackEdge(int from, int to) {
        return isLoopHeader(to) && inLoop(to, from);
    }

    /** Forward (non-back) edges into {@code b}. */
    int forwardPredecessors(int b) {
        int n = 0;
        for (int p : preds.get(b)) {
            if (!isBackEdge(p, b)) {
                n++;
            }
        }
        return n;
    }

    private void computeOrder() {
        // iterative depth-first search; postorder reversed
        int n = blocks.size();
        List<Integer> post = new ArrayList<>();
        boolean[] seen = new boolean[n];
        int[] stack = new int[n + 1];
        int[] nextChild = new int[n];
        int sp = 0;
        stack[sp++] = entry;
        seen[entry] = true;
        while (sp > 0) {
            int b = stack[sp - 1];
            List<Integer> s = succs.get(b);
            if (nextChild[b] < s.size()) {
                int c = s.get(nextChild[b]++);
                if (!seen[c]) {
                    seen[c] = true;
                    stack[sp++] = c;
                }
            } else {
                post.add(b);
                sp--;
            }
        }
        for (int i = post.size() - 1; i >= 0; i--) {
            rpo[post.get(i)] = order.size();
            order.add(post.get(i));
        }
    }

    private void computeDominators() {
        Arrays.fill(idom, -1);
        idom[entry] = entry;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b : order) {
                budget.checkpoint(blocks.get(b).pos());
                if (b == entry) {
                    continue;
                }
                int d = -1;
                for (int p : preds.get(b)) {
                    if (idom[p] != -1) {
                        d = d == -1 ? p : intersect(p, d);
                    }
                }
                if (d != idom[b]) {
                    idom[b] = d;
                    changed = true;
                }
            }
        }
    }

    private int intersect(int a, int b) {
        while (a != b) {
            while (rpo[a] > rpo[b]) {
                a = idom[a];
            }
            while (rpo[b] > rpo[a]) {
                b = idom[b];
            }
        }
        return a;
    }

    private void computeLoops() {
        Arrays.fill(innermostLoop, -1);
        Arrays.fill(parentLoop, -1);
        List<Integer> headers = new ArrayList<>();
        for (int b : order) {
            for (int s : succs.get(b)) {
                if (rpo[s] <= rpo[b]) {
                    if (!dominates(s, b)) {
                        BasicBlock target = blocks.get(s);
                        throw CompileException.at(target.pos(), "unsupported PTX control flow: the branch from "
                                + blocks.get(b) + " to " + target + " makes the control-flow graph irreducible (a loop "
                                + "with two entries); only reducible graphs, as compilers emit them, are supported");
                    }
                    if (loopBody[s] == null) {
                        loopBody[s] = new BitSet();
                        loopBody[s].set(s);
                        headers.add(s);
                    }
                    collectLoop(s, b);
                    // a body is a bit set over the blocks: nested loops cost blocks/64 words each
                    budget.countIrNodes(loopBody[s].length() / 64 + 1, blocks.get(s).pos(), null);
                }
            }
        }
        // innermost loop: the smallest body that contains the block
        for (int b : order) {
            budget.checkpoint(blocks.get(b).pos());
            int best = -1;
            for (int h : headers) {
                if (loopBody[h].get(b) && (best == -1 || loopBody[h].cardinality() < loopBody[best].cardinality())) {
                    best = h;
                }
            }
            innermostLoop[b] = best;
        }
        for (int h : headers) {
            budget.checkpoint(blocks.get(h).pos());
            int best = -1;
            for (int o : headers) {
                if (o != h && loopBody[o].get(h)
                        && (best == -1 || loopBody[o].cardinality() < loopBody[best].cardinality())) {
                    best = o;
                }
            }
            parentLoop[h] = best;
        }
    }

    /** Adds to the loop of {@code header} every block that reaches {@code latch} without passing the header. */
    private void collectLoop(int header, int latch) {
        BitSet body = loopBody[header];
        List<Integer> work = new ArrayList<>();
        if (!body.get(latch)) {
            body.set(latch);
            work.add(latch);
        }
        while (!work.isEmpty()) {
            int b = work.remove(work.size() - 1);
            budget.checkpoint(null);
            for (int p : preds.get(b)) {
                if (!body.get(p)) {
                    body.set(p);
                    work.add(p);
                }
            }
        }
    }
}
