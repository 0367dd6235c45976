package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.source.Diagnostic;
import java.util.List;

/** What the executor answers: one reply per request except {@link Request.Cancel}. */
sealed interface Reply {

    /** The answer to {@link Request.Hello}: the back end is open. */
    record Ready(int version, String name, String device, long pid) implements Reply {}

    record Done() implements Reply {}

    record SymbolData(byte[] data) implements Reply {}

    record Launched(String kernel, String backend, String device, long elapsedNanos, int workers) implements Reply {}

    /**
     * A request that failed. {@code restart}: the executor may be unusable (a kernel still running
     * past its limit, a device error that sticks, a fault that may have corrupted memory) and must
     * be replaced before the next request.
     *
     * @param failure the {@code LaunchFailure} name for {@link Kind#LAUNCH}, else null
     */
    record Failed(Kind kind, String failure, String kernel, String message, List<Diagnostic> diagnostics,
            boolean restart) implements Reply {

        enum Kind {
            /** A {@code LaunchException}. */
            LAUNCH,
            /** A {@code CompileException}: the source or the device build failed. */
            COMPILE,
            /** An {@code IllegalArgumentException}: bad arguments, unknown buffer or symbol. */
            ARGUMENT,
            /** {@link Request.Open} without a compile request for a kernel the executor does not hold. */
            UNKNOWN_KERNEL,
            /** Anything else: the executor's own failure. */
            INTERNAL
        }
    }
}
