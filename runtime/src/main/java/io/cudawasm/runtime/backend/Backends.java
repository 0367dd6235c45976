package io.cudawasm.runtime.backend;

import io.cudawasm.runtime.backend.cuda.CudaBackend;
import io.cudawasm.runtime.backend.cuda.CudaDevice;
import io.cudawasm.runtime.backend.cuda.CudaProbe;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import io.cudawasm.runtime.backend.tornadovm.TornadoVmBackend;
import io.cudawasm.runtime.backend.tornadovm.TornadoVmProbe;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The back ends of this process, probed once at start-up, and the rule that picks one for a
 * launch: an explicit name ({@code wasm}, {@code opencl:N}, {@code cuda:N}, {@code tornadovm}) or
 * {@code auto} (CUDA GPU, then OpenCL GPU, then Wasm; an OpenCL CPU device only by name, because it
 * runs kernels in this process unprotected). The Wasm back end is always present; it is also the
 * sandbox for untrusted code.
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
        return detect(workers, false);
    }

    /**
     * Probes the devices of this host once: CUDA GPUs (JCuda), OpenCL devices (JOCL), TornadoVM
     * (when its SDK is loaded) and the Wasm path. A missing driver or library is recorded as an
     * unavailable probe with its reason, never thrown. {@code -Dcudawasm.devices=none} skips the
     * device probes (Wasm only).
     *
     * @param interpreter run the Wasm path on Chicory's interpreter (for diagnosis)
     */
    public static Backends detect(int workers, boolean interpreter) {
        int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        WasmBackend wasm = new WasmBackend(n, interpreter);
        Backends b = new Backends(wasm);
        if (!"none".equals(System.getProperty("cudawasm.devices"))) {
            b.probeCuda();
            b.probeOpenCl();
            b.probeTornadoVm();
        }
        b.add(wasm, BackendProbe.available("wasm", wasm.device()));
        return b;
    }

    private void probeCuda() {
        CudaProbe.Result r = CudaProbe.devices();
        if (!r.available()) {
            addUnavailable(BackendProbe.unavailable("cuda", r.reason()));
            return;
        }
        for (CudaDevice d : r.devices()) {
            try {
                CudaBackend backend = new CudaBackend(d);
                add(backend, BackendProbe.available(backend.name(), backend.device()));
            } catch (RuntimeException | LinkageError e) {
                addUnavailable(BackendProbe.unavailable("cuda:" + d.index(), e.getMessage()));
            }
        }
    }

    private void probeOpenCl() {
        OpenClProbe.Result r = OpenClProbe.devices();
        if (!r.available()) {
            addUnavailable(BackendProbe.unavailable("opencl", r.reason()));
            return;
        }
        for (OpenClDevice d : r.devices()) {
            try {
                OpenClBackend backend = new OpenClBackend(d);
                add(backend, BackendProbe.available(backend.name(), backend.device()));
            } catch (RuntimeException | LinkageError e) {
                addUnavailable(BackendProbe.unavailable("opencl:" + d.index(), String.valueOf(e.getMessage())));
            }
        }
    }

    private void probeTornadoVm() {
        TornadoVmProbe.Result r = TornadoVmProbe.probe();
        if (r.available()) {
            TornadoVmBackend backend = new TornadoVmBackend(r.device());
            add(backend, BackendProbe.available(backend.name(), backend.device()));
        } else {
            addUnavailable(BackendProbe.unavailable("tornadovm", r.reason()));
        }
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
            List<String> missing = new ArrayList<>();
            for (String preferred : List.of("cuda", "opencl-gpu")) {
                for (Backend b : backends.values()) {
                    if (kind(b).equals(preferred)) {
                        return new BackendChoice(b, "auto: " + b.name() + " (" + label(preferred) + ") is the best device "
                                + "here" + (missing.isEmpty() ? "" : "; " + String.join(", ", missing)));
                    }
                }
                missing.add("no " + label(preferred) + unavailableReason(preferred));
            }
            // An OpenCL CPU device (PoCL) runs kernels inside this process with no memory protection: one
            // out-of-bounds store and the JVM dies. On a CPU the sandboxed WebAssembly path is the default;
            // the OpenCL CPU device is used only when asked for by name.
            String cpuOpenCl = backends.values().stream().filter(b -> kind(b).equals("opencl-cpu")).map(Backend::name)
                    .findFirst().map(n -> "; " + n + " (OpenCL CPU, not isolated) on request").orElse("");
            return new BackendChoice(wasm, "auto: no GPU (" + String.join(", ", missing)
                    + "); running on the CPU in the WebAssembly sandbox" + cpuOpenCl);
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

    private static String label(String kind) {
        return switch (kind) {
            case "cuda" -> "CUDA GPU";
            case "opencl-gpu" -> "OpenCL GPU";
            default -> "OpenCL CPU";
        };
    }

    /** Why a kind of device is missing, when a probe said so. */
    private String unavailableReason(String kind) {
        String family = kind.startsWith("opencl") ? "opencl" : kind;
        return probes.stream().filter(p -> !p.available() && p.name().equals(family)).findFirst()
                .map(p -> " (" + p.reason() + ")").orElse("");
    }

    /** cuda, opencl-gpu, opencl-cpu, tornadovm or wasm: what auto-selection ranks by. */
    static String kind(Backend b) {
        String n = b.name();
        if (n.startsWith("cuda")) {
            return "cuda";
        }
        if (n.startsWith("opencl")) {
            return b.device().toLowerCase(Locale.ROOT).startsWith("gpu") ? "opencl-gpu" : "opencl-cpu";
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
