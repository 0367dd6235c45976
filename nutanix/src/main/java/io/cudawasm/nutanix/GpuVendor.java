package io.cudawasm.nutanix;

import java.util.Locale;
import java.util.Optional;

/** GPU vendors known to Prism Central and to Kubernetes device plugins. */
public enum GpuVendor {
    NVIDIA("10de"),
    AMD("1002"),
    INTEL("8086");

    private final String pciVendorId;

    GpuVendor(String pciVendorId) {
        this.pciVendorId = pciVendorId;
    }

    /** Four hex digits, lower case, as NFD writes them in {@code feature.node.kubernetes.io/pci-<id>.present}. */
    public String pciVendorId() {
        return pciVendorId;
    }

    /** Parses Prism v3 ({@code NVIDIA}), v4 ({@code kNvidia}) and user spellings ({@code nvidia}, {@code amd}). */
    public static Optional<GpuVendor> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("K") && t.length() > 1 && !t.equals("K")) {
            String rest = t.substring(1);
            for (GpuVendor v : values()) {
                if (v.name().equals(rest)) {
                    return Optional.of(v);
                }
            }
        }
        for (GpuVendor v : values()) {
            if (v.name().equals(t) || v.pciVendorId.equalsIgnoreCase(t)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
