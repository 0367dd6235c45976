package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.AccessSite;
import io.cudawasm.runtime.launch.FaultLocation;
import io.cudawasm.runtime.launch.Index3;
import io.cudawasm.runtime.launch.MemoryViolation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the violations a memcheck module reports during one launch. Worker threads report
 * concurrently; when the limit is reached the reporting thread is stopped with {@link Stop}, and
 * the others stop after their current blocks.
 */
final class MemcheckReport {
    /** An allocation violations are described against: [start, end) with the name reports give it. */
    record Allocation(long start, long end, String name) {}

    /** Ends a worker's run once the report is full (not a fault of the kernel's own). */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("memcheck stopped the launch", null, false, false);
        }
    }

    private final String kernel;
    private final String defaultFile;
    private final List<AccessSite> sites;
    private final List<Allocation> params;
    private final List<Allocation> allocations;
    private final long memoryStart;
    private final long memoryEnd;
    private final int limit;
    private final boolean stopAtFault;
    private final List<MemoryViolation> found = new ArrayList<>();
    private MemoryViolation firstFault;

    /**
     * @param params per kernel parameter, the buffer a pointer argument points into (null for a null
     *     pointer or a parameter that is not a pointer)
     * @param allocations every allocation of the session, for accesses of unknown origin
     * @param memoryStart the lowest valid address
     * @param memoryEnd one past the highest valid address
     * @param stopAtFault stop at the first violation outside memory altogether (to locate a fault)
     */
    MemcheckReport(String kernel, String defaultFile, List<AccessSite> sites, List<Allocation> params,
            List<Allocation> allocations, long memoryStart, long memoryEnd, int limit, boolean stopAtFault) {
        this.kernel = kernel;
        this.defaultFile = defaultFile;
        this.sites = sites;
        this.params = params;
        this.allocations = allocations;
        this.memoryStart = memoryStart;
        this.memoryEnd = memoryEnd;
        this.limit = limit;
        this.stopAtFault = stopAtFault;
    }

    /** The host side of the violation import: {@code (site, address, start, end, tx, ty, tz, bx, by, bz)}. */
    void record(long[] a) {
        AccessSite site = sites.get((int) a[0]);
        long address = a[1];
        long start = a[2] & 0xFFFF_FFFFL;
        long end = a[3] & 0xFFFF_FFFFL;
        Index3 thread = (int) a[4] < 0 ? null : new Index3((int) a[4], (int) a[5], (int) a[6]);
        Index3 block = (int) a[7] < 0 ? null : new Index3((int) a[7], (int) a[8], (int) a[9]);
        FaultLocation at = new FaultLocation(kernel, site.file() == null ? defaultFile : site.file(),
                site.line() > 0 ? site.line() : null, site.column() > 0 ? site.column() : null, block, thread);
        String buffer = site.name();
        Long offset = null;
        Long bytes = null;
        switch (site.region()) {
            case PARAMETER -> {
                Allocation p = site.parameter() < params.size() ? params.get(site.parameter()) : null;
                offset = p == null ? address : address - p.start();
                bytes = p == null ? 0L : p.end() - p.start();
            }
            case SHARED, LOCAL, STATIC -> {
                if (start != 0 || end != 0) {
                    offset = address - start;
                    bytes = end - start;
                }
            }
            case UNKNOWN -> {
                Allocation near = nearestBelow(address);
                buffer = near == null ? null : near.name();
                if (near != null) {
                    offset = address - near.start();
                    bytes = near.end() - near.start();
                }
            }
        }
        MemoryViolation v = new MemoryViolation(at, site.access(), site.bytes(), address, site.region(), buffer, offset,
                bytes);
        boolean fault = site.access() == AccessSite.Access.POINTER || Long.compareUnsigned(address, memoryStart) < 0
                || Long.compareUnsigned(address, memoryEnd - site.bytes()) > 0;
        synchronized (this) {
            if (found.size() >= limit) {
                throw new Stop();
            }
            found.add(v);
            if (fault && firstFault == null) {
                firstFault = v;
            }
            if (found.size() >= limit || fault && stopAtFault) {
                throw new Stop();
            }
        }
    }

    private Allocation nearestBelow(long address) {
        Allocation best = null;
        for (Allocation a : allocations) {
            if (Long.compareUnsigned(a.start(), address) <= 0 && (best == null || a.start() > best.start())) {
                best = a;
            }
        }
        return best;
    }

    /** What was found, by block and thread (then in the order reported). */
    synchronized List<MemoryViolation> violations() {
        Comparator<Index3> index = Comparator.nullsFirst(Comparator.comparingInt(Index3::z).thenComparingInt(Index3::y)
                .thenComparingInt(Index3::x));
        List<MemoryViolation> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing((MemoryViolation v) -> v.location().blockIdx(), index)
                .thenComparing(v -> v.location().threadIdx(), index));
        return sorted;
    }

    /** The first violation outside memory altogether, else the first found; null when none. */
    synchronized MemoryViolation fault() {
        return firstFault != null ? firstFault : found.isEmpty() ? null : found.get(0);
    }

    int limit() {
        return limit;
    }
}
