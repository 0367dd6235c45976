package io.cudawasm.nutanix.prism.model;

import java.util.Locale;
import java.util.Optional;

/** The {@code mode} of a Prism {@code host_gpu}: a whole passed-through GPU or a vGPU profile. */
public enum GpuMode {
    PASSTHROUGH_GRAPHICS,
    PASSTHROUGH_COMPUTE,
    VIRTUAL;

    public boolean isPassthrough() {
        return this != VIRTUAL;
    }

    public static Optional<GpuMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
