package io.cudawasm.kernels.opencl;

import io.cudawasm.kernels.cgen.Identifiers;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.PointerType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Works out where every pointer of a kernel points, through the device functions it calls.
 * CUDA pointers are generic; OpenCL C 1.2 needs {@code __global}, {@code __local},
 * {@code __constant} or {@code __private} on each. Kernel pointer parameters point to global
 * memory, addresses of variables to their space; a local pointer takes the space of what is
 * assigned to it (a pointer that may point into two spaces is an error), and a device function is
 * instantiated once per combination of its pointer arguments' spaces. Pointers stored in memory
 * are taken to point to global memory, except in struct members whose type says they point to
 * private memory (lambda captures by reference).
 */
final class AddressSpaceInference {
    private final Map<FunctionInstance.Key, FunctionInstance> instances = new LinkedHashMap<>();
    private final Set<FunctionInstance.Key> inProgress = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final Function<KGlobal, AddressSpace> globalSpace;

    /**
     * @param globalSpace where a {@code __constant__}/{@code __device__}/{@code __shared__} variable lives here
     */
    AddressSpaceInference(Function<KGlobal, AddressSpace> globalSpace) {
        this.globalSpace = globalSpace;
    }

    /** The instance of a kernel: its pointer parameters point to global memory. */
    FunctionInstance kernel(KFunction kernel) {
        List<AddressSpace> spaces = new ArrayList<>();
        for (KLocal p : kernel.params()) {
            spaces.add(p.type() instanceof PointerType ? AddressSpace.GLOBAL : null);
        }
        return instance(kernel, spaces, kernel.pos());
    }

    /** Every instance made so far, callees before callers. */
    List<FunctionInstance> instances() {
        return List.copyOf(instances.values());
    }

    private FunctionInstance instance(KFunction f, List<AddressSpace> spaces, SourcePos usePos) {
        FunctionInstance.Key key = new FunctionInstance.Key(f, nullsAllowed(spaces));
        FunctionInstance done = instances.get(key);
        if (done != null) {
            return done;
        }
        if (!inProgress.add(key)) {
            throw CompileException.at(usePos, "recursion ('" + f.sourceName() + "' calls itself) is not supported "
                    + "by OpenCL C, which has no call stack: run this kernel on the WebAssembly or CUDA path");
        }
        FunctionInstance inst = new FunctionInstance(key, name(f, spaces));
        for (int i = 0; i < f.params().size(); i++) {
            if (spaces.get(i) != null) {
                inst.spaces.put(f.params().get(i), spaces.get(i));
            }
        }
        solve(inst);
        inProgress.remove(key);
        instances.put(key, inst);
        return inst;
    }

    private static List<AddressSpace> nullsAllowed(List<AddressSpace> spaces) {
        return java.util.Collections.unmodifiableList(new ArrayList<>(spaces));
    }

    private String name(KFunction f, List<AddressSpace> spaces) {
        // a kernel keeps its name unless OpenCL C has a built-in function of that name (rotate, dot, ...)
        String base = !f.isKernel() ? "cw_" + Identifiers.sanitize(f.name())
                : Identifiers.isOpenClBuiltinFunction(f.name()) ? "cw_kernel_" + f.name() : f.name();
        StringBuilder suffix = new StringBuilder();
        boolean allGlobal = true;
        for (AddressSpace s : spaces) {
            if (s != null) {
                suffix.append(letter(s));
                allGlobal &= s == AddressSpace.GLOBAL;
            }
        }
        String n = f.isKernel() || allGlobal ? base : base + "_" + suffix;
        String unique = n;
        for (int i = 2; !names.add(unique); i++) {
            unique = n + "_" + i;
        }
        return unique;
    }

    private static char letter(AddressSpace s) {
        return switch (s) {
            case GLOBAL -> 'g';
            case SHARED -> 's';
            case CONSTANT -> 'c';
            default -> 'p';
        };
    }

    /** Iterates the spaces of the instance's pointer locals to a fixed point, then resolves its calls. */
    private void solve(FunctionInstance inst) {
        KFunction f = inst.function();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (KStmt s : statements(f)) {
                if (s instanceof KStmt.Assign a && a.target().type() instanceof PointerType) {
                    AddressSpace before = inst.spaces.get(a.target());
                    AddressSpace after = join(before, spaceOf(a.value(), inst, false), a.target().pos(),
                            "pointer '" + a.target().name() + "'");
                    if (after != before) {
                        inst.spaces.put(a.target(), after);
                        changed = true;
                    }
                }
            }
        }
        for (KLocal l : allLocals(f)) {
            if (l.type() instanceof PointerType) {
                AddressSpace s = inst.spaces.get(l);
                if (s == null) {
                    inst.spaces.put(l, AddressSpace.GLOBAL);
                } else if (l.needsMemory() && s != AddressSpace.GLOBAL) {
                    throw CompileException.at(l.pos(), "the address of pointer '" + l.name() + "' is taken, but it "
                            + "points to " + describe(s) + " memory; OpenCL C 1.2 only supports pointers to global "
                            + "memory behind another pointer");
                }
            }
        }
        AddressSpace ret = null;
        for (KStmt s : statements(f)) {
            if (s instanceof KStmt.Return r && r.value() != null && r.value().type() instanceof PointerType) {
                ret = join(ret, spaceOf(r.value(), inst, true), f.pos(), "the pointer '" + f.sourceName()
                        + "' returns");
            }
            if (s instanceof KStmt.Store st && st.value().type() instanceof PointerType) {
                AddressSpace stored = spaceOf(st.value(), inst, true);
                boolean privateField = stored == AddressSpace.LOCAL && st.address() instanceof KExpr.FieldAddr fa
                        && isPrivatePointerField(fa);
                if (stored != null && stored != AddressSpace.GLOBAL && !privateField) {
                    throw CompileException.at(f.pos(), "'" + f.sourceName() + "' stores a pointer to "
                            + describe(stored) + " memory in memory; OpenCL C 1.2 only supports stored pointers to "
                            + "global memory");
                }
            }
        }
        KirWalk.expressions(f.body(), e -> {
            if (e instanceof KExpr.Call c) {
                resolve(c, inst, true);
            }
        });
        inst.returnSpace = ret == null ? AddressSpace.GLOBAL : ret;
    }

    private static List<KLocal> allLocals(KFunction f) {
        List<KLocal> all = new ArrayList<>(f.params());
        all.addAll(f.locals());
        return all;
    }

    private static List<KStmt> statements(KFunction f) {
        List<KStmt> out = new ArrayList<>();
        KirWalk.statements(f.body(), out::add);
        return out;
    }

    /** The space a pointer expression points to; null while unknown (before the fixed point) or for null. */
    AddressSpace spaceOf(KExpr e, FunctionInstance inst, boolean resolved) {
        if (e instanceof KExpr.LocalGet l) {
            AddressSpace s = inst.spaces.get(l.local());
            return s == null && resolved ? AddressSpace.GLOBAL : s;
        }
        if (e instanceof KExpr.LocalAddr) {
            return AddressSpace.LOCAL;
        }
        if (e instanceof KExpr.GlobalAddr g) {
            return globalSpace.apply(g.global());
        }
        if (e instanceof KExpr.PtrAdd p) {
            return spaceOf(p.pointer(), inst, resolved);
        }
        if (e instanceof KExpr.FieldAddr fa) {
            return spaceOf(fa.structPointer(), inst, resolved);
        }
        if (e instanceof KExpr.Convert c) {
            return c.operand().type() instanceof PointerType ? spaceOf(c.operand(), inst, resolved) : AddressSpace.GLOBAL;
        }
        if (e instanceof KExpr.Select s) {
            return join(spaceOf(s.ifTrue(), inst, resolved), spaceOf(s.ifFalse(), inst, resolved),
                    inst.function().pos(), "a conditional pointer in '" + inst.function().sourceName() + "'");
        }
        if (e instanceof KExpr.Call c) {
            FunctionInstance callee = resolve(c, inst, resolved);
            return callee == null ? null : callee.returnSpace;
        }
        if (e instanceof KExpr.NullPtr) {
            return null;
        }
        if (e instanceof KExpr.IntrinsicCall i && i.op() == io.cudawasm.kernels.kir.Intrinsic.MAP_SHARED_RANK) {
            return spaceOf(i.args().get(0), inst, resolved); // the same variable in another block's shared memory
        }
        if (e instanceof KExpr.Load ld && ld.address() instanceof KExpr.FieldAddr fa && isPrivatePointerField(fa)) {
            return AddressSpace.LOCAL;
        }
        return AddressSpace.GLOBAL;
    }

    /**
     * A struct member declared to hold a pointer to private memory (a lambda's capture by
     * reference): the one kind of pointer to other than global memory kept in memory.
     */
    static boolean isPrivatePointerField(KExpr.FieldAddr fa) {
        return fa.field().type() instanceof PointerType fp && fp.space() == AddressSpace.LOCAL;
    }

    /** The instance a call reaches, or null while an argument's space is still unknown. */
    private FunctionInstance resolve(KExpr.Call c, FunctionInstance caller, boolean resolved) {
        FunctionInstance known = caller.calls.get(c);
        if (known != null) {
            return known;
        }
        List<AddressSpace> spaces = new ArrayList<>();
        for (KExpr a : c.args()) {
            if (a.type() instanceof PointerType) {
                AddressSpace s = spaceOf(a, caller, resolved);
                if (s == null) {
                    if (!resolved) {
                        return null;
                    }
                    s = AddressSpace.GLOBAL;
                }
                spaces.add(s);
            } else {
                spaces.add(null);
            }
        }
        FunctionInstance callee = instance(c.callee(), spaces, c.pos() != null ? c.pos() : caller.function().pos());
        caller.calls.put(c, callee);
        return callee;
    }

    private static AddressSpace join(AddressSpace a, AddressSpace b, SourcePos pos, String what) {
        if (a == null) {
            return b;
        }
        if (b == null || a == b) {
            return a;
        }
        throw CompileException.at(pos, what + " may point to " + describe(a) + " or to " + describe(b) + " memory; "
                + "OpenCL C 1.2 has no generic address space (use separate pointers)");
    }

    static String describe(AddressSpace s) {
        return switch (s) {
            case GLOBAL -> "global";
            case SHARED -> "shared";
            case CONSTANT -> "constant";
            case LOCAL -> "thread-local";
            case GENERIC -> "generic";
        };
    }
}
