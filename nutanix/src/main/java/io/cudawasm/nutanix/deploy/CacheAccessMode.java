package io.cudawasm.nutanix.deploy;

import java.util.Locale;

/** Access mode of the kernel-cache claim; it decides whether replicas on different nodes can share one claim. */
public enum CacheAccessMode {
    READ_WRITE_ONCE("ReadWriteOnce", "RWO", false),
    READ_WRITE_ONCE_POD("ReadWriteOncePod", "RWOP", false),
    READ_WRITE_MANY("ReadWriteMany", "RWX", true);

    private final String kubernetesName;
    private final String shortName;
    private final boolean sharedAcrossNodes;

    CacheAccessMode(String kubernetesName, String shortName, boolean sharedAcrossNodes) {
        this.kubernetesName = kubernetesName;
        this.shortName = shortName;
        this.sharedAcrossNodes = sharedAcrossNodes;
    }

    /** The value written in {@code spec.accessModes}. */
    public String kubernetesName() {
        return kubernetesName;
    }

    public String shortName() {
        return shortName;
    }

    /** True when pods on different nodes can mount the same claim at once (no Multi-Attach error). */
    public boolean sharedAcrossNodes() {
        return sharedAcrossNodes;
    }

    /** Parses {@code RWO}, {@code RWOP}, {@code RWX} or the Kubernetes spelling, case-insensitively. */
    public static CacheAccessMode parse(String text) {
        String t = text == null ? "" : text.strip();
        for (CacheAccessMode m : values()) {
            if (m.shortName.equalsIgnoreCase(t) || m.kubernetesName.equalsIgnoreCase(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "unknown access mode '" + text + "': expected RWO, RWOP, RWX or the Kubernetes name");
    }

    @Override
    public String toString() {
        return shortName.toUpperCase(Locale.ROOT);
    }
}
