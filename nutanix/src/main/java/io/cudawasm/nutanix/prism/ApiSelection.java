package io.cudawasm.nutanix.prism;

import java.util.Objects;

/**
 * The API a client ended up using, and how it was chosen.
 *
 * @param version the API in use
 * @param choice  what was configured; with {@link ApiVersionChoice#AUTO}, {@code version} is what the probe found
 */
public record ApiSelection(PrismApiVersion version, ApiVersionChoice choice) {

    public ApiSelection {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(choice, "choice");
    }

    /** "v4 (auto)", "v3 (auto: v4 not offered)", "v3 (configured)". */
    public String describe() {
        if (choice != ApiVersionChoice.AUTO) {
            return version.label() + " (configured)";
        }
        return version == PrismApiVersion.V4 ? "v4 (auto)" : "v3 (auto: v4 not offered)";
    }
}
