package io.cudawasm.nutanix.prism.model;

import java.util.Locale;

/** The {@code status} of a Prism {@code host_gpu}; anything but {@link #UNUSED} means the GPU is in use. */
public enum GpuStatus {
    UNUSED,
    USED_FOR_PASSTHROUGH,
    USED_FOR_VIRTUAL,
    /** A value this client does not know; treated as in use. */
    UNKNOWN;

    public static GpuStatus parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
