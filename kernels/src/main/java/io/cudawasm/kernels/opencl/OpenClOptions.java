package io.cudawasm.kernels.opencl;

/**
 * How to print OpenCL C for one device.
 *
 * @param abi the kernel calling convention
 * @param subgroups the device has {@code cl_khr_subgroups} with shuffles and ballots and runs sub-groups
 *     of 32 work-items: warp operations map to them (else they are emulated through local memory)
 * @param int64Atomics the device has {@code cl_khr_int64_base_atomics} and {@code _extended_atomics}
 * @param constantsInGlobalMemory {@code __constant__} variables exceed the device's constant buffer:
 *     keep them in a global buffer instead
 * @param guardDivision integer division by zero (and INT_MIN / -1) is reported as a fault and yields
 *     0 instead of crashing the host process (PoCL runs kernels in-process, where x86 raises SIGFPE)
 * @param slicedGrid kernels take the block offset and grid size as an argument, so the host can run a
 *     grid in slices (for time limits and cancellation between slices)
 * @param injectAfter test hook: after the first assignment to the local with this name, insert
 *     {@link #injectCode} (to check that build errors map back to CUDA lines); null for none
 * @param injectCode the line to insert
 */
public record OpenClOptions(Abi abi, boolean subgroups, boolean int64Atomics, boolean constantsInGlobalMemory,
        boolean guardDivision, boolean slicedGrid, String injectAfter, String injectCode) {

    /** Kernel calling conventions. */
    public enum Abi {
        /** Pointers as {@code __global} buffers, hidden arguments after the CUDA parameters. */
        STANDARD,
        /**
         * TornadoVM's prebuilt-task convention: four leading hidden parameters, arrays as
         * {@code __global uchar*} with a 16-byte header, scalars by value; no struct parameters and no
         * dynamic shared memory.
         */
        TORNADOVM
    }

    /** For a device with 64-bit atomics and no sub-groups (PoCL, most GPUs through OpenCL 1.2). */
    public static final OpenClOptions DEFAULT = new OpenClOptions(Abi.STANDARD, false, true, false, true, true, null,
            null);

    public OpenClOptions withAbi(Abi a) {
        return new OpenClOptions(a, subgroups, int64Atomics, constantsInGlobalMemory, guardDivision,
                a == Abi.STANDARD && slicedGrid, injectAfter, injectCode);
    }

    public OpenClOptions withSubgroups(boolean s) {
        return new OpenClOptions(abi, s, int64Atomics, constantsInGlobalMemory, guardDivision, slicedGrid, injectAfter,
                injectCode);
    }

    public OpenClOptions withInt64Atomics(boolean a) {
        return new OpenClOptions(abi, subgroups, a, constantsInGlobalMemory, guardDivision, slicedGrid, injectAfter,
                injectCode);
    }

    public OpenClOptions withConstantsInGlobalMemory(boolean g) {
        return new OpenClOptions(abi, subgroups, int64Atomics, g, guardDivision, slicedGrid, injectAfter, injectCode);
    }

    public OpenClOptions withGuardDivision(boolean g) {
        return new OpenClOptions(abi, subgroups, int64Atomics, constantsInGlobalMemory, g, slicedGrid, injectAfter,
                injectCode);
    }

    public OpenClOptions withSlicedGrid(boolean s) {
        return new OpenClOptions(abi, subgroups, int64Atomics, constantsInGlobalMemory, guardDivision, s, injectAfter,
                injectCode);
    }

    /** Test hook: see {@link #injectAfter}. */
    public OpenClOptions withInjection(String afterLocal, String code) {
        return new OpenClOptions(abi, subgroups, int64Atomics, constantsInGlobalMemory, guardDivision, slicedGrid,
                afterLocal, code);
    }
}
