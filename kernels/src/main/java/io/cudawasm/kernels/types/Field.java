package io.cudawasm.kernels.types;

/** A struct member at a byte offset. */
public record Field(String name, CType type, int offset) implements StructMember {}
