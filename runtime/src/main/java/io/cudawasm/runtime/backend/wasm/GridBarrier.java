package io.cudawasm.runtime.backend.wasm;

/**
 * The grid barrier of one cooperative launch ({@code grid.sync()}): every block runs on a thread
 * of its own, and a block that reaches the barrier waits until all blocks have reached it. The
 * barrier of one thread block cluster ({@code cluster.sync()}) is one too, for the cluster's blocks.
 *
 * <p>It never waits for what cannot come: once the launch fails (a block trapped, the launch was
 * stopped) or a block ended without reaching a barrier that others wait at (which hangs a GPU),
 * the barrier is broken and every waiting and later arriving block leaves with {@link Broken}.
 * An interrupt (the launch's time limit or cancellation) breaks it too.
 */
final class GridBarrier {
    /** Why the launch fails when a block returned while others wait at a grid barrier. */
    static final String ENDED_EARLY = "a block ended without reaching a grid.sync() that other blocks of the grid "
            + "wait at (every block must reach every grid barrier; on a GPU this hangs)";
    /** Why the launch fails when a block of a cluster returned while others wait at its barrier. */
    static final String CLUSTER_ENDED_EARLY = "a block ended without reaching a cluster.sync() that other blocks of its"
            + " cluster wait at (every block of a cluster must reach every cluster barrier; on a GPU this hangs)";
    private final int parties;
    private final String endedEarly;
    private final String what;
    private int arrived;
    private long generation;
    private int finished;
    private String broken;

    GridBarrier(int parties) {
        this(parties, ENDED_EARLY, "grid.sync()");
    }

    /** A cluster's barrier ({@code cluster.sync()}) for its {@code blocks} blocks. */
    static GridBarrier forCluster(int blocks) {
        return new GridBarrier(blocks, CLUSTER_ENDED_EARLY, "cluster.sync()");
    }

    private GridBarrier(int parties, String endedEarly, String what) {
        this.parties = parties;
        this.endedEarly = endedEarly;
        this.what = what;
    }

    /** Waits until every block has arrived; throws {@link Broken} when that cannot happen. */
    synchronized void await() {
        if (broken == null && finished > 0) {
            broken = endedEarly;
        }
        if (broken != null) {
            notifyAll();
            throw new Broken(broken);
        }
        long gen = generation;
        if (++arrived == parties) {
            arrived = 0;
            generation++;
            notifyAll();
            return;
        }
        while (gen == generation && broken == null) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                breakWith("the launch was stopped while blocks waited at " + what);
            }
        }
        if (gen == generation) {
            throw new Broken(broken);
        }
    }

    /** A block ran to its end: blocks waiting at a barrier now would wait for it forever. */
    synchronized void blockFinished() {
        finished++;
        if (arrived > 0) {
            breakWith(endedEarly);
        }
    }

    /** Releases every waiting block with {@code reason}; later arrivals leave at once. */
    synchronized void breakWith(String reason) {
        if (broken == null) {
            broken = reason;
        }
        notifyAll();
    }

    /** Thrown to a block at a grid barrier that can no longer complete; ends the block. */
    static final class Broken extends RuntimeException {
        Broken(String reason) {
            super(reason, null, false, false);
        }
    }
}
