package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;

/**
 * A native device (OpenCL, CUDA, TornadoVM) whose kernels run in an executor process: the same
 * name and description as the back end inside it, every session a proxy to a session there.
 * Kernels are compiled in the executor from their compile request, so only
 * {@link #open(CompileResult, CompileRequest)} opens sessions.
 */
public final class ExecutorBackend implements Backend, AutoCloseable {
    private final String name;
    private final String device;
    private final ExecutorSupervisor supervisor;

    /**
     * @param name the device's back end name: {@code opencl:0}, {@code cuda:1}, {@code tornadovm}
     * @param device its description, as the probe in the worker found it
     */
    public ExecutorBackend(String name, String device, ExecutorSettings settings, Shared shared) {
        this.name = name;
        this.device = device;
        this.supervisor = new ExecutorSupervisor(name, settings, shared.memory);
    }

    /** The shared-memory budget of one worker: every executor back end of a worker gets the same one. */
    public static final class Shared {
        private final SharedMemory memory = new SharedMemory();

        /** Bytes of shared buffers currently mapped by this worker. */
        public long reservedBytes() {
            return memory.reserved();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return device;
    }

    public ExecutorSupervisor supervisor() {
        return supervisor;
    }

    @Override
    public DeviceSession open(CompileResult compiled) {
        throw new IllegalArgumentException(name + " runs in an executor process, which compiles the kernel itself: "
                + "open " + compiled.sourceName() + " with its compile request");
    }

    @Override
    public DeviceSession open(CompileResult compiled, CompileRequest request) {
        return new ExecutorSession(supervisor, Wire.kernelKey(request), request);
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
