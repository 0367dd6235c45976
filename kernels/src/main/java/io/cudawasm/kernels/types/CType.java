package io.cudawasm.kernels.types;

/** A C type as CUDA device code sees it (LP64: long and pointers are 64-bit). */
public sealed interface CType permits ScalarType, PointerType, ArrayType, StructType, VoidType {

    /** Size in bytes (as sizeof reports it). */
    int size();

    int align();

    /** The type as C would spell it, for messages and the C emitters. */
    String display();

    default boolean isScalar() {
        return this instanceof ScalarType;
    }

    default boolean isInteger() {
        return this instanceof ScalarType s && s.kind().isInteger();
    }

    default boolean isFloating() {
        return this instanceof ScalarType s && s.kind().isFloating();
    }

    default boolean isArithmetic() {
        return this instanceof ScalarType;
    }

    /** A pointer to a device function (an integer to the back ends, see {@link ScalarType#function()}). */
    default boolean isFunctionPointer() {
        return this instanceof ScalarType s && s.function() != null;
    }

    default boolean isPointer() {
        return this instanceof PointerType;
    }

    default boolean isVoid() {
        return this instanceof VoidType;
    }

    /** Arithmetic or pointer: may be used as a condition. */
    default boolean isScalarOrPointer() {
        return isArithmetic() || isPointer();
    }
}
