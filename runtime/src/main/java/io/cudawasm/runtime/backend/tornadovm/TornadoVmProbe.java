package io.cudawasm.runtime.backend.tornadovm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM runs with the TornadoVM SDK, decided once and by reflection only: TornadoVM
 * is not on Maven Central with its drivers, so there is no compile-time dependency, and a JVM
 * started without {@code @$TORNADOVM_HOME/tornado-argfile} must not even touch its classes (their
 * static initializer fails for good).
 */
public final class TornadoVmProbe {
    private static final Logger LOG = LoggerFactory.getLogger(TornadoVmProbe.class);
    static final String RUNTIME_PROPERTY = "tornado.load.runtime.implementation";
    static final String PROVIDER = "uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider";

    /** The answer: the default device's description, or why TornadoVM cannot be used. */
    public record Result(boolean available, String device, String reason) {}

    private static Result result;

    private TornadoVmProbe() {}

    public static synchronized Result probe() {
        if (result == null) {
            result = detect();
            LOG.debug("TornadoVM: {}", result.available() ? result.device() : result.reason());
        }
        return result;
    }

    private static Result detect() {
        if (System.getProperty(RUNTIME_PROPERTY) == null) {
            return new Result(false, null, "TornadoVM SDK not loaded in this JVM (start it with "
                    + "@$TORNADOVM_HOME/tornado-argfile)");
        }
        try {
            Object runtime = Class.forName(PROVIDER).getMethod("getTornadoRuntime").invoke(null);
            int backends = (Integer) runtime.getClass().getMethod("getNumBackends").invoke(runtime);
            if (backends == 0) {
                return new Result(false, null, "TornadoVM found no backends");
            }
            Object backend = runtime.getClass().getMethod("getBackend", int.class).invoke(runtime, 0);
            Object device = backend.getClass().getMethod("getDefaultDevice").invoke(backend);
            String name = String.valueOf(device.getClass().getMethod("getDeviceName").invoke(device));
            return new Result(true, "TornadoVM " + name, "available");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                    ? ite.getCause() : e;
            return new Result(false, null, "TornadoVM failed to start: " + cause);
        }
    }
}
