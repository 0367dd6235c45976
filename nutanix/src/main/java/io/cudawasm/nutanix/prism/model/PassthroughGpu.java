package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A physical GPU of a host ({@code mode} {@code PASSTHROUGH_COMPUTE} or {@code PASSTHROUGH_GRAPHICS}).
 * A GPU whose status is {@code USED_FOR_VIRTUAL} backs vGPU profiles and is not free for passthrough.
 *
 * @param model the catalogue entry found by vendor and PCI device id, when known
 */
public record PassthroughGpu(
        String uuid,
        String name,
        GpuVendor vendor,
        GpuMode mode,
        int deviceId,
        Optional<GpuModel> model,
        GpuStatus status,
        boolean assignable,
        Optional<EntityReference> consumer,
        long frameBufferMib,
        Optional<String> pciAddress,
        OptionalInt numaNode)
        implements HostGpu {

    public PassthroughGpu {
        Objects.requireNonNull(uuid, "uuid");
        name = name == null ? "" : name;
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(mode, "mode");
        if (!mode.isPassthrough()) {
            throw new IllegalArgumentException("a passthrough GPU cannot have mode " + mode);
        }
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(pciAddress, "pciAddress");
        Objects.requireNonNull(numaNode, "numaNode");
    }

    @Override
    public long memoryMib() {
        return frameBufferMib > 0 ? frameBufferMib : model.map(GpuModel::memoryMib).orElse(0L);
    }

    @Override
    public String displayName() {
        return model.map(GpuModel::name).orElse(name.isBlank() ? "GPU " + deviceId : name);
    }
}
