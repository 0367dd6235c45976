package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.MemcheckAbi;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.kernels.abi.BlockCopyAbi;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;
import io.cudawasm.kernels.abi.VectorTreeAbi;
import io.cudawasm.kernels.wasm.WasmKernel;
import io.cudawasm.kernels.wasm.WasmModule;
import io.cudawasm.runtime.backend.BufferTable;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.SymbolChecks;
import io.cudawasm.runtime.backend.devicelaunch.ChildGrids;
import io.cudawasm.runtime.backend.devicelaunch.DeviceLaunchLimits;
import io.cudawasm.runtime.backend.wasm.math.DeviceMath;
import io.cudawasm.runtime.backend.wasm.math.MathFunction;
import io.cudawasm.runtime.backend.wasm.math.ValueKind;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.FaultLocation;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.launch.MemoryViolation;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One job's device state on the CPU path: a linear memory with static data, the job's buffers
 * and each worker's stack and shared-memory region, and one Wasm instance per worker.
 *
 * <pre>
 * 0 ........ static data (__constant__, __device__) .. launch block .. buffers ... worker regions
 * </pre>
 */
final class WasmSession implements DeviceSession {
    private static final int PAGE = 65536;
    /** The memory is one Java array: at most 2 GiB - 64 KiB. */
    private static final int MAX_PAGES = 32767;
    private static final int BUFFER_ALIGN = 256;
    /**
     * The alignment of every block's shared memory (and so of the worker regions it lies in): the
     * repeat of the 128B swizzle of sm_90's tensor copies (TensorMapAbi), the largest a kernel asks for.
     */
    private static final int SHARED_ALIGN = io.cudawasm.kernels.abi.TensorMapAbi.Swizzle.B128.repeat();
    private static final int LAUNCH_BLOCK_BYTES = KernelAbi.LAUNCH_PARAMS + 32 * 1024;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WasmSession.class);

    private final WasmBackend backend;
    private final CompileResult result;
    private final WasmModule module;
    private final String fileName;
    private final Memory memory;
    private final long launchBlock;
    /** The module as compiled for speed, and (made on first use) its memcheck variant. */
    private final Variant fast;
    private Variant memcheck;
    /** The module's independent-threads variant, made on first use: an instance per thread of a block. */
    private Variant independent;
    /** The user's buffers, in allocation order (memcheck lists them as the live allocations). */
    private final List<DeviceBuffer> buffers = new ArrayList<>();
    private DeviceBuffer memcheckTable;
    /** Where the running memcheck launch's violations go. */
    private volatile MemcheckReport memcheckReport;
    private long top;
    private int nextBufferId = 1;
    private long regionBase = -1;
    private long regionStride;
    private int regionCount;
    private boolean closed;
    /** The grid barrier of the cooperative launch running now (null otherwise). */
    private volatile GridBarrier gridBarrier;
    /** Runs the grids device code launches (null when the module launches none). */
    private final ChildGrids childGrids;

    WasmSession(WasmBackend backend, CompileResult result, CompiledWasm compiled) {
        this.backend = backend;
        this.result = result;
        this.module = result.wasm();
        this.fileName = result.sourceName();
        FlatMemory flat = new FlatMemory(pagesFor(module.staticDataEnd() + LAUNCH_BLOCK_BYTES), MAX_PAGES,
                module.options().addressChecks() ? KernelAbi.GUARD_BYTES : 0);
        flat.vectorRows(backend.vectorRows());
        this.memory = flat;
        for (SymbolInfo s : module.symbols()) {
            if (s.init() != null) {
                memory.write(s.offset(), s.init(), 0, s.init().length);
            }
        }
        this.launchBlock = align(module.staticDataEnd(), 16);
        this.top = align(launchBlock + LAUNCH_BLOCK_BYTES, BUFFER_ALIGN);
        this.fast = new Variant(module, compiled, new Instance[instanceSlots()]);
        this.childGrids = ChildGrids.forModule(result, childGridHost(), DeviceLaunchLimits.fromEnvironment());
    }

    /**
     * At most this many blocks run at once per worker thread in a cooperative launch: the CPU
     * device's "maximum active blocks per multiprocessor", as cudaOccupancyMaxActiveBlocksPerMultiprocessor
     * would report it with a worker as a multiprocessor.
     */
    static final int COOPERATIVE_BLOCKS_PER_WORKER = 32;
    /** A cooperative launch's blocks each get a thread and an instance: bounded whatever the workers. */
    static final int MAX_COOPERATIVE_BLOCKS = 1024;
    /** The stacks and shared memory of a cooperative launch's blocks, which all exist at once. */
    static final long COOPERATIVE_REGION_BYTES = 256L << 20;

    /** The most blocks a cooperative launch may have (CUDA: cudaErrorCooperativeLaunchTooLarge past it). */
    int cooperativeBlockLimit() {
        return (int) Math.min(MAX_COOPERATIVE_BLOCKS, (long) backend.workers() * COOPERATIVE_BLOCKS_PER_WORKER);
    }

    private int instanceSlots() {
        return Math.max(backend.workers(), cooperativeBlockLimit());
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }

    private static int pagesFor(long bytes) {
        return (int) Math.max(1, (bytes + PAGE - 1) / PAGE);
    }

    private void ensureCapacity(long bytes) {
        if (bytes > (long) MAX_PAGES * PAGE) {
            throw new LaunchException(LaunchFailure.OUT_OF_MEMORY, null, "the CPU device has at most "
                    + ((long) MAX_PAGES * PAGE >> 20) + " MiB per job; " + (bytes >> 20) + " MiB requested");
        }
        int need = pagesFor(bytes);
        if (need > memory.pages()) {
            int r = memory.grow(need - memory.pages());
            if (r < 0) {
                throw new LaunchException(LaunchFailure.OUT_OF_MEMORY, null, "cannot grow device memory to "
                        + (bytes >> 20) + " MiB");
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes) {
        checkOpen();
        DeviceBuffer b = allocateInternal(bytes);
        buffers.add(b);
        return b;
    }

    /** Memory for the session's own use (the memcheck table): not one of the user's allocations. */
    /** One past the highest address of the session's memory now (for tests of accesses at its end). */
    /** Whether this session's fast float rows may run as vectors (its back end's choice). */
    boolean vectorRowsOn() {
        return ((FlatMemory) memory).vectorRows();
    }

    synchronized long memoryBytes() {
        return ((FlatMemory) memory).sizeBytes();
    }

    private DeviceBuffer allocateInternal(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation");
        }
        long address = bytes >= STAGGER_FROM ? staggered(top) : top;
        ensureCapacity(address + Math.max(bytes, 1));
        top = align(address + Math.max(bytes, 1), BUFFER_ALIGN);
        regionBase = -1; // worker regions move above the new buffer
        return new DeviceBuffer(nextBufferId++, address, bytes);
    }

    /** Buffers from this size on start at staggered addresses ({@link #staggered}). */
    static final long STAGGER_FROM = 8L << 20;
    private static final long STAGGER_PERIOD = 1L << 20;
    private static final long STAGGER_STEP = 384L << 10;
    private int staggeredCount;

    /**
     * The first address at or above {@code from} whose position modulo 1 MiB is the next of eight
     * starts 128 KiB apart. Large buffers laid out back to back are often a power of two apart (two
     * 64 MiB arrays: exactly 64 MiB and 256 bytes), and then {@code y[i] = x[i] + y[i]} reads and
     * writes addresses that map to the same cache sets and memory banks: saxpy over 16M floats ran
     * twice as long at such a distance on the build machine (within 16 KiB of a multiple of 64 MiB)
     * as at 256 KiB off it, in Java, C and the Wasm path alike. Costs at most 1 MiB per large buffer.
     */
    private long staggered(long from) {
        long start = (staggeredCount++ % 8) * STAGGER_STEP % STAGGER_PERIOD;
        long base = from - from % STAGGER_PERIOD + start;
        return base >= from ? base : base + STAGGER_PERIOD;
    }

    @Override
    public synchronized void write(DeviceBuffer buffer, long offset, byte[] data) {
        checkOpen();
        BufferTable.checkRange(buffer, offset, data.length);
        memory.write((int) (buffer.address() + offset), data, 0, data.length);
    }

    @Override
    public synchronized byte[] read(DeviceBuffer buffer, long offset, int length) {
        checkOpen();
        BufferTable.checkRange(buffer, offset, length);
        return memory.readBytes((int) (buffer.address() + offset), length);
    }

    private SymbolInfo symbol(String name) {
        return SymbolChecks.require(module.symbol(name), name);
    }

    @Override
    public synchronized void writeSymbol(String name, long offset, byte[] data) {
        checkOpen();
        SymbolInfo s = symbol(name);
        SymbolChecks.checkFits(name, s.size(), offset, data.length);
        memory.write((int) (s.offset() + offset), data, 0, data.length);
    }

    @Override
    public synchronized byte[] readSymbol(String name) {
        checkOpen();
        SymbolInfo s = symbol(name);
        return memory.readBytes(s.offset(), s.size());
    }

    // ------------------------------------------------------------------ launching

    @Override
    public synchronized LaunchStats launch(String kernelName, LaunchConfig config, List<KernelArg> args,
            LaunchOptions options) {
        checkOpen();
        return childGrids != null ? childGrids.launch(kernelName, config, args, options)
                : launchGrid(kernelName, config, args, options);
    }

    /** The session as the dynamic-parallelism driver sees it: buffers at their linear-memory offsets. */
    private ChildGrids.Host childGridHost() {
        return new ChildGrids.Host() {
            @Override
            public LaunchStats runGrid(String kernel, LaunchConfig config, List<KernelArg> args, LaunchOptions o) {
                return launchGrid(kernel, config, args, o);
            }

            @Override
            public DeviceSession session() {
                return WasmSession.this;
            }

            @Override
            public List<DeviceBuffer> buffers() {
                return List.copyOf(buffers);
            }

            @Override
            public long deviceAddress(DeviceBuffer buffer) {
                return buffer.address();
            }
        };
    }

    /** Runs one grid (a launch from the host, or a child grid of one). */
    private LaunchStats launchGrid(String kernelName, LaunchConfig config, List<KernelArg> args,
            LaunchOptions options) {
        WasmKernel kernel = module.kernel(kernelName).orElseThrow(() -> new LaunchException(
                LaunchFailure.INVALID_LAUNCH, kernelName, "no kernel named '" + kernelName + "'; the module has: "
                + module.kernels().stream().map(k -> k.signature().sourceName()).toList()));
        String name = kernel.signature().sourceName();
        Dim3 cluster = io.cudawasm.runtime.launch.ClusterShape.resolve(kernel.clusterDims(), config, name);
        writeLaunchBlock(kernel, config, cluster, args);
        boolean independentThreads = kernel.independentThreads() || options.independentThreads();
        if (independentThreads && (options.memcheck() || options.cooperative() || kernel.gridSync())) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "independent threads (a host thread per CUDA"
                    + " thread" + (kernel.independentThreads() ? ", which this kernel's producer and consumer roles need"
                    : "") + ") cannot be combined with " + (options.memcheck() ? "memcheck" : "a cooperative launch"));
        }
        Variant variant = options.memcheck() ? memcheckVariant(name) : independentThreads ? independentVariant(name) : fast;
        WasmKernel run = variant.module().kernel(kernelName).orElseThrow();
        int threads = config.threadsPerBlock();
        // the block's shared memory starts above the stack: aligned as sm_90's (swizzled) tensor copies need
        long stack = align(Math.max(kernel.stackBytes(threads), run.stackBytes(threads)), SHARED_ALIGN);
        long shared = align((long) module.dynamicSharedOffset() + config.sharedBytes(), 16);
        long blocks = config.blocks();
        int workerCount = (int) Math.min(options.threads() > 0 ? Math.min(options.threads(), backend.workers())
                : backend.workers(), blocks);
        boolean cooperative = kernel.gridSync() || options.cooperative();
        boolean clusters = cluster.total() > 1;
        if (clusters && independentThreads) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "independent threads (a host thread per CUDA"
                    + " thread) with thread block clusters of more than one block are not supported");
        }
        if (clusters && cooperative) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "a cooperative launch (grid.sync()) with"
                    + " thread block clusters of more than one block is not supported");
        }
        if (clusters) {
            // whole clusters at once, as many as the workers cover (at least one): a thread per block
            long size = cluster.total();
            workerCount = (int) (Math.max(1, Math.min(blocks / size, workerCount / size)) * size);
        }
        if (cooperative) {
            checkCooperative(name, blocks, kernel.gridSync(), stack + shared);
            workerCount = (int) blocks;
        }
        module.symbol(KernelAbi.COOPERATIVE_SYMBOL).ifPresent(flag -> memory.writeI32(flag.offset(),
                cooperative ? 1 : 0));
        SymbolInfo workspace = module.symbol(KernelAbi.GRID_WORKSPACE_SYMBOL).orElse(null);
        if (workspace != null) {
            // nvcc's grid barrier counts arrivals there from zero in every launch, as the driver's fresh workspace
            memory.write(workspace.offset(), new byte[KernelAbi.GRID_WORKSPACE_BYTES], 0, KernelAbi.GRID_WORKSPACE_BYTES);
            memory.writeI32(workspace.offset(), KernelAbi.GRID_WORKSPACE_BYTES);
        }
        MemcheckReport report = null;
        if (options.memcheck()) {
            report = prepareMemcheck(kernel, config, args, MEMCHECK_LIMIT, false);
        }
        if (independentThreads) {
            // one block's shared memory, then a stack for each of its threads (one frame each)
            stack = align(run.stackBytes(1), 16);
            workerCount = threads;
            prepareRegions(1, shared + (long) threads * stack);
        } else {
            prepareRegions(workerCount, stack + shared);
        }
        long started = System.nanoTime();
        Deadline deadline = Deadline.of(options.timeLimit());
        Failure failed = independentThreads ? runIndependent(variant, run.export(), name, blocks, threads, stack, shared,
                deadline, options)
                : cooperative ? runCooperative(variant, run.export(), name, workerCount, stack, deadline, options,
                workspace)
                : clusters ? runClusters(variant, run.export(), name, config.grid(), cluster, workerCount, stack,
                        deadline, options)
                : runBlocks(variant, run.export(), name, 0, blocks, workerCount, stack, deadline, options);
        if (report != null && !report.violations().isEmpty()) {
            throw memcheckFailure(name, report, failed == null ? null : failed.cause());
        }
        if (failed != null) {
            LaunchException e = translate(failed.cause(), name);
            // a cooperative launch's blocks (a cluster's) cannot run again one by one: they wait for each other
            if (e.failure() == LaunchFailure.OUT_OF_BOUNDS && !options.memcheck() && !cooperative && !clusters
                    && !independentThreads) {
                e = locate(e, kernel, config, args, failed, stack, deadline, options);
            }
            throw e;
        }
        return new LaunchStats(name, backend.name(), backend.device(), Duration.ofNanos(System.nanoTime() - started),
                workerCount);
    }

    /** How many violations a memcheck launch collects before it stops the kernel. */
    static final int MEMCHECK_LIMIT = 16;
    /** The longest a fault's re-run under memcheck may take when the launch has no time limit. */
    private static final Duration LOCATE_LIMIT = Duration.ofSeconds(10);

    /** The module a launch runs and its instances, one per worker (created on first use). */
    private record Variant(WasmModule module, CompiledWasm compiled, Instance[] instances) {}

    /** A worker's failure and the blocks it was running when it failed. */
    private record Failure(Throwable cause, long firstBlock, long blockCount) {}

    private Variant independentVariant(String kernel) {
        if (independent == null) {
            if (result.kir() == null) {
                throw new LaunchException(LaunchFailure.INVALID_LAUNCH, kernel, "independent threads need the kernel IR,"
                        + " which this stored kernel lacks; compile the kernel again");
            }
            WasmModule m = result.independentThreadsWasm();
            independent = new Variant(m, backend.load(m.binary()), new Instance[io.cudawasm.runtime.launch.LaunchConfig
                    .MAX_THREADS_PER_BLOCK]);
        }
        return independent;
    }

    private Variant memcheckVariant(String kernel) {
        if (memcheck == null) {
            WasmBackend.MemcheckModule m = backend.memcheck(result, kernel);
            memcheck = new Variant(m.module(), m.compiled(), new Instance[instanceSlots()]);
        }
        return memcheck;
    }

    private boolean canMemcheck() {
        return memcheck != null || result.kir() != null;
    }

    /**
     * Writes the memcheck table for a launch and returns the report its violations go to: the bounds
     * of each pointer argument's buffer, and every allocation of the session for accesses whose
     * origin the compiler could not tell.
     */
    private MemcheckReport prepareMemcheck(WasmKernel kernel, LaunchConfig config, List<KernelArg> args, int limit,
            boolean stopAtFault) {
        List<ParamInfo> params = kernel.signature().params();
        List<MemcheckReport.Allocation> paramBuffers = new ArrayList<>();
        java.util.Map<Integer, String> argNames = new java.util.HashMap<>();
        for (int i = 0; i < params.size(); i++) {
            MemcheckReport.Allocation a = null;
            if (params.get(i).kind() == ParamKind.POINTER && args.get(i) instanceof KernelArg.Buffer b) {
                a = new MemcheckReport.Allocation(b.buffer().address(), b.buffer().address() + b.buffer().size(),
                        params.get(i).name());
                argNames.putIfAbsent(b.buffer().id(), params.get(i).name());
            }
            paramBuffers.add(a);
        }
        List<MemcheckReport.Allocation> all = new ArrayList<>();
        for (DeviceBuffer b : buffers) {
            String arg = argNames.get(b.id());
            all.add(new MemcheckReport.Allocation(b.address(), b.address() + b.size(), arg != null
                    ? "buffer #" + b.id() + " (parameter '" + arg + "')" : "buffer #" + b.id()));
        }
        for (SymbolInfo s : module.symbols()) {
            all.add(new MemcheckReport.Allocation(s.offset(), s.offset() + s.size(), "variable '" + s.name() + "'"));
        }
        all.sort(java.util.Comparator.comparingLong(MemcheckReport.Allocation::start));
        int tableBytes = MemcheckAbi.tableBytes(params.size());
        long bytes = tableBytes + 4L + 8L * all.size();
        if (memcheckTable == null || memcheckTable.size() < bytes) {
            memcheckTable = allocateInternal(Math.max(bytes, 4096));
        }
        ByteBuffer t = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        long table = memcheckTable.address();
        t.putInt(MemcheckAbi.TABLE_DYNAMIC_SHARED, config.sharedBytes());
        t.putInt(MemcheckAbi.TABLE_ALLOCATIONS, (int) (table + tableBytes));
        for (int i = 0; i < params.size(); i++) {
            MemcheckReport.Allocation a = paramBuffers.get(i);
            // a null pointer gets an empty range that no access can fit in
            long start = a == null ? KernelAbi.GUARD_BYTES : a.start();
            long end = a == null ? KernelAbi.GUARD_BYTES : a.end();
            t.putInt(MemcheckAbi.TABLE_PARAMS + 8 * i, (int) start).putInt(MemcheckAbi.TABLE_PARAMS + 8 * i + 4, (int) end);
        }
        t.putInt(tableBytes, all.size());
        for (int i = 0; i < all.size(); i++) {
            t.putInt(tableBytes + 4 + 8 * i, (int) all.get(i).start()).putInt(tableBytes + 8 + 8 * i, (int) all.get(i).end());
        }
        memory.write((int) table, t.array(), 0, t.capacity());
        memory.writeI32((int) (launchBlock + KernelAbi.LAUNCH_MEMCHECK_TABLE), (int) table);
        FlatMemory flat = (FlatMemory) memory;
        MemcheckReport report = new MemcheckReport(kernel.signature().sourceName(), fileName, memcheck.module().sites(),
                paramBuffers, all, flat.guard(), flat.sizeBytes(), limit, stopAtFault);
        memcheckReport = report;
        return report;
    }

    private static LaunchException memcheckFailure(String name, MemcheckReport report, Throwable cause) {
        List<MemoryViolation> found = report.violations();
        String more = found.size() >= report.limit() ? " (stopped at " + report.limit() + ")" : "";
        return new LaunchException(LaunchFailure.OUT_OF_BOUNDS, name, "memcheck found " + found.size() + " invalid "
                + (found.size() == 1 ? "access" : "accesses") + " in kernel '" + name + "'" + more + "; the first: "
                + found.get(0).describe(), cause, found.get(0).location(), found);
    }

    /**
     * Finds where an out-of-bounds fault happened: the blocks the failing worker was running are run
     * again, one worker, under memcheck, which reports the access with its source position, block
     * and thread. Their results are discarded with the failed launch's anyway. A kernel whose fault
     * depends on what the failed launch left in memory may not fault again; it is then reported
     * without a position (or with the line an address check gave).
     */
    private LaunchException locate(LaunchException fault, WasmKernel kernel, LaunchConfig config, List<KernelArg> args,
            Failure failed, long stack, Deadline deadline, LaunchOptions options) {
        if (!canMemcheck()) {
            return fault;
        }
        String name = kernel.signature().sourceName();
        try {
            Variant variant = memcheckVariant(name);
            MemcheckReport report = prepareMemcheck(kernel, config, args, MEMCHECK_LIMIT, true);
            prepareRegions(1, regionStride); // the table may have moved the worker regions
            Deadline limit = deadline.atMost(LOCATE_LIMIT);
            runBlocks(variant, variant.module().kernel(name).orElseThrow().export(), name, failed.firstBlock(),
                    failed.blockCount(), 1, stack, limit, options);
            MemoryViolation v = report.fault();
            if (v == null) {
                return fault;
            }
            return new LaunchException(LaunchFailure.OUT_OF_BOUNDS, name, "kernel '" + name + "' accessed memory out of "
                    + "bounds: " + v.describe(), fault.getCause(), v.location(), List.of());
        } catch (LaunchException | IllegalStateException e) {
            log.debug("could not locate the fault of kernel '{}': {}", name, e.getMessage());
            return fault;
        }
    }

    /** When a launch must stop: a point in time, or never. */
    private record Deadline(long nanos, Duration limit) {
        static Deadline of(Duration limit) {
            return limit == null ? new Deadline(Long.MAX_VALUE, null) : new Deadline(System.nanoTime() + limit.toNanos(), limit);
        }

        Deadline atMost(Duration d) {
            long cap = System.nanoTime() + d.toNanos();
            return cap < nanos ? new Deadline(cap, d) : this;
        }

        long remainingNanos() {
            return nanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, nanos - System.nanoTime());
        }
    }

    private void writeLaunchBlock(WasmKernel kernel, LaunchConfig config, Dim3 cluster, List<KernelArg> args) {
        String name = kernel.signature().sourceName();
        List<ParamInfo> params = kernel.signature().params();
        if (args.size() != params.size()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel '" + name + "' takes " + params.size()
                    + " arguments, " + args.size() + " given");
        }
        if (kernel.signature().paramBytes() > LAUNCH_BLOCK_BYTES - KernelAbi.LAUNCH_PARAMS) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel parameters exceed 32 KiB");
        }
        ByteBuffer b = ByteBuffer.allocate(KernelAbi.LAUNCH_PARAMS + kernel.signature().paramBytes())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(KernelAbi.LAUNCH_GRID, config.grid().x()).putInt(KernelAbi.LAUNCH_GRID + 4, config.grid().y())
                .putInt(KernelAbi.LAUNCH_GRID + 8, config.grid().z());
        b.putInt(KernelAbi.LAUNCH_BLOCK, config.block().x()).putInt(KernelAbi.LAUNCH_BLOCK + 4, config.block().y())
                .putInt(KernelAbi.LAUNCH_BLOCK + 8, config.block().z());
        b.putInt(KernelAbi.LAUNCH_DYNAMIC_SHARED, config.sharedBytes());
        b.putInt(KernelAbi.LAUNCH_CLUSTER, cluster.x()).putInt(KernelAbi.LAUNCH_CLUSTER + 4, cluster.y())
                .putInt(KernelAbi.LAUNCH_CLUSTER + 8, cluster.z());
        for (int i = 0; i < params.size(); i++) {
            ArgumentEncoder.encode(b, KernelAbi.LAUNCH_PARAMS + params.get(i).offset(), params.get(i), args.get(i), name,
                    this::bufferAddress);
        }
        memory.write((int) launchBlock, b.array(), 0, b.capacity());
    }

    private long bufferAddress(DeviceBuffer buffer) {
        if (buffer.address() < launchBlock || buffer.address() + buffer.size() > top) {
            throw new IllegalArgumentException("buffer " + buffer.id() + " does not belong to this session");
        }
        return buffer.address();
    }

    /** Gives each worker a stack and shared-memory region above the buffers, growing memory as needed. */
    private void prepareRegions(int workerCount, long regionBytes) {
        if (regionBase < 0 || regionStride < regionBytes || regionCount < workerCount) {
            regionBase = align(top, SHARED_ALIGN);
            regionStride = align(regionBytes, SHARED_ALIGN);
            regionCount = workerCount;
            ensureCapacity(regionBase + regionStride * workerCount);
        }
    }

    private Instance instance(Variant variant, int worker) {
        Instance inst = variant.instances()[worker];
        if (inst == null) {
            inst = newInstance(variant);
            variant.instances()[worker] = inst;
        }
        return inst;
    }

    private Instance newInstance(Variant variant) {
        ImportValues.Builder imports = ImportValues.builder()
                .addMemory(new ImportMemory(KernelAbi.MEMORY_MODULE, KernelAbi.MEMORY_NAME, memory))
                .addFunction(new HostFunction(KernelAbi.TRAP_MODULE, KernelAbi.TRAP_NAME, List.of(ValType.I32, ValType.I32),
                        List.of(), (inst, a) -> {
                            if ((int) a[0] == KernelAbi.SPIN_WAIT) {
                                SpinBackoff.beforeLoad(memory, (int) a[1]);
                                return null;
                            }
                            GridBarrier grid = gridBarrier;
                            if ((int) a[0] == KernelAbi.GRID_SYNC && grid != null) {
                                grid.await();
                                return null;
                            }
                            if ((int) a[0] == KernelAbi.CLUSTER_SYNC) {
                                // a cluster of one block has none: its block barrier before this is the whole barrier
                                GridBarrier cluster = CLUSTER_BARRIER.get();
                                if (cluster != null) {
                                    cluster.await();
                                }
                                return null;
                            }
                            throw new KernelTrap((int) a[0], (int) a[1]);
                        }));
        if (variant.module().options().independentThreads()) {
            imports.addFunction(new HostFunction(KernelAbi.TRAP_MODULE, io.cudawasm.kernels.abi.ThreadsAbi.IMPORT_NAME,
                    List.of(ValType.I32, ValType.I32, ValType.I64, ValType.I32, ValType.I32), List.of(ValType.I64),
                    (inst, a) -> {
                        IndependentLane lane = INDEPENDENT_LANE.get();
                        return new long[] {lane.block().call(lane.thread(), (int) a[0], (int) a[1], a[2], (int) a[3],
                                (int) a[4])};
                    }));
        }
        if (variant.compiled().module().importSection().stream()
                .anyMatch(i -> i.name().equals(VectorRowAbi.IMPORT_NAME))) {
            // modules compiled before vector rows (a kernel cache entry) do not import it
            List<ValType> params = new ArrayList<>(List.of(ValType.I64, ValType.I32));
            params.addAll(java.util.Collections.nCopies(1 + VectorRowAbi.MAX_LOADS, ValType.I64));
            params.addAll(java.util.Collections.nCopies(VectorRowAbi.MAX_UNIFORMS, ValType.F32));
            // compiled modules call VectorRowCall directly (BoundedLoops patches the stub); this serves the rest
            FlatMemory flat = (FlatMemory) memory;
            imports.addFunction(new HostFunction(KernelAbi.TRAP_MODULE, VectorRowAbi.IMPORT_NAME, params,
                    List.of(ValType.I32), (inst, a) -> new long[] {VectorRows.run(flat, a[0], (int) a[1], a[2], a[3],
                            a[4], a[5], Value.longToFloat(a[6]), Value.longToFloat(a[7]), Value.longToFloat(a[8]))}));
        }
        if (variant.compiled().module().importSection().stream()
                .anyMatch(i -> i.name().equals(VectorAccumulateAbi.IMPORT_NAME))) {
            // modules compiled before accumulating rows do not import it; compiled ones call
            // VectorRowCall.accumulate directly, and this serves the rest (the interpreter)
            imports.addFunction(VectorRowCall.accumulateImport((FlatMemory) memory));
        }
        if (variant.compiled().module().importSection().stream()
                .anyMatch(i -> i.name().equals(BlockCopyAbi.IMPORT_NAME))) {
            // modules compiled before block copies do not import it; compiled ones call VectorRowCall.blockCopy
            imports.addFunction(VectorRowCall.blockCopyImport((FlatMemory) memory));
        }
        if (variant.compiled().module().importSection().stream()
                .anyMatch(i -> i.name().equals(VectorTreeAbi.IMPORT_NAME))) {
            // modules compiled before vector trees do not import it; compiled ones call VectorRowCall.tree
            imports.addFunction(VectorRowCall.treeImport((FlatMemory) memory));
        }
        if (variant.module().options().memcheck()) {
            List<ValType> params = new ArrayList<>(List.of(ValType.I32, ValType.I64, ValType.I32, ValType.I32));
            params.addAll(java.util.Collections.nCopies(6, ValType.I32));
            imports.addFunction(new HostFunction(KernelAbi.TRAP_MODULE, MemcheckAbi.VIOLATION_NAME, params, List.of(),
                    (inst, a) -> {
                        memcheckReport.record(a);
                        return null;
                    }));
        }
        for (String name : variant.module().mathImports()) {
            MathFunction f = DeviceMath.lookup(name).orElseThrow(() -> new IllegalStateException(
                    "no host implementation of math function " + name));
            List<ValType> params = f.params().stream().map(WasmSession::valType).toList();
            var handle = f.handle();
            imports.addFunction(new HostFunction(KernelAbi.MATH_MODULE, name, params, List.of(valType(f.result())),
                    (inst, a) -> new long[] {handle.apply(a)}));
        }
        Instance.Builder b = Instance.builder(variant.compiled().module()).withImportValues(imports.build());
        if (variant.compiled().machineFactory() != null) {
            b.withMachineFactory(variant.compiled().machineFactory());
        }
        return b.build();
    }

    private static ValType valType(ValueKind k) {
        return switch (k) {
            case I32 -> ValType.I32;
            case I64 -> ValType.I64;
            case F32 -> ValType.F32;
            case F64 -> ValType.F64;
        };
    }

    /**
     * Blocks a worker takes at a time, at most (it takes about an eighth of its share, so the workers
     * still even out): each worker then streams long runs of consecutive blocks. Chunks of 64 blocks,
     * the two workers alternating, made a 16M-float reduction 11–24 % and saxpy 10–14 % slower with two
     * workers than chunks of 4,096 (measured in one JVM, alternating; bench/RESULTS.md "Vector rows").
     * A failure's chunk is run again under memcheck to locate the fault, so the bound also bounds that.
     */
    private static final long MAX_CHUNK_BLOCKS = 4096;

    /**
     * Runs blocks [firstBlock, firstBlock + blocks) on {@code workerCount} workers until done, a worker
     * fails, the deadline passes or the launch is cancelled. Returns the first failure (null when all
     * blocks ran); a deadline or a cancellation is thrown as a LaunchException.
     */
    private Failure runBlocks(Variant variant, String export, String name, long firstBlock, long blocks,
            int workerCount, long stack, Deadline deadline, LaunchOptions options) {
        long most = Math.max(1, Long.getLong(WasmBackend.MAX_CHUNK_PROPERTY, MAX_CHUNK_BLOCKS));
        long chunk = Math.max(1, Math.min(most, blocks / (workerCount * 8L)));
        AtomicLong next = new AtomicLong();
        AtomicReference<Failure> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(workerCount);
        RunningWorkers running = new RunningWorkers();
        for (int w = 0; w < workerCount; w++) {
            final int worker = w;
            backend.pool().execute(() -> {
                if (!running.enter()) {
                    done.countDown();
                    return;
                }
                long first = -1;
                long count = 0;
                try {
                    Instance inst = instance(variant, worker);
                    long base = regionBase + regionStride * worker;
                    inst.export(KernelAbi.INIT_EXPORT).apply(base + stack, base, base + stack, regionStride, 0);
                    ExportFunction run = inst.export(export);
                    while (failure.get() == null && !running.stopped()) {
                        first = next.getAndAdd(chunk);
                        if (first >= blocks) {
                            break;
                        }
                        count = Math.min(chunk, blocks - first);
                        run.apply(launchBlock, firstBlock + first, count);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, new Failure(t, firstBlock + Math.max(first, 0), Math.max(count, 1)));
                } finally {
                    running.leave();
                    done.countDown();
                }
            });
        }
        return awaitWorkers(done, running, failure, name, deadline, options, null);
    }

    /**
     * The launch's refusal when a kernel that synchronizes the grid has more blocks than can run at
     * once: a cooperative launch needs every block resident (CUDA's cudaErrorCooperativeLaunchTooLarge).
     */
    private void checkCooperative(String name, long blocks, boolean gridSync, long regionBytes) {
        long stride = align(regionBytes, BUFFER_ALIGN);
        // like a GPU's shared memory per multiprocessor: the blocks' stacks and shared memory all live at once
        int limit = (int) Math.max(1, Math.min(cooperativeBlockLimit(), COOPERATIVE_REGION_BYTES / stride));
        if (blocks > limit) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, (gridSync ? "kernel '" + name
                    + "' synchronizes the grid (grid.sync()), so it needs a cooperative launch"
                    : "kernel '" + name + "' was launched cooperatively") + ", in which every block runs at once; this CPU "
                    + "device runs at most " + limit + " blocks of this kernel at once (" + COOPERATIVE_BLOCKS_PER_WORKER
                    + " per worker thread, " + backend.workers() + " workers, and " + (COOPERATIVE_REGION_BYTES >> 20)
                    + " MiB for all blocks' stacks and shared memory, " + Math.max(1, stride >> 10)
                    + " KiB each) and the grid has " + blocks
                    + " (cudaErrorCooperativeLaunchTooLarge): launch at most " + limit + " blocks");
        }
    }

    /**
     * A cooperative launch: every block on a thread of its own, with its own instance and memory
     * region, all at once, so that a grid barrier ({@link GridBarrier}) can hold each block until all
     * have reached it. Bounded by {@link #cooperativeBlockLimit()}; a failing block breaks the
     * barrier and stops the other blocks (nvcc's PTX spins on a counter in the grid {@code workspace}
     * instead, and would spin until the time limit), so no block waits for it, and the launch's time
     * limit and cancellation stop them all. A block that ends while that counter shows blocks waiting
     * for an arrival that can no longer come (it returned early: a GPU hangs) fails the launch.
     */
    private Failure runCooperative(Variant variant, String export, String name, int blocks, long stack,
            Deadline deadline, LaunchOptions options, SymbolInfo workspace) {
        GridBarrier barrier = new GridBarrier(blocks);
        AtomicReference<Failure> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(blocks);
        RunningWorkers running = new RunningWorkers();
        AtomicInteger finished = new AtomicInteger();
        gridBarrier = barrier;
        try {
            for (int b = 0; b < blocks; b++) {
                final int block = b;
                Thread t = new Thread(() -> {
                    if (!running.enter()) {
                        done.countDown();
                        return;
                    }
                    try {
                        Instance inst = instance(variant, block);
                        long base = regionBase + regionStride * block;
                        inst.export(KernelAbi.INIT_EXPORT).apply(base + stack, base, base + stack, regionStride, 0);
                        inst.export(export).apply(launchBlock, block, 1);
                        finished.incrementAndGet();
                        barrier.blockFinished();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, new Failure(e, block, 1));
                        barrier.breakWith("block " + block + " of the grid failed");
                        running.stop();
                    } finally {
                        running.leave();
                        done.countDown();
                    }
                }, "cuda-wasm-grid-block-" + block);
                t.setDaemon(true);
                try {
                    t.start();
                } catch (OutOfMemoryError e) {
                    // the host cannot start another thread: release the blocks already waiting, and
                    // count the ones that will never start as done
                    failure.compareAndSet(null, new Failure(e, block, 1));
                    barrier.breakWith("the host could not start a thread for every block");
                    for (int rest = block; rest < blocks; rest++) {
                        done.countDown();
                    }
                    break;
                }
            }
            Runnable stalled = workspace == null ? null : () -> {
                // once a block has ended, a round of nvcc's barrier that has begun (the counter's low 31
                // bits are not 0 between rounds) waits for it forever. The block's end is read first: a
                // round seen begun before that could still be the block's own last one
                boolean ended = finished.get() > 0;
                int counter = memory.atomicReadInt(workspace.offset() + KernelAbi.GRID_WORKSPACE_BARRIER);
                if (ended && (counter & 0x7FFF_FFFF) != 0 && failure.compareAndSet(null,
                        new Failure(new GridBarrier.Broken(GridBarrier.ENDED_EARLY), 0, 1))) {
                    running.stop();
                }
            };
            return awaitWorkers(done, running, failure, name, deadline, options, stalled);
        } finally {
            gridBarrier = null;
        }
    }

    /** The block and thread the calling host thread runs in the independent-threads variant. */
    private record IndependentLane(BlockThreads block, int thread) {}

    private static final ThreadLocal<IndependentLane> INDEPENDENT_LANE = new ThreadLocal<>();

    /**
     * A launch with independent threads: every thread of a block on a host thread (a lane) of its own,
     * with its own instance and stack, all sharing the block's shared memory, so that whatever makes
     * threads wait for each other ({@link BlockThreads}) really waits. The blocks run one after
     * another; the lanes wait for each other between blocks. A failing thread breaks its block and
     * stops the launch; the time limit and cancellation stop running and waiting threads alike.
     */
    private Failure runIndependent(Variant variant, String export, String name, long blocks, int threads, long stack,
            long shared, Deadline deadline, LaunchOptions options) {
        AtomicReference<Failure> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        RunningWorkers running = new RunningWorkers();
        AtomicReference<BlockThreads> current = new AtomicReference<>(new BlockThreads(threads, 0));
        AtomicLong nextBlock = new AtomicLong();
        java.util.concurrent.CyclicBarrier between = new java.util.concurrent.CyclicBarrier(threads, () -> {
            long b = nextBlock.incrementAndGet();
            current.set(new BlockThreads(threads, (int) Math.min(b, Integer.MAX_VALUE)));
        });
        long sharedBase = regionBase;
        for (int t = 0; t < threads; t++) {
            final int thread = t;
            Thread lane = new Thread(() -> {
                long block = -1;
                if (!running.enter()) {
                    done.countDown();
                    return;
                }
                try {
                    Instance inst = instance(variant, thread);
                    long base = regionBase + align(shared, 16) + stack * thread;
                    inst.export(KernelAbi.INIT_EXPORT).apply(base + stack, base, sharedBase, regionStride, thread);
                    ExportFunction run = inst.export(export);
                    for (long b = 0; b < blocks && failure.get() == null && !running.stopped(); b++) {
                        block = b;
                        BlockThreads bt = current.get();
                        INDEPENDENT_LANE.set(new IndependentLane(bt, thread));
                        run.apply(launchBlock, b, 1);
                        bt.threadEnded(thread);
                        between.await();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, new Failure(e, Math.max(block, 0), 1));
                    current.get().breakWith("thread " + thread + " of block " + block + " failed");
                    between.reset();
                    running.stop();
                } finally {
                    INDEPENDENT_LANE.remove();
                    running.leave();
                    done.countDown();
                }
            }, "cuda-wasm-thread-" + t);
            lane.setDaemon(true);
            try {
                lane.start();
            } catch (OutOfMemoryError e) {
                failure.compareAndSet(null, new Failure(e, 0, 1));
                current.get().breakWith("the host could not start a thread for every thread of a block");
                between.reset();
                running.stop();
                for (int rest = t; rest < threads; rest++) {
                    done.countDown();
                }
                break;
            }
        }
        return awaitWorkers(done, running, failure, name, deadline, options, null);
    }

    /** The barrier of the cluster whose block the calling thread runs (a launch with clusters only). */
    private static final ThreadLocal<GridBarrier> CLUSTER_BARRIER = new ThreadLocal<>();

    /**
     * A launch with thread block clusters of more than one block: the blocks of a cluster run at the
     * same time, each on a thread of its own with its own instance, in consecutive memory regions, so
     * that a cluster barrier can hold each until all have reached it and {@code map_shared_rank} can
     * find the others' shared memory one region stride away. Lanes of {@code cluster.total()} threads
     * take the clusters in turn; a lane's threads wait for each other between clusters, so no block
     * starts on a region whose block another may still read. A failing block breaks its cluster's
     * barrier and stops the launch.
     */
    private Failure runClusters(Variant variant, String export, String name, Dim3 grid, Dim3 cluster, int workerCount,
            long stack, Deadline deadline, LaunchOptions options) {
        int size = (int) cluster.total();
        long clusterCount = grid.total() / size;
        int lanes = workerCount / size;
        AtomicReference<Failure> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(lanes * size);
        RunningWorkers running = new RunningWorkers();
        for (int lane = 0; lane < lanes; lane++) {
            ClusterLaunch.Lane shared = new ClusterLaunch.Lane(size);
            for (int rank = 0; rank < size; rank++) {
                final int l = lane;
                final int r = rank;
                final int region = lane * size + rank;
                Thread t = new Thread(() -> {
                    long block = -1;
                    if (!running.enter()) {
                        done.countDown();
                        return;
                    }
                    try {
                        Instance inst = instance(variant, region);
                        long base = regionBase + regionStride * region;
                        inst.export(KernelAbi.INIT_EXPORT).apply(base + stack, base, base + stack, regionStride, 0);
                        ExportFunction run = inst.export(export);
                        for (long c = l; c < clusterCount && failure.get() == null && !running.stopped(); c += lanes) {
                            GridBarrier barrier = shared.barrier();
                            CLUSTER_BARRIER.set(barrier);
                            block = ClusterLaunch.block(grid, cluster, c, r);
                            run.apply(launchBlock, block, 1);
                            barrier.blockFinished();
                            shared.next();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, new Failure(e, Math.max(block, 0), 1));
                        shared.breakWith("block " + block + " of the grid failed");
                        running.stop();
                    } finally {
                        CLUSTER_BARRIER.remove();
                        running.leave();
                        done.countDown();
                    }
                }, "cuda-wasm-cluster-" + lane + "-block-" + rank);
                t.setDaemon(true);
                try {
                    t.start();
                } catch (OutOfMemoryError e) {
                    failure.compareAndSet(null, new Failure(e, 0, 1));
                    shared.breakWith("the host could not start a thread for every block of a cluster");
                    running.stop();
                    done.countDown();
                }
            }
        }
        return awaitWorkers(done, running, failure, name, deadline, options, null);
    }

    /** How often a cooperative launch of nvcc's grid barrier checks for blocks waiting on one that ended. */
    private static final long STALL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Waits for the workers as {@code done.await}, running {@code poll} every {@link #STALL_POLL_NANOS}; false at the deadline. */
    private static boolean awaitPolling(CountDownLatch done, Deadline deadline, Runnable poll) throws InterruptedException {
        while (true) {
            long left = deadline.remainingNanos();
            if (left == 0) {
                return false;
            }
            if (done.await(Math.min(left, STALL_POLL_NANOS), TimeUnit.NANOSECONDS)) {
                return true;
            }
            poll.run();
        }
    }

    /**
     * Waits for a launch's workers until they are done, the deadline passes or the launch is
     * cancelled; returns the first failure, throws a deadline or cancellation as a LaunchException.
     */
    private Failure awaitWorkers(CountDownLatch done, RunningWorkers running, AtomicReference<Failure> failure,
            String name, Deadline deadline, LaunchOptions options, Runnable poll) {
        AtomicReference<LaunchFailure> stopReason = new AtomicReference<>();
        Runnable unregister = options.cancellation() == null ? () -> { }
                : options.cancellation().onCancel(() -> {
                    stopReason.compareAndSet(null, LaunchFailure.CANCELLED);
                    running.stop();
                });
        try {
            long remaining = deadline.remainingNanos();
            if (poll != null) {
                if (!awaitPolling(done, deadline, poll)) {
                    stopReason.compareAndSet(null, LaunchFailure.TIMEOUT);
                    running.stop();
                    awaitQuietly(done);
                }
            } else if (remaining != Long.MAX_VALUE) {
                if (!done.await(remaining, TimeUnit.NANOSECONDS)) {
                    stopReason.compareAndSet(null, LaunchFailure.TIMEOUT);
                    running.stop();
                    awaitQuietly(done);
                }
            } else {
                done.await();
            }
        } catch (InterruptedException e) {
            stopReason.compareAndSet(null, LaunchFailure.CANCELLED);
            running.stop();
            awaitQuietly(done);
            Thread.currentThread().interrupt();
        } finally {
            unregister.run();
        }
        LaunchFailure stopped = stopReason.get();
        if (stopped == LaunchFailure.TIMEOUT) {
            throw new LaunchException(stopped, name, "kernel '" + name + "' exceeded its time limit of "
                    + deadline.limit().toMillis() + " ms and was stopped");
        }
        if (stopped == LaunchFailure.CANCELLED) {
            throw new LaunchException(stopped, name, "kernel '" + name + "' was cancelled");
        }
        Failure f = failure.get();
        return f == null || f.cause() instanceof MemcheckReport.Stop ? null : f;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private LaunchException translate(Throwable t, String name) {
        if (t instanceof KernelTrap trap) {
            LaunchFailure f = switch (trap.code()) {
                case KernelAbi.TRAP_STACK_OVERFLOW -> LaunchFailure.STACK_OVERFLOW;
                case KernelAbi.TRAP_ADDRESS -> LaunchFailure.OUT_OF_BOUNDS;
                default -> LaunchFailure.TRAP;
            };
            FaultLocation at = new FaultLocation(name, fileName, trap.line() > 0 ? trap.line() : null, null, null, null);
            return new LaunchException(f, name, "kernel '" + name + "' stopped: " + KernelAbi.trapMessage(trap.code())
                    + (trap.line() > 0 ? " (" + fileName + ":" + trap.line() + ")" : ""), t, at, List.of());
        }
        if (t instanceof ChicoryInterruptedException) {
            return new LaunchException(LaunchFailure.CANCELLED, name, "kernel '" + name + "' was interrupted", t);
        }
        if (t instanceof StackOverflowError) {
            return new LaunchException(LaunchFailure.STACK_OVERFLOW, name, "kernel '" + name
                    + "' overflowed the call stack (deep recursion)", t);
        }
        String msg = t.getMessage() == null ? t.toString() : t.getMessage();
        if (t instanceof ChicoryException) {
            String lower = msg.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("out of bounds memory access")) {
                return new LaunchException(LaunchFailure.OUT_OF_BOUNDS, name, "kernel '" + name
                        + "' accessed memory out of bounds: " + msg, t, FaultLocation.kernelOnly(name), List.of());
            }
            if (lower.contains("divide by zero") || lower.contains("integer overflow")) {
                return new LaunchException(LaunchFailure.DIVIDE_BY_ZERO, name, "kernel '" + name
                        + "' performed an integer division by zero (or INT_MIN / -1)", t);
            }
            if (lower.contains("call stack exhausted")) {
                return new LaunchException(LaunchFailure.STACK_OVERFLOW, name, "kernel '" + name
                        + "' overflowed the call stack (deep recursion)", t);
            }
            if (t instanceof TrapException) {
                return new LaunchException(LaunchFailure.TRAP, name, "kernel '" + name + "' trapped: " + msg, t);
            }
        }
        if (t instanceof OutOfMemoryError) {
            return new LaunchException(LaunchFailure.OUT_OF_MEMORY, name, "out of host memory running '" + name + "'", t);
        }
        if (t instanceof LaunchException le) {
            return le;
        }
        if (t instanceof GridBarrier.Broken) {
            return new LaunchException(LaunchFailure.TRAP, name, "kernel '" + name + "' stopped: " + msg, t);
        }
        return new LaunchException(LaunchFailure.DEVICE_ERROR, name, "kernel '" + name + "' failed: " + msg, t);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
