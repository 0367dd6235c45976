package io.cudawasm.kernels.abi;

/**
 * The contract between a memcheck module and the runtime ({@code WasmOptions.memcheck}).
 *
 * <p>Before a memcheck launch the runtime writes a table into memory and its address into the
 * launch block at {@link KernelAbi#LAUNCH_MEMCHECK_TABLE}:
 * <pre>
 * +0   u32  dynamic shared memory bytes of the launch
 * +4   u32  address of the allocation list: u32 count, then count x (u32 start, u32 end), sorted
 * +8   u32 x 2 per kernel parameter: start and end of the buffer a pointer argument points into
 *          (start = end for a null pointer; unused for other parameters)
 * </pre>
 * Every load, store and atomic is checked against the region its pointer came from (a parameter's
 * buffer, a {@code __shared__} array, a local array), or, when the compiler cannot tell, against the
 * allocation list, the block's shared memory and the worker's stack. A failed check calls
 * {@link #VIOLATION_NAME} and skips the access (a skipped read yields zero); the runtime stops the
 * launch after enough violations.
 */
public final class MemcheckAbi {
    private MemcheckAbi() {}

    /**
     * Imported from module {@link KernelAbi#TRAP_MODULE}: {@code (site i32, address i64, start i32,
     * end i32, tx i32, ty i32, tz i32, bx i32, by i32, bz i32) -> ()}. {@code site} indexes the module's
     * access sites; start and end are the bounds checked (0 and 0 when the origin is unknown);
     * thread and block components are -1 where the code does not run as one thread (block-level
     * code of a kernel with barriers).
     */
    public static final String VIOLATION_NAME = "__cw_violation";

    public static final int TABLE_DYNAMIC_SHARED = 0;
    public static final int TABLE_ALLOCATIONS = 4;
    public static final int TABLE_PARAMS = 8;

    /** Bytes of the table for a kernel with {@code params} parameters (the allocation list comes after). */
    public static int tableBytes(int params) {
        return TABLE_PARAMS + 8 * params;
    }
}
