package io.cudawasm.kernels.ptx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labels declared inside a {@code { ... }} block are local to it in PTX: inline assembly that waits
 * in a loop ({@code { LAB_WAIT: mbarrier.try_wait ... @!p bra LAB_WAIT; }}) appears once per call
 * site or unrolled iteration with the same label. Each such label gets a name of its own (with a
 * character PTX names cannot hold), and a branch goes to the label of the innermost enclosing
 * block that declares it, as ptxas resolves it.
 */
final class ScopedLabels {
    private ScopedLabels() {}

    static List<PtxStatement> resolve(List<PtxStatement> body) {
        // the labels each block declares directly, by the block's number in order of opening
        List<Map<String, String>> declared = new ArrayList<>();
        Deque<Integer> open = new ArrayDeque<>();
        boolean nested = false;
        for (PtxStatement s : body) {
            if (s instanceof PtxStatement.ScopeStart) {
                open.push(declared.size());
                declared.add(new HashMap<>());
            } else if (s instanceof PtxStatement.ScopeEnd) {
                if (!open.isEmpty()) {
                    open.pop();
                }
            } else if (s instanceof PtxStatement.Label l && !open.isEmpty()) {
                declared.get(open.peek()).putIfAbsent(l.name(), l.name() + "@" + open.peek());
                nested = true;
            }
        }
        if (!nested) {
            return body;
        }
        List<PtxStatement> out = new ArrayList<>(body.size());
        Deque<Integer> scopes = new ArrayDeque<>();
        int opened = 0;
        for (PtxStatement s : body) {
            if (s instanceof PtxStatement.ScopeStart) {
                scopes.push(opened++);
                out.add(s);
            } else if (s instanceof PtxStatement.ScopeEnd) {
                if (!scopes.isEmpty()) {
                    scopes.pop();
                }
                out.add(s);
            } else if (s instanceof PtxStatement.Label l) {
                out.add(new PtxStatement.Label(renamed(l.name(), scopes, declared), l.pos()));
            } else if (s instanceof PtxStatement.Instruction i && !scopes.isEmpty()) {
                List<PtxOperand> ops = new ArrayList<>(i.operands().size());
                for (PtxOperand op : i.operands()) {
                    ops.add(op instanceof PtxOperand.Symbol sym
                            ? new PtxOperand.Symbol(renamed(sym.name(), scopes, declared), sym.pos()) : op);
                }
                out.add(new PtxStatement.Instruction(i.guard(), i.opcode(), i.modifiers(), ops, i.pos(), i.origin()));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static String renamed(String name, Deque<Integer> scopes, List<Map<String, String>> declared) {
        for (int scope : scopes) { // innermost first
            String local = declared.get(scope).get(name);
            if (local != null) {
                return local;
            }
        }
        return name;
    }
}
