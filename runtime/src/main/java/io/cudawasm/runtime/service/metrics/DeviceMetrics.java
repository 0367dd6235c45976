package io.cudawasm.runtime.service.metrics;

import io.cudawasm.runtime.registration.LocalGpu;
import io.cudawasm.runtime.registration.LocalView;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gauges of the GPUs this worker's back ends found at start-up, so dashboards and alerts see a node's
 * devices without Prism or self-registration: {@code cudawasm_gpu_devices{backend,vendor}} (how many),
 * {@code cudawasm_gpu_memory_bytes{backend,vendor,index,device}} and
 * {@code cudawasm_gpu_device_info{backend,vendor,index,device,driver}} (always 1). A node without a GPU
 * exports {@code cudawasm_gpu_devices} 0, so "no GPU seen" is a value, not an absent series.
 */
public final class DeviceMetrics {
    private DeviceMetrics() {}

    public static void register(WorkerMetrics metrics, LocalView view) {
        List<LocalGpu> gpus = view.gpus();
        Map<String, Integer> counts = new TreeMap<>();
        for (LocalGpu g : gpus) {
            counts.merge(g.backend() + "\u0000" + g.vendor(), 1, Integer::sum);
        }
        if (counts.isEmpty()) {
            metrics.gauge("cudawasm.gpu.devices", "GPUs the worker's back ends found at start-up",
                    Tags.of("backend", "none", "vendor", "none"), () -> 0);
        }
        counts.forEach((key, count) -> {
            String[] parts = key.split("\u0000", 2);
            metrics.gauge("cudawasm.gpu.devices", "GPUs the worker's back ends found at start-up",
                    Tags.of("backend", parts[0], "vendor", parts[1]), () -> count);
        });
        Map<String, Integer> index = new TreeMap<>();
        for (LocalGpu g : gpus) {
            int i = index.merge(g.backend(), 1, Integer::sum) - 1;
            Tags tags = Tags.of("backend", g.backend(), "vendor", g.vendor(), "index", Integer.toString(i), "device", g.name());
            long bytes = g.memoryMib() << 20;
            metrics.gauge("cudawasm.gpu.memory.bytes", "Memory of each GPU, as its driver reports it", tags, () -> bytes);
            metrics.gauge("cudawasm.gpu.device.info", "Each GPU found, with its driver version (value 1)",
                    tags.and("driver", g.driver().isEmpty() ? "unknown" : g.driver()), () -> 1);
        }
    }
}
