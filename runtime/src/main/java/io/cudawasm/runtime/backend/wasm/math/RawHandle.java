package io.cudawasm.runtime.backend.wasm.math;

/** A host function on raw Wasm bits (f32 in the low 32 bits, i32 sign-extended). */
@FunctionalInterface
public interface RawHandle {
    long apply(long[] args);
}
