package io.cudawasm.runtime.backend;

import java.util.Optional;

/**
 * The argument checks of {@code cudaMemcpyToSymbol}-style writes, shared by every back end: the
 * symbol must exist, and the bytes must fit inside it. Each back end has its own symbol record.
 */
public final class SymbolChecks {
    private SymbolChecks() {}

    /** The symbol, or the error a user sees for a name the program does not define. */
    public static <S> S require(Optional<S> symbol, String name) {
        return symbol.orElseThrow(() -> new IllegalArgumentException("no __constant__ or __device__ variable named '"
                + name + "'"));
    }

    /** Refuses {@code length} bytes at {@code offset} that do not lie inside a symbol of {@code size} bytes. */
    public static void checkFits(String name, long size, long offset, long length) {
        if (offset < 0 || offset + length > size) {
            throw new IllegalArgumentException(length + " bytes at offset " + offset + " do not fit in '" + name + "' ("
                    + size + " bytes)");
        }
    }
}
