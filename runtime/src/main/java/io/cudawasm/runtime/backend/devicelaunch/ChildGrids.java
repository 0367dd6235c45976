package io.cudawasm.runtime.backend.devicelaunch;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.DeviceLaunchAbi;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the grids that device code launches (dynamic parallelism) on a back end that cannot launch
 * from a kernel: each launch is a record in a queue in the session's memory ({@link DeviceLaunchAbi});
 * after a grid's threads have all finished, its recorded grids run one after another in the order
 * they were recorded, each followed at once by its own descendants, then the ones launched into
 * {@code cudaStreamTailLaunch}.
 *
 * <p>That is a schedule CUDA 12's model allows: a parent cannot wait for its children in the
 * kernel (device-side cudaDeviceSynchronize is gone), launches into one stream run in order (a
 * thread's own launches are recorded in program order; launches of different threads into one
 * stream have no order to keep), a grid in a stream starts after the one before it and all that
 * one's descendants, a tail launch after everything else its parent launched, and the parent
 * grid completes when all its descendants have. The job's time limit and cancellation cover the
 * whole tree; a child's failure fails the launch, naming the child kernel and who launched it.
 */
public final class ChildGrids {

    /** What the driver needs from a session besides its buffer calls. */
    public interface Host {
        /** The session: the queue is allocated, written and read through its own calls. */
        DeviceSession session();

        /** Runs one grid to completion (the session's own launch, without children). */
        LaunchStats runGrid(String kernel, LaunchConfig config, List<KernelArg> args, LaunchOptions options);

        /** The session's live buffers, which a pointer passed to a child grid may point into. */
        List<DeviceBuffer> buffers();

        /** The address kernels see for the start of {@code buffer}. */
        long deviceAddress(DeviceBuffer buffer);
    }

    private final Host host;
    private final DeviceLaunchLimits limits;
    private final Map<Integer, KernelSignature> kernels = new HashMap<>();
    /** Ids two kernels of the module share (32-bit hashes of their names): launching either is refused. */
    private final Map<Integer, String> ambiguous = new HashMap<>();
    private final int stride;
    private final int capacity;
    private DeviceBuffer queue;
    /** Device addresses of the session's buffers, probed once each. */
    private final Map<Integer, Long> addresses = new HashMap<>();
    /** Launches recorded and not yet started, at every level. */
    private int outstanding;

    private ChildGrids(CompileResult compiled, Host host, DeviceLaunchLimits limits) {
        this.host = host;
        this.limits = limits;
        int maxParams = 0;
        for (KernelSignature k : compiled.kernels()) {
            KernelSignature other = kernels.put(DeviceLaunchAbi.kernelId(k.name()), k);
            if (other != null) {
                ambiguous.put(DeviceLaunchAbi.kernelId(k.name()), other.sourceName() + "' and '" + k.sourceName());
            }
            maxParams = Math.max(maxParams, k.paramBytes());
        }
        this.stride = DeviceLaunchAbi.stride(maxParams);
        this.capacity = (int) Math.max(1, Math.min(limits.pendingLaunches(),
                (limits.maxQueueBytes() - DeviceLaunchAbi.HEADER_BYTES) / stride));
    }

    /** The driver for a module whose device code launches kernels; null for any other module. */
    public static ChildGrids forModule(CompileResult compiled, Host host, DeviceLaunchLimits limits) {
        return launchesKernels(compiled) ? new ChildGrids(compiled, host, limits) : null;
    }

    /** Whether the module's device code launches kernels (it then has the launch queue's symbol). */
    public static boolean launchesKernels(CompileResult compiled) {
        for (KGlobal g : compiled.kir().globals()) {
            if (g.name().equals(DeviceLaunchAbi.QUEUE_SYMBOL)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses to launch a kernel of a module whose device code launches kernels on a back end that
     * does not run child grids (their launches would fail in device code with cudaErrorNotSupported,
     * and the children's work would silently not be done).
     */
    public static void refuseOn(String backend, CompileResult compiled, String kernel) {
        if (launchesKernels(compiled)) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, kernel, "this module's device code launches "
                    + "kernels (dynamic parallelism), which the " + backend + " back end does not run: use the "
                    + "wasm or opencl back end");
        }
    }

    /** A launch from the host: the grid, then every grid it launches, recursively. */
    public LaunchStats launch(String kernel, LaunchConfig config, List<KernelArg> args, LaunchOptions options) {
        long started = System.nanoTime();
        long deadline = options.timeLimit() == null ? Long.MAX_VALUE : started + options.timeLimit().toNanos();
        prepareQueue();
        outstanding = 0;
        resetQueue(0);
        LaunchStats stats = host.runGrid(kernel, config, args, options);
        List<Record> children = drain();
        outstanding = children.size();
        runAll(children, 1, stats.kernel(), options, deadline);
        return new LaunchStats(stats.kernel(), stats.backend(), stats.device(),
                Duration.ofNanos(System.nanoTime() - started), stats.workers());
    }

    /** One recorded launch. */
    private record Record(KernelSignature kernel, Dim3 grid, Dim3 block, int sharedBytes, long stream,
            byte[] params) {
        boolean tail() {
            return stream == DeviceLaunchAbi.STREAM_TAIL_LAUNCH;
        }
    }

    private void runAll(List<Record> records, int depth, String parent, LaunchOptions options, long deadline) {
        for (Record r : records) {
            if (!r.tail()) {
                run(r, depth, parent, options, deadline);
            }
        }
        for (Record r : records) {
            if (r.tail()) {
                run(r, depth, parent, options, deadline);
            }
        }
    }

    private void run(Record r, int depth, String parent, LaunchOptions options, long deadline) {
        String name = r.kernel().sourceName();
        outstanding--;
        String where = "child grid '" + name + "' (depth " + depth + ", launched by '" + parent + "')";
        // a grid launched from device code is not cooperative (unless it synchronizes its own grid)
        LaunchOptions child = options.withCooperative(false);
        if (deadline != Long.MAX_VALUE) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new LaunchException(LaunchFailure.TIMEOUT, name, "the time limit of "
                        + options.timeLimit().toMillis() + " ms, which covers every grid the launch starts, passed "
                        + "before " + where + " could start");
            }
            child = child.withTimeLimit(Duration.ofNanos(left));
        }
        if (options.cancellation() != null && options.cancellation().isCancelled()) {
            throw new LaunchException(LaunchFailure.CANCELLED, name, "cancelled before " + where + " started");
        }
        LaunchConfig config;
        try {
            config = new LaunchConfig(r.grid(), r.block(), r.sharedBytes());
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, where + ": " + e.getMessage());
        }
        List<KernelArg> args = arguments(r, where);
        resetQueue(depth);
        try {
            host.runGrid(r.kernel().name(), config, args, child);
        } catch (LaunchException e) {
            throw new LaunchException(e.failure(), e.kernel() != null ? e.kernel() : name, where + ": "
                    + e.getMessage(), e, e.location(), e.violations());
        }
        List<Record> children = drain();
        outstanding += children.size();
        runAll(children, depth + 1, name, options, deadline);
    }

    // ------------------------------------------------------------------ the queue

    private void prepareQueue() {
        if (queue != null) {
            return;
        }
        queue = host.session().allocate(DeviceLaunchAbi.HEADER_BYTES + (long) capacity * stride);
        byte[] address = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(address(queue)).array();
        host.session().writeSymbol(DeviceLaunchAbi.QUEUE_SYMBOL, 0, address);
    }

    /**
     * Empties the queue for a grid at {@code depth}: it may record what is left of the pending-launch
     * limit, and nothing at the deepest level.
     */
    private void resetQueue(int depth) {
        boolean deepest = depth >= limits.maxDepth();
        int room = deepest ? 0 : Math.max(0, Math.min(capacity, limits.pendingLaunches() - outstanding));
        int fullError = deepest ? DeviceLaunchAbi.ERROR_LAUNCH_MAX_DEPTH_EXCEEDED
                : DeviceLaunchAbi.ERROR_LAUNCH_PENDING_COUNT_EXCEEDED;
        ByteBuffer h = ByteBuffer.allocate(DeviceLaunchAbi.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(DeviceLaunchAbi.CAPACITY, room).putInt(DeviceLaunchAbi.COUNT, 0).putInt(DeviceLaunchAbi.STRIDE, stride)
                .putInt(DeviceLaunchAbi.FULL_ERROR, fullError);
        host.session().write(queue, 0, h.array());
    }

    /** The launches the grid that just finished recorded, in the order their threads claimed them. */
    private List<Record> drain() {
        ByteBuffer h = ByteBuffer.wrap(host.session().read(queue, 0, DeviceLaunchAbi.HEADER_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        long claimed = Integer.toUnsignedLong(h.getInt(DeviceLaunchAbi.COUNT));
        int n = (int) Math.min(claimed, Integer.toUnsignedLong(h.getInt(DeviceLaunchAbi.CAPACITY)));
        if (n == 0) {
            return List.of();
        }
        ByteBuffer b = ByteBuffer.wrap(host.session().read(queue, DeviceLaunchAbi.HEADER_BYTES, n * stride))
                .order(ByteOrder.LITTLE_ENDIAN);
        List<Record> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = i * stride;
            if (b.getInt(at + DeviceLaunchAbi.REC_STATE) != DeviceLaunchAbi.STATE_READY) {
                continue; // a parameter buffer PTX took and never launched
            }
            int id = b.getInt(at + DeviceLaunchAbi.REC_KERNEL);
            KernelSignature k = kernels.get(id);
            if (k == null) {
                throw new LaunchException(LaunchFailure.INVALID_LAUNCH, null, "a grid launched a kernel this module "
                        + "does not have (id " + Integer.toHexString(id) + ")");
            }
            if (ambiguous.containsKey(id)) {
                throw new LaunchException(LaunchFailure.INVALID_LAUNCH, k.sourceName(), "kernels '" + ambiguous.get(id)
                        + "' have the same launch-queue id: rename one of them to launch it from device code");
            }
            Dim3 grid;
            Dim3 block;
            try {
                grid = new Dim3(b.getInt(at + DeviceLaunchAbi.REC_GRID), b.getInt(at + DeviceLaunchAbi.REC_GRID + 4),
                        b.getInt(at + DeviceLaunchAbi.REC_GRID + 8));
                block = new Dim3(b.getInt(at + DeviceLaunchAbi.REC_BLOCK), b.getInt(at + DeviceLaunchAbi.REC_BLOCK + 4),
                        b.getInt(at + DeviceLaunchAbi.REC_BLOCK + 8));
            } catch (IllegalArgumentException e) {
                throw new LaunchException(LaunchFailure.INVALID_LAUNCH, k.sourceName(), "child grid '"
                        + k.sourceName() + "': " + e.getMessage());
            }
            byte[] params = Arrays.copyOfRange(b.array(), at + DeviceLaunchAbi.REC_PARAMS,
                    at + DeviceLaunchAbi.REC_PARAMS + k.paramBytes());
            out.add(new Record(k, grid, block, b.getInt(at + DeviceLaunchAbi.REC_SHARED),
                    b.getLong(at + DeviceLaunchAbi.REC_STREAM), params));
        }
        return out;
    }

    // ------------------------------------------------------------------ arguments

    private List<KernelArg> arguments(Record r, String where) {
        ByteBuffer p = ByteBuffer.wrap(r.params()).order(ByteOrder.LITTLE_ENDIAN);
        List<KernelArg> args = new ArrayList<>();
        for (ParamInfo info : r.kernel().params()) {
            int at = info.offset();
            switch (info.kind()) {
                case POINTER -> args.add(pointer(p.getLong(at), info, where));
                case STRUCT -> args.add(new KernelArg.Bytes(Arrays.copyOfRange(r.params(), at, at + info.size())));
                case SCALAR -> args.add(new KernelArg.Scalar(scalar(p, at, info)));
            }
        }
        return args;
    }

    private static Number scalar(ByteBuffer p, int at, ParamInfo info) {
        return switch (info.scalar()) {
            case FLOAT -> p.getFloat(at);
            case DOUBLE -> p.getDouble(at);
            default -> switch (info.size()) {
                case 1 -> (long) p.get(at);
                case 2 -> (long) p.getShort(at);
                case 4 -> (long) p.getInt(at);
                default -> p.getLong(at);
            };
        };
    }

    /** A pointer argument as the buffer it points into and the offset in it. */
    private KernelArg pointer(long address, ParamInfo info, String where) {
        if (address == 0) {
            return new KernelArg.Scalar(0);
        }
        for (DeviceBuffer b : host.buffers()) {
            long base = address(b);
            if (Long.compareUnsigned(address - base, b.size()) <= 0 && address >= base) {
                return new KernelArg.Buffer(b, address - base);
            }
        }
        throw new LaunchException(LaunchFailure.INVALID_LAUNCH, null, where + ": pointer argument '" + info.name()
                + "' (0x" + Long.toHexString(address) + ") points into none of the job's buffers; a child grid "
                + "gets pointers to global memory only (not to __shared__, local or __device__ variables)");
    }

    private long address(DeviceBuffer b) {
        return addresses.computeIfAbsent(b.id(), id -> host.deviceAddress(b));
    }
}
