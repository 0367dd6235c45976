package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.launch.Dim3;
import java.util.List;

/**
 * Kernels that use thread block clusters of more than one block (sm_90: {@code __cluster_dims__},
 * {@code cluster.sync()}, distributed shared memory), with Java references. They run on the
 * WebAssembly path and on CUDA at compute capability 9.0 or later; OpenCL runs clusters of one
 * block only, so they are kept apart from the cases every back end runs.
 */
public final class ClusterCases {
    private ClusterCases() {}

    public static List<KernelCase> all() {
        return List.of(neighbours(), spreadHistogram(), launchShape());
    }

    /** Each block fills its shared array and reads the next rank's, in clusters of 2x2 blocks. */
    static KernelCase neighbours() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                __global__ void __cluster_dims__(2, 2, 1) cluster_neighbours(int *out)
                {
                    __shared__ int mine[64];
                    cg::cluster_group cluster = cg::this_cluster();
                    unsigned rank = cluster.block_rank();
                    int block = blockIdx.x + gridDim.x * blockIdx.y;
                    mine[threadIdx.x] = block * 1000 + threadIdx.x;
                    cluster.sync();
                    int *theirs = cluster.map_shared_rank(mine, (rank + 1) % cluster.num_blocks());
                    int seen = theirs[(threadIdx.x + 1) % blockDim.x];
                    cluster.sync();
                    out[block * blockDim.x + threadIdx.x] = seen;
                }
                """;
        int gx = 4;
        int gy = 4;
        int threads = 64;
        int[] ref = neighboursReference(gx, gy, threads, 2, 2);
        return CaseBuilder.of("cluster_neighbours", "cluster_neighbours.cu", src).kernel("cluster_neighbours")
                .launch(new Dim3(gx, gy, 1), Dim3.of(threads)).out("out", new int[ref.length], ref).build();
    }

    /**
     * The neighbours kernel without {@code __cluster_dims__}, in clusters of 4x2 blocks the launch gives
     * ({@code cudaLaunchAttributeClusterDimension}; the CUDA back end compiles the kernel for the shape,
     * in a module of its own that must see the {@code __device__} variable the launch sets).
     */
    static KernelCase launchShape() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                __device__ int bias;

                __global__ void cluster_launch_shape(int *out)
                {
                    __shared__ int mine[64];
                    cg::cluster_group cluster = cg::this_cluster();
                    unsigned rank = cluster.block_rank();
                    int block = blockIdx.x + gridDim.x * blockIdx.y;
                    mine[threadIdx.x] = block * 1000 + threadIdx.x;
                    cluster.sync();
                    int *theirs = cluster.map_shared_rank(mine, (rank + 1) % cluster.num_blocks());
                    int seen = theirs[(threadIdx.x + 1) % blockDim.x];
                    cluster.sync();
                    out[block * blockDim.x + threadIdx.x] = seen + bias;
                }
                """;
        int gx = 8;
        int gy = 4;
        int threads = 64;
        int bias = 500_000;
        int[] ref = neighboursReference(gx, gy, threads, 4, 2);
        for (int i = 0; i < ref.length; i++) {
            ref[i] += bias;
        }
        return CaseBuilder.of("cluster_launch_shape", "cluster_launch_shape.cu", src).kernel("cluster_launch_shape")
                .launch(new Dim3(gx, gy, 1), Dim3.of(threads)).cluster(new Dim3(4, 2, 1))
                .symbol("bias", CaseBuilder.bytes(new int[] {bias})).out("out", new int[ref.length], ref).build();
    }

    /**
     * What a neighbours kernel leaves: each block, in clusters of cx by cy, reads the next rank's value
     * for the next thread (block b's thread t wrote b * 1000 + t; ranks counted x first in the cluster).
     */
    public static int[] neighboursReference(int gx, int gy, int threads, int cx, int cy) {
        int[] out = new int[gx * gy * threads];
        for (int by = 0; by < gy; by++) {
            for (int bx = 0; bx < gx; bx++) {
                int rank = bx % cx + cx * (by % cy);
                int next = (rank + 1) % (cx * cy);
                int nx = bx - bx % cx + next % cx;
                int ny = by - by % cy + next / cx;
                for (int t = 0; t < threads; t++) {
                    out[(bx + gx * by) * threads + t] = (nx + gx * ny) * 1000 + (t + 1) % threads;
                }
            }
        }
        return out;
    }

    /** A histogram whose bins are spread over the shared memory of a cluster's four blocks. */
    static KernelCase spreadHistogram() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                #define BINS_PER_BLOCK 64
                __global__ void __cluster_dims__(4, 1, 1) cluster_histogram(const int *values, int n, int *bins)
                {
                    __shared__ int part[BINS_PER_BLOCK];
                    cg::cluster_group cluster = cg::this_cluster();
                    for (int b = threadIdx.x; b < BINS_PER_BLOCK; b += blockDim.x) part[b] = 0;
                    cluster.sync();
                    int all = BINS_PER_BLOCK * cluster.num_blocks();
                    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
                        int bin = values[i] % all;
                        atomicAdd(cluster.map_shared_rank(part, bin / BINS_PER_BLOCK) + bin % BINS_PER_BLOCK, 1);
                    }
                    cluster.sync();
                    for (int b = threadIdx.x; b < BINS_PER_BLOCK; b += blockDim.x) {
                        atomicAdd(&bins[cluster.block_rank() * BINS_PER_BLOCK + b], part[b]);
                    }
                }
                """;
        int n = 10_000;
        int[] values = new int[n];
        int[] bins = new int[4 * 64];
        for (int i = 0; i < n; i++) {
            values[i] = (int) ((i * 2654435761L) >>> 12 & 0xFFFFF);
            bins[values[i] % bins.length]++;
        }
        return CaseBuilder.of("cluster_histogram", "cluster_histogram.cu", src).kernel("cluster_histogram")
                .launch(Dim3.of(8), Dim3.of(128)).in("values", values).scalar(n).out("bins", new int[bins.length], bins)
                .build();
    }
}
