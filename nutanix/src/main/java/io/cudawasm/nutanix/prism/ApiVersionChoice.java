package io.cudawasm.nutanix.prism;

import java.util.Locale;
import java.util.Optional;

/**
 * Which Prism Central API to use ({@code NUTANIX_API_VERSION}): a fixed one, or {@link #AUTO}, which asks
 * Prism Central whether it offers v4 (one cheap v4 request on first use) and falls back to v3 when the v4
 * path is not there (HTTP 404).
 */
public enum ApiVersionChoice {
    AUTO,
    V3,
    V4;

    /** The version this choice fixes, or empty for {@link #AUTO}. */
    public Optional<PrismApiVersion> fixed() {
        return switch (this) {
            case AUTO -> Optional.empty();
            case V3 -> Optional.of(PrismApiVersion.V3);
            case V4 -> Optional.of(PrismApiVersion.V4);
        };
    }

    /** {@code auto}, {@code v3} or {@code v4}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code auto}, {@code v3} or {@code v4} in any case; {@code 3} and {@code 4} are accepted too. */
    public static ApiVersionChoice parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "auto", "" -> AUTO;
            case "v3", "3" -> V3;
            case "v4", "4" -> V4;
            default -> throw new IllegalArgumentException(
                    "the Prism API version must be auto, v3 or v4, was '" + text.trim() + "'");
        };
    }
}
