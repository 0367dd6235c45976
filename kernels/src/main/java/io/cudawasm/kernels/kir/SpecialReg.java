package io.cudawasm.kernels.kir;

/** The built-in variables of a CUDA thread, all {@code unsigned int}. */
public enum SpecialReg {
    TID_X("threadIdx.x"), TID_Y("threadIdx.y"), TID_Z("threadIdx.z"),
    NTID_X("blockDim.x"), NTID_Y("blockDim.y"), NTID_Z("blockDim.z"),
    CTAID_X("blockIdx.x"), CTAID_Y("blockIdx.y"), CTAID_Z("blockIdx.z"),
    NCTAID_X("gridDim.x"), NCTAID_Y("gridDim.y"), NCTAID_Z("gridDim.z"),
    /** The lane of the thread in its warp (threadIdx linearized % 32). */
    LANE_ID("laneid"),
    /** The warp of the thread in its block (threadIdx linearized / 32). */
    WARP_ID("warpid"),
    /** threadIdx linearized: x + blockDim.x * (y + blockDim.y * z). */
    LINEAR_TID("threadIdx.linear"),
    /**
     * The launch's thread block cluster shape in blocks ({@code %cluster_nctaid}, cooperative groups'
     * {@code cluster.dim_blocks()}): 1, 1, 1 for a launch without clusters. A block's rank and place
     * in its cluster, and the cluster's index, follow from these and blockIdx.
     */
    CLUSTER_NX("clusterDim.x"), CLUSTER_NY("clusterDim.y"), CLUSTER_NZ("clusterDim.z");

    private final String cudaName;

    SpecialReg(String cudaName) {
        this.cudaName = cudaName;
    }

    public String cudaName() {
        return cudaName;
    }

    /** Same for every thread of a block. */
    public boolean isBlockUniform() {
        return switch (this) {
            case TID_X, TID_Y, TID_Z, LANE_ID, WARP_ID, LINEAR_TID -> false;
            default -> true;
        };
    }
}
