package io.cudawasm.kernels.abi;

import java.nio.charset.StandardCharsets;

/**
 * The launch queue of dynamic parallelism: how device code records a kernel launch
 * ({@code child<<<grid, block, shared, stream>>>(args)}, or PTX's {@code cudaGetParameterBufferV2} /
 * {@code cudaLaunchDeviceV2}) for the runtime, which runs the recorded grids after their parent grid.
 *
 * <p>The queue is a buffer the runtime allocates in the session's memory; its address is in the
 * {@code __device__} pointer {@link #QUEUE_SYMBOL}. It starts with a header of {@link #HEADER_BYTES}:
 * the capacity in records (u32 at {@link #CAPACITY}, what is left of the pending-launch limit), the
 * number of launches attempted (u32 at {@link #COUNT}, claimed with an atomic add by the launching
 * thread), the record stride in bytes (u32 at {@link #STRIDE}) and the error a launch past the
 * capacity gets (u32 at {@link #FULL_ERROR}: pending count, or nesting depth, exceeded). Record {@code i} starts at
 * {@code HEADER_BYTES + i * stride}: the kernel's id ({@link #kernelId}), grid x/y/z, block x/y/z,
 * dynamic shared bytes (u32 each), the stream (u64 at {@link #REC_STREAM}), a state word
 * ({@link #REC_STATE}: {@link #STATE_READY} once complete) and the kernel's parameter block at
 * {@link #REC_PARAMS}, laid out as {@link KernelAbi#signature} lays it out (pointers as 64-bit
 * device addresses).
 */
public final class DeviceLaunchAbi {
    private DeviceLaunchAbi() {}

    /** The {@code __device__ unsigned char*} holding the queue's address (null: launches fail). */
    public static final String QUEUE_SYMBOL = "__cudawasm_launch_queue";

    public static final int CAPACITY = 0;
    public static final int COUNT = 4;
    public static final int STRIDE = 8;
    /** The error a launch gets when the queue is full: pending-count or nesting-depth exceeded. */
    public static final int FULL_ERROR = 12;
    public static final int HEADER_BYTES = 16;

    public static final int REC_KERNEL = 0;
    public static final int REC_GRID = 4;
    public static final int REC_BLOCK = 16;
    public static final int REC_SHARED = 28;
    public static final int REC_STREAM = 32;
    public static final int REC_STATE = 40;
    public static final int REC_PARAMS = 48;

    /** A record whose launch succeeded and whose parameters are written. */
    public static final int STATE_READY = 1;
    /** A record claimed by cudaGetParameterBufferV2 whose cudaLaunchDeviceV2 has not come (yet). */
    public static final int STATE_RESERVED = 0;

    /** CUDA's stream handles with a meaning of their own in device code. */
    public static final long STREAM_TAIL_LAUNCH = 3;
    public static final long STREAM_FIRE_AND_FORGET = 4;

    /** cudaError_t values device code sees. */
    public static final int SUCCESS = 0;
    public static final int ERROR_INVALID_CONFIGURATION = 9;
    public static final int ERROR_LAUNCH_MAX_DEPTH_EXCEEDED = 65;
    public static final int ERROR_LAUNCH_PENDING_COUNT_EXCEEDED = 69;
    public static final int ERROR_NOT_SUPPORTED = 801;

    /** CUDA's limits: cudaLimitDevRuntimePendingLaunchCount's default, and the deepest nesting. */
    public static final int DEFAULT_PENDING_LAUNCH_LIMIT = 2048;
    public static final int MAX_NESTING_DEPTH = 24;

    /** A record's stride for kernels whose parameter blocks take at most {@code paramBytes}. */
    public static int stride(int paramBytes) {
        return (REC_PARAMS + paramBytes + 15) & ~15;
    }

    /** The 32-bit id of a kernel (its exported name, {@link KernelSignature#name()}): FNV-1a of the name, never 0. */
    public static int kernelId(String kernelName) {
        int h = 0x811c9dc5;
        for (byte b : kernelName.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h == 0 ? 1 : h;
    }
}
