package io.cudawasm.runtime.backend.wasm.math;

/** WebAssembly value types of host-function parameters and results. */
public enum ValueKind {
    I32, I64, F32, F64
}
