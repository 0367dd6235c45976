package io.cudawasm.runtime.executor;

import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import java.time.Duration;

/**
 * PoCL's device behind an executor process, as the worker runs it. One shared back end for the
 * suites that only need results ({@code CrossBackendTest}); fault tests make their own, so a crash
 * loop they provoke stays theirs.
 */
public final class ExecutorTestDevice {
    private static ExecutorBackend shared;
    private static ExecutorBackend tornado;

    private ExecutorTestDevice() {}

    /** Executors as in production, with test hooks on. */
    public static ExecutorSettings settings() {
        return ExecutorSettings.defaults().withTestHooks(true).withMaxHeap("256m");
    }

    /** A back end of its own for {@code opencl:0} (close it after the test). */
    public static ExecutorBackend opencl(ExecutorSettings settings) {
        var d = OpenClTestDevice.device();
        return new ExecutorBackend("opencl:" + d.index(), d.describe(), settings, new ExecutorBackend.Shared());
    }

    /** {@code opencl:0} in TornadoVM's kernel ABI, in an executor process (as the {@code tornadovm} back end runs). */
    public static synchronized ExecutorBackend tornadoAbi() {
        if (tornado == null) {
            var d = OpenClTestDevice.device();
            tornado = new ExecutorBackend("opencl:" + d.index() + "/tornadovm-abi", d.describe(), settings(),
                    new ExecutorBackend.Shared());
        }
        return tornado;
    }

    /** The shared {@code opencl:0} executor back end; stopped when the test JVM exits. */
    public static synchronized ExecutorBackend opencl() {
        if (shared == null) {
            shared = opencl(settings().withCrashLoop(1000, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        }
        return shared;
    }
}
