package io.cudawasm.kernels.abi;

/**
 * The host calls of the independent-threads module variant ({@code WasmOptions#independentThreads}),
 * where each CUDA thread of a block runs on a host thread of its own and whatever makes threads wait
 * for each other is a call to the host, which really waits:
 * {@code env.__cw_threads(op, a, b, c, site) -> i64}. The low 8 bits of {@code op} say what, the
 * rest carry a mode; {@code site} numbers the call's place in the module, so that the lanes of a
 * warp meet at the same collective.
 */
public final class ThreadsAbi {
    private ThreadsAbi() {}

    public static final String IMPORT_NAME = "__cw_threads";

    /** {@code __syncthreads()}: every thread of the block that has not ended arrives. */
    public static final int BLOCK_SYNC = 1;
    /** {@code __syncwarp(mask)}: the lanes of {@code a} meet. */
    public static final int WARP_SYNC = 2;
    /** A tile's barrier: the threads of the caller's tile of {@code a} threads meet. */
    public static final int TILE_SYNC = 3;
    /** {@code __syncthreads_count/and/or(b)}: mode ({@code BlockReduceMode} ordinal) in op's bits 8..15; the result. */
    public static final int BLOCK_REDUCE = 4;
    /**
     * A warp shuffle: op's bits 8..15 the mode ({@code ShuffleMode} ordinal), 16..23 the width;
     * {@code a} the mask, {@code b} the value's bits, {@code c} the lane (or delta or lane mask).
     */
    public static final int SHUFFLE = 5;
    /** A warp vote: op's bits 8..15 the mode ({@code VoteMode} ordinal); {@code a} the mask, {@code b} the predicate. */
    public static final int VOTE = 6;
    /** {@code cuda::barrier} init: {@code a} its address, {@code b} the count each phase expects. */
    public static final int BARRIER_INIT = 7;
    /** {@code cuda::barrier} arrive: {@code b} arrivals; gives the phase arrived at. */
    public static final int BARRIER_ARRIVE = 8;
    /**
     * {@code cuda::barrier} wait: returns once phase {@code b} has completed; with {@code c} 1, once the
     * phase of parity {@code b} under way has (PTX's {@code try_wait.parity}).
     */
    public static final int BARRIER_WAIT = 9;
    /** PTX's named barrier {@code a} of {@code b} threads; {@code c} 1 for {@code bar.arrive} (no wait). */
    public static final int NAMED_BARRIER = 10;
}
