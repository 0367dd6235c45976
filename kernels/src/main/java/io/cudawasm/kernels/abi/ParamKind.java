package io.cudawasm.kernels.abi;

/** How a kernel parameter is passed. */
public enum ParamKind {
    /** A device pointer (8 bytes in the parameter block). */
    POINTER,
    /** An arithmetic value. */
    SCALAR,
    /** A struct passed by value (its bytes). */
    STRUCT
}
