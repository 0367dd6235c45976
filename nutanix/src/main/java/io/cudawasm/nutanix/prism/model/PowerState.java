package io.cudawasm.nutanix.prism.model;

import java.util.Locale;

/** A VM's {@code status.resources.power_state}. */
public enum PowerState {
    ON,
    OFF,
    PAUSED,
    UNKNOWN;

    /** Maps Prism's text; anything unexpected becomes {@link #UNKNOWN}. */
    public static PowerState parse(String text) {
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
