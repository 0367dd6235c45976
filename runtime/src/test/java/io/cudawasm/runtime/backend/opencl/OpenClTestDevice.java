package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.opencl.OpenClOptions;
import java.nio.file.Path;

/**
 * The OpenCL device the tests run on. PoCL is installed wherever this suite runs (.ci/run installs
 * it), so a missing platform fails the tests instead of skipping them: skipping would let CI go
 * green without ever running a kernel on OpenCL.
 */
public final class OpenClTestDevice {
    private static OpenClBackend standard;
    private static OpenClBackend tornado;

    private OpenClTestDevice() {}

    /** The first device: PoCL's CPU device on CI. */
    public static synchronized OpenClDevice device() {
        OpenClProbe.Result r = OpenClProbe.devices();
        if (!r.available()) {
            fail("no OpenCL device: " + r.reason() + ". Install PoCL: apt-get install -y pocl-opencl-icd "
                    + "ocl-icd-libopencl1 (.ci/run does this)");
        }
        return r.devices().get(0);
    }

    /** A shared back end with program binaries cached under target/. */
    public static synchronized OpenClBackend backend() {
        if (standard == null) {
            standard = new OpenClBackend(device(), OpenClOptions.Abi.STANDARD, cacheDir());
        }
        return standard;
    }

    /** A shared back end that lays buffers out and calls kernels as TornadoVM does. */
    public static synchronized OpenClBackend tornadoAbi() {
        if (tornado == null) {
            tornado = new OpenClBackend(device(), OpenClOptions.Abi.TORNADOVM, cacheDir());
        }
        return tornado;
    }

    public static Path cacheDir() {
        return Path.of("target", "opencl-cache");
    }
}
