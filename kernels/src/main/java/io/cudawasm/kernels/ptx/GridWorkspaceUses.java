package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a function reaches memory through the driver's grid workspace, whose address nvcc's
 * cooperative groups read from {@code %envreg1/2}: {@code grid.sync()} (and {@code barrier_arrive}/
 * {@code barrier_wait}) add to and spin on a counter there, which only works when every block of
 * the grid runs at once, so such a kernel needs a cooperative launch. A kernel that only tests the
 * address ({@code this_grid().is_valid()}) does not.
 *
 * <p>Flow-insensitive: a register is derived from the workspace when any instruction that writes it
 * reads {@code %envreg1/2} or such a register; the function uses the workspace when an address
 * operand's base, or a call's argument, is derived from it. This does not depend on the exact
 * instructions nvcc chooses (release atomics and acquire loads from sm_70, fences and volatile loads
 * before), only on the address coming from the environment registers.
 */
final class GridWorkspaceUses {
    private GridWorkspaceUses() {}

    static boolean isWorkspaceRegister(String name) {
        return name.equals("%envreg1") || name.equals("%envreg2");
    }

    /**
     * @param derived the registers whose value comes from the workspace address (predicates too)
     * @param reachesMemory whether an address (or a call's argument) is so derived
     */
    record Analysis(Set<String> derived, boolean reachesMemory) {
        static final Analysis NONE = new Analysis(Set.of(), false);

        /** Whether {@code ins} is a branch taken on a test of the workspace address (nvcc's is_valid() before a trap). */
        boolean testsWorkspace(Instruction ins) {
            return ins.opcode().equals("bra") && ins.guard() != null && derived.contains(ins.guard().register());
        }
    }

    static Analysis analyze(List<PtxStatement> body) {
        if (!readsWorkspace(body)) {
            return Analysis.NONE;
        }
        Set<String> derived = new HashSet<>();
        boolean memory = false;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (PtxStatement s : body) {
                if (!(s instanceof Instruction ins) || ins.operands().isEmpty()) {
                    continue;
                }
                List<PtxOperand> ops = ins.operands();
                for (PtxOperand op : ops) {
                    memory |= op instanceof PtxOperand.Address a && a.base() != null && mentions(a.base(), derived);
                }
                boolean fromWorkspace = false;
                for (int i = 1; i < ops.size(); i++) {
                    fromWorkspace |= mentions(ops.get(i), derived);
                }
                if (!fromWorkspace) {
                    continue;
                }
                if (ins.opcode().equals("call") || ins.opcode().equals("st") && ins.has("param")) {
                    memory = true; // handed to a function, which may dereference it
                }
                Set<String> written = new HashSet<>();
                if (!(ops.get(0) instanceof PtxOperand.Address)) { // a store's address is read, not written
                    registers(ops.get(0), written);
                }
                changed |= derived.addAll(written);
            }
        }
        return new Analysis(Set.copyOf(derived), memory);
    }

    private static boolean readsWorkspace(List<PtxStatement> body) {
        for (PtxStatement s : body) {
            if (s instanceof Instruction ins) {
                for (PtxOperand op : ins.operands()) {
                    if (mentions(op, Set.of())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether an operand reads %envreg1/2 or a register of {@code derived}. */
    private static boolean mentions(PtxOperand op, Set<String> derived) {
        Set<String> names = new HashSet<>();
        registers(op, names);
        for (String n : names) {
            if (derived.contains(n) || isWorkspaceRegister(n)) {
                return true;
            }
        }
        return false;
    }

    private static void registers(PtxOperand op, Set<String> out) {
        if (op instanceof PtxOperand.Register r) {
            out.add(r.name());
        } else if (op instanceof PtxOperand.Address a && a.base() != null) {
            registers(a.base(), out);
        } else if (op instanceof PtxOperand.Vector v) {
            v.elements().forEach(e -> registers(e, out));
        } else if (op instanceof PtxOperand.IndexedAddress a) {
            registers(a.base(), out);
            a.coordinates().forEach(e -> registers(e, out));
        } else if (op instanceof PtxOperand.Negated n) {
            registers(n.operand(), out);
        } else if (op instanceof PtxOperand.Pair p) {
            registers(p.first(), out);
            registers(p.second(), out);
        } else if (op instanceof PtxOperand.Parenthesized p) {
            p.elements().forEach(e -> registers(e, out));
        }
    }
}
