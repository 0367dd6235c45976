package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.runtime.launch.Dim3;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * How the CPU path lays out a launch with thread block clusters: which block of the grid a
 * cluster's rank is, and the lanes of threads that run one cluster at a time.
 */
final class ClusterLaunch {
    private ClusterLaunch() {}

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
