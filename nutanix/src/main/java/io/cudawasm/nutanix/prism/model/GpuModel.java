package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.Objects;
import java.util.Optional;

/**
 * A GPU model known by its PCI ids.
 *
 * @param vendor       the vendor (its PCI vendor id is {@link GpuVendor#pciVendorId()})
 * @param pciDeviceId  the PCI device id; Prism reports it in decimal in {@code device_id}
 * @param name         the name the guest driver reports (NVML name for NVIDIA), e.g. "NVIDIA L40S"
 * @param prismName    the Nutanix display name Prism shows for passthrough, where known ("Lovelace 40S")
 * @param memoryMib    the frame buffer in MiB
 */
public record GpuModel(
        GpuVendor vendor, int pciDeviceId, String name, Optional<String> prismName, long memoryMib) {

    public GpuModel {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prismName, "prismName");
    }

    /** {@code vendor:device} in lower-case hex, as {@code lspci -nn} and pci.ids write it. */
    public String pciId() {
        return vendor.pciVendorId() + ":" + String.format("%04x", pciDeviceId);
    }
}
