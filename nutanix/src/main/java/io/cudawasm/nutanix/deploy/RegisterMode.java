package io.cudawasm.nutanix.deploy;

import java.util.Locale;

/** How a worker publishes its node's capabilities; decides the RBAC the generator grants. */
public enum RegisterMode {
    /** Patches {@code cuda-wasm.io/*} labels onto its Node: needs {@code get} and {@code patch} on nodes. */
    LABELS("labels"),
    /** Writes an NFD {@code NodeFeature} object in its namespace; NFD's master turns it into labels. */
    NODE_FEATURE("nodefeature");

    private final String configValue;

    RegisterMode(String configValue) {
        this.configValue = configValue;
    }

    /** The value of {@code CUDA_WASM_REGISTER_MODE}. */
    public String configValue() {
        return configValue;
    }

    public static RegisterMode parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (RegisterMode m : values()) {
            if (m.configValue.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown register mode '" + text + "': expected labels or nodefeature");
    }
}
