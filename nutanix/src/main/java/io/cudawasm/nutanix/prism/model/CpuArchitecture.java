package io.cudawasm.nutanix.prism.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The CPU architecture of a host.
 *
 * <p>Prism v3 has no per-host architecture field, so it is derived: first from the host's
 * {@code cpu_model} (which names the CPU family, e.g. "Ampere(R) Altra(R) Q80-30" or "Intel(R) Xeon(R)
 * Gold 6442Y"), and only when that says nothing recognisable from the owning cluster's
 * {@code status.resources.config.cluster_arch}. The host field wins because it describes the very machine.
 */
public enum CpuArchitecture {
    X86_64,
    AARCH64,
    PPC64LE,
    UNKNOWN;

    private static final List<String> ARM_MARKERS = List.of(
            "aarch64", "arm64", "armv8", "armv9", "neoverse", "altra", "ampereone", "ampere(r)", "graviton",
            "thunderx", "kunpeng", "grace", "cortex", "(arm)", " arm ");
    private static final List<String> X86_MARKERS = List.of("xeon", "epyc", "intel", "amd", "x86", "core(tm)");
    private static final List<String> POWER_MARKERS = List.of("power8", "power9", "power10", "ppc64");

    public boolean isArm() {
        return this == AARCH64;
    }

    /** Lower-case name as Linux and Kubernetes write it ({@code x86_64}, {@code aarch64}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Recognises the architecture in a host's {@code cpu_model}, or {@link #UNKNOWN}. */
    public static CpuArchitecture fromCpuModel(String cpuModel) {
        if (cpuModel == null || cpuModel.isBlank()) {
            return UNKNOWN;
        }
        String m = " " + cpuModel.toLowerCase(Locale.ROOT) + " ";
        // ARM first: "Ampere(R) Altra(R)" must not be mistaken for anything else.
        if (ARM_MARKERS.stream().anyMatch(m::contains)) {
            return AARCH64;
        }
        if (POWER_MARKERS.stream().anyMatch(m::contains)) {
            return PPC64LE;
        }
        if (X86_MARKERS.stream().anyMatch(m::contains)) {
            return X86_64;
        }
        return UNKNOWN;
    }

    /** Reads a cluster's {@code cluster_arch} ({@code X86_64}, {@code AARCH64}, {@code PPC64LE}). */
    public static CpuArchitecture fromClusterArch(String clusterArch) {
        if (clusterArch == null) {
            return UNKNOWN;
        }
        String a = clusterArch.trim().toUpperCase(Locale.ROOT);
        return switch (a) {
            case "X86_64", "X86-64", "AMD64" -> X86_64;
            case "AARCH64", "ARM64", "ARM" -> AARCH64;
            case "PPC64LE", "PPC64" -> PPC64LE;
            default -> UNKNOWN;
        };
    }

    /** The host's {@code cpu_model} decides; the cluster's {@code cluster_arch} is the fallback. */
    public static CpuArchitecture detect(String cpuModel, Optional<String> clusterArch) {
        CpuArchitecture fromHost = fromCpuModel(cpuModel);
        return fromHost != UNKNOWN ? fromHost : clusterArch.map(CpuArchitecture::fromClusterArch).orElse(UNKNOWN);
    }
}
