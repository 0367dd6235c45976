package io.cudawasm.kernels.opencl;

/**
 * Where a {@code __constant__} or {@code __device__} variable lives in the buffers an OpenCL
 * program takes instead of program-scope variables.
 *
 * @param name the emitted (unique) name; {@code sourceName} is how users name it
 * @param constant true for the constants buffer, false for the device-variables buffer
 * @param init little-endian initial bytes, or null for zeros
 */
public record SymbolSlot(String name, String sourceName, boolean constant, int offset, int size, byte[] init) {}
