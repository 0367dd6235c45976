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
 * @param align the declaration's {@code __align__}/{@code alignas} (0: the type's); bulk tensor
 *     copies need 128 bytes (1,024 when swizzled) wherever the variable falls among others
 */
public record KGlobal(String name, CType type, AddressSpace space, byte[] init, boolean externShared,
        SourcePos pos, int align) {

    public KGlobal(String name, CType type, AddressSpace space, byte[] init, boolean externShared, SourcePos pos) {
        this(name, type, space, init, externShared, pos, 0);
    }

    public int size() {
        return type.size();
    }

    /** The address's alignment: the type's, or more where the declaration asks for it. */
    public int alignment() {
        return Math.max(Math.max(1, type.align()), align);
    }
}
