package io.cudawasm.runtime.backend.devicelaunch;

import io.cudawasm.kernels.abi.DeviceLaunchAbi;

/**
 * The bounds of dynamic parallelism on the back ends that run child grids themselves.
 *
 * @param pendingLaunches launches recorded and not yet started, all levels together (CUDA's
 *     cudaLimitDevRuntimePendingLaunchCount); a launch past it fails in device code with
 *     cudaErrorLaunchPendingCountExceeded
 * @param maxDepth the deepest nesting of grids (the host's grid is depth 0); a launch from a grid at
 *     this depth fails with cudaErrorLaunchMaxDepthExceeded
 * @param maxQueueBytes the launch queue's size in the session's memory: kernels with very large
 *     parameter blocks get fewer pending launches than {@code pendingLaunches} rather than more memory
 */
public record DeviceLaunchLimits(int pendingLaunches, int maxDepth, long maxQueueBytes) {
    public static final String ENV_PENDING_LAUNCHES = "CUDA_WASM_PENDING_LAUNCH_LIMIT";
    /** The most a deployment may allow: keeps the queue (and the records the runtime holds) bounded. */
    public static final int MAX_PENDING_LAUNCHES = 1 << 20;

    public static final DeviceLaunchLimits DEFAULTS = new DeviceLaunchLimits(
            DeviceLaunchAbi.DEFAULT_PENDING_LAUNCH_LIMIT, DeviceLaunchAbi.MAX_NESTING_DEPTH, 16L << 20);

    public DeviceLaunchLimits {
        if (pendingLaunches < 1 || pendingLaunches > MAX_PENDING_LAUNCHES) {
            throw new IllegalArgumentException("the pending launch limit is between 1 and " + MAX_PENDING_LAUNCHES
                    + ", got " + pendingLaunches);
        }
        if (maxDepth < 1 || maxDepth > DeviceLaunchAbi.MAX_NESTING_DEPTH) {
            throw new IllegalArgumentException("the nesting depth is between 1 and "
                    + DeviceLaunchAbi.MAX_NESTING_DEPTH + ", got " + maxDepth);
        }
    }

    /** The defaults, with {@value #ENV_PENDING_LAUNCHES} when set. */
    public static DeviceLaunchLimits fromEnvironment() {
        String v = System.getenv(ENV_PENDING_LAUNCHES);
        if (v == null || v.isBlank()) {
            return DEFAULTS;
        }
        try {
            return DEFAULTS.withPendingLaunches(Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENV_PENDING_LAUNCHES + " must be a number, got '" + v + "'");
        }
    }

    public DeviceLaunchLimits withPendingLaunches(int n) {
        return new DeviceLaunchLimits(n, maxDepth, maxQueueBytes);
    }

    public DeviceLaunchLimits withMaxDepth(int d) {
        return new DeviceLaunchLimits(pendingLaunches, d, maxQueueBytes);
    }
}
