package io.cudawasm.runtime.registration;

import java.util.Objects;

/**
 * A GPU Prism says is attached to this worker's VM.
 *
 * @param model     the product name for a passed-through GPU ("NVIDIA L40S"), the profile for a vGPU
 *                  ("NVIDIA A40-12C")
 * @param mode      {@code passthrough} or {@code vgpu}
 * @param memoryMib the GPU's (or the profile's) frame buffer
 */
public record AssignedGpu(String uuid, String vendor, String model, String mode, long memoryMib, int deviceId) {
    public AssignedGpu {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(mode, "mode");
    }
}
