package io.cudawasm.runtime.backend.wasm.math;

import java.util.List;

/** One host math function as the Wasm modules import it. */
public record MathFunction(String name, List<ValueKind> params, ValueKind result, RawHandle handle, double ulpBound,
        String boundNote) {}
