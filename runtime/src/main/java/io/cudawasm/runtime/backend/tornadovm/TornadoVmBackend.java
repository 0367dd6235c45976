package io.cudawasm.runtime.backend.tornadovm;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.opencl.OpenClEmitter;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.opencl.OpenClProgram;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;

/**
 * Runs kernels through TornadoVM when its SDK is loaded in this JVM: KIR is printed as OpenCL C in
 * TornadoVM's kernel ABI (four hidden leading parameters, arrays with a 16-byte header) and run as
 * a prebuilt task on TornadoVM's default device. The same ABI is exercised without TornadoVM by
 * the OpenCL back end's TORNADOVM mode.
 */
public final class TornadoVmBackend implements Backend {
    private final String device;

    /** Use only after {@link TornadoVmProbe#probe()} reported TornadoVM available. */
    public TornadoVmBackend(String device) {
        this.device = device;
    }

    @Override
    public String name() {
        return "tornadovm";
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public DeviceSession open(CompileResult compiled) {
        if (compiled.kir() == null) {
            throw new IllegalArgumentException(compiled.sourceName() + " was restored without its kernel IR");
        }
        OpenClProgram program = OpenClEmitter.emit(compiled.kir(),
                OpenClOptions.DEFAULT.withAbi(OpenClOptions.Abi.TORNADOVM).withConstantsInGlobalMemory(true));
        return new TornadoVmSession(this, compiled, program);
    }
}
