package io.cudawasm.runtime.registration;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.runtime.backend.BackendProbe;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.backend.cuda.CudaDevice;
import io.cudawasm.runtime.backend.cuda.CudaProbe;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the worker sees from inside its VM: the back ends that work, the GPUs they found, the CPU.
 * Works everywhere (no Prism, no Kubernetes needed).
 *
 * @param backends usable back ends, best first (the order of {@link Backends#probes()})
 */
public record LocalView(List<String> backends, List<LocalGpu> gpus, String cpuModel, int cpus, String os, String jvm) {

    public LocalView {
        backends = List.copyOf(backends);
        gpus = List.copyOf(gpus);
        cpuModel = cpuModel == null ? "" : cpuModel;
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(jvm, "jvm");
    }

    /** A view with the given back ends and GPUs and this machine's CPU, OS and JVM (for tests and embedders). */
    public static LocalView of(List<String> backends, List<LocalGpu> gpus) {
        return new LocalView(backends, gpus, probeCpuModel(), Runtime.getRuntime().availableProcessors(), probeOs(),
                probeJvm());
    }

    /**
     * Probes this machine: the usable back ends from {@code backends}, and the GPUs CUDA and OpenCL
     * report. The driver probes run once per process (their results are cached), so this is cheap to
     * repeat; a GPU added to a VM needs a restart of the guest anyway.
     */
    public static LocalView probe(Backends backends) {
        List<String> usable = backends.probes().stream().filter(BackendProbe::available).map(BackendProbe::name)
                .distinct().toList();
        List<LocalGpu> gpus = new ArrayList<>();
        if (usable.contains("cuda")) {
            for (CudaDevice d : CudaProbe.devices().devices()) {
                gpus.add(new LocalGpu("cuda", "nvidia", d.name(), d.memoryBytes() >> 20,
                        d.driverVersion() / 1000 + "." + d.driverVersion() % 1000 / 10));
            }
        }
        if (usable.contains("opencl")) {
            for (OpenClDevice d : OpenClProbe.devices().devices()) {
                String vendor = vendorOf(d.vendor());
                // the same NVIDIA board shows up through CUDA and OpenCL: count it once
                boolean seenThroughCuda = vendor.equals("nvidia") && gpus.stream().anyMatch(g -> g.backend().equals("cuda"));
                if (d.isGpu() && !seenThroughCuda) {
                    gpus.add(new LocalGpu("opencl", vendor, d.name().strip(), d.globalMemoryBytes() >> 20,
                            d.driverVersion().strip()));
                }
            }
        }
        return of(usable, gpus);
    }

    /** The {@link GpuVendor} spelling of an OpenCL vendor string, or the string itself lower-cased. */
    static String vendorOf(String openClVendor) {
        String v = openClVendor.toLowerCase(Locale.ROOT);
        if (v.contains("nvidia")) {
            return "nvidia";
        }
        if (v.contains("advanced micro devices") || v.contains("amd")) {
            return "amd";
        }
        if (v.contains("intel")) {
            return "intel";
        }
        return GpuVendor.parse(openClVendor).map(g -> g.name().toLowerCase(Locale.ROOT)).orElse(v.strip());
    }

    private static String probeCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                Optional<String> model = lines.filter(l -> l.startsWith("model name")).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).strip());
                if (model.isPresent()) {
                    return model.get();
                }
            } catch (IOException | RuntimeException e) {
                // fall through to the architecture name
            }
        }
        return System.getProperty("os.arch", "");
    }

    private static String probeOs() {
        return System.getProperty("os.name", "") + " " + System.getProperty("os.version", "") + " "
                + System.getProperty("os.arch", "");
    }

    private static String probeJvm() {
        return System.getProperty("java.vm.vendor", "") + " " + Runtime.version();
    }
}
