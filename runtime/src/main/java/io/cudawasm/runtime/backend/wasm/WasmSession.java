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
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.kernels.wasm.WasmKernel;
import io.cudawasm.kernels.wasm.WasmModule;
import io.cudawasm.runtime.backend.BufferTable;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.SymbolChecks;
import io.cudawasm.runtime.backend.wasm.math.DeviceMath;
import io.cudawasm.runtime.backend.wasm.math.MathFunction;
import io.cudawasm.runtime.backend.wasm.math.ValueKind;
import io.cudawasm.runtime.launch.FaultLocation;
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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    private static final int LAUNCH_BLOCK_BYTES = KernelAbi.LAUNCH_PARAMS + 32 * 1024;

    private final WasmBackend backend;
    private final WasmModule module;
    private final CompiledWasm compiled;
    private final String fileName;
    private final Memory memory;
    private final long launchBlock;
    private final Instance[] instances;
    private long top;
    private int nextBufferId = 1;
    private long regionBase = -1;
    private long regionStride;
    private int regionCount;
    private boolean closed;

    WasmSession(WasmBackend backend, CompileResult result, CompiledWasm compiled) {
        this.backend = backend;
        this.module = result.wasm();
        this.compiled = compiled;
        this.fileName = result.sourceName();
        this.memory = new FlatMemory(pagesFor(module.staticDataEnd() + LAUNCH_BLOCK_BYTES), MAX_PAGES,
                module.options().addressChecks() ? KernelAbi.GUARD_BYTES : 0);
        for (SymbolInfo s : module.symbols()) {
            if (s.init() != null) {
                memory.write(s.offset(), s.init(), 0, s.init().length);
            }
        }
        this.launchBlock = align(module.staticDataEnd(), 16);
        this.top = align(launchBlock + LAUNCH_BLOCK_BYTES, BUFFER_ALIGN);
        this.instances = new Instance[backend.workers()];
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
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation");
        }
        long address = top;
        ensureCapacity(address + Math.max(bytes, 1));
        top = align(address + Math.max(bytes, 1), BUFFER_ALIGN);
        regionBase = -1; // worker regions move above the new buffer
        return new DeviceBuffer(nextBufferId++, address, bytes);
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
        WasmKernel kernel = module.kernel(kernelName).orElseThrow(() -> new LaunchException(
                LaunchFailure.INVALID_LAUNCH, kernelName, "no kernel named '" + kernelName + "'; the module has: "
                + module.kernels().stream().map(k -> k.signature().sourceName()).toList()));
        String name = kernel.signature().sourceName();
        writeLaunchBlock(kernel, config, args);
        int threads = config.threadsPerBlock();
        long stack = align(kernel.stackBytes(threads), 16);
        long shared = align((long) module.dynamicSharedOffset() + config.sharedBytes(), 16);
        long blocks = config.blocks();
        int workerCount = (int) Math.min(options.threads() > 0 ? Math.min(options.threads(), backend.workers())
                : backend.workers(), blocks);
        prepareRegions(workerCount, stack + shared);
        long started = System.nanoTime();
        runBlocks(kernel, name, blocks, workerCount, stack, options);
        return new LaunchStats(name, backend.name(), backend.device(), Duration.ofNanos(System.nanoTime() - started),
                workerCount);
    }

    private void writeLaunchBlock(WasmKernel kernel, LaunchConfig config, List<KernelArg> args) {
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
            regionBase = align(top, BUFFER_ALIGN);
            regionStride = align(regionBytes, BUFFER_ALIGN);
            regionCount = workerCount;
            ensureCapacity(regionBase + regionStride * workerCount);
        }
    }

    private Instance instance(int worker) {
        Instance inst = instances[worker];
        if (inst == null) {
            inst = newInstance();
            instances[worker] = inst;
        }
        return inst;
    }

    private Instance newInstance() {
        ImportValues.Builder imports = ImportValues.builder()
                .addMemory(new ImportMemory(KernelAbi.MEMORY_MODULE, KernelAbi.MEMORY_NAME, memory))
                .addFunction(new HostFunction(KernelAbi.TRAP_MODULE, KernelAbi.TRAP_NAME, List.of(ValType.I32, ValType.I32),
                        List.of(), (inst, a) -> {
                            throw new KernelTrap((int) a[0], (int) a[1]);
                        }));
        for (String name : module.mathImports()) {
            MathFunction f = DeviceMath.lookup(name).orElseThrow(() -> new IllegalStateException(
                    "no host implementation of math function " + name));
            List<ValType> params = f.params().stream().map(WasmSession::valType).toList();
            var handle = f.handle();
            imports.addFunction(new HostFunction(KernelAbi.MATH_MODULE, name, params, List.of(valType(f.result())),
                    (inst, a) -> new long[] {handle.apply(a)}));
        }
        Instance.Builder b = Instance.builder(compiled.module()).withImportValues(imports.build());
        if (compiled.machineFactory() != null) {
            b.withMachineFactory(compiled.machineFactory());
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

    private void runBlocks(WasmKernel kernel, String name, long blocks, int workerCount, long stack,
            LaunchOptions options) {
        long chunk = Math.max(1, Math.min(64, blocks / (workerCount * 8L)));
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(workerCount);
        RunningWorkers running = new RunningWorkers();
        for (int w = 0; w < workerCount; w++) {
            final int worker = w;
            backend.pool().execute(() -> {
                if (!running.enter()) {
                    done.countDown();
                    return;
                }
                try {
                    Instance inst = instance(worker);
                    long base = regionBase + regionStride * worker;
                    inst.export(KernelAbi.INIT_EXPORT).apply(base + stack, base, base + stack);
                    ExportFunction run = inst.export(kernel.export());
                    while (failure.get() == null && !running.stopped()) {
                        long first = next.getAndAdd(chunk);
                        if (first >= blocks) {
                            break;
                        }
                        long count = Math.min(chunk, blocks - first);
                        run.apply(launchBlock, first, count);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    running.leave();
                    done.countDown();
                }
            });
        }
        AtomicReference<LaunchFailure> stopReason = new AtomicReference<>();
        Runnable unregister = options.cancellation() == null ? () -> { }
                : options.cancellation().onCancel(() -> {
                    stopReason.compareAndSet(null, LaunchFailure.CANCELLED);
                    running.stop();
                });
        try {
            if (options.timeLimit() != null) {
                if (!done.await(options.timeLimit().toNanos(), TimeUnit.NANOSECONDS)) {
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
                    + options.timeLimit().toMillis() + " ms and was stopped");
        }
        if (stopped == LaunchFailure.CANCELLED) {
            throw new LaunchException(stopped, name, "kernel '" + name + "' was cancelled");
        }
        Throwable t = failure.get();
        if (t != null) {
            throw translate(t, name);
        }
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
        return new LaunchException(LaunchFailure.DEVICE_ERROR, name, "kernel '" + name + "' failed: " + msg, t);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
