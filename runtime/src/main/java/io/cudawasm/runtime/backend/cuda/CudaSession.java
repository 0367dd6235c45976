package io.cudawasm.runtime.backend.cuda;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.kernels.cuda.CudaEmitter;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.kir.ClusterDims;
import io.cudawasm.runtime.backend.BufferTable;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.HostTransfers;
import io.cudawasm.runtime.backend.SymbolChecks;
import io.cudawasm.runtime.backend.devicelaunch.ChildGrids;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUpointer_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * A PTX module loaded on one GPU with its allocations and a stream. Launches go through
 * {@code cuLaunchKernel}; the module's {@code cw_status} word is cleared before and read after each
 * launch. A launch that exceeds its time limit (or is cancelled) is reported at once, but CUDA
 * cannot stop a running kernel: later operations of the session wait for it (stream order).
 */
final class CudaSession implements DeviceSession, HostTransfers {
    /**
     * The most modules compiled for cluster shapes given at launch that a session keeps loaded (each
     * holds its own copy of the module's globals on the GPU); the least recently launched goes first.
     * A shape is at most 8 blocks (37 shapes of more than one), so the variants of a kernel are few,
     * and their PTX is kept in the compiler's disk cache: a variant loaded again is not compiled again.
     */
    static final int MAX_CLUSTER_VARIANTS = 4;

    private final CudaBackend backend;
    private final CompileResult compiled;
    private final CudaProgram program;
    private final Loaded main;
    private final CUstream stream = new CUstream();
    private final BufferTable<CUdeviceptr> buffers = new BufferTable<>();
    /** Modules with a kernel compiled for a cluster shape only the launch gives, by kernel and shape; access order. */
    private final Map<String, Loaded> clusterVariants = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** A loaded module and the kernels looked up in it. */
    private record Loaded(CUmodule module, Map<String, CUfunction> functions) {}

    CudaSession(CudaBackend backend, CompileResult compiled, CudaProgram program, String ptx) {
        this.backend = backend;
        this.compiled = compiled;
        this.program = program;
        current();
        this.main = load(ptx, rc -> CudaBackend.check(rc, "cuModuleLoadData"));
        CudaBackend.check(JCudaDriver.cuStreamCreate(stream, 0), "cuStreamCreate");
    }

    private Loaded load(String ptx, java.util.function.IntConsumer check) {
        CUmodule module = new CUmodule();
        int rc = JCudaDriver.cuModuleLoadData(module, ptx);
        if (rc == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            // the driver is older than the compiler: the kernels use no newer PTX features
            rc = JCudaDriver.cuModuleLoadData(module, PtxVersion.lowered(ptx,
                    PtxVersion.supportedBy(backend.cudaDevice().driverVersion())));
        }
        check.accept(rc);
        return new Loaded(module, new HashMap<>());
    }

    private void current() {
        CudaBackend.check(JCudaDriver.cuCtxSetCurrent(backend.context()), "cuCtxSetCurrent");
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
        current();
    }

    private static void device(int rc, String what, String kernel) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new LaunchException(rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY ? LaunchFailure.OUT_OF_MEMORY
                    : LaunchFailure.DEVICE_ERROR, kernel, what + " failed: " + CUresult.stringFor(rc));
        }
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes) {
        checkUsable();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation");
        }
        CUdeviceptr p = new CUdeviceptr();
        device(JCudaDriver.cuMemAlloc(p, Math.max(1, bytes)), "cuMemAlloc(" + bytes + ")", null);
        device(JCudaDriver.cuMemsetD8(p, (byte) 0, Math.max(1, bytes)), "cuMemsetD8", null);
        return buffers.add(p, bytes);
    }

    private CUdeviceptr ptr(DeviceBuffer b) {
        return buffers.handle(b);
    }

    @Override
    public synchronized void write(DeviceBuffer buffer, long offset, byte[] data) {
        checkUsable();
        BufferTable.checkRange(buffer, offset, data.length);
        if (data.length > 0) {
            device(JCudaDriver.cuMemcpyHtoD(ptr(buffer).withByteOffset(offset), Pointer.to(data), data.length),
                    "cuMemcpyHtoD", null);
        }
    }

    @Override
    public synchronized byte[] read(DeviceBuffer buffer, long offset, int length) {
        checkUsable();
        BufferTable.checkRange(buffer, offset, length);
        byte[] out = new byte[length];
        if (length > 0) {
            device(JCudaDriver.cuMemcpyDtoH(Pointer.to(out), ptr(buffer).withByteOffset(offset), length),
                    "cuMemcpyDtoH", null);
        }
        return out;
    }

    @Override
    public synchronized void write(DeviceBuffer buffer, long offset, ByteBuffer source) {
        checkUsable();
        int n = source.remaining();
        BufferTable.checkRange(buffer, offset, n);
        if (n > 0) {
            device(JCudaDriver.cuMemcpyHtoD(ptr(buffer).withByteOffset(offset), Pointer.to(source.slice()), n),
                    "cuMemcpyHtoD", null);
        }
    }

    @Override
    public synchronized void read(DeviceBuffer buffer, long offset, ByteBuffer target) {
        checkUsable();
        int n = target.remaining();
        BufferTable.checkRange(buffer, offset, n);
        if (n > 0) {
            device(JCudaDriver.cuMemcpyDtoH(Pointer.to(target.slice()), ptr(buffer).withByteOffset(offset), n),
                    "cuMemcpyDtoH", null);
        }
    }

    private CUdeviceptr global(String name, long[] size) {
        return global(main, name, size);
    }

    private static CUdeviceptr global(Loaded loaded, String name, long[] size) {
        CUdeviceptr p = new CUdeviceptr();
        device(JCudaDriver.cuModuleGetGlobal(p, size, loaded.module(), name), "cuModuleGetGlobal(" + name + ")", null);
        return p;
    }

    private CudaProgram.Symbol symbol(String name) {
        return SymbolChecks.require(program.symbol(name), name);
    }

    @Override
    public synchronized void writeSymbol(String name, long offset, byte[] data) {
        checkUsable();
        CudaProgram.Symbol s = symbol(name);
        SymbolChecks.checkFits(name, s.size(), offset, data.length);
        CUdeviceptr p = global(s.name(), new long[1]);
        device(JCudaDriver.cuMemcpyHtoD(p.withByteOffset(offset), Pointer.to(data), data.length), "cuMemcpyHtoD", null);
    }

    @Override
    public synchronized byte[] readSymbol(String name) {
        checkUsable();
        CudaProgram.Symbol s = symbol(name);
        byte[] out = new byte[s.size()];
        CUdeviceptr p = global(s.name(), new long[1]);
        device(JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, out.length), "cuMemcpyDtoH", null);
        return out;
    }

    @Override
    public synchronized LaunchStats launch(String kernelName, LaunchConfig config, List<KernelArg> args,
            LaunchOptions options) {
        checkUsable();
        CudaProgram.Kernel k = program.kernel(kernelName).orElseThrow(() -> new LaunchException(
                LaunchFailure.INVALID_LAUNCH, kernelName, "no kernel named '" + kernelName + "'; the module has: "
                + program.kernels().stream().map(CudaProgram.Kernel::sourceName).toList()));
        String name = k.sourceName();
        ChildGrids.refuseOn("cuda", compiled, name);
        KernelSignature sig = compiled.kernels().stream().filter(s -> s.name().equals(k.name())).findFirst()
                .orElseThrow();
        if (args.size() != sig.params().size()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel '" + name + "' takes "
                    + sig.params().size() + " arguments, " + args.size() + " given");
        }
        Dim3 cluster = checkClusters(k, config, name);
        // a shape the kernel does not declare runs in a module with the kernel compiled for it
        Loaded target = CudaBackend.launchOnlyShape(k, cluster).map(shape -> clusterVariant(k, shape, name))
                .orElse(main);
        CUfunction f = target.functions().computeIfAbsent(k.name(), n -> {
            CUfunction fn = new CUfunction();
            device(JCudaDriver.cuModuleGetFunction(fn, target.module(), n), "cuModuleGetFunction(" + n + ")", name);
            return fn;
        });
        if (config.sharedBytes() > 48 * 1024) {
            // beyond 48 KiB of dynamic shared memory a kernel must opt in (sm_70 and later)
            device(JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    config.sharedBytes()), "cuFuncSetAttribute", name);
        }
        Pointer[] values = new Pointer[args.size()];
        for (int i = 0; i < args.size(); i++) {
            values[i] = argument(sig.params().get(i), args.get(i), name);
        }
        if (target != main) {
            // the variant's module has globals of its own: it starts from the session's and hands them back
            copyGlobals(main, target, false, name);
        }
        long[] statusSize = new long[1];
        CUdeviceptr status = global(target, CudaEmitter.STATUS_SYMBOL, statusSize);
        device(JCudaDriver.cuMemsetD8(status, (byte) 0, StatusWord.BYTES), "cuMemsetD8", name);
        boolean cooperative = k.gridSync() || options.cooperative();
        if (cooperative) {
            checkCooperative(f, k, config);
        }
        program.symbol(KernelAbi.COOPERATIVE_SYMBOL).ifPresent(flag -> device(JCudaDriver.cuMemcpyHtoD(
                global(target, flag.name(), new long[1]), Pointer.to(new int[] {cooperative ? 1 : 0}), 4),
                "cuMemcpyHtoD", name));
        // nvcc's grid barrier (PTX input) counts arrivals in the workspace from zero in every launch, as the
        // driver's fresh workspace does; its first word is the workspace's size
        program.symbol(KernelAbi.GRID_WORKSPACE_SYMBOL).ifPresent(ws -> {
            byte[] fresh = new byte[KernelAbi.GRID_WORKSPACE_BYTES];
            java.nio.ByteBuffer.wrap(fresh).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, KernelAbi.GRID_WORKSPACE_BYTES);
            device(JCudaDriver.cuMemcpyHtoD(global(target, ws.name(), new long[1]), Pointer.to(fresh), fresh.length),
                    "cuMemcpyHtoD", name);
        });
        long started = System.nanoTime();
        int rc = cooperative
                ? JCudaDriver.cuLaunchCooperativeKernel(f, config.grid().x(), config.grid().y(), config.grid().z(),
                        config.block().x(), config.block().y(), config.block().z(), config.sharedBytes(), stream,
                        Pointer.to(values))
                : JCudaDriver.cuLaunchKernel(f, config.grid().x(), config.grid().y(), config.grid().z(),
                        config.block().x(), config.block().y(), config.block().z(), config.sharedBytes(), stream,
                        Pointer.to(values), null);
        if (rc != CUresult.CUDA_SUCCESS) {
            String call = cooperative ? "cuLaunchCooperativeKernel" : "cuLaunchKernel";
            throw new LaunchException(rc == CUresult.CUDA_ERROR_INVALID_VALUE || rc
                    == CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES || rc == CUresult.CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE
                    ? LaunchFailure.INVALID_LAUNCH : LaunchFailure.DEVICE_ERROR, name,
                    call + "(" + name + ") failed: " + CUresult.stringFor(rc));
        }
        if (target != main) {
            // in stream order: after the kernel, even one that outlives its time limit
            copyGlobals(target, main, true, name);
        }
        await(name, options, started);
        byte[] st = new byte[StatusWord.BYTES];
        device(JCudaDriver.cuMemcpyDtoH(Pointer.to(st), status, st.length), "cuMemcpyDtoH", name);
        StatusWord.check(st, name, compiled.sourceName());
        return new LaunchStats(name, backend.name(), backend.device(), Duration.ofNanos(System.nanoTime() - started),
                backend.cudaDevice().multiprocessors());
    }

    /** The launch's cluster shape, checked as CUDA checks it; clusters of more than one block need sm_90. */
    private Dim3 checkClusters(CudaProgram.Kernel k, LaunchConfig config, String name) {
        Dim3 cluster = ClusterShape.resolve(k.clusterDims(), config, name);
        if (cluster.total() > 1 && backend.cudaDevice().major() < 9) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "thread block clusters need a GPU of compute"
                    + " capability 9.0 or later; " + backend.device() + " has none (run it on the WebAssembly path)");
        }
        return cluster;
    }

    /**
     * The module in which kernel {@code k} carries {@code __cluster_dims__} of the launch's shape
     * ({@link CudaBackend#launchOnlyShape}): compiled once per kernel and shape, at most
     * {@link #MAX_CLUSTER_VARIANTS} kept loaded.
     */
    private Loaded clusterVariant(CudaProgram.Kernel k, ClusterDims shape, String name) {
        String key = k.name() + " " + shape;
        Loaded variant = clusterVariants.get(key);
        if (variant != null) {
            return variant;
        }
        if (clusterVariants.size() >= MAX_CLUSTER_VARIANTS) {
            var eldest = clusterVariants.entrySet().iterator();
            Loaded old = eldest.next().getValue();
            eldest.remove();
            // a kernel of it that outlived its time limit may still run: the stream finishes it first
            JCudaDriver.cuStreamSynchronize(stream);
            JCudaDriver.cuModuleUnload(old.module());
        }
        String ptx;
        try {
            ptx = backend.ptx(compiled.cuda(k.name(), shape));
        } catch (RuntimeException e) {
            throw new LaunchException(LaunchFailure.DEVICE_ERROR, name, "compiling kernel '" + name + "' for clusters of "
                    + shape.x() + "x" + shape.y() + "x" + shape.z() + " failed: " + e.getMessage());
        }
        variant = load(ptx, rc -> device(rc, "cuModuleLoadData", name));
        clusterVariants.put(key, variant);
        return variant;
    }

    /**
     * Copies the module globals ({@code __device__} and {@code __constant__} variables) of one module
     * to another, device to device; {@code back}: after the launch, in stream order, and only what a
     * kernel can write.
     */
    private void copyGlobals(Loaded from, Loaded to, boolean back, String name) {
        for (CudaProgram.Symbol s : program.symbols()) {
            if (back && s.constant()) {
                continue;
            }
            long[] size = new long[1];
            CUdeviceptr source = global(from, s.name(), size);
            CUdeviceptr target = global(to, s.name(), new long[1]);
            device(back ? JCudaDriver.cuMemcpyDtoDAsync(target, source, size[0], stream)
                    : JCudaDriver.cuMemcpyDtoD(target, source, size[0]), "cuMemcpyDtoD(" + s.sourceName() + ")", name);
        }
    }

    /**
     * A cooperative launch needs every block resident at once: at most the kernel's occupancy (blocks
     * per multiprocessor at this block size and shared memory) times the multiprocessors, as
     * cudaLaunchCooperativeKernel checks; refused before launching with the limit named.
     */
    private void checkCooperative(CUfunction f, CudaProgram.Kernel k, LaunchConfig config) {
        String name = k.sourceName();
        if (!backend.cooperativeLaunch()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel '" + name + "' needs a cooperative "
                    + "launch" + (k.gridSync() ? " (it synchronizes the grid)" : "") + ", which " + backend.device()
                    + " does not support; run it on the WebAssembly (CPU) path");
        }
        int[] perMultiprocessor = new int[1];
        device(JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(perMultiprocessor, f,
                (int) config.block().total(), config.sharedBytes()), "cuOccupancyMaxActiveBlocksPerMultiprocessor", name);
        long limit = (long) perMultiprocessor[0] * backend.cudaDevice().multiprocessors();
        long blocks = config.grid().total();
        if (blocks > limit) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, (k.gridSync() ? "kernel '" + name
                    + "' synchronizes the grid (grid.sync()), so it needs a cooperative launch"
                    : "kernel '" + name + "' was launched cooperatively") + ", in which every block runs at once; "
                    + backend.device() + " runs at most " + limit + " blocks of this kernel at once ("
                    + perMultiprocessor[0] + " per multiprocessor at " + config.block().total() + " threads and "
                    + config.sharedBytes() + " bytes of dynamic shared memory, " + backend.cudaDevice().multiprocessors()
                    + " multiprocessors) and the grid has " + blocks + " (cudaErrorCooperativeLaunchTooLarge)");
        }
    }

    private Pointer argument(ParamInfo p, KernelArg arg, String name) {
        if (arg instanceof KernelArg.TensorMap && p.kind() != ParamKind.POINTER) {
            // the kernels' bulk tensor copies are C that reads the project's map (TensorMapAbi): no driver map
            return Pointer.to(ScalarBytes.of(p, arg, name, this::address));
        }
        if (p.kind() != ParamKind.POINTER) {
            return Pointer.to(ScalarBytes.of(p, arg, name));
        }
        if (arg instanceof KernelArg.Scalar s && s.value().longValue() == 0 && s.value().doubleValue() == 0.0) {
            return Pointer.to(new long[] {0L});
        }
        if (!(arg instanceof KernelArg.Buffer b)) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name() + "' of kernel '"
                    + name + "' is a pointer (" + p.type() + "): pass a buffer");
        }
        if (b.offset() < 0 || b.offset() > b.buffer().size()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name() + "': offset "
                    + b.offset() + " is outside the buffer");
        }
        try {
            return Pointer.to(ptr(b.buffer()).withByteOffset(b.offset()));
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name() + "' of kernel '"
                    + name + "' " + e.getMessage());
        }
    }

    /** A buffer's device address as a number (what a tensor map holds). */
    private long address(DeviceBuffer b) {
        long[] value = new long[1];
        device(JCudaDriver.cuPointerGetAttribute(Pointer.to(value), CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER,
                ptr(b)), "cuPointerGetAttribute", null);
        return value[0];
    }

    /** Waits for the stream, polling so a time limit or cancellation is noticed. */
    private void await(String name, LaunchOptions options, long started) {
        CUevent done = new CUevent();
        device(JCudaDriver.cuEventCreate(done, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate", name);
        device(JCudaDriver.cuEventRecord(done, stream), "cuEventRecord", name);
        long deadline = options.timeLimit() == null ? Long.MAX_VALUE : started + options.timeLimit().toNanos();
        long pause = 1_000;
        while (true) {
            int rc = JCudaDriver.cuEventQuery(done);
            if (rc == CUresult.CUDA_SUCCESS) {
                JCudaDriver.cuEventDestroy(done);
                return;
            }
            if (rc != CUresult.CUDA_ERROR_NOT_READY) {
                JCudaDriver.cuEventDestroy(done);
                throw new LaunchException(rc == CUresult.CUDA_ERROR_ILLEGAL_ADDRESS ? LaunchFailure.OUT_OF_BOUNDS
                        : LaunchFailure.DEVICE_ERROR, name, "kernel '" + name + "' failed on the GPU: "
                        + CUresult.stringFor(rc));
            }
            boolean cancelled = options.cancellation() != null && options.cancellation().isCancelled();
            if (cancelled || System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                JCudaDriver.cuEventDestroy(done);
                throw new LaunchException(cancelled || Thread.currentThread().isInterrupted() ? LaunchFailure.CANCELLED
                        : LaunchFailure.TIMEOUT, name, "kernel '" + name + "' " + (cancelled ? "was cancelled"
                        : "exceeded its time limit of " + options.timeLimit().toMillis() + " ms")
                        + "; CUDA cannot stop it: later operations of this session wait for it");
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 1_000_000);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        current();
        for (CUdeviceptr p : buffers.handles()) {
            JCudaDriver.cuMemFree(p);
        }
        JCudaDriver.cuStreamDestroy(stream);
        for (Loaded variant : clusterVariants.values()) {
            JCudaDriver.cuModuleUnload(variant.module());
        }
        JCudaDriver.cuModuleUnload(main.module());
    }
}
