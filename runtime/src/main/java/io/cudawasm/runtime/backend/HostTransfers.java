package io.cudawasm.runtime.backend;

import io.cudawasm.runtime.memory.DeviceBuffer;
import java.nio.ByteBuffer;

/**
 * Copies between a device buffer and native host memory without a Java array in between: what an
 * executor uses to move data between shared memory and the device. Implemented by the sessions of
 * the OpenCL and CUDA back ends.
 */
public interface HostTransfers {

    /** Copies {@code source}'s remaining bytes (a direct buffer) to {@code buffer} at {@code offset}. */
    void write(DeviceBuffer buffer, long offset, ByteBuffer source);

    /** Fills {@code target}'s remaining bytes (a direct buffer) from {@code buffer} at {@code offset}. */
    void read(DeviceBuffer buffer, long offset, ByteBuffer target);
}
