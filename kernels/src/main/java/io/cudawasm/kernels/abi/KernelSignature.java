package io.cudawasm.kernels.abi;

import java.util.List;

/**
 * A kernel's launch interface.
 *
 * @param name the symbol every back end exports (template instances are mangled)
 * @param sourceName how users name it, e.g. {@code reduce<float, 256>}
 * @param paramBytes size of the parameter block
 */
public record KernelSignature(String name, String sourceName, List<ParamInfo> params, int paramBytes) {
    public KernelSignature {
        params = List.copyOf(params);
    }
}
