package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.NodeLabels;
import java.util.Locale;
import java.util.Optional;

/** Which kind of GPU attachment a worker prefers; matched against the {@link NodeLabels#GPU_MODE} node label. */
public enum GpuModePreference {
    /** A whole GPU passed through to the node's VM: maximum performance, full CUDA. */
    PASSTHROUGH(NodeLabels.MODE_PASSTHROUGH),
    /** An NVIDIA vGPU (GRID) slice: shared, cheaper, compute profiles end in {@code C}. */
    VGPU(NodeLabels.MODE_VGPU),
    /** No preference: any GPU node of the vendor will do. */
    ANY(null);

    private final String labelValue;

    GpuModePreference(String labelValue) {
        this.labelValue = labelValue;
    }

    /** The node label value this preference selects; empty for {@link #ANY}. */
    public Optional<String> labelValue() {
        return Optional.ofNullable(labelValue);
    }

    /** The spelling used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code passthrough}, {@code vgpu} or {@code any}, case-insensitively. */
    public static GpuModePreference parse(String text) {
        for (GpuModePreference m : values()) {
            if (m.cliName().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown GPU mode '" + text + "': expected passthrough, vgpu or any");
    }
}
