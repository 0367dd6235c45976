package io.cudawasm.kernels.preprocess;

import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/** A {@code #define}: object-like when {@code params} is null. */
record Macro(String name, List<String> params, boolean variadic, List<Token> body, SourcePos definedAt) {

    boolean isFunctionLike() {
        return params != null;
    }

    /** C's rule for benign redefinition: same kind, parameters and body spelling. */
    boolean sameDefinitionAs(Macro other) {
        if (isFunctionLike() != other.isFunctionLike() || variadic != other.variadic) {
            return false;
        }
        if (isFunctionLike() && !params.equals(other.params)) {
            return false;
        }
        if (body.size() != other.body.size()) {
            return false;
        }
        for (int i = 0; i < body.size(); i++) {
            Token a = body.get(i);
            Token b = other.body.get(i);
            if (!a.text().equals(b.text()) || (i > 0 && a.spaceBefore() != b.spaceBefore())) {
                return false;
            }
        }
        return true;
    }
}
