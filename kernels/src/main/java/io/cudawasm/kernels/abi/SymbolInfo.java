package io.cudawasm.kernels.abi;

import io.cudawasm.kernels.types.AddressSpace;

/**
 * A {@code __constant__} or {@code __device__} variable the host can fill (cudaMemcpyToSymbol)
 * or read back.
 *
 * @param offset its address in the static data area of the CPU path
 * @param init initial little-endian bytes, or null for zeros
 */
public record SymbolInfo(String name, String emittedName, AddressSpace space, String type, int size, int offset,
        byte[] init) {}
