package io.cudawasm.runtime.backend;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;

/** A way to run compiled kernels on a device: the Wasm sandbox, OpenCL, CUDA. */
public interface Backend {

    /** Short name used in APIs and metrics: {@code wasm}, {@code opencl:0}, {@code cuda:0}. */
    String name();

    /** A human description of the device. */
    String device();

    /** Loads a compiled source and opens a session for launches on it. */
    DeviceSession open(CompileResult compiled);

    /**
     * Opens a session on a kernel whose compile request the caller also has. A back end in an
     * executor process compiles the kernel there from the request (the compiled result cannot
     * cross processes); the others use {@code compiled} and ignore the request.
     */
    default DeviceSession open(CompileResult compiled, CompileRequest request) {
        return open(compiled);
    }
}
