package io.cudawasm.kernels.types;

/**
 * A bit-field: {@code width} bits from bit {@code bitOffset} (least significant first) of the
 * unsigned storage field {@code unit}, holding values of the {@code declared} type. Storage fields
 * are ordinary members to the back ends, so the C dialects (OpenCL C has no bit-fields) and the
 * Wasm emitter need nothing of their own.
 */
public record BitField(String name, Field unit, int bitOffset, int width, ScalarType declared) implements StructMember {}
