package io.cudawasm.nutanix.prism.sim;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.GpuModel;
import java.util.Objects;

/**
 * A GPU entry to add to a simulated host with {@link PrismSimulator#addGpu}.
 *
 * @param name           Prism's {@code name} (display name or vGPU profile name)
 * @param deviceId       decimal PCI device id (passthrough) or vGPU type id (virtual)
 * @param frameBufferMib {@code frame_buffer_size_mib}
 * @param pciAddress     SBDF such as {@code 0000:41:00.0}; used for passthrough entries
 */
public record SimulatedGpu(
        GpuVendor vendor, GpuMode mode, String name, int deviceId, long frameBufferMib, String pciAddress, int numaNode) {

    public SimulatedGpu {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(name, "name");
        pciAddress = pciAddress == null ? "" : pciAddress;
    }

    /** A free physical GPU of a catalogue model, shown under its Nutanix name when one is known. */
    public static SimulatedGpu passthrough(GpuModel model, String pciAddress, int numaNode) {
        return new SimulatedGpu(model.vendor(), GpuMode.PASSTHROUGH_COMPUTE, model.prismName().orElse(model.name()),
                model.pciDeviceId(), model.memoryMib(), pciAddress, numaNode);
    }

    /** A free vGPU profile instance such as "NVIDIA A40-8C" (8 GiB). */
    public static SimulatedGpu vgpuProfile(GpuVendor vendor, String profileName, int typeId, long frameBufferMib) {
        return new SimulatedGpu(vendor, GpuMode.VIRTUAL, profileName, typeId, frameBufferMib, "", 0);
    }
}
