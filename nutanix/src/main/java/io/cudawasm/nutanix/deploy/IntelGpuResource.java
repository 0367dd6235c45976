package io.cudawasm.nutanix.deploy;

import java.util.Locale;

/** The two extended resources Intel's GPU device plugin can advertise, one per kernel driver. */
public enum IntelGpuResource {
    /** The {@code i915} driver (Flex, Max and integrated GPUs up to now). */
    I915("gpu.intel.com/i915"),
    /** The newer {@code xe} driver. */
    XE("gpu.intel.com/xe");

    private final String resourceName;

    IntelGpuResource(String resourceName) {
        this.resourceName = resourceName;
    }

    public String resourceName() {
        return resourceName;
    }

    /** Parses {@code i915} or {@code xe}, or the full resource name. */
    public static IntelGpuResource parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (IntelGpuResource r : values()) {
            if (r.name().toLowerCase(Locale.ROOT).equals(t) || r.resourceName.equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown Intel GPU resource '" + text + "': expected i915 or xe");
    }
}
