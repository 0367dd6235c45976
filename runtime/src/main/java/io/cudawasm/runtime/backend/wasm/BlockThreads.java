package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.ThreadsAbi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The threads of one block in the independent-threads variant, where each CUDA thread runs on a host
 * thread of its own: what they wait for each other at ({@link ThreadsAbi}). Block barriers and block
 * reductions count the threads that have not ended (as on a GPU, an ended thread no longer holds a
 * barrier up); warp shuffles, votes and warp or tile barriers meet the lanes that take part at the
 * same place of the program; {@code cuda::barrier} objects are kept here by address, with CUDA's
 * counts and phases.
 *
 * <p>It never waits for what cannot come: when every thread that has not ended waits and none of
 * their waits can end, the block is deadlocked (a GPU would hang) and every thread leaves with
 * {@link GridBarrier.Broken} naming what each waited for; a failing thread or a stopped launch
 * ({@link #breakWith}, an interrupt) releases them all the same way.
 */
final class BlockThreads {
    private final int threads;
    private final int block;
    private final boolean[] ended;
    private int live;
    private String broken;

    private long barrierGeneration;
    private int barrierArrived;

    private long reduceGeneration;
    private int reduceArrived;
    private long reduceCount;
    /** The last completed reduction: its count of true predicates, and how many threads took part. */
    private long reduceResultCount;
    private int reduceResultThreads;

    /**
     * A warp's or tile's meeting, keyed by group, what meets (a collective's place in the program, or
     * the mask of a warp barrier: {@code __syncwarp} meets its lanes wherever each calls it) and how
     * often each thread came to it.
     */
    private record MeetingKey(int group, long what, int occurrence) {}

    private static final class Meeting {
        final long[] values;
        final boolean[] arrived;
        int readers;

        Meeting(int size) {
            values = new long[size];
            arrived = new boolean[size];
        }
    }

    private final Map<MeetingKey, Meeting> meetings = new HashMap<>();
    /** Meetings of warp and tile barriers are told from collectives' places by these high bits. */
    private static final long WARP_BARRIER = 1L << 40;
    private static final long TILE_BARRIER = 2L << 40;
    /** How often each thread came to each meeting ({@link MeetingKey#what}). */
    private final Map<Long, int[]> occurrences = new HashMap<>();

    /** A {@code cuda::barrier}: the arrivals each phase expects, those still missing, the phases completed. */
    private static final class BarrierObject {
        long expected;
        long pending;
        long completed;
    }

    private final Map<Integer, BarrierObject> barriers = new HashMap<>();

    /** PTX's named barriers ({@code bar.sync id, count}): the arrivals of the phase under way, and the phases done. */
    private static final class NamedBarrier {
        long arrived;
        long generation;
    }

    private final Map<Integer, NamedBarrier> named = new HashMap<>();

    /** The threads waiting now, with what each waits for, to tell a deadlock from a wait that can end. */
    private final Map<Integer, Waiting> waiting = new LinkedHashMap<>();

    private record Waiting(String what, BooleanSupplier canEnd) {}

    BlockThreads(int threads, int block) {
        this.threads = threads;
        this.block = block;
        this.ended = new boolean[threads];
        this.live = threads;
    }

    /** One host call of thread {@code thread} ({@link ThreadsAbi}); its result. */
    synchronized long call(int thread, int op, int a, long b, int c, int site) {
        checkBroken();
        return switch (op & 0xFF) {
            case ThreadsAbi.BLOCK_SYNC -> {
                blockBarrier(thread, "__syncthreads()" + (c > 0 ? " (line " + c + ")" : ""));
                yield 0;
            }
            case ThreadsAbi.BLOCK_REDUCE -> blockReduce(thread, op >> 8 & 0xFF, b != 0);
            case ThreadsAbi.WARP_SYNC -> {
                meet(thread, WARP_BARRIER | (a & 0xFFFF_FFFFL), 32, a, 0, "__syncwarp");
                yield 0;
            }
            case ThreadsAbi.TILE_SYNC -> {
                meet(thread, TILE_BARRIER | a, Math.max(1, a), -1, 0, "a tile's sync");
                yield 0;
            }
            case ThreadsAbi.VOTE -> vote(thread, site, op >> 8 & 0xFF, a, b != 0);
            case ThreadsAbi.SHUFFLE -> shuffle(thread, site, op >> 8 & 0xFF, op >>> 16, a, b, c);
            case ThreadsAbi.BARRIER_INIT -> {
                BarrierObject o = new BarrierObject();
                o.expected = b;
                o.pending = b;
                barriers.put(a, o);
                notifyAll();
                yield 0;
            }
            case ThreadsAbi.BARRIER_ARRIVE -> {
                BarrierObject o = barrier(a);
                long phase = o.completed;
                o.pending -= b;
                if (o.pending <= 0) {
                    o.completed++;
                    o.pending = o.expected;
                    notifyAll();
                }
                yield phase;
            }
            case ThreadsAbi.BARRIER_WAIT -> {
                BarrierObject o = barrier(a);
                long phase = b & 0xFFFF_FFFFL;
                if (c == 1) {
                    // the phase under way has parity b until it completes
                    await(thread, "an mbarrier at 0x" + Integer.toHexString(a) + " (parity " + (phase & 1) + ")",
                            () -> (o.completed & 1) != (phase & 1));
                } else {
                    await(thread, "a barrier at 0x" + Integer.toHexString(a) + " (phase " + phase + ")",
                            () -> o.completed > phase);
                }
                yield 0;
            }
            case ThreadsAbi.NAMED_BARRIER -> {
                NamedBarrier n = named.computeIfAbsent(a, id -> new NamedBarrier());
                long generation = n.generation;
                if (++n.arrived >= b) {
                    n.arrived = 0;
                    n.generation++;
                    notifyAll();
                } else if (c == 0) {
                    await(thread, "bar.sync " + a + ", " + b, () -> n.generation != generation);
                }
                yield 0;
            }
            default -> throw new IllegalStateException("unknown thread operation " + op);
        };
    }

    /** Thread {@code thread} returned: barriers no longer wait for it. */
    synchronized void threadEnded(int thread) {
        if (ended[thread]) {
            return;
        }
        ended[thread] = true;
        live--;
        if (barrierArrived > 0 && barrierArrived >= live) {
            barrierArrived = 0;
            barrierGeneration++;
        }
        if (reduceArrived > 0 && reduceArrived >= live) {
            completeReduce();
        }
        notifyAll();
        checkDeadlock();
    }

    /** Releases every waiting thread with {@code reason}; later calls leave at once. */
    synchronized void breakWith(String reason) {
        if (broken == null) {
            broken = reason;
        }
        notifyAll();
    }

    private BarrierObject barrier(int address) {
        BarrierObject o = barriers.get(address);
        if (o == null) {
            broken = "a cuda::barrier at 0x" + Integer.toHexString(address) + " was used before init() in block "
                    + block;
            notifyAll();
            throw new GridBarrier.Broken(broken);
        }
        return o;
    }

    private void blockBarrier(int thread, String what) {
        long generation = barrierGeneration;
        if (++barrierArrived >= live) {
            barrierArrived = 0;
            barrierGeneration++;
            notifyAll();
            return;
        }
        await(thread, what, () -> barrierGeneration != generation);
    }

    private long blockReduce(int thread, int mode, boolean predicate) {
        long generation = reduceGeneration;
        reduceArrived++;
        reduceCount += predicate ? 1 : 0;
        if (reduceArrived >= live) {
            completeReduce();
        } else {
            await(thread, "__syncthreads_count/and/or", () -> reduceGeneration != generation);
        }
        long count = reduceResultCount;
        return switch (mode) {
            case 0 -> count; // COUNT
            case 1 -> count == reduceResultThreads ? 1 : 0; // AND
            default -> count > 0 ? 1 : 0; // OR
        };
    }

    private void completeReduce() {
        reduceResultCount = reduceCount;
        reduceResultThreads = reduceArrived;
        reduceCount = 0;
        reduceArrived = 0;
        reduceGeneration++;
        notifyAll();
    }

    /**
     * The lanes of a warp (or the threads of a tile of {@code size}) that take part meet at the
     * caller's place of the program: lanes in {@code mask} ({@code -1}: the whole group) that have
     * not ended. Returns the meeting, with every taking part's value in it.
     */
    private Meeting meet(int thread, long meeting, int size, int mask, long value, String what) {
        int group = thread / size;
        int lane = thread % size;
        int[] seen = occurrences.computeIfAbsent(meeting, s -> new int[threads]);
        MeetingKey key = new MeetingKey(group * 1_000_003 + size, meeting, seen[thread]++);
        Meeting m = meetings.computeIfAbsent(key, k -> new Meeting(size));
        m.values[lane] = value;
        m.arrived[lane] = true;
        notifyAll();
        await(thread, what + " of " + (size == 32 ? "warp " + group : "tile " + group), () -> allArrived(m, group, size,
                mask));
        if (++m.readers >= arrivals(m)) {
            meetings.remove(key);
        }
        return m;
    }

    private boolean allArrived(Meeting m, int group, int size, int mask) {
        for (int lane = 0; lane < size; lane++) {
            int t = group * size + lane;
            if (t < threads && takesPart(lane, mask, size) && !ended[t] && !m.arrived[lane]) {
                return false;
            }
        }
        return true;
    }

    /** How many threads came to a meeting: once all have read it, it is done. */
    private static int arrivals(Meeting m) {
        int n = 0;
        for (boolean a : m.arrived) {
            n += a ? 1 : 0;
        }
        return n;
    }

    private static boolean takesPart(int lane, int mask, int size) {
        return mask == -1 || size != 32 || (mask >>> lane & 1) != 0;
    }

    private long vote(int thread, int site, int mode, int mask, boolean predicate) {
        int lane = thread % 32;
        if (mode == 3) {
            // __activemask(): the lanes running together with the caller. Threads run independently here, so
            // the caller alone is a true answer (CUDA promises no convergence)
            return 1L << lane;
        }
        Meeting m = meet(thread, site, 32, mask, predicate ? 1 : 0, "a warp vote");
        long ballot = 0;
        for (int l = 0; l < 32; l++) {
            if (m.arrived[l] && m.values[l] != 0) {
                ballot |= 1L << l;
            }
        }
        long taking = 0;
        for (int l = 0; l < 32; l++) {
            taking |= m.arrived[l] ? 1L << l : 0;
        }
        return switch (mode) {
            case 0 -> ballot == taking ? 1 : 0; // ALL
            case 1 -> ballot != 0 ? 1 : 0; // ANY
            default -> ballot & 0xFFFF_FFFFL; // BALLOT
        };
    }

    private long shuffle(int thread, int site, int mode, int width, int mask, long value, int operand) {
        int lane = thread % 32;
        Meeting m = meet(thread, site, 32, mask, value, "a warp shuffle");
        int w = width <= 0 || width > 32 ? 32 : width;
        int segment = lane / w * w;
        int source = switch (mode) {
            case 0 -> segment + Math.floorMod(operand, w); // IDX
            case 1 -> lane - operand < segment ? lane : lane - operand; // UP
            case 2 -> lane + operand >= segment + w ? lane : lane + operand; // DOWN
            default -> {
                int x = lane ^ operand; // XOR: a lane outside the caller's segment gives the caller's own value
                yield x < segment || x >= segment + w ? lane : x;
            }
        };
        return source >= 0 && source < 32 && m.arrived[source] ? m.values[source] : value;
    }

    /** Waits until {@code canEnd}; a deadlock, a broken block or an interrupt ends the wait with {@link GridBarrier.Broken}. */
    private void await(int thread, String what, BooleanSupplier canEnd) {
        if (canEnd.getAsBoolean()) {
            return;
        }
        waiting.put(thread, new Waiting(what, canEnd));
        try {
            checkDeadlock();
            while (!canEnd.getAsBoolean()) {
                checkBroken();
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    breakWith("the launch was stopped while threads of block " + block + " waited");
                }
            }
        } finally {
            waiting.remove(thread);
        }
    }

    private void checkBroken() {
        if (broken != null) {
            throw new GridBarrier.Broken(broken);
        }
    }

    /** Every thread that has not ended waits, and no wait can end: on a GPU the block hangs forever. */
    private void checkDeadlock() {
        if (broken != null || live == 0 || waiting.size() < live) {
            return;
        }
        for (Waiting w : waiting.values()) {
            if (w.canEnd().getAsBoolean()) {
                return;
            }
        }
        List<String> who = new ArrayList<>();
        waiting.entrySet().stream().limit(4).forEach(e -> who.add("thread " + e.getKey() + " at " + e.getValue().what()));
        breakWith("every thread of block " + block + " that has not ended waits for another (a deadlock: on a GPU the "
                + "block hangs): " + String.join(", ", who) + (waiting.size() > 4 ? ", ..." : ""));
        throw new GridBarrier.Broken(broken);
    }
}
