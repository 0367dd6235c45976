package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.kir.ClusterDims;
import io.cudawasm.kernels.wasm.WasmKernel;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * How the CPU path lays out a launch with thread block clusters: the cluster shape a launch runs
 * with, which block of the grid a cluster's rank is, and the lanes of threads that run one cluster
 * at a time.
 */
final class ClusterLaunch {
    private ClusterLaunch() {}

    /**
     * The cluster shape of a launch: the launch's own ({@code cudaLaunchAttributeClusterDimension}),
     * else the kernel's {@code __cluster_dims__}, else one block. A launch shape that contradicts the
     * kernel's, a cluster of more than {@link ClusterDims#MAX_BLOCKS} blocks, or a grid that is not a
     * whole number of clusters is refused, as CUDA refuses them.
     */
    static Dim3 shape(WasmKernel kernel, LaunchConfig config, String name) {
        ClusterDims declared = kernel.clusterDims();
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

    /**
     * The linear index in the grid of the block of rank {@code rank} in cluster {@code index}
     * (clusters counted x first, as blocks are; a rank is x + y * cluster.x + z * cluster.x * cluster.y).
     */
    static long block(Dim3 grid, Dim3 cluster, long index, int rank) {
        long across = grid.x() / cluster.x();
        long down = grid.y() / cluster.y();
        long cx = index % across;
        long cy = index / across % down;
        long cz = index / (across * down);
        long x = cx * cluster.x() + rank % cluster.x();
        long y = cy * cluster.y() + rank / cluster.x() % cluster.y();
        long z = cz * cluster.z() + rank / ((long) cluster.x() * cluster.y());
        return x + grid.x() * (y + (long) grid.y() * z);
    }

    /**
     * The threads that run one cluster's blocks, cluster after cluster: each cluster gets a fresh
     * barrier, and the threads wait for each other before the next, so that no block's memory region
     * is reused while a block of the same cluster may still read its shared memory.
     */
    static final class Lane {
        private volatile GridBarrier barrier;
        private final CyclicBarrier between;

        Lane(int blocks) {
            barrier = GridBarrier.forCluster(blocks);
            between = new CyclicBarrier(blocks, () -> barrier = GridBarrier.forCluster(blocks));
        }

        GridBarrier barrier() {
            return barrier;
        }

        /** Waits until every block of the lane's cluster has ended. */
        void next() throws InterruptedException, BrokenBarrierException {
            between.await();
        }

        /** Releases the lane's threads: a block failed, or the launch stopped. */
        void breakWith(String reason) {
            barrier.breakWith(reason);
            between.reset();
        }
    }
}
