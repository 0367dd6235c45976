package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/**
 * A declaration in a state space: a register ({@code .reg .b32 %r<6>} declares %r0..%r5), a
 * parameter, or a variable in global, constant, shared or local memory.
 *
 * @param vector 0, or 2/4/8 for {@code .v2}/{@code .v4}/{@code .v8} declarations
 * @param align the declared alignment in bytes, or 0 for the natural one
 * @param count 0 for a scalar, the number of elements of an array (all dimensions), -1 for {@code []}
 * @param registerRange for {@code %r<N>}, N; else 0
 * @param init initial values, flattened (empty when there is no initializer)
 */
public record PtxVariable(StateSpace space, PtxType type, int vector, int align, String name, long count,
        int registerRange, List<PtxLiteral> init, boolean external, SourcePos pos) {

    public PtxVariable {
        init = List.copyOf(init);
    }

    public boolean isArray() {
        return count != 0;
    }

    /** The alignment in bytes, natural unless declared. */
    public int alignment() {
        int natural = type.bytes() * Math.max(1, vector);
        return Math.max(align, natural);
    }

    /** Size in bytes (0 for an unsized array). */
    public long size() {
        long elems = count == 0 ? 1 : Math.max(0, count);
        return elems * type.bytes() * Math.max(1, vector);
    }
}
