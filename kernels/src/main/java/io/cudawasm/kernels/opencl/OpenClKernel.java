package io.cudawasm.kernels.opencl;

import java.util.List;

/**
 * A kernel in an emitted OpenCL program.
 *
 * @param name the OpenCL kernel name ({@code KFunction.name()}, so mangled template names match)
 * @param sourceName how users name it
 * @param args what the host passes, in argument order
 */
public record OpenClKernel(String name, String sourceName, List<ArgSlot> args) {
    public OpenClKernel {
        args = List.copyOf(args);
    }

    public boolean takes(Class<? extends ArgSlot> kind) {
        return args.stream().anyMatch(kind::isInstance);
    }
}
