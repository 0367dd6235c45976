package io.cudawasm.kernels.types;

/** A member as a struct declares it: a field, or a bit-field kept in a hidden storage field. */
public sealed interface StructMember permits Field, BitField {
    String name();
}
