package io.cudawasm.nutanix.prism.sim;

import java.util.Locale;

/**
 * Which Prism Central APIs a simulator serves over its one estate. An API not served answers 404 on its
 * paths, as a Prism Central without it does: a {@link #V3_ONLY} simulator stands for a release before v4,
 * {@link #V4_ONLY} for one where v3 was switched off.
 */
public enum ServedApis {
    BOTH,
    V3_ONLY,
    V4_ONLY;

    public boolean servesV3() {
        return this != V4_ONLY;
    }

    public boolean servesV4() {
        return this != V3_ONLY;
    }

    /** {@code both}, {@code v3} or {@code v4}. */
    public static ServedApis parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "both", "all", "v3,v4", "v4,v3" -> BOTH;
            case "v3" -> V3_ONLY;
            case "v4" -> V4_ONLY;
            default -> throw new IllegalArgumentException("serve both, v3 or v4, not '" + text.trim() + "'");
        };
    }
}
