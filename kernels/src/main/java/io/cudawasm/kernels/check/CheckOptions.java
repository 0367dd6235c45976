package io.cudawasm.kernels.check;

import java.util.List;

/**
 * Options of the checker.
 *
 * @param instantiations template kernels to instantiate, as a launch names them ({@code reduce<float, 256>})
 * @param deviceLimits sizes of the device heap and printf buffer
 */
public record CheckOptions(List<String> instantiations, io.cudawasm.kernels.devicelib.DeviceLimits deviceLimits) {
    public static final CheckOptions DEFAULT = new CheckOptions(List.of());

    public CheckOptions {
        instantiations = List.copyOf(instantiations);
        deviceLimits = deviceLimits == null ? io.cudawasm.kernels.devicelib.DeviceLimits.DEFAULT : deviceLimits;
    }

    public CheckOptions(List<String> instantiations) {
        this(instantiations, null);
    }
}
