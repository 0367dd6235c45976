package io.cudawasm.nutanix;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The worker's own node labels and annotation, all under {@code cuda-wasm.io/}.
 *
 * <p>Self-registration publishes them on the node a worker runs on; the deployment generator uses
 * {@link #GPU_MODE} for its passthrough/vGPU preference. Label values may hold at most 63 characters
 * from {@code [A-Za-z0-9._-]} and must start and end with an alphanumeric, so free text (GPU model
 * names) goes through {@link #sanitizeValue(String)} and lists use dots, never commas.
 */
public final class NodeLabels {
    public static final String PREFIX = "cuda-wasm.io/";

    /** {@code nvidia}, {@code amd}, {@code intel} or {@code none}. */
    public static final String GPU_VENDOR = PREFIX + "gpu-vendor";
    /** GPU model, sanitized (for example {@code NVIDIA-L40S} or {@code Lovelace-40S}). */
    public static final String GPU_MODEL = PREFIX + "gpu-model";
    /** {@code passthrough}, {@code vgpu} or {@code none}. */
    public static final String GPU_MODE = PREFIX + "gpu-mode";
    /** Number of GPUs the node's VM sees, in decimal. */
    public static final String GPU_COUNT = PREFIX + "gpu-count";
    /** Frame buffer of one GPU in MiB, in decimal. */
    public static final String GPU_MEMORY = PREFIX + "gpu-memory";
    /** Usable back ends joined with dots, for example {@code cuda.opencl.wasm}. */
    public static final String BACKENDS = PREFIX + "backends";
    /** Annotation (not a label: values are unbounded JSON) with the full capability document. */
    public static final String CAPABILITIES_ANNOTATION = PREFIX + "capabilities";

    public static final String VENDOR_NONE = "none";
    public static final String MODE_PASSTHROUGH = "passthrough";
    public static final String MODE_VGPU = "vgpu";
    public static final String MODE_NONE = "none";

    /** Longest label value Kubernetes accepts. */
    public static final int MAX_VALUE_LENGTH = 63;

    private static final Pattern VALID_VALUE =
            Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final Pattern INVALID_RUNS = Pattern.compile("[^A-Za-z0-9._-]+");

    private NodeLabels() {}

    /** The {@link #GPU_VENDOR} value of a vendor, or {@code none} for a CPU-only node. */
    public static String vendorValue(Optional<GpuVendor> vendor) {
        return vendor.map(v -> v.name().toLowerCase(Locale.ROOT)).orElse(VENDOR_NONE);
    }

    /** The {@link #BACKENDS} value: back-end names sanitized and joined with dots, in the given order. */
    public static String backendsValue(Collection<String> backends) {
        String joined = backends.stream()
                .map(NodeLabels::sanitizeValue)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.joining("."));
        return sanitizeValue(joined);
    }

    /** True when Kubernetes accepts {@code value} as a label value (the empty string included). */
    public static boolean isValidValue(String value) {
        return value != null && value.length() <= MAX_VALUE_LENGTH && VALID_VALUE.matcher(value).matches();
    }

    /**
     * Turns arbitrary text into a valid label value: each run of disallowed characters becomes one
     * {@code -}, the result is cut to 63 characters and non-alphanumerics are trimmed from both ends.
     * Text with no usable character gives the empty string, which is a valid label value.
     */
    public static String sanitizeValue(String raw) {
        if (raw == null) {
            return "";
        }
        String s = INVALID_RUNS.matcher(raw.strip()).replaceAll("-");
        s = trimNonAlphanumeric(s);
        if (s.length() > MAX_VALUE_LENGTH) {
            s = trimNonAlphanumeric(s.substring(0, MAX_VALUE_LENGTH));
        }
        return s;
    }

    private static String trimNonAlphanumeric(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && !isAsciiAlphanumeric(s.charAt(start))) {
            start++;
        }
        while (end > start && !isAsciiAlphanumeric(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
