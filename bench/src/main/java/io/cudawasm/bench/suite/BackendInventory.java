package io.cudawasm.bench.suite;

import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.BackendProbe;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.benchreport.BenchResultFile.BackendStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which back ends this run measures and which it cannot, with reasons. A back end that is missing here
 * (no CUDA driver, no TornadoVM SDK) is reported in the result file, never an error.
 *
 * <p>An OpenCL CPU device (PoCL) is measured only when asked for: it runs kernels inside the JVM without
 * memory protection, so a faulty kernel would take the whole run down. The bundled kernels are safe, so
 * asking is fine on a CPU node; the worker's {@code auto} selection draws the same line.
 *
 * @param measured back-end parameter values, {@code java} first
 * @param statuses every back end looked for, for the result file
 */
public record BackendInventory(List<String> measured, List<BackendStatus> statuses) {

    public BackendInventory {
        measured = List.copyOf(measured);
        statuses = List.copyOf(statuses);
    }

    /**
     * @param probed     the worker's own probe of this host
     * @param openClCpu  measure OpenCL CPU devices too
     * @param requested  only these back ends (null: every one present)
     */
    public static BackendInventory of(Backends probed, boolean openClCpu, List<String> requested) {
        List<String> measured = new ArrayList<>();
        List<BackendStatus> statuses = new ArrayList<>();
        statuses.add(new BackendStatus(OpenedBackend.JAVA, true, "plain Java, one thread", "available"));
        measured.add(OpenedBackend.JAVA);
        List<Backend> present = probed.all();
        for (BackendProbe p : probed.probes()) {
            if (!p.available()) {
                statuses.add(new BackendStatus(p.name(), false, null, p.reason()));
                continue;
            }
            Backend b = present.stream().filter(x -> x.name().equals(p.name())).findFirst().orElse(null);
            boolean openClOnCpu = p.name().startsWith("opencl") && b != null
                    && !b.device().toLowerCase(Locale.ROOT).startsWith("gpu");
            if (openClOnCpu && !openClCpu) {
                statuses.add(new BackendStatus(p.name(), false, p.device(), "OpenCL CPU device not isolated from the "
                        + "JVM; measured only with --opencl-cpu"));
                continue;
            }
            statuses.add(new BackendStatus(p.name(), true, p.device(), "available"));
            measured.add(p.name());
        }
        if (requested != null) {
            for (String r : requested) {
                if (!measured.contains(r)) {
                    throw new IllegalArgumentException("--backends: '" + r + "' is not available here; available: "
                            + measured);
                }
            }
            measured.removeIf(m -> !requested.contains(m));
        }
        return new BackendInventory(measured, statuses);
    }

    /** The measured back ends that are real devices (everything but the plain-Java reference). */
    public List<String> devices() {
        return measured.stream().filter(m -> !m.equals(OpenedBackend.JAVA)).toList();
    }

    /** Back ends looked for and not measured: they appear in the result file's {@code absent} list. */
    public List<BackendStatus> unavailable() {
        return statuses.stream().filter(s -> !measured.contains(s.name()))
                .map(s -> s.available() ? new BackendStatus(s.name(), true, s.device(), "left out by --backends") : s)
                .toList();
    }
}
