package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/** A variable initializer: an expression or a braced list (possibly nested). */
public sealed interface Initializer {
    SourcePos pos();

    record Single(Expr value) implements Initializer {
        @Override
        public SourcePos pos() {
            return value.pos();
        }
    }

    record Braced(SourcePos pos, List<Initializer> elements) implements Initializer {}
}
