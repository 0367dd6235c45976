package io.cudawasm.kernels.opencl;

/** TornadoVM's prebuilt-kernel conventions the TORNADOVM ABI follows (TornadoVM 1.0.7 and later). */
public final class TornadoAbi {
    private TornadoAbi() {}

    /** Bytes before the first element of a TornadoVM native array (compressed class pointers). */
    public static final int ARRAY_HEADER_BYTES = 16;

    /** Hidden parameters before the kernel's own: context, constant region, local region, atomics. */
    public static final int HIDDEN_LEADING_PARAMS = 4;
}
