package io.cudawasm.runtime.backend.wasm.math;

/** Wasm value kinds of host math functions. */
public enum ValueKind { I32, I64, F32, F64 }
