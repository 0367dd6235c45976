package io.cudawasm.kernels.opencl;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.types.AddressSpace;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One OpenCL C function made from a KIR function for one combination of the address spaces its
 * pointer parameters point to (OpenCL C 1.2 has no generic space, so a device function called
 * with a global and with a shared pointer is printed twice).
 */
final class FunctionInstance {
    /** The function and its pointer parameters' spaces (null for non-pointer parameters). */
    record Key(KFunction function, List<AddressSpace> paramSpaces) {}

    private final Key key;
    private final String emittedName;
    /** Where each pointer-typed local points. */
    final Map<KLocal, AddressSpace> spaces = new HashMap<>();
    /** The instance each call expression reaches (by identity of the call node). */
    final Map<KExpr.Call, FunctionInstance> calls = new java.util.IdentityHashMap<>();
    /** Where a returned pointer points (BOTTOM-free after analysis). */
    AddressSpace returnSpace;
    /** Hidden parameters this instance and everything it calls need. */
    final Set<HiddenParam> hidden = EnumSet.noneOf(HiddenParam.class);
    /** Static shared variables reached (each is a hidden pointer parameter in device functions). */
    final Map<String, io.cudawasm.kernels.kir.KGlobal> shared = new LinkedHashMap<>();

    FunctionInstance(Key key, String emittedName) {
        this.key = key;
        this.emittedName = emittedName;
    }

    Key key() {
        return key;
    }

    KFunction function() {
        return key.function();
    }

    String emittedName() {
        return emittedName;
    }
}
