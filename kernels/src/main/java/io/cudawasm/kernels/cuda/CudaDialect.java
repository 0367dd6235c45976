package io.cudawasm.kernels.cuda;

import io.cudawasm.kernels.cgen.Dialect;
import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.FenceScope;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.kir.SpecialReg;
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
 * CUDA C++ spellings: CUDA's own built-ins, math functions and atomics, so NVRTC or nvcc compile
 * the kernel as they would the user's source. Faults are written to a {@code __device__} status
 * word like on OpenCL (a real {@code __trap()} would leave the context unusable).
 */
final class CudaDialect implements Dialect {
    private final Map<StructType, String> structNames;
    private final Set<String> helpers = new TreeSet<>();
    /** Whether the built-in headers' barrier objects are real here (see {@link #intrinsic}). */
    private final boolean independentThreads;

    CudaDialect(Map<StructType, String> structNames, boolean independentThreads) {
        this.structNames = structNames;
        this.independentThreads = independentThreads;
    }

    Set<String> helpers() {
        return helpers;
    }

    @Override
    public String name() {
        return "CUDA C++";
    }

    @Override
    public String scalar(ScalarKind k) {
        return k.spelling();
    }

    @Override
    public String struct(StructType type) {
        String n = structNames.get(type);
        return type.isVector() || n.equals("dim3") || n.equals("uint3") ? n : (type.isUnion() ? "union " : "struct ") + n;
    }

    @Override
    public String qualifier(AddressSpace space) {
        return "";
    }

    @Override
    public AddressSpace pointerInMemorySpace() {
        return AddressSpace.GENERIC;
    }

    @Override
    public String literalSuffix(ScalarKind kind) {
        return kind == ScalarKind.LONG || kind == ScalarKind.ULONG ? "L" : "LL";
    }

    @Override
    public String floatBits(boolean single, long bits) {
        return single ? "__int_as_float((int)" + bits + "u)" : "__longlong_as_double((long long)" + Long.toUnsignedString(bits)
                + "ULL)";
    }

    @Override
    public String special(SpecialReg reg) {
        return switch (reg) {
            case LANE_ID -> "(" + helper("cw_thread_rank") + "() & 31u)";
            case WARP_ID -> "(" + helper("cw_thread_rank") + "() >> 5)";
            case LINEAR_TID -> "(" + helper("cw_thread_rank") + "())";
            // sm_90's cluster registers
            case CLUSTER_NX -> "__clusterDim().x";
            case CLUSTER_NY -> "__clusterDim().y";
            case CLUSTER_NZ -> "__clusterDim().z";
            default -> reg.cudaName();
        };
    }

    private String helper(String name) {
        helpers.add(name);
        return name;
    }

    @Override
    public String shiftCount(String count, int bits) {
        // PTX clamps shift counts of 32 or more; the Wasm path (and OpenCL C) take them modulo the width
        return "(" + count + " & " + (bits - 1) + ")";
    }

    @Override
    public String floatToInteger(ScalarKind to, ScalarKind from, String operand) {
        String src = from == ScalarKind.DOUBLE ? "__double2" : "__float2";
        return switch (to) {
            case INT -> src + "int_rz(" + operand + ")";
            case UINT -> src + "uint_rz(" + operand + ")";
            case LONG, LONGLONG -> "((" + scalar(to) + ")" + src + "ll_rz(" + operand + "))";
            case ULONG, ULONGLONG -> "((" + scalar(to) + ")" + src + "ull_rz(" + operand + "))";
            default -> "((" + scalar(to) + ")" + src + "int_rz(" + operand + "))";
        };
    }

    @Override
    public String integerDivision(KExpr.BinaryOp op, ScalarKind kind, String a, String b, boolean divisorSafe) {
        String sym = op == KExpr.BinaryOp.DIV ? "/" : "%";
        if (divisorSafe) {
            return "(" + a + " " + sym + " " + b + ")";
        }
        helper("cw_fault");
        ScalarKind k = kind.size() < 4 ? ScalarKind.INT : kind;
        return helper("cw_" + (op == KExpr.BinaryOp.DIV ? "div" : "rem") + "_" + k.name().toLowerCase(Locale.ROOT))
                + "(" + a + ", " + b + ")";
    }

    @Override
    public String math(MathFn fn, boolean single, List<String> args) {
        return fn.cName(single) + "(" + String.join(", ", args) + ")";
    }

    @Override
    public String intrinsic(KExpr.IntrinsicCall call, List<String> a) {
        switch (call.op()) {
            // a GPU schedules its threads independently (sm_70 and later): the built-in headers' barrier objects
            // are real there, counters in the object that arrivals count down and waiters poll (cw_barrier_*)
            case INDEPENDENT_THREADS -> {
                return independentThreads ? "1" : "0";
            }
            case THREAD_BARRIER_INIT -> {
                return helper("cw_barrier") + "_init((void *)(" + a.get(0) + "), (unsigned)(" + a.get(1) + "))";
            }
            case THREAD_BARRIER_ARRIVE -> {
                return helper("cw_barrier") + "_arrive((void *)(" + a.get(0) + "), (unsigned)(" + a.get(1) + "))";
            }
            case THREAD_BARRIER_WAIT -> {
                return helper("cw_barrier") + "_wait((void *)(" + a.get(0) + "), (unsigned)(" + a.get(1) + "), "
                        + (a.size() > 2 ? a.get(2) : "0") + ")";
            }
            case NAMED_BARRIER -> {
                return helper("cw_barrier") + "_named((unsigned)(" + a.get(0) + "), (unsigned)(" + a.get(1) + "), "
                        + a.get(2) + ")";
            }
            default -> {
                // below
            }
        }
        String x = a.isEmpty() ? "" : a.get(0);
        String rt = scalar(((ScalarType) call.type()).kind());
        boolean fromDouble = !call.args().isEmpty() && call.args().get(0).type() instanceof ScalarType s
                && s.kind() == ScalarKind.DOUBLE;
        String f2 = fromDouble ? "__double2" : "__float2";
        String name = switch (call.op()) {
            case POPC -> "__popc";
            case POPCLL -> "__popcll";
            case CLZ -> "__clz";
            case CLZLL -> "__clzll";
            case FFS -> "__ffs";
            case FFSLL -> "__ffsll";
            case BREV -> "__brev";
            case BREVLL -> "__brevll";
            case MUL24 -> "__mul24";
            case UMUL24 -> "__umul24";
            case MULHI -> "__mulhi";
            case UMULHI -> "__umulhi";
            case MUL64HI -> "__mul64hi";
            case UMUL64HI -> "__umul64hi";
            case SAD -> "__sad";
            case USAD -> "__usad";
            case IABS -> "abs";
            case LLABS -> "llabs";
            case INT_AS_FLOAT -> "__int_as_float";
            case FLOAT_AS_INT -> ((ScalarType) call.type()).kind().isUnsigned() ? "__float_as_uint" : "__float_as_int";
            case LONGLONG_AS_DOUBLE -> "__longlong_as_double";
            case DOUBLE_AS_LONGLONG -> "__double_as_longlong";
            case DOUBLE_HI -> "__double2hiint";
            case DOUBLE_LO -> "__double2loint";
            case HILO_TO_DOUBLE -> "__hiloint2double";
            case F2I_RN -> f2 + "int_rn";
            case F2U_RN -> f2 + "uint_rn";
            case F2LL_RN -> f2 + "ll_rn";
            case F2ULL_RN -> f2 + "ull_rn";
            case ISNAN -> "isnan";
            case ISINF -> "isinf";
            case ISFINITE -> "isfinite";
            case SIGNBIT -> "signbit";
            case IMIN, IMAX -> null;
            case MAP_SHARED_RANK, SHARED_RANK_OF, INDEPENDENT_THREADS, THREAD_BARRIER_INIT, THREAD_BARRIER_ARRIVE,
                    THREAD_BARRIER_WAIT, NAMED_BARRIER -> throw new IllegalStateException(call.op() + " is written above");
        };
        if (name == null) {
            String cmp = call.op() == io.cudawasm.kernels.kir.Intrinsic.IMIN ? " < " : " > ";
            return "(" + x + cmp + a.get(1) + " ? " + x + " : " + a.get(1) + ")";
        }
        String args = String.join(", ", a);
        return switch (call.op()) {
            case LLABS, MUL64HI, UMUL64HI, BREVLL, ISNAN, ISINF, ISFINITE, SIGNBIT, F2LL_RN, F2ULL_RN ->
                    "((" + rt + ")" + name + "(" + castArgs(call, a) + "))";
            default -> name + "(" + args + ")";
        };
    }

    @Override
    public String mapSharedRank(String pointerType, String pointer, String rank) {
        return "((" + pointerType + ")__cluster_map_shared_rank((void *)(" + pointer + "), " + rank + "))";
    }

    @Override
    public String sharedRankOf(String pointer) {
        return "__cluster_query_shared_rank((const void *)(" + pointer + "))";
    }

    /** 64-bit intrinsics take long long: KIR's long (also 64-bit) is cast to match the overload. */
    private String castArgs(KExpr.IntrinsicCall call, List<String> a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.size(); i++) {
            ScalarKind k = ((ScalarType) call.args().get(i).type()).kind();
            String c = k == ScalarKind.LONG ? "(long long)" : k == ScalarKind.ULONG ? "(unsigned long long)" : "";
            sb.append(i == 0 ? "" : ", ").append(c).append(a.get(i));
        }
        return sb.toString();
    }

    @Override
    public String atomic(KExpr.Atomic at, AddressSpace space, String p, String v, String cmp) {
        ScalarKind k = ((ScalarType) at.type()).kind();
        String t = scalar(k);
        AtomicOp op = at.op();
        if (op == AtomicOp.LOAD) {
            return "(*(volatile " + t + "*)(" + p + "))";
        }
        String fn = "atomic" + switch (op) {
            case ADD -> "Add";
            case SUB -> "Sub";
            case EXCH -> "Exch";
            case MIN -> "Min";
            case MAX -> "Max";
            case INC -> "Inc";
            case DEC -> "Dec";
            case CAS -> "CAS";
            case AND -> "And";
            case OR -> "Or";
            case XOR -> "Xor";
            case LOAD -> throw new IllegalStateException("atomic load");
        };
        if (k == ScalarKind.DOUBLE && op == AtomicOp.EXCH) {
            return "__longlong_as_double((long long)atomicExch((unsigned long long*)" + p
                    + ", (unsigned long long)__double_as_longlong(" + v + ")))";
        }
        if (k.is64BitInteger()) {
            boolean bitwise = op != AtomicOp.MIN && op != AtomicOp.MAX;
            String ct = bitwise || k.isUnsigned() ? "unsigned long long" : "long long";
            String call = fn + "((" + ct + "*)" + p + ", (" + ct + ")" + v
                    + (cmp == null ? "" : ", (" + ct + ")" + cmp) + ")";
            return "((" + t + ")" + call + ")";
        }
        if (op == AtomicOp.CAS) {
            return fn + "(" + p + ", " + cmp + ", " + v + ")";
        }
        return fn + "(" + p + ", " + v + ")";
    }

    @Override
    public String shuffle(KExpr.WarpShuffle w, String mask, String value, String lane, String width) {
        ScalarKind k = ((ScalarType) w.type()).kind();
        String fn = switch (w.mode()) {
            case IDX -> "__shfl_sync";
            case UP -> "__shfl_up_sync";
            case DOWN -> "__shfl_down_sync";
            case XOR -> "__shfl_xor_sync";
        };
        String laneArg = w.mode() == io.cudawasm.kernels.kir.ShuffleMode.UP || w.mode()
                == io.cudawasm.kernels.kir.ShuffleMode.DOWN ? "(unsigned int)" + lane : lane;
        if (k == ScalarKind.LONG || k == ScalarKind.ULONG) {
            String ct = k == ScalarKind.LONG ? "long long" : "unsigned long long";
            return "((" + scalar(k) + ")" + fn + "(" + mask + ", (" + ct + ")" + value + ", " + laneArg + ", " + width
                    + "))";
        }
        return fn + "(" + mask + ", " + value + ", " + laneArg + ", " + width + ")";
    }

    @Override
    public String vote(KExpr.WarpVote v, String mask, String predicate) {
        return switch (v.mode()) {
            case ALL -> "(__all_sync(" + mask + ", " + predicate + ") != 0)";
            case ANY -> "(__any_sync(" + mask + ", " + predicate + ") != 0)";
            case BALLOT -> "__ballot_sync(" + mask + ", " + predicate + ")";
            case ACTIVEMASK -> "__activemask()";
        };
    }

    @Override
    public String blockReduce(KExpr.BlockReduce r, String predicate) {
        return switch (r.mode()) {
            case COUNT -> "__syncthreads_count(" + predicate + ")";
            case AND -> "(__syncthreads_and(" + predicate + ") != 0)";
            case OR -> "(__syncthreads_or(" + predicate + ") != 0)";
        };
    }

    @Override
    public String barrier(BarrierKind kind, String mask) {
        if (kind == BarrierKind.TILE) {
            // CUDA's own barrier over the caller's tile (sm_80 and later: cw_tile_sync's #error says so)
            return helper("cw_tile_sync") + "<" + mask + ">()";
        }
        if (kind == BarrierKind.WARP) {
            // a partial warp (a coalesced group in divergent code) must name its lanes: __syncwarp()
            // would wait for lanes that never come
            return mask == null ? "__syncwarp()" : "__syncwarp(" + mask + ")";
        }
        if (kind == BarrierKind.CLUSTER) {
            return "(__cluster_barrier_arrive(), __cluster_barrier_wait())";
        }
        return "__syncthreads()";
    }

    /** A cooperative launch runs every block at once (CudaSession zeroes the workspace before it). */
    @Override
    public boolean spinsOnGridWorkspace() {
        return true;
    }

    @Override
    public String gridBarrier() {
        // CUDA's own grid barrier; the CUDA back end launches a kernel that reaches one cooperatively
        return helper("cw_grid_sync") + "()";
    }

    @Override
    public String fence(FenceScope scope) {
        return switch (scope) {
            case BLOCK -> "__threadfence_block()";
            case DEVICE -> "__threadfence()";
            case SYSTEM -> "__threadfence_system()";
        };
    }

    @Override
    public String trap(int code, int line) {
        return helper("cw_fault") + "(" + code + ", " + line + ")";
    }

    @Override
    public String globalAddress(KGlobal g, String pointerType) {
        if (g.space() == AddressSpace.SHARED && !g.externShared()) {
            return "(&" + g.name() + ")";
        }
        String base = g.externShared() ? CudaEmitter.DYNAMIC_SHARED : g.name();
        return "(" + pointerType + base + ")";
    }
}
