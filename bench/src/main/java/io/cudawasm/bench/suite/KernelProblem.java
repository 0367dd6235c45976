package io.cudawasm.bench.suite;

import io.cudawasm.runtime.backend.DeviceSession;

/** A bundled kernel at one size with its inputs generated: run on a device, or as the plain-Java reference. */
public interface KernelProblem {

    /** Allocates and fills the device buffers on {@code session}; the returned launch can be repeated. */
    BoundLaunch bind(DeviceSession session);

    /** The same computation in plain Java on one thread; returns a value so the JIT cannot drop the work. */
    Object runJava();
}
