package io.cudawasm.runtime.launch;

/**
 * The execution configuration of a launch: {@code <<<grid, block, sharedBytes>>>}, and the thread
 * block cluster shape in blocks that {@code cudaLaunchKernelEx} takes as an attribute
 * ({@code cudaLaunchAttributeClusterDimension}); {@code cluster} is null to leave it to the kernel
 * ({@code __cluster_dims__}, else clusters of one block).
 */
public record LaunchConfig(Dim3 grid, Dim3 block, int sharedBytes, Dim3 cluster) {
    /** CUDA's limit on threads per block. */
    public static final int MAX_THREADS_PER_BLOCK = 1024;

    public LaunchConfig {
        if (block.total() > MAX_THREADS_PER_BLOCK) {
            throw new IllegalArgumentException("a block has at most " + MAX_THREADS_PER_BLOCK + " threads, got "
                    + block.total() + " (" + block + ")");
        }
        if (block.z() > 64) {
            throw new IllegalArgumentException("blockDim.z is at most 64, got " + block.z());
        }
        if (grid.y() > 65535 || grid.z() > 65535) {
            throw new IllegalArgumentException("gridDim.y and gridDim.z are at most 65535, got " + grid);
        }
        if (sharedBytes < 0) {
            throw new IllegalArgumentException("dynamic shared memory cannot be negative");
        }
        if (cluster != null && (grid.x() % cluster.x() != 0 || grid.y() % cluster.y() != 0
                || grid.z() % cluster.z() != 0)) {
            throw new IllegalArgumentException("the grid (" + grid + ") must be a whole number of clusters ("
                    + cluster + ") along each axis");
        }
    }

    public LaunchConfig(Dim3 grid, Dim3 block, int sharedBytes) {
        this(grid, block, sharedBytes, null);
    }

    public LaunchConfig withCluster(Dim3 c) {
        return new LaunchConfig(grid, block, sharedBytes, c);
    }

    public static LaunchConfig of(Dim3 grid, Dim3 block) {
        return new LaunchConfig(grid, block, 0);
    }

    public long blocks() {
        return grid.total();
    }

    public int threadsPerBlock() {
        return (int) block.total();
    }
}
