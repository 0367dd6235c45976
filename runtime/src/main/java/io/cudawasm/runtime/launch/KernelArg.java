package io.cudawasm.runtime.launch;

import io.cudawasm.runtime.memory.DeviceBuffer;

/** An argument of a launch, matched to the kernel's parameter by position. */
public sealed interface KernelArg {

    /** A device pointer argument; {@code offset} bytes into the buffer. */
    record Buffer(DeviceBuffer buffer, long offset) implements KernelArg {
        public Buffer(DeviceBuffer buffer) {
            this(buffer, 0);
        }
    }

    /** A number, converted to the parameter's type as C converts it. */
    record Scalar(Number value) implements KernelArg {}

    /** The bytes of a struct passed by value (little-endian, CUDA layout). */
    record Bytes(byte[] value) implements KernelArg {}

    /**
     * A {@code CUtensorMap} (passed by value, {@code const __grid_constant__ CUtensorMap}) over the
     * tensor {@code offset} bytes into the buffer, which the back end encodes at the launch, when the
     * buffer's device address is known. The WebAssembly path and the CUDA back end (whose copies are
     * the same C over this layout); OpenCL refuses it.
     */
    record TensorMap(DeviceBuffer buffer, long offset, TensorMapSpec spec) implements KernelArg {}

    static KernelArg of(DeviceBuffer b) {
        return new Buffer(b);
    }

    static KernelArg of(Number n) {
        return new Scalar(n);
    }
}
