package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.CompileLimits;
import io.cudawasm.kernels.CompileRequest;
import java.util.List;

/**
 * What the worker asks its executor, one message at a time (version {@link Wire#VERSION}). Buffer
 * contents never travel here: they lie in shared memory ({@link SharedFile}), and {@link Write} and
 * {@link Read} only name the range to copy between that memory and the device.
 */
sealed interface Request {

    /**
     * The first message: the protocol version the worker speaks, the device to open, and the limits
     * kernels are compiled under (the worker's, with the executor's extra time already added).
     */
    record Hello(int version, String device, CompileLimits limits) implements Request {}

    /**
     * A session on a compiled kernel. {@code request} is null when the executor should already
     * know {@code kernelKey}; it answers {@link Reply.Failed.Kind#UNKNOWN_KERNEL} when it does not.
     */
    record Open(long session, String kernelKey, CompileRequest request) implements Request {}

    /** A device buffer of {@code bytes} and its host side: the shared file (null when empty). */
    record Allocate(long session, int buffer, long bytes, String file) implements Request {}

    /** Shared memory to device, {@code [offset, offset + length)}. */
    record Write(long session, int buffer, long offset, long length) implements Request {}

    /** Device to shared memory, {@code [offset, offset + length)}. */
    record Read(long session, int buffer, long offset, long length) implements Request {}

    record WriteSymbol(long session, String symbol, long offset, byte[] data) implements Request {}

    record ReadSymbol(long session, String symbol) implements Request {}

    /**
     * A launch; {@code timeLimitNanos} is negative when there is none. {@code cancellable}: the
     * worker may send {@link Cancel} for it (OpenCL then runs the grid in slices it can stop
     * between, as it does for a time limit). {@code cooperative}: a cooperative launch was asked for.
     */
    /** A launch; {@code cluster} is the launch's cluster shape in blocks, or null to leave it to the kernel. */
    record Launch(long session, String kernel, int[] grid, int[] block, int sharedBytes, List<Arg> args,
            long timeLimitNanos, boolean cancellable, boolean cooperative, int[] cluster, boolean independentThreads)
            implements Request {}

    record Close(long session) implements Request {}

    /** Stops the launch answering request {@code target}, if it is still running (no reply of its own). */
    record Cancel(long target) implements Request {}

    /**
     * Test hook, refused unless the executor was started with test hooks: the next launch
     * crashes the executor instead of running ({@code halt}: exit 134 as abort() gives;
     * {@code segv}: a write to address 0, which the JVM reports as SIGSEGV).
     */
    record ArmCrash(String mode) implements Request {}

    /** Release everything and exit. */
    record Shutdown() implements Request {}

    /**
     * A launch argument as it crosses: a buffer of the session, a typed number, struct bytes, a null
     * pointer, a tensor map over a buffer of the session (made by the executor's back end at the launch).
     */
    sealed interface Arg {
        record Buffer(int buffer, long offset) implements Arg {}

        record TensorMap(int buffer, long offset, io.cudawasm.runtime.launch.TensorMapSpec spec) implements Arg {}

        record Scalar(Number value) implements Arg {}

        record Bytes(byte[] value) implements Arg {}

        record Null() implements Arg {}
    }
}
