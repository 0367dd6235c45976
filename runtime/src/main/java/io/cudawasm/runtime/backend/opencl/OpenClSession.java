package io.cudawasm.runtime.backend.opencl;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.kernels.opencl.ArgSlot;
import io.cudawasm.kernels.opencl.OpenClKernel;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.opencl.OpenClProgram;
import io.cudawasm.kernels.opencl.SymbolSlot;
import io.cudawasm.kernels.opencl.TornadoAbi;
import io.cudawasm.runtime.backend.BufferTable;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.HostTransfers;
import io.cudawasm.runtime.backend.SymbolChecks;
import io.cudawasm.runtime.backend.devicelaunch.ChildGrids;
import io.cudawasm.runtime.backend.devicelaunch.DeviceLaunchLimits;
import io.cudawasm.runtime.backend.gpu.ScalarBytes;
import io.cudawasm.runtime.backend.gpu.StatusWord;
import io.cudawasm.runtime.launch.ClusterShape;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_buffer_region;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_queue_properties;

/**
 * A loaded program on one OpenCL device with its buffers and an in-order queue. A launch maps
 * CUDA's grid and block to global and local work sizes and sets the hidden arguments the program
 * needs (constant and device-variable buffers, local scratch, status word, grid slice).
 *
 * <p>Time limits and cancellation: OpenCL cannot stop a running kernel. A launch with either is
 * run in slices of blocks, checked between slices; when the limit passes (or the launch is
 * cancelled) no further slice starts and the launch fails with TIMEOUT (or CANCELLED) at once.
 * The slice already on the device runs to its end, and the session's in-order queue makes later
 * operations wait for it; a kernel that never ends therefore blocks its session, which should
 * then be closed (PoCL keeps running it on a CPU thread; the Wasm sandbox can interrupt kernels).
 */
final class OpenClSession implements DeviceSession, HostTransfers {
    private static final int MAX_SLICES = 16;
    /**
     * The most a phased (grid-synchronizing) kernel's launch may hold between its phases: every
     * thread's locals and every block's shared memory (a quarter of the device's memory if less).
     */
    static final long MAX_PHASE_STATE_BYTES = 256L << 20;

    private final OpenClBackend backend;
    private final CompileResult compiled;
    private final OpenClProgram program;
    private final BuiltProgram built;
    private final OpenClDevice device;
    private final boolean tornado;
    private final int header;
    private final cl_command_queue queue;
    private final BufferTable<cl_mem> buffers = new BufferTable<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final cl_mem constants;
    private final cl_mem deviceVariables;
    private final cl_mem status;
    private cl_mem tornadoContext;
    private cl_mem tornadoConstantRegion;
    private cl_mem tornadoAtomics;
    private boolean closed;
    /** Runs the grids device code launches (null when the program launches none). */
    private final ChildGrids childGrids;
    private BufferAddressProbe addressProbe;

    OpenClSession(OpenClBackend backend, CompileResult compiled, BuiltProgram built) {
        this.backend = backend;
        this.compiled = compiled;
        this.built = built;
        this.program = built.program();
        this.device = backend.openClDevice();
        this.tornado = program.options().abi() == OpenClOptions.Abi.TORNADOVM;
        this.header = tornado ? TornadoAbi.ARRAY_HEADER_BYTES : 0;
        this.queue = device.platformAtLeast20()
                ? CL.clCreateCommandQueueWithProperties(backend.context(), device.id(), new cl_queue_properties(), null)
                : createLegacyQueue();
        this.constants = program.constantBytes() > 0 ? symbolBuffer(true, program.constantBytes()) : null;
        this.deviceVariables = program.deviceBytes() > 0 ? symbolBuffer(false, program.deviceBytes()) : null;
        this.status = create(header + StatusWord.BYTES);
        if (tornado) {
            tornadoContext = create(16 * Sizeof.cl_long);
            tornadoConstantRegion = create(16);
            tornadoAtomics = create(16 * Sizeof.cl_int);
        }
        this.childGrids = ChildGrids.forModule(compiled, childGridHost(), DeviceLaunchLimits.fromEnvironment());
    }

    @SuppressWarnings("deprecation")
    private cl_command_queue createLegacyQueue() {
        return CL.clCreateCommandQueue(backend.context(), device.id(), 0, null);
    }

    /** Where the program came from (source build, binary cache, memory) and how long that took. */
    BuiltProgram built() {
        return built;
    }

    private cl_mem create(long bytes) {
        cl_mem m = CL.clCreateBuffer(backend.context(), CL.CL_MEM_READ_WRITE, Math.max(1, bytes), null, null);
        byte[] zeros = new byte[(int) Math.min(bytes, 1 << 20)];
        for (long at = 0; at < bytes; at += zeros.length) {
            int n = (int) Math.min(zeros.length, bytes - at);
            CL.clEnqueueWriteBuffer(queue, m, CL.CL_TRUE, at, n, Pointer.to(zeros), 0, null, null);
        }
        return m;
    }

    private cl_mem symbolBuffer(boolean constant, int bytes) {
        cl_mem m = create(header + bytes);
        for (SymbolSlot s : program.symbols()) {
            if (s.constant() == constant && s.init() != null) {
                CL.clEnqueueWriteBuffer(queue, m, CL.CL_TRUE, header + s.offset(), s.init().length, Pointer.to(s.init()),
                        0, null, null);
            }
        }
        return m;
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes) {
        checkUsable();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation");
        }
        try {
            return buffers.add(create(header + bytes), bytes);
        } catch (CLException e) {
            throw new LaunchException(LaunchFailure.OUT_OF_MEMORY, null, "cannot allocate " + bytes + " bytes on "
                    + device.name().strip() + ": " + e.getMessage());
        }
    }

    private cl_mem memOf(DeviceBuffer b) {
        return buffers.handle(b);
    }

    @Override
    public synchronized void write(DeviceBuffer buffer, long offset, byte[] data) {
        checkUsable();
        BufferTable.checkRange(buffer, offset, data.length);
        if (data.length > 0) {
            CL.clEnqueueWriteBuffer(queue, memOf(buffer), CL.CL_TRUE, header + offset, data.length, Pointer.to(data), 0,
                    null, null);
        }
    }

    @Override
    public synchronized byte[] read(DeviceBuffer buffer, long offset, int length) {
        checkUsable();
        BufferTable.checkRange(buffer, offset, length);
        byte[] out = new byte[length];
        if (length > 0) {
            CL.clEnqueueReadBuffer(queue, memOf(buffer), CL.CL_TRUE, header + offset, length, Pointer.to(out), 0, null,
                    null);
        }
        return out;
    }

    @Override
    public synchronized void write(DeviceBuffer buffer, long offset, ByteBuffer source) {
        checkUsable();
        int n = source.remaining();
        BufferTable.checkRange(buffer, offset, n);
        if (n > 0) {
            CL.clEnqueueWriteBuffer(queue, memOf(buffer), CL.CL_TRUE, header + offset, n,
                    Pointer.to(source.slice()), 0, null, null);
        }
    }

    @Override
    public synchronized void read(DeviceBuffer buffer, long offset, ByteBuffer target) {
        checkUsable();
        int n = target.remaining();
        BufferTable.checkRange(buffer, offset, n);
        if (n > 0) {
            CL.clEnqueueReadBuffer(queue, memOf(buffer), CL.CL_TRUE, header + offset, n,
                    Pointer.to(target.slice()), 0, null, null);
        }
    }

    private SymbolSlot symbol(String name) {
        return SymbolChecks.require(program.symbol(name), name);
    }

    @Override
    public synchronized void writeSymbol(String name, long offset, byte[] data) {
        checkUsable();
        SymbolSlot s = symbol(name);
        SymbolChecks.checkFits(name, s.size(), offset, data.length);
        CL.clEnqueueWriteBuffer(queue, s.constant() ? constants : deviceVariables, CL.CL_TRUE,
                header + s.offset() + offset, data.length, Pointer.to(data), 0, null, null);
    }

    @Override
    public synchronized byte[] readSymbol(String name) {
        checkUsable();
        SymbolSlot s = symbol(name);
        byte[] out = new byte[s.size()];
        CL.clEnqueueReadBuffer(queue, s.constant() ? constants : deviceVariables, CL.CL_TRUE, header + s.offset(),
                out.length, Pointer.to(out), 0, null, null);
        return out;
    }

    // ------------------------------------------------------------------ launching

    private cl_kernel kernel(OpenClKernel k) {
        return kernels.computeIfAbsent(k.entry(), n -> CL.clCreateKernel(built.handle(), n, null));
    }

    @Override
    public synchronized LaunchStats launch(String kernelName, LaunchConfig config, List<KernelArg> args,
            LaunchOptions options) {
        checkUsable();
        return childGrids != null ? childGrids.launch(kernelName, config, args, options)
                : launchGrid(kernelName, config, args, options);
    }

    /** The session as the dynamic-parallelism driver sees it: buffers at the addresses a probe kernel reports. */
    private ChildGrids.Host childGridHost() {
        return new ChildGrids.Host() {
            @Override
            public LaunchStats runGrid(String kernel, LaunchConfig config, List<KernelArg> args, LaunchOptions o) {
                return launchGrid(kernel, config, args, o);
            }

            @Override
            public DeviceSession session() {
                return OpenClSession.this;
            }

            @Override
            public List<DeviceBuffer> buffers() {
                return buffers.buffers();
            }

            @Override
            public long deviceAddress(DeviceBuffer buffer) {
                if (addressProbe == null) {
                    addressProbe = new BufferAddressProbe(backend.context(), backend.addressProbeProgram(), queue);
                }
                return addressProbe.addressOf(memOf(buffer)) + header;
            }
        };
    }

    /** Runs one grid (a launch from the host, or a child grid of one). */
    private LaunchStats launchGrid(String kernelName, LaunchConfig config, List<KernelArg> args,
            LaunchOptions options) {
        OpenClKernel info = program.kernel(kernelName).orElseThrow(() -> new LaunchException(
                LaunchFailure.INVALID_LAUNCH, kernelName, "no kernel named '" + kernelName + "'; the program has: "
                + program.kernels().stream().map(OpenClKernel::sourceName).toList()));
        String name = info.sourceName();
        KernelSignature sig = compiled.kernels().stream().filter(s -> s.name().equals(info.name())).findFirst()
                .orElseThrow();
        if (args.size() != sig.params().size()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel '" + name + "' takes "
                    + sig.params().size() + " arguments, " + args.size() + " given");
        }
        if (config.threadsPerBlock() > device.maxWorkGroupSize()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "a block of " + config.threadsPerBlock()
                    + " threads exceeds the work-group limit of " + device.name().strip() + " ("
                    + device.maxWorkGroupSize() + ")");
        }
        if (config.sharedBytes() > device.localMemoryBytes()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, config.sharedBytes()
                    + " bytes of dynamic shared memory exceed the device's " + device.localMemoryBytes());
        }
        Dim3 cluster = ClusterShape.resolve(info.clusterDims(), config, name);
        if (cluster.total() > 1) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "thread block clusters of more than one"
                    + " block (" + cluster + ") are not supported on the OpenCL back end: a work-group cannot reach"
                    + " another's local memory or wait for it; they run on the WebAssembly (CPU) path and on CUDA (sm_90)");
        }
        cl_kernel k = kernel(info);
        List<cl_mem> temporaries = new ArrayList<>();
        try {
            setArguments(k, info, sig, args, config, temporaries, name);
            if (info.takes(ArgSlot.Status.class)) {
                write(status, new byte[header + StatusWord.BYTES]);
            }
            // this_grid().is_valid(): true when the grid runs as a whole, phase by phase
            boolean cooperative = info.phases() != null || options.cooperative();
            program.symbol(KernelAbi.COOPERATIVE_SYMBOL).ifPresent(flag -> CL.clEnqueueWriteBuffer(queue,
                    flag.constant() ? constants : deviceVariables, CL.CL_TRUE, header + flag.offset(), 4,
                    Pointer.to(new int[] {cooperative ? 1 : 0}), 0, null, null));
            long started = System.nanoTime();
            long deadline = options.timeLimit() == null ? Long.MAX_VALUE : started + options.timeLimit().toNanos();
            if (info.phases() == null) {
                runGrid(k, info, config, options, deadline, name);
            } else {
                runPhases(k, info, config, options, deadline, name, temporaries);
            }
            return new LaunchStats(name, backend.name(), backend.device(), Duration.ofNanos(System.nanoTime() - started),
                    device.computeUnits());
        } catch (CLException e) {
            throw new LaunchException(LaunchFailure.DEVICE_ERROR, name, "OpenCL launch of '" + name + "' failed: "
                    + e.getMessage(), e);
        } finally {
            for (cl_mem m : temporaries) {
                CL.clReleaseMemObject(m);
            }
        }
    }

    /** Runs the whole grid once, in slices where a time limit or cancellation may stop it between them. */
    private void runGrid(cl_kernel k, OpenClKernel info, LaunchConfig config, LaunchOptions options, long deadline,
            String name) {
        boolean limited = options.timeLimit() != null || options.cancellation() != null;
        GridSlices slices = limited && program.options().slicedGrid() ? GridSlices.of(config.grid(), MAX_SLICES)
                : GridSlices.whole(config.grid());
        int gridSlot = slotIndex(info, ArgSlot.Grid.class);
        for (GridSlices.Slice s : slices.slices()) {
            if (gridSlot >= 0) {
                int[] g = {s.origin()[0], s.origin()[1], s.origin()[2], config.grid().x(), config.grid().y(),
                    config.grid().z(), 0, 0};
                CL.clSetKernelArg(k, gridSlot, 8L * Sizeof.cl_uint, Pointer.to(g));
            }
            runSlice(k, s, config, options, deadline, name);
        }
        if (info.takes(ArgSlot.Status.class)) {
            byte[] st = new byte[StatusWord.BYTES];
            CL.clEnqueueReadBuffer(queue, status, CL.CL_TRUE, header, st.length, Pointer.to(st), 0, null, null);
            StatusWord.check(st, name, compiled.sourceName());
        }
    }

    /**
     * A kernel that synchronizes its grid: one run of the grid per phase, each ending at a grid
     * barrier with every work-item's locals and every work-group's shared memory in a state buffer,
     * the next resuming after that barrier, until a phase ends with the kernel ({@code GridPhases}).
     */
    private void runPhases(cl_kernel k, OpenClKernel info, LaunchConfig config, LaunchOptions options, long deadline,
            String name, List<cl_mem> temporaries) {
        OpenClKernel.Phases phases = info.phases();
        long blocks = config.grid().total();
        long threads = config.threadsPerBlock();
        long bytes = phases.stateBytes(blocks, threads, config.sharedBytes(),
                Math.min(MAX_PHASE_STATE_BYTES, device.globalMemoryBytes() / 4));
        if (bytes < 0) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel '" + name + "' synchronizes its grid; "
                    + "on OpenCL each grid barrier ends a launch and keeps every thread's locals (" + phases.frameBytes()
                    + " bytes) and every block's shared memory for the next, which for " + blocks + " blocks of " + threads
                    + " threads exceeds " + Math.min(MAX_PHASE_STATE_BYTES, device.globalMemoryBytes() / 4) + " bytes: launch "
                    + "fewer threads (a grid-stride loop) or run it on the WebAssembly path");
        }
        cl_mem state = CL.clCreateBuffer(backend.context(), CL.CL_MEM_READ_WRITE, bytes, null, null);
        temporaries.add(state);
        setMem(k, slotIndex(info, ArgSlot.PhaseState.class), state);
        int phaseSlot = slotIndex(info, ArgSlot.Phase.class);
        int phase = 0;
        while (true) {
            int[] head = {0, 0, 0, config.sharedBytes()};
            CL.clEnqueueWriteBuffer(queue, state, CL.CL_TRUE, 0, 16, Pointer.to(head), 0, null, null);
            CL.clSetKernelArg(k, phaseSlot, Sizeof.cl_uint, Pointer.to(new int[] {phase}));
            runGrid(k, info, config, options, deadline, name);
            CL.clEnqueueReadBuffer(queue, state, CL.CL_TRUE, 0, 16, Pointer.to(head), 0, null, null);
            if (head[2] != 0) {
                throw new LaunchException(LaunchFailure.TRAP, name, "threads of kernel '" + name + "' reached different "
                        + "grid.sync() calls (every thread must reach every grid barrier, in the same order)");
            }
            if (head[0] == 0) {
                return;
            }
            if (Integer.toUnsignedLong(head[1]) != blocks * threads) {
                throw new LaunchException(LaunchFailure.TRAP, name, "a block ended without reaching a grid.sync() that "
                        + "other blocks of the grid wait at (every block must reach every grid barrier; on a GPU this "
                        + "hangs)");
            }
            phase = head[0];
        }
    }

    private void write(cl_mem m, byte[] data) {
        CL.clEnqueueWriteBuffer(queue, m, CL.CL_TRUE, 0, data.length, Pointer.to(data), 0, null, null);
    }

    private static int slotIndex(OpenClKernel info, Class<? extends ArgSlot> kind) {
        for (int i = 0; i < info.args().size(); i++) {
            if (kind.isInstance(info.args().get(i))) {
                return i;
            }
        }
        return -1;
    }

    private void setArguments(cl_kernel k, OpenClKernel info, KernelSignature sig, List<KernelArg> args,
            LaunchConfig config, List<cl_mem> temporaries, String name) {
        for (int i = 0; i < info.args().size(); i++) {
            ArgSlot slot = info.args().get(i);
            if (slot instanceof ArgSlot.Param p) {
                setParam(k, i, sig.params().get(p.index()), args.get(p.index()), temporaries, name);
            } else if (slot instanceof ArgSlot.Constants) {
                setMem(k, i, constants);
            } else if (slot instanceof ArgSlot.DeviceVariables) {
                setMem(k, i, deviceVariables);
            } else if (slot instanceof ArgSlot.DynamicShared) {
                CL.clSetKernelArg(k, i, Math.max(16, config.sharedBytes()), null);
            } else if (slot instanceof ArgSlot.WarpScratch
                    || slot instanceof ArgSlot.TornadoLocalRegion region && region.warpScratch()) {
                CL.clSetKernelArg(k, i, 8L * config.threadsPerBlock() + 16, null);
            } else if (slot instanceof ArgSlot.BlockReduce) {
                CL.clSetKernelArg(k, i, 16, null);
            } else if (slot instanceof ArgSlot.Status) {
                setMem(k, i, status);
            } else if (slot instanceof ArgSlot.Grid) {
                CL.clSetKernelArg(k, i, 8L * Sizeof.cl_uint, Pointer.to(new int[8]));
            } else if (slot instanceof ArgSlot.PhaseState) {
                CL.clSetKernelArg(k, i, Sizeof.cl_mem, null); // set by runPhases
            } else if (slot instanceof ArgSlot.Phase) {
                CL.clSetKernelArg(k, i, Sizeof.cl_uint, Pointer.to(new int[1]));
            } else if (slot instanceof ArgSlot.TornadoKernelContext) {
                setMem(k, i, tornadoContext);
            } else if (slot instanceof ArgSlot.TornadoConstantRegion) {
                setMem(k, i, tornadoConstantRegion);
            } else if (slot instanceof ArgSlot.TornadoLocalRegion) {
                CL.clSetKernelArg(k, i, 16, null);
            } else if (slot instanceof ArgSlot.TornadoAtomics) {
                setMem(k, i, tornadoAtomics);
            }
        }
    }

    private static void setMem(cl_kernel k, int index, cl_mem m) {
        CL.clSetKernelArg(k, index, Sizeof.cl_mem, Pointer.to(m));
    }

    private void setParam(cl_kernel k, int index, ParamInfo p, KernelArg arg, List<cl_mem> temporaries, String name) {
        if (p.kind() != ParamKind.POINTER) {
            byte[] bytes = ScalarBytes.of(p, arg, name);
            CL.clSetKernelArg(k, index, bytes.length, Pointer.to(bytes));
            return;
        }
        if (arg instanceof KernelArg.Scalar s && s.value().longValue() == 0 && s.value().doubleValue() == 0.0) {
            CL.clSetKernelArg(k, index, Sizeof.cl_mem, null);
            return;
        }
        if (!(arg instanceof KernelArg.Buffer b)) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name() + "' of kernel '"
                    + name + "' is a pointer (" + p.type() + "): pass a buffer");
        }
        cl_mem m;
        try {
            m = memOf(b.buffer());
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name() + "' of kernel '"
                    + name + "' " + e.getMessage());
        }
        if (b.offset() < 0 || b.offset() > b.buffer().size()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name() + "' of kernel '"
                    + name + "': offset " + b.offset() + " is outside the buffer");
        }
        if (b.offset() != 0) {
            if (tornado || b.offset() % device.baseAddressAlignBytes() != 0) {
                throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name()
                        + "': OpenCL passes buffers at offsets that are multiples of " + device.baseAddressAlignBytes()
                        + " bytes only, not " + b.offset());
            }
            cl_buffer_region region = new cl_buffer_region(b.offset(), Math.max(1, b.buffer().size() - b.offset()));
            m = CL.clCreateSubBuffer(m, CL.CL_MEM_READ_WRITE, CL.CL_BUFFER_CREATE_TYPE_REGION, region, null);
            temporaries.add(m);
        }
        setMem(k, index, m);
    }

    /** Enqueues one slice and waits for it, within the deadline and unless cancelled. */
    private void runSlice(cl_kernel k, GridSlices.Slice s, LaunchConfig config, LaunchOptions options, long deadline,
            String name) {
        if (options.cancellation() != null && options.cancellation().isCancelled()) {
            throw new LaunchException(LaunchFailure.CANCELLED, name, "kernel '" + name + "' was cancelled");
        }
        if (System.nanoTime() > deadline) {
            throw new LaunchException(LaunchFailure.TIMEOUT, name, "kernel '" + name + "' exceeded its time limit of "
                    + options.timeLimit().toMillis() + " ms; no further blocks were started");
        }
        long[] local = {config.block().x(), config.block().y(), config.block().z()};
        long[] global = {(long) s.extent()[0] * local[0], (long) s.extent()[1] * local[1],
            (long) s.extent()[2] * local[2]};
        cl_event ev = new cl_event();
        CL.clEnqueueNDRangeKernel(queue, k, 3, null, global, local, 0, null, ev);
        CL.clFlush(queue);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger result = new AtomicInteger(1);
        CL.clSetEventCallback(ev, CL.CL_COMPLETE, (event, st, data) -> {
            result.set(st);
            done.countDown();
        }, null);
        Runnable unregister = options.cancellation() == null ? () -> { }
                : options.cancellation().onCancel(done::countDown);
        try {
            long remaining = deadline - System.nanoTime();
            boolean finished = deadline == Long.MAX_VALUE ? awaitUninterrupted(done)
                    : remaining > 0 && done.await(remaining, TimeUnit.NANOSECONDS);
            if (finished && result.get() <= CL.CL_COMPLETE) {
                CL.clReleaseEvent(ev);
                if (result.get() < 0) {
                    throw new LaunchException(LaunchFailure.DEVICE_ERROR, name, "kernel '" + name
                            + "' failed on the device (OpenCL status " + result.get() + ")");
                }
                return;
            }
            CL.clReleaseEvent(ev); // the slice still runs; later commands of the in-order queue wait for it
            if (options.cancellation() != null && options.cancellation().isCancelled()) {
                throw new LaunchException(LaunchFailure.CANCELLED, name, "kernel '" + name + "' was cancelled "
                        + "(blocks already running on the device finish first)");
            }
            throw new LaunchException(LaunchFailure.TIMEOUT, name, "kernel '" + name + "' exceeded its time limit of "
                    + options.timeLimit().toMillis() + " ms; no further blocks were started (OpenCL cannot stop "
                    + "blocks already running)");
        } catch (InterruptedException e) {
            CL.clReleaseEvent(ev);
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchFailure.CANCELLED, name, "kernel '" + name + "' was interrupted");
        } finally {
            unregister.run();
        }
    }

    private static boolean awaitUninterrupted(CountDownLatch latch) throws InterruptedException {
        latch.await();
        return true;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (addressProbe != null) {
            addressProbe.close();
        }
        for (cl_kernel k : kernels.values()) {
            CL.clReleaseKernel(k);
        }
        for (cl_mem m : buffers.handles()) {
            CL.clReleaseMemObject(m);
        }
        for (cl_mem m : new cl_mem[] {constants, deviceVariables, status, tornadoContext, tornadoConstantRegion,
            tornadoAtomics}) {
            if (m != null) {
                CL.clReleaseMemObject(m);
            }
        }
        CL.clReleaseCommandQueue(queue);
    }
}
