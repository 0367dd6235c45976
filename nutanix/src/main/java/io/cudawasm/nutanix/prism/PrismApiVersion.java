package io.cudawasm.nutanix.prism;

import java.util.Locale;

/** The Prism Central REST API generation a client speaks. */
public enum PrismApiVersion {
    /** {@code /api/nutanix/v3}: intent-style {@code POST …/list} calls with {@code length}/{@code offset}. */
    V3,
    /** {@code /api/clustermgmt/v4.0} and {@code /api/vmm/v4.0}: OData lists with {@code $page}/{@code $limit}. */
    V4;

    /** {@code v3} or {@code v4}, as configured and as reported. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
