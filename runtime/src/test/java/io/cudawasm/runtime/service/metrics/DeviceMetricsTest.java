package io.cudawasm.runtime.service.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.registration.LocalGpu;
import io.cudawasm.runtime.registration.LocalView;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceMetricsTest {
    private static void contains(String scrape, String line) {
        assertTrue(scrape.lines().anyMatch(l -> l.equals(line)), "missing " + line + " in:\n" + scrape);
    }

    @Test
    void eachGpuIsAnInfoSeriesWithItsMemoryAndTheCountsAddUp() {
        try (WorkerMetrics metrics = new WorkerMetrics()) {
            DeviceMetrics.register(metrics, LocalView.of(List.of("cuda", "opencl", "wasm"), List.of(
                    new LocalGpu("cuda", "nvidia", "NVIDIA L40S", 46068, "550.90"),
                    new LocalGpu("cuda", "nvidia", "NVIDIA L40S", 46068, "550.90"),
                    new LocalGpu("opencl", "amd", "gfx942", 196592, ""))));
            String scrape = metrics.scrape();
            contains(scrape, "cudawasm_gpu_devices{backend=\"cuda\",vendor=\"nvidia\"} 2.0");
            contains(scrape, "cudawasm_gpu_devices{backend=\"opencl\",vendor=\"amd\"} 1.0");
            contains(scrape, "cudawasm_gpu_memory_bytes{backend=\"cuda\",device=\"NVIDIA L40S\",index=\"1\",vendor=\"nvidia\"} "
                    + (double) (46068L << 20));
            contains(scrape, "cudawasm_gpu_device_info{backend=\"opencl\",device=\"gfx942\",driver=\"unknown\",index=\"0\","
                    + "vendor=\"amd\"} 1");
        }
    }

    @Test
    void aNodeWithoutGpusSaysZero() {
        try (WorkerMetrics metrics = new WorkerMetrics()) {
            DeviceMetrics.register(metrics, LocalView.of(List.of("wasm"), List.of()));
            contains(metrics.scrape(), "cudawasm_gpu_devices{backend=\"none\",vendor=\"none\"} 0.0");
        }
    }
}
