package io.cudawasm.nutanix.deploy;

import java.util.Optional;
import java.util.Set;

/**
 * A toleration to put on the worker pods instead of the vendor's default one.
 *
 * @param key taint key; with operator {@code Exists} and no key it tolerates everything
 * @param value taint value, only with operator {@code Equal}
 * @param effect {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute} or empty for all
 */
public record TolerationSpec(String key, String operator, Optional<String> value, Optional<String> effect) {
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    public TolerationSpec {
        if (!"Exists".equals(operator) && !"Equal".equals(operator)) {
            throw new IllegalArgumentException("toleration operator must be Exists or Equal, got " + operator);
        }
        if ("Exists".equals(operator) && value.isPresent()) {
            throw new IllegalArgumentException("toleration of " + key + " with operator Exists cannot have a value");
        }
        if (key != null && !key.isEmpty() && !KubernetesNames.isQualifiedName(key)) {
            throw new IllegalArgumentException("toleration key '" + key + "' is not a valid taint key");
        }
        if (effect.isPresent() && !EFFECTS.contains(effect.get())) {
            throw new IllegalArgumentException(
                    "toleration effect must be NoSchedule, PreferNoSchedule or NoExecute, got " + effect.get());
        }
    }

    /** Tolerates any value of {@code key} with the given effect. */
    public static TolerationSpec exists(String key, String effect) {
        return new TolerationSpec(key, "Exists", Optional.empty(), Optional.of(effect));
    }

    /**
     * Parses {@code KEY[=VALUE][:EFFECT]}: {@code nvidia.com/gpu:NoSchedule} tolerates any value,
     * {@code dedicated=gpu:NoSchedule} one value.
     */
    public static TolerationSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty toleration: expected KEY[=VALUE][:EFFECT]");
        }
        String body = text.strip();
        Optional<String> effect = Optional.empty();
        int colon = body.lastIndexOf(':');
        if (colon >= 0) {
            effect = Optional.of(body.substring(colon + 1));
            body = body.substring(0, colon);
        }
        int eq = body.indexOf('=');
        if (eq >= 0) {
            return new TolerationSpec(body.substring(0, eq), "Equal", Optional.of(body.substring(eq + 1)), effect);
        }
        return new TolerationSpec(body, "Exists", Optional.empty(), effect);
    }
}
