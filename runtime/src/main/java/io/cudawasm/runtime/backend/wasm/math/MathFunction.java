package io.cudawasm.runtime.backend.wasm.math;

import java.util.List;
import java.util.Objects;

/**
 * One host function: the name as imported by the WebAssembly module, parameter and result kinds, the raw
 * implementation, and its accuracy contract.
 *
 * @param name      imported name, e.g. {@code expf}, {@code __sinf}, {@code __umul64hi}
 * @param params    parameter kinds, in order
 * @param result    result kind
 * @param handle    implementation on raw bits (see {@link RawHandle})
 * @param ulpBound  CUDA's documented maximum error in ulps (CUDA C++ Programming Guide, Mathematical Functions
 *                  appendix, CUDA 12); 0 for exact functions and integer intrinsics; {@code Double.POSITIVE_INFINITY}
 *                  where CUDA states no ulp bound (see {@code boundNote})
 * @param boundNote the CUDA statement in words and what this implementation delivers
 */
public record MathFunction(String name, List<ValueKind> params, ValueKind result, RawHandle handle, double ulpBound,
                           String boundNote) {

    public MathFunction {
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(boundNote, "boundNote");
        if (Double.isNaN(ulpBound) || ulpBound < 0.0) {
            throw new IllegalArgumentException("ulpBound must be >= 0: " + ulpBound);
        }
    }

    public int arity() {
        return params.size();
    }
}
