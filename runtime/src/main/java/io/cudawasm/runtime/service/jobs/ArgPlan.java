package io.cudawasm.runtime.service.jobs;

/** One kernel argument of a planned launch; buffers are referred to by name until the session exists. */
public sealed interface ArgPlan {
    /** A device pointer {@code offset} bytes into a job buffer. */
    record BufferRef(String buffer, long offset) implements ArgPlan {}

    /** A null pointer. */
    record NullPointer() implements ArgPlan {}

    /** A number, converted to the parameter type as C converts it. */
    record Scalar(Number value) implements ArgPlan {}

    /** A struct passed by value: its little-endian bytes. */
    record StructBytes(byte[] bytes) implements ArgPlan {}

    /** A tensor map over the tensor {@code offset} bytes into a job buffer, made at the launch. */
    record TensorMapRef(String buffer, long offset, io.cudawasm.runtime.launch.TensorMapSpec spec) implements ArgPlan {}
}
