package io.cudawasm.nutanix.deploy;

import java.util.Locale;

/** One object's outcome: {@code statefulset/cuda-wasm-worker in cuda-wasm: created}. */
public record AppliedObject(String kind, String namespace, String name, ApplyAction action) {

    /** {@code kind/name}, as kubectl prints it. */
    public String reference() {
        return kind.toLowerCase(Locale.ROOT) + "/" + name;
    }

    /** A progress line such as {@code created statefulset/cuda-wasm-worker (namespace cuda-wasm)}. */
    public String describe() {
        return action.verb() + " " + reference() + (namespace == null ? "" : " (namespace " + namespace + ")");
    }
}
