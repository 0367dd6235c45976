package io.cudawasm.kernels.kir;

/**
 * The thread block cluster shape a kernel declares ({@code __cluster_dims__(x, y, z)}, PTX
 * {@code .reqnctapercluster}): its blocks run at the same time and reach each other's shared memory.
 */
public record ClusterDims(int x, int y, int z) {
    /** CUDA's portable cluster size limit (cudaFuncAttributeNonPortableClusterSizeAllowed raises it to 16 on some GPUs). */
    public static final int MAX_BLOCKS = 8;

    public ClusterDims {
        if (x < 1 || y < 1 || z < 1) {
            throw new IllegalArgumentException("cluster dimensions must be at least 1: " + x + ", " + y + ", " + z);
        }
    }

    public long blocks() {
        return (long) x * y * z;
    }
}
