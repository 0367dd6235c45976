package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.types.AddressSpace;
import java.util.List;

/**
 * What {@link FunctionWriter} needs to know about the function being printed beyond its KIR:
 * where its pointers point (OpenCL C must say so) and how its calls are spelled.
 */
public interface CallScope {

    /** The space a pointer-typed local points to. */
    AddressSpace spaceOf(KLocal local);

    /** The space a pointer-valued expression points to. */
    AddressSpace spaceOf(KExpr pointer);

    /** The emitted name of the function a call reaches. */
    String callee(KExpr.Call call);

    /** Arguments appended to a call for the callee's hidden parameters. */
    List<String> hiddenArguments(KExpr.Call call);
}
