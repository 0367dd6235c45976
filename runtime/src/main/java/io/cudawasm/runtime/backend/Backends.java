package io.cudawasm.runtime.backend;

import io.cudawasm.runtime.backend.wasm.WasmBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The back ends of this process, probed once at start-up, and the rule that picks one for a
 * launch: an explicit name ({@code wasm}, {@code opencl:N}, {@code cuda:N}, {@code tornadovm}) or
 * {@code auto} (CUDA GPU, then OpenCL GPU, then OpenCL CPU, then Wasm). The Wasm back end is
 * always present; it is also the sandbox for untrusted code.
 */
public final class Backends implements AutoCloseable {
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private final List<BackendProbe> probes = new ArrayList<>();
    private final WasmBackend wasm;

    private Backends(WasmBackend wasm) {
        this.wasm = wasm;
    }

    /** Probes the devices of this host; {@code workers} sizes the CPU back end (0: all cores). */
    public static Backends detect(int workers) {
        int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        WasmBackend wasm = new WasmBackend(n, false);
        Backends b = new Backends(wasm);
        b.add(wasm, BackendProbe.available("wasm", wasm.device()));
        return b;
    }

    /** Registers a back end (in order of preference for {@code auto}). */
    public void add(Backend backend, BackendProbe probe) {
        backends.put(backend.name(), backend);
        probes.add(probe);
    }

    /** Records a back end that could not be used here, with the reason. */
    public void addUnavailable(BackendProbe probe) {
        probes.add(probe);
    }

    public List<Backend> all() {
        return List.copyOf(backends.values());
    }

    public List<BackendProbe> probes() {
        return List.copyOf(probes);
    }

    public WasmBackend sandbox() {
        return wasm;
    }

    /**
     * @param request {@code auto}, {@code wasm}, {@code opencl}, {@code opencl:1}, {@code cuda:0}, ...
     * @param sandboxOnly force the Wasm path (untrusted code)
     */
    public BackendChoice select(String request, boolean sandboxOnly) {
        String r = request == null || request.isBlank() ? "auto" : request.trim().toLowerCase(Locale.ROOT);
        if (sandboxOnly) {
            if (!r.equals("auto") && !r.equals("wasm")) {
                throw new IllegalArgumentException("back end '" + request + "' refused: this worker runs untrusted "
                        + "code in the WebAssembly sandbox only");
            }
            return new BackendChoice(wasm, "sandbox required: untrusted code runs on the WebAssembly path");
        }
        if (r.equals("auto")) {
            for (String preferred : List.of("cuda", "opencl-gpu", "opencl-cpu")) {
                for (Backend b : backends.values()) {
                    if (kind(b).equals(preferred)) {
                        return new BackendChoice(b, "auto: " + b.name() + " (" + b.device() + ") is the best device here");
                    }
                }
            }
            return new BackendChoice(wasm, "auto: no GPU or OpenCL device; running on the CPU (WebAssembly)");
        }
        Backend exact = backends.get(r);
        if (exact != null) {
            return new BackendChoice(exact, "requested " + r);
        }
        for (Backend b : backends.values()) {
            if (b.name().startsWith(r + ":")) {
                return new BackendChoice(b, "requested " + r + ": using " + b.name());
            }
        }
        String reasons = probes.stream().filter(p -> p.name().startsWith(r.replaceAll(":.*", "")) && !p.available())
                .map(p -> p.name() + ": " + p.reason()).findFirst().orElse("no such back end on this host");
        throw new IllegalArgumentException("back end '" + request + "' is not available (" + reasons + "); available: "
                + backends.keySet());
    }

    /** cuda, opencl-gpu, opencl-cpu, tornadovm or wasm: what auto-selection ranks by. */
    static String kind(Backend b) {
        String n = b.name();
        if (n.startsWith("cuda")) {
            return "cuda";
        }
        if (n.startsWith("opencl")) {
            return b.device().toLowerCase(Locale.ROOT).contains("gpu") ? "opencl-gpu" : "opencl-cpu";
        }
        return n;
    }

    @Override
    public void close() {
        for (Backend b : backends.values()) {
            if (b instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing is best effort at shutdown
                }
            }
        }
    }
}
