package io.cudawasm.kernels.opencl;

import io.cudawasm.kernels.cgen.Dialect;
import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.FenceScope;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * OpenCL C 1.2 spellings. Math maps to built-ins of the same precision class as CUDA's (the
 * accurate {@code exp} for {@code expf}; {@code native_*} only for CUDA's fast intrinsics such as
 * {@code __expf}); CUDA vector types stay structs so their layout (float3: 12 bytes) is CUDA's.
 */
final class OpenClDialect implements Dialect {
    private final OpenClOptions options;
    private final Map<StructType, String> structNames;
    private final Map<KGlobal, Integer> symbolOffsets;
    private final OpenClHelpers helpers = new OpenClHelpers();
    private final Set<String> extensions = new TreeSet<>();
    private SourcePos current;

    OpenClDialect(OpenClOptions options, Map<StructType, String> structNames, Map<KGlobal, Integer> symbolOffsets) {
        this.options = options;
        this.structNames = structNames;
        this.symbolOffsets = symbolOffsets;
    }

    OpenClHelpers helpers() {
        return helpers;
    }

    /** Extensions the printed code uses (besides fp64, which the emitter detects). */
    Set<String> extensions() {
        return extensions;
    }

    /** The function being printed, for positions of errors found while printing. */
    void current(SourcePos pos) {
        current = pos;
    }

    @Override
    public String name() {
        return "OpenCL C";
    }

    @Override
    public boolean narrowSharedAddresses() {
        return false;
    }

    @Override
    public String scalar(ScalarKind k) {
        return switch (k) {
            case BOOL, UCHAR -> "uchar";
            case CHAR, SCHAR -> "char";
            case SHORT -> "short";
            case USHORT -> "ushort";
            case INT -> "int";
            case UINT -> "uint";
            case LONG, LONGLONG -> "long";
            case ULONG, ULONGLONG -> "ulong";
            case FLOAT -> "float";
            case DOUBLE -> "double";
        };
    }

    @Override
    public String struct(StructType type) {
        return (type.isUnion() ? "union " : "struct ") + structNames.get(type);
    }

    @Override
    public String qualifier(AddressSpace space) {
        return switch (space) {
            case SHARED -> "__local ";
            case CONSTANT -> "__constant ";
            case LOCAL -> "__private ";
            default -> "__global ";
        };
    }

    @Override
    public AddressSpace pointerInMemorySpace() {
        return AddressSpace.GLOBAL;
    }

    @Override
    public String literalSuffix(ScalarKind kind) {
        return "L";
    }

    @Override
    public String floatBits(boolean single, long bits) {
        return single ? "as_float(" + bits + "u)" : "as_double(" + Long.toUnsignedString(bits) + "UL)";
    }

    @Override
    public String special(SpecialReg reg) {
        int dim = switch (reg) {
            case TID_Y, NTID_Y, CTAID_Y, NCTAID_Y -> 1;
            case TID_Z, NTID_Z, CTAID_Z, NCTAID_Z -> 2;
            default -> 0;
        };
        return switch (reg) {
            case TID_X, TID_Y, TID_Z -> "((uint)get_local_id(" + dim + "))";
            case NTID_X, NTID_Y, NTID_Z -> "((uint)get_local_size(" + dim + "))";
            case CTAID_X, CTAID_Y, CTAID_Z -> options.slicedGrid()
                    ? "(cw_grid.s" + dim + " + (uint)get_group_id(" + dim + "))" : "((uint)get_group_id(" + dim + "))";
            case NCTAID_X, NCTAID_Y, NCTAID_Z -> options.slicedGrid() ? "cw_grid.s" + (3 + dim)
                    : "((uint)get_num_groups(" + dim + "))";
            case LANE_ID -> "(" + helpers.use("cw_thread_rank") + "() & 31u)";
            case WARP_ID -> "(" + helpers.use("cw_thread_rank") + "() >> 5)";
            case LINEAR_TID -> "(" + helpers.use("cw_thread_rank") + "())";
            // a launch without clusters: every block a cluster of one (larger clusters are refused)
            case CLUSTER_NX, CLUSTER_NY, CLUSTER_NZ -> "1u";
        };
    }

    @Override
    public String shiftCount(String count, int bits) {
        return count; // OpenCL C defines shifts modulo the width, as WebAssembly does
    }

    @Override
    public String floatToInteger(ScalarKind to, ScalarKind from, String operand) {
        return switch (to) {
            case INT -> "convert_int_sat(" + operand + ")";
            case UINT -> "convert_uint_sat(" + operand + ")";
            case LONG, LONGLONG -> "convert_long_sat(" + operand + ")";
            case ULONG, ULONGLONG -> "convert_ulong_sat(" + operand + ")";
            default -> "((" + scalar(to) + ")convert_int_sat(" + operand + "))";
        };
    }

    @Override
    public String integerDivision(KExpr.BinaryOp op, ScalarKind kind, String a, String b, boolean divisorSafe) {
        String sym = op == KExpr.BinaryOp.DIV ? "/" : "%";
        if (divisorSafe || !options.guardDivision()) {
            return "(" + a + " " + sym + " " + b + ")";
        }
        String t = kind.size() < 4 ? "int" : scalar(kind);
        String helper = helpers.use("cw_" + (op == KExpr.BinaryOp.DIV ? "div" : "rem") + "_" + t);
        return helper + "(" + a + ", " + b + ", " + HiddenParam.STATUS.cName() + ")";
    }

    @Override
    public String math(MathFn fn, boolean single, List<String> a) {
        String one = single ? "1.0f" : "1.0";
        return switch (fn) {
            case RCBRT -> "(" + one + " / cbrt(" + a.get(0) + "))";
            case NEARBYINT -> "rint(" + a.get(0) + ")";
            case SCALBN -> "ldexp(" + a.get(0) + ", " + a.get(1) + ")";
            case SATURATE -> helpers.use("cw_saturate") + "(" + a.get(0) + ")";
            case FAST_EXP, FAST_EXP10, FAST_LOG, FAST_LOG2, FAST_LOG10, FAST_SIN, FAST_COS, FAST_TAN ->
                    "native_" + fn.name().substring(5).toLowerCase(Locale.ROOT) + "(" + a.get(0) + ")";
            case FAST_DIVIDE -> "native_divide(" + a.get(0) + ", " + a.get(1) + ")";
            case FAST_POW -> "pow(" + a.get(0) + ", " + a.get(1) + ")"; // native_powr is undefined for x < 0
            default -> fn.name().toLowerCase(Locale.ROOT) + "(" + String.join(", ", a) + ")";
        };
    }

    @Override
    public String intrinsic(KExpr.IntrinsicCall call, List<String> a) {
        switch (call.op()) {
            // the GPU back ends' code runs blocks as their device does; the host-kept barrier objects of the CPU
            // path's independent threads are never reached here (they sit under INDEPENDENT_THREADS, false)
            case INDEPENDENT_THREADS -> {
                return "0";
            }
            case THREAD_BARRIER_INIT, THREAD_BARRIER_ARRIVE, THREAD_BARRIER_WAIT, NAMED_BARRIER -> {
                return "0u";
            }
            default -> {
                // below
            }
        }
        String x = a.isEmpty() ? "" : a.get(0);
        String rt = scalar(((ScalarType) call.type()).kind());
        return switch (call.op()) {
            case POPC, POPCLL -> "((int)popcount(" + x + "))";
            case CLZ, CLZLL -> "((int)clz(" + x + "))";
            case FFS -> helpers.use("cw_ffs") + "(" + x + ")";
            case FFSLL -> helpers.use("cw_ffsll") + "(" + x + ")";
            case BREV -> helpers.use("cw_brev") + "(" + x + ")";
            case BREVLL -> helpers.use("cw_brevll") + "(" + x + ")";
            case MUL24 -> helpers.use("cw_mul24") + "(" + x + ", " + a.get(1) + ")";
            case UMUL24 -> "((" + x + " & 0xFFFFFFu) * (" + a.get(1) + " & 0xFFFFFFu))";
            case MULHI, UMULHI, MUL64HI, UMUL64HI -> "mul_hi(" + x + ", " + a.get(1) + ")";
            case SAD, USAD -> "(abs_diff(" + x + ", " + a.get(1) + ") + " + a.get(2) + ")";
            case IABS, LLABS -> "((" + rt + ")abs(" + x + "))";
            case IMIN -> "min(" + x + ", " + a.get(1) + ")";
            case IMAX -> "max(" + x + ", " + a.get(1) + ")";
            case INT_AS_FLOAT -> "as_float(" + x + ")";
            case FLOAT_AS_INT -> (((ScalarType) call.type()).kind().isUnsigned() ? "as_uint(" : "as_int(") + x + ")";
            case LONGLONG_AS_DOUBLE -> "as_double(" + x + ")";
            case DOUBLE_AS_LONGLONG -> "as_long(" + x + ")";
            case DOUBLE_HI -> "((int)(as_long(" + x + ") >> 32))";
            case DOUBLE_LO -> "((int)as_long(" + x + "))";
            case HILO_TO_DOUBLE -> "as_double((long)(((ulong)(uint)" + x + " << 32) | (ulong)(uint)" + a.get(1) + "))";
            case F2I_RN -> "convert_int_sat_rte(" + x + ")";
            case F2U_RN -> "convert_uint_sat_rte(" + x + ")";
            case F2LL_RN -> "convert_long_sat_rte(" + x + ")";
            case F2ULL_RN -> "convert_ulong_sat_rte(" + x + ")";
            case ISNAN -> "((" + rt + ")isnan(" + x + "))";
            case ISINF -> "((" + rt + ")isinf(" + x + "))";
            case ISFINITE -> "((" + rt + ")isfinite(" + x + "))";
            case SIGNBIT -> "((" + rt + ")signbit(" + x + "))";
            case MAP_SHARED_RANK, SHARED_RANK_OF, INDEPENDENT_THREADS, THREAD_BARRIER_INIT, THREAD_BARRIER_ARRIVE,
                    THREAD_BARRIER_WAIT, NAMED_BARRIER -> throw new IllegalStateException(call.op() + " is written above");
        };
    }

    /**
     * A work-group is a cluster of one block here (the OpenCL back end refuses launches with larger
     * clusters), so the only rank there is maps to the caller's own shared memory.
     */
    @Override
    public String mapSharedRank(String pointerType, String pointer, String rank) {
        return "((" + pointerType + ")(" + pointer + "))";
    }

    @Override
    public String sharedRankOf(String pointer) {
        return "0u";
    }

    @Override
    public String atomic(KExpr.Atomic at, AddressSpace space, String p, String v, String cmp) {
        if (space != AddressSpace.GLOBAL && space != AddressSpace.SHARED) {
            throw CompileException.at(current, "atomic operation on " + AddressSpaceInference.describe(space)
                    + " memory: CUDA atomics work on global and shared memory only");
        }
        ScalarKind k = ((ScalarType) at.type()).kind();
        String spaceName = space == AddressSpace.SHARED ? "local" : "global";
        AtomicOp op = at.op();
        if (op == AtomicOp.LOAD) {
            // a volatile read: OpenCL 1.2 has no acquire load, and volatile keeps it in the loop that waits on it
            return "(*(volatile __" + spaceName + " " + scalar(k) + "*)(" + p + "))";
        }
        if (k == ScalarKind.FLOAT || k == ScalarKind.DOUBLE) {
            boolean dbl = k == ScalarKind.DOUBLE;
            if (dbl) {
                requireInt64Atomics("double-precision atomics");
            }
            if (op == AtomicOp.ADD) {
                return helpers.use("cw_atomic_add_" + scalar(k) + "_" + spaceName) + "(" + p + ", " + v + ")";
            }
            if (op == AtomicOp.EXCH) {
                return dbl ? "as_double(atom_xchg((volatile __" + spaceName + " ulong*)" + p + ", as_ulong(" + v + ")))"
                        : "atomic_xchg(" + p + ", " + v + ")";
            }
            throw CompileException.at(current, "atomic " + op.name().toLowerCase(Locale.ROOT) + " on "
                    + scalar(k) + " is not supported");
        }
        boolean wide = k.size() == 8;
        if (wide) {
            requireInt64Atomics("64-bit atomics");
        }
        String prefix = wide ? "atom_" : "atomic_";
        return switch (op) {
            case ADD -> prefix + "add(" + p + ", " + v + ")";
            case SUB -> prefix + "sub(" + p + ", " + v + ")";
            case EXCH -> prefix + "xchg(" + p + ", " + v + ")";
            case MIN -> prefix + "min(" + p + ", " + v + ")";
            case MAX -> prefix + "max(" + p + ", " + v + ")";
            case AND -> prefix + "and(" + p + ", " + v + ")";
            case OR -> prefix + "or(" + p + ", " + v + ")";
            case XOR -> prefix + "xor(" + p + ", " + v + ")";
            case CAS -> prefix + "cmpxchg(" + p + ", " + cmp + ", " + v + ")";
            case INC, DEC -> "((" + scalar(k) + ")" + helpers.use("cw_atomic_" + op.name().toLowerCase(Locale.ROOT)
                    + "_uint_" + spaceName) + "((volatile __" + spaceName + " uint*)" + p + ", (uint)" + v + "))";
            case LOAD -> throw new IllegalStateException("atomic load");
        };
    }

    private void requireInt64Atomics(String what) {
        if (!options.int64Atomics()) {
            throw CompileException.at(current, what + " need cl_khr_int64_base_atomics and "
                    + "cl_khr_int64_extended_atomics, which this OpenCL device lacks");
        }
        extensions.add("cl_khr_int64_base_atomics");
        extensions.add("cl_khr_int64_extended_atomics");
    }

    @Override
    public String shuffle(KExpr.WarpShuffle w, String mask, String value, String lane, String width) {
        ScalarKind k = ((ScalarType) w.type()).kind();
        int mode = w.mode().ordinal();
        if (options.subgroups()) {
            useSubgroups();
            return "sub_group_shuffle(" + value + ", " + helpers.use("cw_shfl_src")
                    + "(get_sub_group_local_id(), " + mode + ", " + lane + ", " + width + "))";
        }
        helpers.use("cw_shfl_src");
        String call = helpers.use("cw_shfl_bits") + "(%s, " + mode + ", " + lane + ", " + width + ", "
                + HiddenParam.WARP_SCRATCH.cName() + ")";
        return switch (k) {
            case FLOAT -> "as_float((uint)" + String.format(call, "(ulong)as_uint(" + value + ")") + ")";
            case DOUBLE -> "as_double(" + String.format(call, "as_ulong(" + value + ")") + ")";
            case INT -> "as_int((uint)" + String.format(call, "(ulong)as_uint(" + value + ")") + ")";
            case LONG, LONGLONG -> "as_long(" + String.format(call, "as_ulong(" + value + ")") + ")";
            case ULONG, ULONGLONG -> String.format(call, value);
            default -> "((" + scalar(k) + ")" + String.format(call, "(ulong)" + value) + ")";
        };
    }

    @Override
    public String vote(KExpr.WarpVote v, String mask, String pred) {
        String ballot;
        String lanes;
        if (options.subgroups()) {
            useSubgroups();
            ballot = pred == null ? null : "sub_group_ballot(" + pred + ").x";
            lanes = "sub_group_ballot(1).x";
        } else {
            ballot = pred == null ? null : helpers.use("cw_ballot") + "(" + pred + ", " + HiddenParam.WARP_SCRATCH.cName()
                    + ")";
            lanes = helpers.use("cw_warp_lanes") + "()";
        }
        return switch (v.mode()) {
            case BALLOT -> "(" + ballot + " & " + mask + ")";
            case ANY -> "((int)((" + ballot + " & " + mask + ") != 0u))";
            case ALL -> "((int)((" + ballot + " & " + mask + " & " + lanes + ") == (" + mask + " & " + lanes + ")))";
            case ACTIVEMASK -> lanes;
        };
    }

    private void useSubgroups() {
        extensions.add("cl_khr_subgroups");
        extensions.add("cl_khr_subgroup_shuffle");
        extensions.add("cl_khr_subgroup_shuffle_relative");
        extensions.add("cl_khr_subgroup_ballot");
        extensions.add("cl_intel_required_subgroup_size");
    }

    @Override
    public String blockReduce(KExpr.BlockReduce r, String pred) {
        String count = helpers.use("cw_block_count") + "(" + pred + ", " + HiddenParam.BLOCK_REDUCE.cName() + ")";
        return switch (r.mode()) {
            case COUNT -> count;
            case AND -> "((int)(" + count + " == (int)cw_block_threads()))";
            case OR -> "((int)(" + count + " != 0))";
        };
    }

    @Override
    public String barrier(BarrierKind kind, String mask) {
        // no mask needed: the work-group (or sub-group) barrier orders the lanes of any mask too
        if (kind == BarrierKind.WARP && options.subgroups()) {
            useSubgroups();
            return "sub_group_barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)";
        }
        // without sub-groups a warp barrier is the work-group barrier: all threads of the block must reach it
        return "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)";
    }

    @Override
    public String fence(FenceScope scope) {
        return scope == FenceScope.BLOCK ? "mem_fence(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)"
                : "mem_fence(CLK_GLOBAL_MEM_FENCE)";
    }

    @Override
    public String trap(int code, int line) {
        return helpers.use("cw_fault") + "(" + HiddenParam.STATUS.cName() + ", " + code + ", " + line + ")";
    }

    @Override
    public String globalAddress(KGlobal g, String pointerType) {
        if (g.space() == AddressSpace.SHARED) {
            return g.externShared() ? "(" + pointerType + HiddenParam.DYNAMIC_SHARED.cName() + ")" : sharedName(g);
        }
        String base = g.space() == AddressSpace.CONSTANT ? HiddenParam.CONSTANTS.cName()
                : HiddenParam.DEVICE_VARIABLES.cName();
        return "(" + pointerType + "(" + base + " + " + symbolOffsets.get(g) + "))";
    }

    /** The pointer a kernel and its device functions reach a static {@code __shared__} variable through. */
    static String sharedName(KGlobal g) {
        return "sh_" + g.name();
    }
}
