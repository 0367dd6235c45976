package io.cudawasm.nutanix.prism.model;

import java.util.Objects;
import java.util.Optional;

/** One entry of a VM's {@code status.resources.gpu_list}: a GPU or vGPU attached to the VM. */
public record VmGpu(
        Optional<String> uuid,
        String name,
        String vendor,
        Optional<GpuMode> mode,
        int deviceId,
        Optional<String> pciAddress,
        long frameBufferMib) {

    public VmGpu {
        Objects.requireNonNull(uuid, "uuid");
        name = name == null ? "" : name;
        vendor = vendor == null ? "" : vendor;
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(pciAddress, "pciAddress");
    }
}
