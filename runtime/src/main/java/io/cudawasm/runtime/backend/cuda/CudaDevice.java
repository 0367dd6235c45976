package io.cudawasm.runtime.backend.cuda;

import java.util.Locale;

/**
 * One NVIDIA GPU as the driver reports it.
 *
 * @param major compute capability major (9 for an H100/H200)
 * @param driverVersion e.g. 12040 for CUDA 12.4
 */
public record CudaDevice(int index, String name, int major, int minor, long memoryBytes, int multiprocessors,
        int driverVersion) {

    /** The virtual architecture PTX is generated for: {@code compute_90}. */
    public String computeArch() {
        return "compute_" + major + minor;
    }

    public String describe() {
        return String.format(Locale.ROOT, "GPU %s (sm_%d%d, %d SMs, %d MiB, CUDA driver %d.%d)", name, major, minor,
                multiprocessors, memoryBytes >> 20, driverVersion / 1000, driverVersion % 1000 / 10);
    }
}
