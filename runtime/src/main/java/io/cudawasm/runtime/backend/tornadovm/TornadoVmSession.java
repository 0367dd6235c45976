package io.cudawasm.runtime.backend.tornadovm;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.kernels.opencl.ArgSlot;
import io.cudawasm.kernels.opencl.OpenClKernel;
import io.cudawasm.kernels.opencl.OpenClProgram;
import io.cudawasm.kernels.opencl.SymbolSlot;
import io.cudawasm.runtime.backend.BufferTable;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.SymbolChecks;
import io.cudawasm.runtime.backend.devicelaunch.ChildGrids;
import io.cudawasm.runtime.backend.gpu.ScalarBytes;
import io.cudawasm.runtime.backend.gpu.StatusWord;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Buffers as TornadoVM {@code ByteArray}s on the host, each launch a one-task graph running the
 * generated OpenCL C as a prebuilt task (TornadoVM reads it from a file) with the launch's grid.
 * TornadoVM runs a plan to completion, so time limits are not enforced on this back end.
 */
final class TornadoVmSession implements DeviceSession {
    private static final AtomicLong GRAPHS = new AtomicLong();
    private static final String BYTE_ARRAY = "uk.ac.manchester.tornado.api.types.arrays.ByteArray";

    private final TornadoVmBackend backend;
    private final CompileResult compiled;
    private final OpenClProgram program;
    private final Path kernelFile;
    private final BufferTable<Object> arrays = new BufferTable<>();
    private final Object constants;
    private final Object deviceVariables;
    private final Object status;

    TornadoVmSession(TornadoVmBackend backend, CompileResult compiled, OpenClProgram program) {
        this.backend = backend;
        this.compiled = compiled;
        this.program = program;
        try {
            kernelFile = Files.createTempFile("cuda-wasm-tornado", ".cl");
            Files.writeString(kernelFile, program.source(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the TornadoVM kernel file: " + e.getMessage(), e);
        }
        constants = symbolArray(true, program.constantBytes());
        deviceVariables = symbolArray(false, program.deviceBytes());
        status = newArray(StatusWord.BYTES);
    }

    private static Object newArray(long bytes) {
        return Reflect.create(BYTE_ARRAY, (int) Math.max(1, bytes));
    }

    private Object symbolArray(boolean constant, int bytes) {
        Object a = newArray(bytes);
        for (SymbolSlot s : program.symbols()) {
            if (s.constant() == constant && s.init() != null) {
                put(a, s.offset(), s.init());
            }
        }
        return a;
    }

    private static void put(Object array, long offset, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            Reflect.call(array, "set", (int) (offset + i), data[i]);
        }
    }

    private static byte[] get(Object array, long offset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (Byte) Reflect.call(array, "get", (int) (offset + i));
        }
        return out;
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("allocation of " + bytes + " bytes");
        }
        return arrays.add(newArray(bytes), bytes);
    }

    private Object array(DeviceBuffer b) {
        return arrays.handle(b);
    }

    @Override
    public synchronized void write(DeviceBuffer buffer, long offset, byte[] data) {
        BufferTable.checkRange(buffer, offset, data.length);
        put(array(buffer), offset, data);
    }

    @Override
    public synchronized byte[] read(DeviceBuffer buffer, long offset, int length) {
        BufferTable.checkRange(buffer, offset, length);
        return get(array(buffer), offset, length);
    }

    private SymbolSlot symbol(String name) {
        return SymbolChecks.require(program.symbol(name), name);
    }

    @Override
    public synchronized void writeSymbol(String name, long offset, byte[] data) {
        SymbolSlot s = symbol(name);
        SymbolChecks.checkFits(name, s.size(), offset, data.length);
        put(s.constant() ? constants : deviceVariables, s.offset() + offset, data);
    }

    @Override
    public synchronized byte[] readSymbol(String name) {
        SymbolSlot s = symbol(name);
        return get(s.constant() ? constants : deviceVariables, s.offset(), s.size());
    }

    @Override
    public synchronized LaunchStats launch(String kernelName, LaunchConfig config, List<KernelArg> args,
            LaunchOptions options) {
        OpenClKernel k = program.kernel(kernelName).orElseThrow(() -> new LaunchException(
                LaunchFailure.INVALID_LAUNCH, kernelName, "no kernel named '" + kernelName + "'"));
        String name = k.sourceName();
        ChildGrids.refuseOn("tornadovm", compiled, name);
        KernelSignature sig = compiled.kernels().stream().filter(s -> s.name().equals(k.name())).findFirst()
                .orElseThrow();
        if (args.size() != sig.params().size()) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "kernel '" + name + "' takes "
                    + sig.params().size() + " arguments, " + args.size() + " given");
        }
        List<Object> values = new ArrayList<>();
        List<Object> transferred = new ArrayList<>();
        for (ArgSlot slot : k.args()) {
            Object v;
            if (slot instanceof ArgSlot.Param p) {
                v = value(sig.params().get(p.index()), args.get(p.index()), name);
            } else if (slot instanceof ArgSlot.Constants) {
                v = constants;
            } else if (slot instanceof ArgSlot.DeviceVariables) {
                v = deviceVariables;
            } else if (slot instanceof ArgSlot.Status) {
                put(status, 0, new byte[StatusWord.BYTES]);
                v = status;
            } else {
                continue; // TornadoVM supplies its four leading parameters itself
            }
            values.add(v);
            if (v.getClass().getName().equals(BYTE_ARRAY)) {
                transferred.add(v);
            }
        }
        long started = System.nanoTime();
        run(k.entry(), config, values, transferred);
        if (k.takes(ArgSlot.Status.class)) {
            StatusWord.check(get(status, 0, StatusWord.BYTES), name, compiled.sourceName());
        }
        return new LaunchStats(name, backend.name(), backend.device(), Duration.ofNanos(System.nanoTime() - started),
                1);
    }

    private Object value(ParamInfo p, KernelArg arg, String name) {
        if (p.kind() == ParamKind.POINTER) {
            if (!(arg instanceof KernelArg.Buffer b) || b.offset() != 0) {
                throw new LaunchException(LaunchFailure.INVALID_LAUNCH, name, "argument '" + p.name()
                        + "': TornadoVM takes whole buffers");
            }
            return array(b.buffer());
        }
        ByteBuffer bytes = ByteBuffer.wrap(ScalarBytes.of(p, arg, name)).order(ByteOrder.LITTLE_ENDIAN);
        return switch (p.size()) {
            case 1 -> bytes.get(0);
            case 2 -> bytes.getShort(0);
            case 4 -> p.scalar() != null && p.scalar().isFloating() ? bytes.getFloat(0) : bytes.getInt(0);
            default -> p.scalar() != null && p.scalar().isFloating() ? bytes.getDouble(0) : bytes.getLong(0);
        };
    }

    private void run(String entry, LaunchConfig config, List<Object> values, List<Object> transferred) {
        String graph = "cw" + GRAPHS.incrementAndGet();
        Object everyExecution = Reflect.constant("uk.ac.manchester.tornado.api.enums.DataTransferMode",
                "EVERY_EXECUTION");
        Object readWrite = Reflect.constant("uk.ac.manchester.tornado.api.common.Access", "READ_WRITE");
        Object tg = Reflect.create("uk.ac.manchester.tornado.api.TaskGraph", graph);
        Object[] moved = transferred.toArray();
        Reflect.call(tg, "transferToDevice", everyExecution, moved);
        Object acc = Reflect.create("uk.ac.manchester.tornado.api.AccessorParameters", values.size());
        for (int i = 0; i < values.size(); i++) {
            Reflect.call(acc, "set", i, values.get(i), readWrite);
        }
        Reflect.call(tg, "prebuiltTask", "t", entry, kernelFile.toString(), acc);
        Reflect.call(tg, "transferToHost", everyExecution, moved);
        Object snapshot = snapshot(tg);
        Object plans = Array.newInstance(snapshot.getClass(), 1);
        Array.set(plans, 0, snapshot);
        Object plan = Reflect.create("uk.ac.manchester.tornado.api.TornadoExecutionPlan", plans);
        Object worker = Reflect.create("uk.ac.manchester.tornado.api.WorkerGrid3D",
                config.grid().x() * config.block().x(), config.grid().y() * config.block().y(),
                config.grid().z() * config.block().z());
        Reflect.call(worker, "setLocalWork", (long) config.block().x(), (long) config.block().y(),
                (long) config.block().z());
        Object scheduler = Reflect.create("uk.ac.manchester.tornado.api.GridScheduler", graph + ".t", worker);
        Object configured = Reflect.call(plan, "withGridScheduler", scheduler);
        try {
            Reflect.call(configured, "execute");
        } catch (RuntimeException e) {
            throw new LaunchException(LaunchFailure.DEVICE_ERROR, entry, "TornadoVM launch of '" + entry + "' failed: "
                    + e.getMessage(), e);
        } finally {
            try {
                Reflect.call(plan, "freeDeviceMemory");
            } catch (IllegalStateException e) {
                // releases with no freeDeviceMemory free buffers when the plan is collected
            }
        }
    }

    /** {@code TaskGraph.snapshot()} (spelled {@code snaphot()} in early 1.0 releases). */
    private static Object snapshot(Object taskGraph) {
        try {
            return Reflect.call(taskGraph, "snapshot");
        } catch (IllegalStateException e) {
            return Reflect.call(taskGraph, "snaphot");
        }
    }

    @Override
    public synchronized void close() {
        arrays.clear();
        try {
            Files.deleteIfExists(kernelFile);
        } catch (IOException e) {
            // a stale temp file is harmless
        }
    }
}
