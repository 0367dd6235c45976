package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;

/** What a name in an expression refers to. */
sealed interface Symbol {

    /** A local; for a C++ reference the local holds the referent's address. */
    record Local(KLocal local, boolean reference, boolean isConst) implements Symbol {}

    record Global(KGlobal global, boolean isConst) implements Symbol {}

    /** A compile-time constant: an enumerator, a const-initialized variable, a template value. */
    record Constant(KExpr value) implements Symbol {}
}
