package io.cudawasm.runtime.devicelib;

import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.printf.PrintfCollector;
import io.cudawasm.runtime.printf.PrintfOutput;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a device-library kernel on each path a CUDA source takes: the WebAssembly path and OpenCL
 * (PoCL) from the source, the WebAssembly path from the PTX nvcc makes of it, and (CUDA_C) the CUDA
 * back end's device code without a GPU: the CUDA C++ the compiler emits for NVRTC, compiled by
 * nvcc, its PTX run on the WebAssembly path.
 */
final class DeviceLibraryPaths {
    enum Path { WASM, OPENCL, PTX, CUDA_C }

    static final Nvcc.Config PTX_CONFIG = new Nvcc.Config("compute_75", false);

    private DeviceLibraryPaths() {}

    /** {@code defines}: of the compile request (the device library's sizes), also for the PTX nvcc made. */
    static CompileResult compile(Path path, String name, String source, java.util.Map<String, String> defines) {
        try {
            if (path == Path.PTX) {
                return KernelCompiler.compile(CompileRequest.of(name + ".ptx", Nvcc.ptx(source, PTX_CONFIG, List.of()))
                        .withDefines(defines));
            }
            if (path == Path.CUDA_C) {
                CompileResult viaSource = KernelCompiler.compileForDevices(CompileRequest.of(name + ".cu", source)
                        .withDefines(defines));
                String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null)
                        .compileWithNvcc(viaSource.cuda(), "compute_75");
                return KernelCompiler.compile(CompileRequest.of(name + "-emitted.ptx", ptx));
            }
            return KernelCompiler.compile(CompileRequest.of(name + ".cu", source).withDefines(defines));
        } catch (CompileException e) {
            return fail(name + " (" + path + ") does not compile:\n" + e.getMessage());
        }
    }

    static Backend backend(Path path) {
        return path == Path.OPENCL ? OpenClTestDevice.backend() : KernelHarness.backend(2);
    }

    /**
     * What one launch printed and the bytes of the buffers it was given; {@code cudaFault} is the trap
     * code the CUDA back end's status word holds on the CUDA_C path (that back end raises it after the
     * launch; here nothing reads it), 0 for none or on other paths.
     */
    record Run(PrintfOutput printed, List<byte[]> buffers, int cudaFault) {}

    /**
     * Compiles {@code source} for the path, launches {@code kernel} once with the arguments
     * {@code args} makes (given the session, to allocate buffers), and returns what it printed.
     */
    static Run run(Path path, String name, String source, String kernel, Dim3 grid, Dim3 block, int limitBytes,
            Function<DeviceSession, List<KernelArg>> args) {
        return run(path, name, source, kernel, grid, block, 0, limitBytes, args);
    }

    static Run run(Path path, String name, String source, String kernel, Dim3 grid, Dim3 block, int sharedBytes,
            int limitBytes, Function<DeviceSession, List<KernelArg>> args) {
        return run(path, java.util.Map.of(), name, source, kernel, grid, block, sharedBytes, limitBytes, args);
    }

    static Run run(Path path, java.util.Map<String, String> defines, String name, String source, String kernel,
            Dim3 grid, Dim3 block, int sharedBytes, int limitBytes, Function<DeviceSession, List<KernelArg>> args) {
        CompileResult compiled = compile(path, name, source, defines);
        try (DeviceSession s = backend(path).open(compiled)) {
            PrintfCollector printf = PrintfCollector.forModule(compiled, limitBytes).orElse(null);
            List<KernelArg> a = args.apply(s);
            if (printf != null) {
                printf.beforeLaunch(s);
            }
            s.launch(kernel, new LaunchConfig(grid, block, sharedBytes), a, LaunchOptions.DEFAULT);
            PrintfOutput out = printf == null ? PrintfOutput.EMPTY : printf.afterLaunch(s);
            List<byte[]> bytes = new ArrayList<>();
            for (KernelArg k : a) {
                if (k instanceof KernelArg.Buffer b) {
                    DeviceBuffer d = b.buffer();
                    bytes.add(s.read(d, 0, (int) d.size()));
                }
            }
            int fault = 0;
            if (path == Path.CUDA_C && compiled.wasm().symbol("cw_status").isPresent()) {
                fault = java.nio.ByteBuffer.wrap(s.readSymbol("cw_status")).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            }
            return new Run(out, bytes, fault);
        }
    }

    static KernelArg zeros(DeviceSession s, int bytes) {
        DeviceBuffer b = s.allocate(bytes);
        s.write(b, 0, new byte[bytes]);
        return new KernelArg.Buffer(b, 0);
    }
}
