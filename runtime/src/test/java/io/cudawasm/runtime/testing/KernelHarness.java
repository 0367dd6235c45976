package io.cudawasm.runtime.testing;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compiles a source and launches its kernels on the Wasm back end with Java arrays. */
public final class KernelHarness implements AutoCloseable {
    private static final Map<Integer, WasmBackend> BACKENDS = new java.util.concurrent.ConcurrentHashMap<>();

    private final CompileResult compiled;
    private final DeviceSession session;

    private KernelHarness(CompileResult compiled, WasmBackend backend) {
        this.compiled = compiled;
        this.session = backend.open(compiled);
    }

    /** A shared back end per thread count (worker pools are reused across tests). */
    public static WasmBackend backend(int threads) {
        return BACKENDS.computeIfAbsent(threads, t -> new WasmBackend(t, false));
    }

    public static KernelHarness of(String source, int threads) {
        return of(CompileRequest.of("test.cu", source), threads);
    }

    public static KernelHarness of(CompileRequest request, int threads) {
        return new KernelHarness(KernelCompiler.compile(request), backend(threads));
    }

    /** A harness for a module compiled already (from nvcc's PTX, say). */
    public static KernelHarness of(CompileResult compiled, int threads) {
        return new KernelHarness(compiled, backend(threads));
    }

    /** A harness on a back end of the caller's (who closes it). */
    public static KernelHarness of(CompileResult compiled, WasmBackend backend) {
        return new KernelHarness(compiled, backend);
    }

    public CompileResult compiled() {
        return compiled;
    }

    public DeviceSession session() {
        return session;
    }

    public DeviceBuffer buffer(byte[] data) {
        DeviceBuffer b = session.allocate(data.length);
        session.write(b, 0, data);
        return b;
    }

    public DeviceBuffer buffer(float[] a) {
        return buffer(HostArrays.bytes(a));
    }

    public DeviceBuffer buffer(double[] a) {
        return buffer(HostArrays.bytes(a));
    }

    public DeviceBuffer buffer(int[] a) {
        return buffer(HostArrays.bytes(a));
    }

    public DeviceBuffer buffer(long[] a) {
        return buffer(HostArrays.bytes(a));
    }

    public byte[] read(DeviceBuffer b) {
        return session.read(b, 0, (int) b.size());
    }

    public float[] floats(DeviceBuffer b) {
        return HostArrays.floats(read(b));
    }

    public double[] doubles(DeviceBuffer b) {
        return HostArrays.doubles(read(b));
    }

    public int[] ints(DeviceBuffer b) {
        return HostArrays.ints(read(b));
    }

    public long[] longs(DeviceBuffer b) {
        return HostArrays.longs(read(b));
    }

    /** Launches with arguments given as buffers, numbers or struct bytes. */
    public void launch(String kernel, Dim3 grid, Dim3 block, Object... args) {
        launch(kernel, new LaunchConfig(grid, block, 0), LaunchOptions.DEFAULT, args);
    }

    public void launch(String kernel, LaunchConfig config, LaunchOptions options, Object... args) {
        List<KernelArg> list = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof KernelArg k) {
                list.add(k);
            } else if (a instanceof DeviceBuffer b) {
                list.add(KernelArg.of(b));
            } else if (a instanceof Number n) {
                list.add(KernelArg.of(n));
            } else if (a instanceof byte[] bytes) {
                list.add(new KernelArg.Bytes(bytes));
            } else {
                throw new IllegalArgumentException("unsupported argument " + a);
            }
        }
        session.launch(kernel, config, list, options);
    }

    @Override
    public void close() {
        session.close();
    }
}
