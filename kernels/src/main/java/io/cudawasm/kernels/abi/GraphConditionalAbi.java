package io.cudawasm.kernels.abi;

/**
 * CUDA graph conditional nodes from device code: the contract between the code the compiler
 * generates for {@code cudaGraphSetConditional(handle, value)} and the runtime that reports the
 * values. The graph itself is host code, which does not run here; a kernel's calls are recorded in a
 * {@code __device__} table ({@link #SYMBOL}) so that the job's result can say which value each
 * handle was left with, for the caller to decide what its graph would run next. The host zeroes
 * the table before a launch and reads it after it.
 *
 * <pre>
 * header: u32 slots claimed (may exceed SLOTS: the calls past the table were dropped), 3 x u32 reserved
 * slot:   u32 handle low half, u32 handle high half, u32 value, u32 set (1 once written)
 * </pre>
 *
 * A handle's first call claims a slot, later calls with the same handle overwrite its value (last
 * write wins, as the graph executor reads the condition after the kernel; concurrent calls are
 * undefined behaviour in CUDA too).
 */
public final class GraphConditionalAbi {
    private GraphConditionalAbi() {}

    public static final String SYMBOL = "__cw_graph_conditionals";

    /** Distinct handles one launch can set; more are counted as dropped. */
    public static final int SLOTS = 64;

    public static final int HEADER_WORDS = 4;
    public static final int SLOT_WORDS = 4;

    /** Size of the table in 4-byte words. */
    public static final int WORDS = HEADER_WORDS + SLOTS * SLOT_WORDS;
}
