package io.cudawasm.bench.suite;

import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import java.nio.file.Path;

/**
 * A back end opened by the name the benchmarks' {@code backend} parameter uses ({@code wasm},
 * {@code opencl:0}, {@code cuda:0}, {@code tornadovm}), with whatever must be closed after it.
 *
 * @param owner closes the back end (and, for CUDA and TornadoVM, the probe that found it)
 */
public record OpenedBackend(Backend backend, AutoCloseable owner) implements AutoCloseable {

    /** The plain-Java reference: not a back end, measured by the same benchmarks for comparison. */
    public static final String JAVA = "java";

    /**
     * Opens {@code name}. OpenCL back ends get their own binary cache folder so a benchmark neither reads
     * nor fills the user's; {@code openClCache} null means no disk cache.
     *
     * @throws IllegalArgumentException when this host has no such back end
     */
    public static OpenedBackend open(String name, Path openClCache) {
        if (name.equals("wasm")) {
            WasmBackend wasm = new WasmBackend(Runtime.getRuntime().availableProcessors(), false);
            return new OpenedBackend(wasm, wasm);
        }
        if (name.startsWith("opencl:")) {
            int index = Integer.parseInt(name.substring("opencl:".length()));
            OpenClDevice device = OpenClProbe.devices().devices().stream().filter(d -> d.index() == index).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no OpenCL device " + index + " on this host ("
                            + (OpenClProbe.devices().available() ? "devices: " + OpenClProbe.devices().devices().stream()
                                    .map(d -> "opencl:" + d.index()).toList() : OpenClProbe.devices().reason()) + ")"));
            OpenClBackend backend = new OpenClBackend(device, OpenClOptions.Abi.STANDARD, openClCache);
            return new OpenedBackend(backend, backend);
        }
        if (name.equals(JAVA)) {
            throw new IllegalArgumentException("'java' is the plain-Java reference, not a back end");
        }
        // CUDA and TornadoVM: the worker's own probing, so the device is the one the worker would use
        Backends all = Backends.detect(0);
        try {
            return new OpenedBackend(all.select(name, false).backend(), all);
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
