package io.cudawasm.kernels.types;

/**
 * Where a pointer points. CUDA pointers are generic; the compiler infers the space where it can
 * (OpenCL needs it), and GENERIC means "not known statically".
 */
public enum AddressSpace {
    GENERIC,
    GLOBAL,
    SHARED,
    CONSTANT,
    LOCAL
}
