package io.cudawasm.runtime.backend.opencl;

import io.cudawasm.kernels.opencl.OpenClProgram;
import java.time.Duration;
import org.jocl.cl_program;

/**
 * A program built for one device.
 *
 * @param origin where the build came from: {@code source}, {@code binary cache} or {@code memory}
 * @param buildTime how long creating and building took
 */
public record BuiltProgram(OpenClProgram program, cl_program handle, String origin, Duration buildTime) {

    BuiltProgram fromMemory() {
        return new BuiltProgram(program, handle, "memory", Duration.ZERO);
    }
}
