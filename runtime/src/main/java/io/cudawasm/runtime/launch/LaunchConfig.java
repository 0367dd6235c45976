package io.cudawasm.runtime.launch;

/** The execution configuration of a launch: {@code <<<grid, block, sharedBytes>>>}. */
public record LaunchConfig(Dim3 grid, Dim3 block, int sharedBytes) {
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
