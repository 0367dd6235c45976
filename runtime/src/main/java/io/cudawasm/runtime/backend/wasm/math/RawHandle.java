package io.cudawasm.runtime.backend.wasm.math;

/**
 * A host function on raw WebAssembly value bits, as Chicory passes them: f32 as {@code Float.floatToRawIntBits} in
 * the low 32 bits, f64 as {@code Double.doubleToRawLongBits}, i32 sign-extended, i64 as is. Arguments are read from
 * their low 32 bits (for f32 and i32) whatever the upper bits hold; 32-bit results are returned sign-extended, which
 * is what Chicory's {@code Value.floatToLong} produces.
 */
@FunctionalInterface
public interface RawHandle {
    long apply(long[] args);
}
