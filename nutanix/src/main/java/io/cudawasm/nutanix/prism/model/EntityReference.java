package io.cudawasm.nutanix.prism.model;

import java.util.Objects;

/** A Prism v3 reference to another entity: {@code {"kind":"host","uuid":"…","name":"…"}}. */
public record EntityReference(String kind, String uuid, String name) {
    public EntityReference {
        Objects.requireNonNull(uuid, "uuid");
        kind = kind == null ? "" : kind;
        name = name == null ? "" : name;
    }
}
