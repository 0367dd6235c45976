package io.cudawasm.kernels.abi;

import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract between compiled kernels and the runtime on the CPU path: where the launch block
 * lives, what the module imports and exports, what trap codes mean.
 */
public final class KernelAbi {
    private KernelAbi() {}

    public static final String MEMORY_MODULE = "env";
    public static final String MEMORY_NAME = "memory";
    /** Declared maximum of the imported memory; the runtime's memory must not exceed it. */
    public static final int MAX_MEMORY_PAGES = 65536;

    /**
     * Launch block: gridDim (3 x u32), blockDim (3 x u32), dynamic shared bytes, the memcheck table's
     * address (0 outside memcheck launches, see {@link MemcheckAbi}), the cluster shape in blocks
     * (3 x u32, 1, 1, 1 without clusters), 4 bytes unused, then parameters.
     */
    public static final int LAUNCH_GRID = 0;
    public static final int LAUNCH_BLOCK = 12;
    public static final int LAUNCH_DYNAMIC_SHARED = 24;
    public static final int LAUNCH_MEMCHECK_TABLE = 28;
    public static final int LAUNCH_CLUSTER = 32;
    public static final int LAUNCH_PARAMS = 48;

    /**
     * Addresses below this are never valid: address 0 (a null pointer) and the 64 KiB above it hold no
     * data, and the runtime's memory has no bytes there at all, so a read or write through a null
     * pointer, or a small offset from one, traps like an access beyond the end of memory.
     */
    public static final int GUARD_BYTES = 65536;

    /** Static data ({@code __constant__}/{@code __device__} variables) starts here, just above the guard. */
    public static final int STATIC_DATA_BASE = GUARD_BYTES;

    /**
     * Every address a kernel can form is below this (the runtime's memory is one Java array). The
     * compiled code keeps pointers within [0, 2^31): pointer arithmetic is done in 64 bits and a
     * result outside that range traps ({@link #TRAP_ADDRESS}) instead of wrapping to another address.
     */
    public static final long ADDRESS_LIMIT = 1L << 31;

    /**
     * The global a loop reads (and drops) right before its back edge when it runs a bounded number of
     * times: a thread loop (at most the block's size). Chicory checks the thread's interrupt flag at
     * every backward branch; that volatile read keeps HotSpot from hoisting anything out of the loop,
     * which costs a tight loop about three times its time. The runtime removes the check (and the
     * read) after such a mark: the loops around it still check, so a launch stays stoppable within one
     * block. No other code reads this global.
     */
    public static final int BOUNDED_LOOP_GLOBAL = 4;

    /**
     * Exported: {@code (stackTop, stackLimit, sharedBase, clusterStride, thread) -> ()}, called once per
     * instance and launch; {@code thread} is the linear thread index an instance of the independent-threads
     * variant runs (0 otherwise).
     */
    public static final String INIT_EXPORT = "__cw_init";
    /** Imported: {@code (code, line) -> ()}, throws in the host with a reason. */
    public static final String TRAP_MODULE = "env";
    public static final String TRAP_NAME = "__cw_trap";
    public static final String MATH_MODULE = "math";

    public static final int TRAP_USER = 1;
    public static final int TRAP_STACK_OVERFLOW = 2;
    public static final int TRAP_MISSING_RETURN = 3;
    public static final int TRAP_SHARED_OVERFLOW = 4;
    /** Pointer arithmetic left the address space: an index far out of bounds, or a wild pointer. */
    public static final int TRAP_ADDRESS = 5;
    /** A call through a function pointer that is null or holds no function of the pointer's type. */
    public static final int TRAP_BAD_FUNCTION_POINTER = 10;
    /** A virtual call on an object whose hidden class id names no class constructed in device code. */
    public static final int TRAP_BAD_VIRTUAL_CALL = 11;
    /** Device {@code free} of a pointer that is not a live block of the heap ({@code DeviceHeap}). */
    public static final int TRAP_BAD_FREE = 6;
    /** nvcc's cooperative groups found no grid workspace ({@code %envreg1/2} null): grid.sync() outside a cooperative launch. */
    public static final int TRAP_NO_GRID_WORKSPACE = 12;
    /** The reason of the trap statement the PTX front end makes of that abort ({@link #TRAP_NO_GRID_WORKSPACE}). */
    public static final String NO_GRID_WORKSPACE = "grid.sync() outside a cooperative launch: nvcc's cooperative groups "
            + "trap when the driver's grid workspace (%envreg1/2) is null, as on a GPU";

    /** {@code map_shared_rank} of a rank its cluster does not have. */
    public static final int TRAP_BAD_CLUSTER_RANK = 13;
    /** The reason of that trap ({@link #TRAP_BAD_CLUSTER_RANK}). */
    public static final String BAD_CLUSTER_RANK = "map_shared_rank: the rank is not a block of the caller's cluster"
            + " (ranks are 0 to cluster.num_blocks() - 1)";

    /** A barrier object initialized for other than the block's thread count, where the block runs thread by thread. */
    public static final int TRAP_SUBSET_BARRIER = 14;
    /** Its reason ({@link #TRAP_SUBSET_BARRIER}). */
    public static final String SUBSET_BARRIER = "a barrier's expected count (cuda::barrier init, bar.sync or bar.arrive"
            + " with a thread count) is not the block's thread count, or the barrier is only arrived at: a barrier of"
            + " part of a block needs independent threads (launch with"
            + " --independent-threads, or the job launch's \"independentThreads\": true; the CPU path only)";
    /** A pipeline with producer and consumer roles where threads cannot wait for each other (OpenCL, CUDA C). */
    public static final int TRAP_PARTITIONED_PIPELINE = 15;
    /** Its reason ({@link #TRAP_PARTITIONED_PIPELINE}). */
    public static final String PARTITIONED_PIPELINE = "a cuda::pipeline partitioned into producer and consumer roles"
            + " (cuda::pipeline_role): its producers and consumers wait for each other stage by stage, which runs with"
            + " independent threads on the CPU path (the WebAssembly back end) only";

    /**
     * PTX {@code exit} in a device function (its own, or an inline snippet's) that could not be taken
     * into the kernel ({@code passes/DeviceExits}): a recursive one. Where it is taken in, the thread
     * ends there as CUDA's does.
     */
    public static final int TRAP_DEVICE_EXIT = 16;
    /** Its reason ({@link #TRAP_DEVICE_EXIT}). */
    public static final String DEVICE_EXIT = "PTX 'exit' in a recursive device function: the thread cannot end"
            + " there on this path (the function is not taken into the kernel); return from the recursion first";

    /**
     * A bulk tensor copy stopped: codes {@code TRAP_TENSOR_COPY + status - 1} for the statuses of
     * {@link TensorMapAbi} (misaligned shared memory, not a map, wrong rank, unsupported map).
     */
    public static final int TRAP_TENSOR_COPY = 20;

    /** The code a {@code Trap} statement reports: its reason says which (most are the user's {@code __trap}). */
    public static int trapCode(String reason) {
        if (SUBSET_BARRIER.equals(reason)) {
            return TRAP_SUBSET_BARRIER;
        }
        if (PARTITIONED_PIPELINE.equals(reason)) {
            return TRAP_PARTITIONED_PIPELINE;
        }
        if (DEVICE_EXIT.equals(reason)) {
            return TRAP_DEVICE_EXIT;
        }
        for (int status = TensorMapAbi.STATUS_MISALIGNED; status <= TensorMapAbi.STATUS_LAST; status++) {
            if (TensorMapAbi.reason(status).equals(reason)) {
                return TRAP_TENSOR_COPY + status - 1;
            }
        }
        if (NO_GRID_WORKSPACE.equals(reason)) {
            return TRAP_NO_GRID_WORKSPACE;
        }
        if (BAD_CLUSTER_RANK.equals(reason)) {
            return TRAP_BAD_CLUSTER_RANK;
        }
        return io.cudawasm.kernels.devicelib.DeviceHeap.BAD_FREE.equals(reason) ? TRAP_BAD_FREE : TRAP_USER;
    }
    /**
     * Not a fault: a block reached a grid barrier ({@code grid.sync()}). The host returns when every
     * block of the cooperative launch has reached it, so a grid barrier needs no import of its own.
     */
    public static final int GRID_SYNC = 100;
    /**
     * Not a fault: a thread is about to read (atomically) the word at the address it passes, which
     * other blocks may be changing while it waits for them (nvcc's grid barrier spins so). The host
     * returns at once unless the thread keeps reading the same value there, when it lets the other
     * block threads run: a cooperative launch has more block threads than cores.
     */
    public static final int SPIN_WAIT = 101;
    /**
     * Not a fault: a block reached a cluster barrier ({@code cluster.sync()}, PTX {@code barrier.cluster}).
     * The host returns when every block of the caller's thread block cluster has reached it.
     */
    public static final int CLUSTER_SYNC = 102;
    /**
     * A hidden {@code __device__ unsigned int} the module has when a kernel asks
     * {@code this_grid().is_valid()}: the CPU path writes 1 before a cooperative launch, 0 before others.
     */
    public static final String COOPERATIVE_SYMBOL = "__cw_cooperative_launch";
    /**
     * A hidden {@code __device__} block of {@link #GRID_WORKSPACE_BYTES} the module has when nvcc's PTX
     * synchronizes the grid: the driver's grid workspace, whose address PTX reads from
     * {@code %envreg1/2} (null outside a cooperative launch). Laid out as CUDA's
     * {@code cooperative_groups::details::grid_workspace}: the workspace size (u32), then the barrier
     * counter (u32) that the blocks' {@code atom.add.release.gpu} and {@code ld.acquire.gpu} spin on.
     * The CPU path zeroes it (and writes the size) before every launch.
     */
    public static final String GRID_WORKSPACE_SYMBOL = "__cw_grid_workspace";
    public static final int GRID_WORKSPACE_BYTES = 16;
    /** The barrier counter's offset in the grid workspace. */
    public static final int GRID_WORKSPACE_BARRIER = 4;

    /** The export that runs blocks of a kernel: {@code (launchPtr, firstBlock, blockCount) -> ()}. */
    public static String runnerExport(String kernelName) {
        return kernelName;
    }

    public static String trapMessage(int code) {
        return switch (code) {
            case TRAP_USER -> "kernel called __trap() (or an assert failed)";
            case TRAP_STACK_OVERFLOW -> "stack overflow (deep recursion or large local arrays)";
            case TRAP_MISSING_RETURN -> "reached the end of a non-void device function without a return";
            case TRAP_SHARED_OVERFLOW -> "dynamic shared memory overflow";
            case TRAP_BAD_VIRTUAL_CALL -> "a virtual call on an object that was not constructed in device code (its "
                    + "class is unknown)";
            case TRAP_BAD_FUNCTION_POINTER -> "a call through a function pointer that is null or does not point to a "
                    + "device function of its type";
            case TRAP_ADDRESS -> "an address outside device memory (an index far out of bounds, or a wild pointer)";
            case TRAP_BAD_FREE -> io.cudawasm.kernels.devicelib.DeviceHeap.BAD_FREE;
            case TRAP_NO_GRID_WORKSPACE -> NO_GRID_WORKSPACE;
            case TRAP_BAD_CLUSTER_RANK -> BAD_CLUSTER_RANK;
            case TRAP_SUBSET_BARRIER -> SUBSET_BARRIER;
            case TRAP_PARTITIONED_PIPELINE -> PARTITIONED_PIPELINE;
            case TRAP_DEVICE_EXIT -> DEVICE_EXIT;
            default -> code >= TRAP_TENSOR_COPY && code < TRAP_TENSOR_COPY + TensorMapAbi.STATUS_LAST
                    ? TensorMapAbi.reason(code - TRAP_TENSOR_COPY + 1) : "trap " + code;
        };
    }

    /**
     * The most parameter bytes a kernel may take: CUDA's limit since 12.1 on Volta and later (nvcc:
     * "Formal parameter space overflowed"); the launch copies them for every kernel call.
     */
    public static final int MAX_PARAMETER_BYTES = 32_764;

    /** The parameter block of a kernel, laid out like CUDA's. */
    public static KernelSignature signature(KFunction kernel) {
        List<ParamInfo> params = new ArrayList<>();
        int offset = 0;
        int align = 1;
        for (KLocal p : kernel.params()) {
            CType t = p.type();
            int a = t.align();
            offset = StructType.alignUp(offset, a);
            align = Math.max(align, a);
            if (t instanceof PointerType pt) {
                params.add(new ParamInfo(p.name(), t.display(), ParamKind.POINTER,
                        pt.pointee() instanceof ScalarType s ? s.kind() : null, offset, 8, 8, pt.constPointee(),
                        pt.pointee() instanceof io.cudawasm.kernels.types.VoidType ? 0 : pt.pointee().size()));
            } else if (t instanceof ScalarType s) {
                params.add(new ParamInfo(p.name(), t.display(), ParamKind.SCALAR, s.kind(), offset, t.size(), a, false, 0));
            } else {
                params.add(new ParamInfo(p.name(), t.display(), ParamKind.STRUCT, null, offset, t.size(), a, false, 0));
            }
            offset += t.size();
        }
        return new KernelSignature(kernel.name(), kernel.sourceName(), params, StructType.alignUp(offset, align));
    }
}
