package io.cudawasm.kernels.kir;

/**
 * Rendezvous points: all threads of a block, of a warp (the lanes of {@link KStmt.Barrier#mask()}
 * when it has one), or of the caller's cooperative-groups tile of more than 32 threads (whole warps;
 * the barrier's {@code mask} is then the tile's size, a constant), or of the whole grid
 * ({@code grid.sync()} of cooperative groups, which only a cooperative launch of the CPU path can
 * run). A block barrier with a mask (the constant 1) is a {@code cg::thread_group}'s, taken only
 * when the group holds the block: the same barrier, but no compile-time warning where its control
 * flow may diverge (it is under the run-time test of the group's kind; the CPU path still checks
 * that every thread reaches it). A cluster barrier ({@code cluster.sync()}, PTX
 * {@code barrier.cluster}) holds every thread of the blocks of one thread block cluster.
 */
public enum BarrierKind {
    BLOCK,
    WARP,
    TILE,
    GRID,
    CLUSTER
}
