package io.cudawasm.kernels.opencl;

/**
 * State a CUDA kernel reaches without naming it, which OpenCL C 1.2 must pass as arguments: it has
 * no writable program-scope variables and {@code __local} memory can only be declared in kernels.
 * Device functions receive the ones they (or their callees) use, under the same names.
 */
enum HiddenParam {
    /** {@code __constant__} variables: one buffer filled from the host ({@code cw_const}). */
    CONSTANTS("cw_const"),
    /** {@code __device__} variables: one global buffer ({@code cw_device}). */
    DEVICE_VARIABLES("cw_device"),
    /** {@code extern __shared__}: a {@code __local} argument sized by the launch. */
    DYNAMIC_SHARED("cw_dyn_shared"),
    /** Scratch for emulated warp shuffles and votes: one 8-byte slot per work-item. */
    WARP_SCRATCH("cw_warp"),
    /** The counter {@code __syncthreads_count/and/or} reduce into. */
    BLOCK_REDUCE("cw_reduce"),
    /** Trap and fault reports to the host: {@code [code, line]}. */
    STATUS("cw_status"),
    /** Block offset and grid size of a launch split into slices: {@code (bx0, by0, bz0, gx, gy, gz, 0, 0)}. */
    GRID("cw_grid");

    private final String cName;

    HiddenParam(String cName) {
        this.cName = cName;
    }

    String cName() {
        return cName;
    }
}
