package io.cudawasm.kernels.wasm;

/**
 * How the CPU path's WebAssembly is generated.
 *
 * @param addressChecks pointer arithmetic in 64 bits with a trap when an address leaves the device's
 *     address space, instead of wrapping to another address (the sandbox's guarantee; off only to
 *     measure what it costs)
 * @param memcheck every load, store and atomic is checked against the bounds of the buffer, shared
 *     or local array its pointer came from (or, where that is not known, of any live allocation),
 *     and a violation is reported to the host with its site, block and thread: a separate, slower
 *     module variant, like compute-sanitizer's memcheck
 * @param independentThreads every kernel runs one CUDA thread per call of its runner
 *     ({@code (launch, block, thread)}), the host running each thread of a block on a thread of its
 *     own: barriers, warp and block collectives and {@code cuda::barrier} objects are host calls that
 *     really wait ({@link io.cudawasm.kernels.abi.ThreadsAbi}). Independent thread scheduling, as on
 *     Volta and later: threads may wait for each other anywhere (producer and consumer roles, spin
 *     waits, barriers of part of a block). A separate, slower module variant
 */
public record WasmOptions(boolean addressChecks, boolean memcheck, boolean independentThreads) {
    /** What every kernel gets: address checks on, memcheck off. */
    public static final WasmOptions DEFAULT = new WasmOptions(true, false, false);
    public static final WasmOptions MEMCHECK = new WasmOptions(true, true, false);
    /** Pointer arithmetic wraps at 32 bits as before the checks existed: for benchmarks only. */
    public static final WasmOptions UNCHECKED = new WasmOptions(false, false, false);
    public static final WasmOptions INDEPENDENT_THREADS = new WasmOptions(true, false, true);

    public WasmOptions {
        if (memcheck && !addressChecks) {
            throw new IllegalArgumentException("memcheck needs the address checks");
        }
        if (memcheck && independentThreads) {
            throw new IllegalArgumentException("memcheck and independent threads are separate variants");
        }
    }
}
