package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.Optional;

/**
 * One entry of a host's {@code status.resources.gpu_list}: either a physical GPU ({@link PassthroughGpu})
 * or a vGPU profile instance ({@link VirtualGpu}).
 *
 * <p>Availability follows Prism: an entry is free only when its {@code status} is {@code UNUSED}, it is
 * {@code assignable}, and no {@code consumer_reference} names a VM. Any one of those says "taken".
 */
public sealed interface HostGpu permits PassthroughGpu, VirtualGpu {

    /** Prism's uuid of this entry. */
    String uuid();

    /** Prism's {@code name}: a Nutanix display name ("Lovelace 40S") or a vGPU profile ("NVIDIA A40-8C"). */
    String name();

    GpuVendor vendor();

    GpuMode mode();

    /** Prism's {@code device_id}: the decimal PCI device id for passthrough, a vGPU type id for profiles. */
    int deviceId();

    GpuStatus status();

    boolean assignable();

    /** The VM using this GPU, when Prism names one. */
    Optional<EntityReference> consumer();

    /** Prism's {@code frame_buffer_size_mib}; 0 when Prism did not report it. */
    long frameBufferMib();

    /** The best known frame buffer in MiB: Prism's figure, else what the model or profile name implies. */
    long memoryMib();

    /** A human name: the product name for known passthrough GPUs, otherwise Prism's name. */
    String displayName();

    default boolean isAvailable() {
        return status() == GpuStatus.UNUSED && assignable() && consumer().isEmpty();
    }

    default boolean isPassthrough() {
        return mode().isPassthrough();
    }
}
