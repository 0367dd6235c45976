package io.cudawasm.runtime.benchreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The few facts of a result file's capabilities document that a comparison needs to say what was
 * compared: the GPU and how it is attached (passthrough, vGPU profile), its driver, the CPU and JVM.
 * Every field is "" when the document does not say (no Prism, no GPU).
 *
 * @param gpu          vendor and model ("nvidia NVIDIA L40S"), or "none"
 * @param mode         {@code passthrough}, {@code vgpu}, {@code none}, or "" when unknown (no Prism)
 * @param vgpuProfile  the vGPU profile ("NVIDIA A40-12C") when the mode is vgpu
 * @param driver       the host's GPU driver as Prism reports it, else the guest driver the back ends report
 * @param nutanixHost  the AHV host Prism placed the VM on
 */
public record HostSummary(String gpu, String mode, String vgpuProfile, String driver, String cpu, int cpus,
        String jvm, String nutanixHost, List<String> backends) {

    public HostSummary {
        backends = List.copyOf(backends);
    }

    /** Reads a capabilities document ({@code cuda-wasm.io/capabilities/v1}); tolerates missing parts. */
    public static HostSummary of(JsonNode host) {
        JsonNode h = host == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : host;
        JsonNode gpus = h.path("gpus");
        String vendor = text(gpus.path("vendor"));
        String model = text(gpus.path("model"));
        String gpu = vendor.isEmpty() || vendor.equals("none") ? "none"
                : (vendor + " " + model).strip() + (gpus.path("count").asInt(1) > 1 ? " x" + gpus.path("count").asInt() : "");
        String mode = text(gpus.path("mode"));
        String profile = mode.equals("vgpu") ? model : "";
        String driver = text(h.path("nutanix").path("gpuDriverVersion"));
        if (driver.isEmpty()) {
            for (JsonNode g : h.path("local").path("gpus")) {
                driver = text(g.path("driver"));
                if (!driver.isEmpty()) {
                    break;
                }
            }
        }
        JsonNode local = h.path("local");
        List<String> backends = new ArrayList<>();
        local.path("backends").forEach(b -> backends.add(b.asText()));
        return new HostSummary(gpu, mode, profile, driver, text(local.path("cpuModel")), local.path("cpus").asInt(0),
                text(local.path("jvm")), text(h.path("nutanix").path("host").path("name")), backends);
    }

    /** One line: "nvidia NVIDIA L40S, passthrough, driver 550.90; AMD EPYC 7763 (16 cores); Temurin 17". */
    public String oneLine() {
        StringBuilder sb = new StringBuilder(gpu);
        if (!mode.isEmpty() && !gpu.equals("none")) {
            sb.append(", ").append(mode);
        }
        if (!driver.isEmpty()) {
            sb.append(", driver ").append(driver);
        }
        sb.append("; ").append(cpu.isEmpty() ? "unknown CPU" : cpu);
        if (cpus > 0) {
            sb.append(" (").append(cpus).append(cpus == 1 ? " core)" : " cores)");
        }
        if (!jvm.isEmpty()) {
            sb.append("; ").append(jvm);
        }
        return sb.toString();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? "" : n.asText("").strip();
    }
}
