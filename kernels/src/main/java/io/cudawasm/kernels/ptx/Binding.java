package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;

/** What a name in PTX refers to. */
sealed interface Binding {

    /** A register (a local of its PTX type). */
    record Register(KLocal local, PtxType type) implements Binding {}

    /**
     * A {@code .param}: a function parameter, a {@code .func}'s return value, or a parameter
     * declared for a call. Scalars live in a local of their type, arrays ({@code .b8 p[16]}) in
     * a local struct of that many bytes.
     */
    record Param(KLocal local, PtxVariable decl) implements Binding {}

    /** A {@code .global}, {@code .const} or {@code .shared} variable. */
    record Global(KGlobal global) implements Binding {}

    /** A {@code .local} variable of the function (a local array in memory). */
    record Local(KLocal local) implements Binding {}

    record Function(KFunction function, PtxFunction decl) implements Binding {}
}
