package io.cudawasm.kernels.opencl;

/** One argument of an emitted OpenCL kernel, in order: what the host passes there. */
public sealed interface ArgSlot {

    /** The CUDA parameter with this index (a buffer, a number or struct bytes). */
    record Param(int index) implements ArgSlot {}

    /** The buffer holding the {@code __constant__} variables. */
    record Constants() implements ArgSlot {}

    /** The buffer holding the {@code __device__} variables. */
    record DeviceVariables() implements ArgSlot {}

    /** A {@code __local} allocation of the launch's dynamic shared-memory bytes. */
    record DynamicShared() implements ArgSlot {}

    /** A {@code __local} allocation of {@code 8 * threads per block} bytes for emulated warp operations. */
    record WarpScratch() implements ArgSlot {}

    /** A {@code __local int} (16 bytes are passed) that {@code __syncthreads_count/and/or} and divergent loops' votes count in. */
    record BlockReduce() implements ArgSlot {}

    /** Two ints the kernel sets on a trap or fault: code and CUDA line; zero before the launch. */
    record Status() implements ArgSlot {}

    /** A {@code uint8}: block offset x, y, z and grid size x, y, z of the whole launch, then two zeros. */
    record Grid() implements ArgSlot {}

    /** A phased kernel's state buffer ({@link OpenClKernel.Phases}): header, frames, shared memory. */
    record PhaseState() implements ArgSlot {}

    /** A phased kernel's {@code uint}: the grid barrier this launch resumes after, 0 for the first. */
    record Phase() implements ArgSlot {}

    /** TornadoVM ABI: {@code __global long* _kernel_context}. */
    record TornadoKernelContext() implements ArgSlot {}

    /** TornadoVM ABI: {@code __constant uchar* _constant_region}. */
    record TornadoConstantRegion() implements ArgSlot {}

    /**
     * TornadoVM ABI: {@code __local uchar* _local_region}; with {@code warpScratch} it holds the
     * warp-operation scratch, 8 bytes per thread of the block, and then 16 bytes more; the block
     * reduction's counter is its first int after the scratch (or at its start).
     */
    record TornadoLocalRegion(boolean warpScratch) implements ArgSlot {}

    /** TornadoVM ABI: {@code __global int* _atomics}. */
    record TornadoAtomics() implements ArgSlot {}
}
