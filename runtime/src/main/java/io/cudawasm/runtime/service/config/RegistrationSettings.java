package io.cudawasm.runtime.service.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Self-registration settings (publishing this node's GPUs as Kubernetes labels). The worker reads
 * and reports them; the registration loop itself is added separately.
 *
 * @param mode {@code labels} or {@code nodefeature}
 */
public record RegistrationSettings(boolean enabled, Duration interval, String mode) {
    public static final RegistrationSettings DISABLED = new RegistrationSettings(false, Duration.ofSeconds(60), "labels");

    public RegistrationSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(mode, "mode");
    }
}
