package io.cudawasm.kernels.opencl;

import java.util.List;

/**
 * A kernel in an emitted OpenCL program.
 *
 * @param name the OpenCL kernel name ({@code KFunction.name()}, so mangled template names match)
 * @param sourceName how users name it
 * @param entry the {@code __kernel} function's name in the OpenCL C: {@code name}, unless that is an
 *     OpenCL built-in function ({@code rotate}, {@code dot}, ...), which a kernel cannot be named
 * @param args what the host passes, in argument order
 * @param phases how a kernel that synchronizes its grid runs as one launch per phase ({@link GridPhases}),
 *     null for other kernels
 * @param clusterDims the thread block cluster shape the kernel declares, or null (the OpenCL back end
 *     runs clusters of one block only: a work-group reaches no other's local memory)
 */
public record OpenClKernel(String name, String sourceName, String entry, List<ArgSlot> args, Phases phases,
        io.cudawasm.kernels.kir.ClusterDims clusterDims) {
    public OpenClKernel {
        args = List.copyOf(args);
    }

    /**
     * The state a phased kernel keeps between its launches: a 64-byte header, {@code frameBytes} per
     * work-item, {@code staticSharedBytes} plus the launch's dynamic shared bytes (rounded up to 16)
     * per work-group; {@code barriers} grid barriers.
     */
    public record Phases(int frameBytes, int staticSharedBytes, int barriers) {
        public static final int HEADER_BYTES = GridPhases.HEADER_BYTES;

        /** The state buffer's size for a launch, or -1 past {@code limit}. */
        public long stateBytes(long blocks, long threadsPerBlock, long dynamicSharedBytes, long limit) {
            long perBlock = (long) staticSharedBytes + ((dynamicSharedBytes + 15) & ~15L);
            double total = HEADER_BYTES + (double) blocks * threadsPerBlock * frameBytes + (double) blocks * perBlock;
            return total > limit ? -1 : (long) total;
        }
    }

    public boolean takes(Class<? extends ArgSlot> kind) {
        return args.stream().anyMatch(kind::isInstance);
    }
}
