package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;

/**
 * A variable with static storage: {@code __constant__} and {@code __device__} variables (filled
 * from the host, like cudaMemcpyToSymbol) and {@code __shared__} variables (one per block).
 *
 * @param init little-endian initial bytes, or null for zero
 * @param externShared an {@code extern __shared__} array sized by the launch
 */
public record KGlobal(String name, CType type, AddressSpace space, byte[] init, boolean externShared,
        SourcePos pos) {

    public int size() {
        return type.size();
    }
}
