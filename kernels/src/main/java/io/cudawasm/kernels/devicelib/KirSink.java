package io.cudawasm.kernels.devicelib;

import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.types.CType;

/** Where the device library's lowerings put their statements: the function being lowered by a front end. */
public interface KirSink {
    /** A new local of the function. */
    KLocal temp(String name, CType type);

    void emit(KStmt statement);
}
