package io.cudawasm.runtime.registration;

import java.util.Objects;

/**
 * A GPU as this worker's own back ends see it, inside the VM (the other half of the picture is what
 * Prism says is attached to the VM).
 *
 * @param backend   the back end that found it: {@code cuda} or {@code opencl}
 * @param vendor    {@code nvidia}, {@code amd}, {@code intel} or the OpenCL vendor string when unknown
 * @param memoryMib device memory the driver reports
 * @param driver    the driver version the back end reports, "" when it reports none
 */
public record LocalGpu(String backend, String vendor, String name, long memoryMib, String driver) {
    public LocalGpu {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(name, "name");
        driver = driver == null ? "" : driver;
    }
}
