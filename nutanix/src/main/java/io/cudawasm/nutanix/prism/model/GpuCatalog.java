package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The data-centre GPUs this worker knows by PCI device id (pci.ids), with their memory.
 *
 * <p>Prism's passthrough {@code name} is a Nutanix display name ("Ampere 40"), not the product name, and is
 * only known for a few cards; the device id is the reliable key. Unknown ids fall back to Prism's name.
 */
public final class GpuCatalog {
    private static final long GIB = 1024;

    private static final List<GpuModel> MODELS = List.of(
            nvidia(0x1eb8, "Tesla T4", null, 15_360),
            nvidia(0x1db4, "Tesla V100-PCIE-16GB", null, 16 * GIB),
            nvidia(0x1db6, "Tesla V100-PCIE-32GB", null, 32 * GIB),
            nvidia(0x1db1, "Tesla V100-SXM2-16GB", null, 16 * GIB),
            nvidia(0x1db5, "Tesla V100-SXM2-32GB", null, 32 * GIB),
            nvidia(0x20f1, "NVIDIA A100-PCIE-40GB", null, 40 * GIB),
            nvidia(0x20b5, "NVIDIA A100 80GB PCIe", null, 80 * GIB),
            nvidia(0x20b0, "NVIDIA A100-SXM4-40GB", null, 40 * GIB),
            nvidia(0x20b2, "NVIDIA A100-SXM4-80GB", null, 80 * GIB),
            nvidia(0x2331, "NVIDIA H100 PCIe", null, 80 * GIB),
            nvidia(0x2330, "NVIDIA H100 80GB HBM3", null, 80 * GIB),
            nvidia(0x2321, "NVIDIA H100 NVL", null, 94 * GIB),
            nvidia(0x2335, "NVIDIA H200", null, 141 * GIB),
            nvidia(0x26b9, "NVIDIA L40S", "Lovelace 40S", 48 * GIB),
            nvidia(0x2235, "NVIDIA A40", "Ampere 40", 48 * GIB),
            nvidia(0x27b8, "NVIDIA L4", null, 24 * GIB),
            nvidia(0x2236, "NVIDIA A10", null, 24 * GIB),
            nvidia(0x26b5, "NVIDIA L40", null, 48 * GIB),
            amd(0x740f, "AMD Instinct MI210", 64 * GIB),
            amd(0x7408, "AMD Instinct MI250X", 128 * GIB),
            amd(0x740c, "AMD Instinct MI250", 128 * GIB),
            amd(0x74a1, "AMD Instinct MI300X", 192 * GIB),
            intel(0x56c0, "Intel Data Center GPU Flex 170", 16 * GIB),
            intel(0x56c1, "Intel Data Center GPU Flex 140", 12 * GIB),
            intel(0x0bd5, "Intel Data Center GPU Max 1550", 128 * GIB),
            intel(0x0bda, "Intel Data Center GPU Max 1100", 48 * GIB));

    private static final Map<Long, GpuModel> BY_KEY =
            MODELS.stream().collect(Collectors.toUnmodifiableMap(m -> key(m.vendor(), m.pciDeviceId()), Function.identity()));

    private GpuCatalog() {}

    /** Every known model, NVIDIA first. */
    public static List<GpuModel> all() {
        return MODELS;
    }

    /** The model with this vendor and PCI device id (decimal, as Prism reports it). */
    public static Optional<GpuModel> lookup(GpuVendor vendor, int pciDeviceId) {
        return Optional.ofNullable(BY_KEY.get(key(vendor, pciDeviceId)));
    }

    /** The model whose Nutanix display name ("Lovelace 40S") or product name is exactly this text. */
    public static Optional<GpuModel> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return MODELS.stream()
                .filter(m -> m.name().toLowerCase(Locale.ROOT).equals(n)
                        || m.prismName().map(p -> p.toLowerCase(Locale.ROOT).equals(n)).orElse(false))
                .findFirst();
    }

    private static long key(GpuVendor vendor, int deviceId) {
        return ((long) vendor.ordinal() << 32) | (deviceId & 0xffffffffL);
    }

    private static GpuModel nvidia(int id, String name, String prismName, long mib) {
        return new GpuModel(GpuVendor.NVIDIA, id, name, Optional.ofNullable(prismName), mib);
    }

    private static GpuModel amd(int id, String name, long mib) {
        return new GpuModel(GpuVendor.AMD, id, name, Optional.empty(), mib);
    }

    private static GpuModel intel(int id, String name, long mib) {
        return new GpuModel(GpuVendor.INTEL, id, name, Optional.empty(), mib);
    }
}
