package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.source.SourceFile;
import java.util.List;

/**
 * A parsed source file.
 *
 * @param multicasts whether it calls {@code cuda::ptx::cp_async_bulk} with a {@code ctaMask} (a
 *     multicast to a cluster's blocks): the checker then keeps mbarrier transaction counts
 *     ({@code check/TransactionCounts})
 */
public record TranslationUnit(SourceFile file, List<Decl> declarations, boolean multicasts) {
    public TranslationUnit(SourceFile file, List<Decl> declarations) {
        this(file, declarations, false);
    }
}
