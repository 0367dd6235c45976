package io.cudawasm.runtime.backend;

import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.List;

/**
 * A loaded module on one device with its allocations, like a CUDA context with one module:
 * buffers live until the session closes, launches run in order (a stream).
 */
public interface DeviceSession extends AutoCloseable {

    DeviceBuffer allocate(long bytes);

    void write(DeviceBuffer buffer, long offset, byte[] data);

    byte[] read(DeviceBuffer buffer, long offset, int length);

    /** cudaMemcpyToSymbol: fills a {@code __constant__} or {@code __device__} variable. */
    void writeSymbol(String symbol, long offset, byte[] data);

    byte[] readSymbol(String symbol);

    /** Runs a kernel to completion; throws {@link io.cudawasm.runtime.launch.LaunchException} on failure. */
    LaunchStats launch(String kernel, LaunchConfig config, List<KernelArg> args, LaunchOptions options);

    @Override
    void close();
}
