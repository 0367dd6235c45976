package io.cudawasm.kernels.opencl;

import io.cudawasm.kernels.cgen.CodeBuffer;
import io.cudawasm.kernels.cgen.Declarators;
import io.cudawasm.kernels.cgen.FunctionWriter;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.passes.Inliner;
import io.cudawasm.kernels.passes.UniformCollectives;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.PointerType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A kernel that synchronizes its grid, run on OpenCL as one NDRange per phase. OpenCL has no
 * barrier across the work-groups of one NDRange (nor a guarantee that they all run at once), so a
 * grid barrier ends the launch instead: every work-item stores its locals (a frame of its own in a
 * state buffer), every work-group its shared memory, and the host launches the kernel again with the
 * number of the barrier to resume after; the kernel then reloads both and jumps to the point after
 * that barrier (into loops too: a {@code goto} past the reload, which OpenCL C allows).
 *
 * <p>The state buffer begins with a 64-byte header of uints the host clears before each phase:
 * [0] the barrier the phase ended at (0: the kernel finished), [1] how many work-items arrived there,
 * [2] nonzero when work-items ended at different barriers, [3] the launch's dynamic shared bytes.
 * Then one frame per work-item (by global linear id), then each work-group's shared memory. The host
 * checks that all work-items arrived at the same barrier: a block that ended without reaching one
 * fails the launch, as on the CPU path (a GPU hangs there).
 *
 * <p>Grid barriers in the kernel's body only (at any depth of loops and branches, reached by every
 * thread); one in a device function, and a pointer to private memory kept in a local, are refused by
 * name. Pointers to shared memory are stored as the shared variable and offset they point into,
 * since a work-group's {@code __local} memory need not be at the same address in the next launch.
 */
final class GridPhases {
    static final int HEADER_BYTES = 64;
    private static final String STATE = "cw_phase_state";
    private static final String PHASE = "cw_phase";

    private record Slot(KLocal local, int offset, int bytes) {}

    /** Memory a phase keeps or a pointer may point into: its base address, byte size and offset in the state. */
    private record Region(String base, String size, String offset) {}

    private final KFunction kernel;
    private final FunctionInstance inst;
    private final FunctionWriter writer;
    private final OpenClDialect dialect;
    private final List<Slot> frame = new ArrayList<>();
    private final List<Region> shared = new ArrayList<>();
    /** The thread's own variables a pointer may point into (its address taken, or an array). */
    private final List<Region> locals = new ArrayList<>();
    private final Map<KStmt.Barrier, Integer> numbers = new IdentityHashMap<>();
    private final int frameBytes;
    private final int staticSharedBytes;
    /** Set when the kernel was rewritten so that returned threads still reach its collectives. */
    private final KLocal alive;

    /** Whether {@code kernel}'s own body holds a grid barrier. */
    static boolean needed(KFunction kernel) {
        return io.cudawasm.kernels.kir.GridBarriers.inBody(kernel);
    }

    private static List<KStmt.Barrier> barriers(KFunction f) {
        List<KStmt.Barrier> found = new ArrayList<>();
        KirWalk.statements(f.body(), s -> {
            if (s instanceof KStmt.Barrier b && b.kind() == BarrierKind.GRID) {
                found.add(b);
            }
        });
        return found;
    }

    /**
     * A copy of a kernel whose grid barriers are in device functions it calls, with the calls that
     * hold collectives inlined: a phase can end only in the kernel's own body.
     */
    static KFunction withCallsInlined(KFunction k, Map<KFunction, Boolean> collective) {
        KFunction copy = k.copyWithLocals();
        copy.setBody(k.body());
        copy.setBody(Inliner.inlineCollectiveCalls(copy, collective));
        return copy;
    }

    /** The refusal of a grid barrier in a device function: only the kernel's body can end a phase. */
    static void refuseInDeviceFunction(KStmt.Barrier b, KFunction f) {
        throw CompileException.at(b.pos(), "grid-wide synchronization (grid.sync()) inside device function '"
                + f.sourceName() + "' is not supported on the OpenCL C back end, which ends a launch at each grid "
                + "barrier and starts the next there: call grid.sync() in the kernel's own body (or run the kernel on "
                + "the WebAssembly path or CUDA)");
    }

    GridPhases(FunctionInstance inst, FunctionWriter writer, OpenClDialect dialect) {
        this.inst = inst;
        this.kernel = inst.function();
        this.writer = writer;
        this.dialect = dialect;
        int n = 0;
        for (KStmt.Barrier b : barriers(kernel)) {
            numbers.put(b, ++n);
        }
        this.alive = kernel.locals().stream().filter(l -> l.name().equals(UniformCollectives.ALIVE_MASK)).findFirst()
                .orElse(null);
        int offset = 0;
        List<KLocal> all = new ArrayList<>(kernel.params());
        all.addAll(kernel.locals());
        for (KLocal l : all) {
            // 16-byte slots of at least 16 bytes: OpenCL's own sizes of vectors and pointers fit
            int bytes = align16(Math.max(16, l.type().size()));
            frame.add(new Slot(l, offset, bytes));
            offset += bytes;
        }
        this.frameBytes = Math.max(16, offset);
        int sharedOffset = 0;
        for (KGlobal g : new TreeMap<>(inst.shared).values()) {
            String base = "((__local uchar*)" + OpenClDialect.sharedName(g) + ")";
            shared.add(new Region(base, Integer.toString(g.type().size()), Integer.toString(sharedOffset)));
            sharedOffset += align16(g.type().size());
        }
        this.staticSharedBytes = sharedOffset;
        // what a pointer to the thread's own memory can point into: locals whose address is taken, arrays
        java.util.Set<KLocal> addressed = new java.util.LinkedHashSet<>();
        KirWalk.expressions(kernel.body(), e -> {
            if (e instanceof io.cudawasm.kernels.kir.KExpr.LocalAddr a) {
                addressed.add(a.local());
            }
        });
        for (KLocal l : all) {
            if (addressed.contains(l) || l.type() instanceof ArrayType) {
                locals.add(new Region("((__private uchar*)&" + l.uniqueName() + ")", Integer.toString(l.type().size()),
                        "0"));
            }
        }
        if (inst.hidden.contains(HiddenParam.DYNAMIC_SHARED)) {
            shared.add(new Region("((__local uchar*)" + HiddenParam.DYNAMIC_SHARED.cName() + ")",
                    "((__global uint*)" + STATE + ")[3]", Integer.toString(sharedOffset)));
        }
    }

    private static int align16(int n) {
        return (n + 15) & ~15;
    }

    /** What the host needs to size the state buffer. */
    OpenClKernel.Phases info() {
        return new OpenClKernel.Phases(frameBytes, staticSharedBytes, numbers.size());
    }

    List<String> params() {
        return List.of("__global uchar* " + STATE, "uint " + PHASE);
    }

    /** Declarations, then (in a later phase) the reload and the jump to the barrier the phase resumes after. */
    void prologue(CodeBuffer out) {
        for (int i = 0; i < frame.size(); i++) {
            Slot s = frame.get(i);
            if (!(s.local().type() instanceof ArrayType)) {
                out.line("typedef " + Declarators.declare(dialect, s.local().type(), "cw_frame_t" + i, null,
                        s.local().type() instanceof PointerType ? writerSpace(s.local()) : null) + ";");
                out.line("typedef char cw_frame_fits" + i + "[sizeof(cw_frame_t" + i + ") <= " + s.bytes() + " ? 1 : -1];");
            }
        }
        String ntid = "(" + dialect.special(SpecialReg.NTID_X) + " * " + dialect.special(SpecialReg.NTID_Y) + " * "
                + dialect.special(SpecialReg.NTID_Z) + ")";
        String lid = "(" + dialect.special(SpecialReg.TID_X) + " + " + dialect.special(SpecialReg.NTID_X) + " * ("
                + dialect.special(SpecialReg.TID_Y) + " + " + dialect.special(SpecialReg.NTID_Y) + " * "
                + dialect.special(SpecialReg.TID_Z) + "))";
        String block = "(" + dialect.special(SpecialReg.CTAID_X) + " + " + dialect.special(SpecialReg.NCTAID_X) + " * ("
                + dialect.special(SpecialReg.CTAID_Y) + " + " + dialect.special(SpecialReg.NCTAID_Y) + " * "
                + dialect.special(SpecialReg.CTAID_Z) + "))";
        String blocks = "((ulong)" + dialect.special(SpecialReg.NCTAID_X) + " * " + dialect.special(SpecialReg.NCTAID_Y)
                + " * " + dialect.special(SpecialReg.NCTAID_Z) + ")";
        out.line("uint cw_phase_next = 0u;");
        out.line("const uint cw_phase_lid = " + lid + ";");
        out.line("const uint cw_phase_ntid = " + ntid + ";");
        out.line("const ulong cw_phase_block = " + block + ";");
        out.line("__global uchar* const cw_phase_frame = " + STATE + " + " + HEADER_BYTES + " + (cw_phase_block * "
                + "cw_phase_ntid + cw_phase_lid) * " + frameBytes + "UL;");
        out.line("__global uchar* const cw_phase_shared = " + STATE + " + " + HEADER_BYTES + " + " + blocks
                + " * cw_phase_ntid * " + frameBytes + "UL + cw_phase_block * (" + staticSharedBytes
                + "UL + ((((__global uint*)" + STATE + ")[3] + 15u) & ~15u));");
        out.line("if (" + PHASE + " != 0u) {");
        out.indent();
        for (int i = 0; i < frame.size(); i++) {
            load(frame.get(i), i, out);
        }
        for (Region s : shared) {
            out.line("for (uint cw_i = cw_phase_lid; cw_i < " + s.size() + "; cw_i += cw_phase_ntid) " + s.base()
                    + "[cw_i] = cw_phase_shared[" + s.offset() + " + cw_i];");
        }
        out.line("barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);");
        out.line("switch (" + PHASE + ") {");
        for (int k = 1; k <= numbers.size(); k++) {
            out.line("case " + k + "u: goto cw_resume_" + k + ";");
        }
        out.line("}");
        out.outdent();
        out.line("}");
    }

    /** A grid barrier: end the phase there (the epilogue stores the frame), and resume after it. */
    void barrier(KStmt.Barrier b, CodeBuffer out) {
        int k = numbers.get(b);
        out.line("{ cw_phase_next = " + k + "u; goto cw_phase_end; }");
        out.line("cw_resume_" + k + ": ;");
    }

    /**
     * After the body, reached only from a grid barrier: every work-item of the work-group is here;
     * store this work-item's frame and its work-group's shared memory, and report the barrier. One
     * copy for all barriers: a copy per barrier made PoCL's compile of a kernel with nine of them
     * (conjugateGradientMultiBlockCG) take minutes.
     */
    void epilogue(CodeBuffer out) {
        out.line("return;");
        out.line("cw_phase_end:");
        out.line("{");
        out.indent();
        out.line("barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);");
        for (int i = 0; i < frame.size(); i++) {
            store(frame.get(i), i, out);
        }
        for (Region s : shared) {
            out.line("for (uint cw_i = cw_phase_lid; cw_i < " + s.size() + "; cw_i += cw_phase_ntid) cw_phase_shared["
                    + s.offset() + " + cw_i] = " + s.base() + "[cw_i];");
        }
        // a thread that returned early still passes here in a kernel whose collectives were made
        // uniform (masked off): it does not count as arriving
        out.line("if (" + (alive == null ? "1" : alive.uniqueName()) + ") {");
        out.indent();
        out.line("atomic_inc((__global uint*)" + STATE + " + 1);");
        out.line("const uint cw_was = atomic_cmpxchg((__global uint*)" + STATE + ", 0u, cw_phase_next);");
        out.line("if (cw_was != 0u && cw_was != cw_phase_next) atomic_or((__global uint*)" + STATE + " + 2, 1u);");
        out.outdent();
        out.line("}");
        out.outdent();
        out.line("}");
    }

    private AddressSpace writerSpace(KLocal l) {
        AddressSpace s = inst.spaces.get(l);
        return s == null ? AddressSpace.GLOBAL : s;
    }

    private void store(Slot s, int i, CodeBuffer out) {
        String at = "(cw_phase_frame + " + s.offset() + ")";
        String name = s.local().uniqueName();
        if (s.local().type() instanceof ArrayType) {
            out.line("for (uint cw_i = 0; cw_i < " + s.local().type().size() + "u; cw_i++) " + at + "[cw_i] = "
                    + "((__private uchar*)&" + name + ")[cw_i];");
        } else if (s.local().type() instanceof PointerType && targets(s.local()) != null) {
            storePointer(name, at, targets(s.local()), out);
        } else {
            out.line("*(__global cw_frame_t" + i + "*)" + at + " = " + name + ";");
        }
    }

    private void load(Slot s, int i, CodeBuffer out) {
        String at = "(cw_phase_frame + " + s.offset() + ")";
        String name = s.local().uniqueName();
        if (s.local().type() instanceof ArrayType) {
            out.line("for (uint cw_i = 0; cw_i < " + s.local().type().size() + "u; cw_i++) ((__private uchar*)&"
                    + name + ")[cw_i] = " + at + "[cw_i];");
        } else if (s.local().type() instanceof PointerType && targets(s.local()) != null) {
            loadPointer(i, name, at, targets(s.local()), out);
        } else {
            out.line(name + " = *(__global cw_frame_t" + i + "*)" + at + ";");
        }
    }

    /**
     * What a pointer local may point into, when that memory need not be at the same address in the
     * next launch: shared memory (a work-group's {@code __local} memory) and the thread's own
     * variables; null for global and constant memory, whose buffers stay where they are.
     */
    private List<Region> targets(KLocal l) {
        return switch (writerSpace(l)) {
            case SHARED -> shared;
            case LOCAL -> locals;
            default -> null;
        };
    }

    /**
     * A pointer as (which variable it points into + 1, offset) in two uints: 0 for a null pointer or
     * one that points into none of them (it was never valid to use).
     */
    private void storePointer(String name, String at, List<Region> into, CodeBuffer out) {
        String space = into == shared ? "__local" : "__private";
        out.line("{");
        out.indent();
        out.line(space + " uchar* cw_p = (" + space + " uchar*)" + name + ";");
        out.line("uint cw_which = 0u, cw_off = 0u;");
        for (int j = 0; j < into.size(); j++) {
            Region s = into.get(j);
            out.line("if (cw_p >= " + s.base() + " && cw_p <= " + s.base() + " + " + s.size() + ") { cw_which = "
                    + (j + 1) + "u; cw_off = (uint)(cw_p - " + s.base() + "); }");
        }
        out.line("((__global uint*)" + at + ")[0] = cw_which;");
        out.line("((__global uint*)" + at + ")[1] = cw_off;");
        out.outdent();
        out.line("}");
    }

    private void loadPointer(int i, String name, String at, List<Region> into, CodeBuffer out) {
        out.line("{");
        out.indent();
        out.line("const uint cw_which = ((__global uint*)" + at + ")[0], cw_off = ((__global uint*)" + at + ")[1];");
        out.line(name + " = 0;");
        for (int j = 0; j < into.size(); j++) {
            out.line("if (cw_which == " + (j + 1) + "u) " + name + " = (cw_frame_t" + i + ")(" + into.get(j).base()
                    + " + cw_off);");
        }
        out.outdent();
        out.line("}");
    }
}
