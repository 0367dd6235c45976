package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;

/** Warp-level operations and cooperative-groups member functions. */
final class WarpOps {
    private WarpOps() {}

    static CompileException unsupported(String name, SourcePos pos) {
        return CompileException.at(pos, "unsupported CUDA feature: '" + name + "'");
    }

    static CompileException unsupportedMember(Expr.Member m, SourcePos pos) {
        return CompileException.at(pos, "member function call '" + m.name()
                + "()' is not supported: C++ member functions are not supported in device code");
    }
}
