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
import io.cudawasm.runtime.executor.ExecutorBackend;
import io.cudawasm.runtime.executor.ExecutorSettings;
import io.cudawasm.runtime.executor.ExecutorStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The back ends of this process, probed once at start-up, and the rule that picks one for a
 * launch: an explicit name ({@code wasm}, {@code opencl:N}, {@code cuda:N}, {@code tornadovm}) or
 * {@code auto} (CUDA GPU, then OpenCL GPU, then Wasm; an OpenCL CPU device only by name, or by
 * {@code auto} when the operator allows it and it runs in an executor process). Native back ends
 * run in executor processes ({@link ExecutorBackend}) or, outside the worker, in this JVM. The Wasm
 * back end is always present; it is also the sandbox for untrusted code.
 */
public final class Backends implements AutoCloseable {
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private final List<BackendProbe> probes = new ArrayList<>();
    private final WasmBackend wasm;
    private final ExecutorSettings executors;
    private final ExecutorBackend.Shared shared = new ExecutorBackend.Shared();

    private Backends(WasmBackend wasm, ExecutorSettings executors) {
        this.wasm = wasm;
        this.executors = executors;
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
        return detect(workers, interpreter, ExecutorSettings.inProcess());
    }

    /**
     * Probes the devices of this host and wraps each native one (OpenCL, CUDA, TornadoVM) as
     * {@code executors} say: in an executor process per device (the worker's way: a kernel fault
     * kills that process, not this one) or in this JVM. The probes themselves (device lists, no
     * user code) run here either way.
     */
    public static Backends detect(int workers, boolean interpreter, ExecutorSettings executors) {
        int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        WasmBackend wasm = new WasmBackend(n, interpreter);
        Backends b = new Backends(wasm, executors);
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
            if (executors.isolated()) {
                // the GPU context is created inside the executor, never in this process
                addIsolated("cuda:" + d.index(), d.describe());
                continue;
            }
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
            if (executors.isolated()) {
                addIsolated("opencl:" + d.index(), d.describe());
                continue;
            }
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
        if (r.available() && executors.isolated()) {
            addIsolated("tornadovm", r.device());
        } else if (r.available()) {
            TornadoVmBackend backend = new TornadoVmBackend(r.device());
            add(backend, BackendProbe.available(backend.name(), backend.device()));
        } else {
            addUnavailable(BackendProbe.unavailable("tornadovm", r.reason()));
        }
    }

    private void addIsolated(String name, String device) {
        ExecutorBackend backend = new ExecutorBackend(name, device, executors, shared);
        add(backend, BackendProbe.available(name, device));
    }

    /** The executors of the native back ends (empty when they run in this process). */
    public List<ExecutorStatus> executors() {
        return backends.values().stream().filter(ExecutorBackend.class::isInstance)
                .map(b -> ((ExecutorBackend) b).supervisor().status()).toList();
    }

    /** How native back ends are run and what {@code auto} may pick. */
    public ExecutorSettings executorSettings() {
        return executors;
    }

    /** Starts every executor now (in the background), so the first job on a device finds it running. */
    public void startExecutors() {
        for (Backend b : backends.values()) {
            if (b instanceof ExecutorBackend e) {
                Thread t = new Thread(() -> {
                    try {
                        e.supervisor().start();
                    } catch (RuntimeException ex) {
                        // reported by the supervisor and by the first job
                    }
                }, "executor-start-" + e.name());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /** False while a native device's executor is in a crash loop's cooldown. */
    private static boolean usable(Backend b) {
        return !(b instanceof ExecutorBackend e) || e.supervisor().available();
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
                List<String> resting = new ArrayList<>();
                for (Backend b : backends.values()) {
                    if (kind(b).equals(preferred) && usable(b)) {
                        return new BackendChoice(b, "auto: " + b.name() + " (" + label(preferred) + ") is the best device "
                                + "here" + (missing.isEmpty() ? "" : "; " + String.join(", ", missing)));
                    }
                    if (kind(b).equals(preferred)) {
                        resting.add(b.name());
                    }
                }
                missing.add(resting.isEmpty() ? "no " + label(preferred) + unavailableReason(preferred)
                        : String.join(", ", resting) + " unavailable (executor crash loop)");
            }
            // An OpenCL CPU device (PoCL) runs native code with no memory protection. On a CPU the
            // sandboxed WebAssembly path is the default; the operator may let auto pick PoCL (faster on
            // compute-heavy kernels) for trusted tenants, and only in an executor process.
            Backend cpu = backends.values().stream().filter(b -> kind(b).equals("opencl-cpu")).findFirst().orElse(null);
            if (cpu != null && executors.isolated() && executors.autoCpuBackend().equals("opencl") && usable(cpu)) {
                return new BackendChoice(cpu, "auto: no GPU (" + String.join(", ", missing) + "); " + cpu.name()
                        + " (OpenCL CPU, in an executor process) by operator policy "
                        + ExecutorSettings.ENV_AUTO_CPU_BACKEND + "=opencl");
            }
            String cpuOpenCl = cpu == null ? "" : "; " + cpu.name() + " (OpenCL CPU, "
                    + (cpu instanceof ExecutorBackend ? "in an executor process" : "not isolated") + ") on request";
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
    /**
     * Whether {@code b} gives cooperative launches (every block resident at once, so grid.sync()
     * works): the WebAssembly path and CUDA; OpenCL cannot.
     */
    public static boolean launchesCooperatively(Backend b) {
        String kind = kind(b);
        return kind.equals("wasm") || kind.equals("cuda");
    }

    /**
     * Whether {@code b} takes tensor-map arguments ({@code CUtensorMap}, for sm_90's bulk tensor
     * copies): the WebAssembly path and CUDA, whose copies read the project's own map; OpenCL has none.
     */
    public static boolean takesTensorMaps(Backend b) {
        String kind = kind(b);
        return kind.equals("wasm") || kind.equals("cuda");
    }

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
