package io.cudawasm.kernels.check;

import java.util.List;

/**
 * Options of the checker.
 *
 * @param instantiations template kernels to instantiate, as a launch names them ({@code reduce<float, 256>})
 */
public record CheckOptions(List<String> instantiations) {
    public static final CheckOptions DEFAULT = new CheckOptions(List.of());

    public CheckOptions {
        instantiations = List.copyOf(instantiations);
    }
}
