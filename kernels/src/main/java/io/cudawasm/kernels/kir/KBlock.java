package io.cudawasm.kernels.kir;

import java.util.List;

/** A sequence of statements. */
public record KBlock(List<KStmt> statements) {
    public static final KBlock EMPTY = new KBlock(List.of());

    public KBlock {
        statements = List.copyOf(statements);
    }

    public boolean isEmpty() {
        return statements.isEmpty();
    }
}
