package io.cudawasm.runtime.launch;

import io.cudawasm.kernels.kir.ClusterDims;

/** The thread block cluster shape a launch runs with, checked as CUDA checks it. */
public final class ClusterShape {
    private ClusterShape() {}

    /**
     * The launch's own shape ({@code cudaLaunchAttributeClusterDimension}), else the kernel's
     * {@code __cluster_dims__} ({@code declared}, may be null), else one block. A launch shape that
     * contradicts the kernel's, a cluster of more than {@link ClusterDims#MAX_BLOCKS} blocks, or a grid
     * that is not a whole number of clusters is refused ({@link LaunchFailure#INVALID_LAUNCH}).
     */
    public static Dim3 resolve(ClusterDims declared, LaunchConfig config, String name) {
        Dim3 asked = config.cluster();
        if (asked != null && declared != null && (asked.x() != declared.x() || asked.y() != declared.y()
                || asked.z() != declared.z())) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel '" + name + "' declares clusters of "
                    + declared.x() + "x" + declared.y() + "x" + declared.z() + " blocks (__cluster_dims__); the launch"
                    + " asked for " + asked);
        }
        Dim3 shape = asked != null ? asked : declared != null ? new Dim3(declared.x(), declared.y(), declared.z())
                : new Dim3(1, 1, 1);
        if (shape.total() > ClusterDims.MAX_BLOCKS) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "a cluster of " + shape.total() + " blocks ("
                    + shape + "): a cluster holds at most " + ClusterDims.MAX_BLOCKS + " blocks (CUDA's portable size)");
        }
        Dim3 grid = config.grid();
        if (grid.x() % shape.x() != 0 || grid.y() % shape.y() != 0 || grid.z() % shape.z() != 0) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "the grid (" + grid + ") must be a whole"
                    + " number of clusters (" + shape + ") along each axis");
        }
        return shape;
    }
}
