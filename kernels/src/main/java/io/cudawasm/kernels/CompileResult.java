package io.cudawasm.kernels;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.cuda.CudaEmitter;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.opencl.OpenClEmitter;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.opencl.OpenClProgram;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.wasm.WasmEmitter;
import io.cudawasm.kernels.wasm.WasmModule;
import io.cudawasm.kernels.wasm.WasmOptions;
import java.util.List;

/**
 * A successful compilation: what every back end needs to load the kernels.
 *
 * @param sourceName the file name the kernels came from (for messages)
 * @param kir the kernel IR; null when the result was restored from the kernel cache
 * @param wasm the CPU module with its kernel signatures and memory layout; null when only the
 *     GPU back ends were targeted ({@link KernelCompiler#compileForDevices})
 */
public record CompileResult(String sourceName, KModule kir, WasmModule wasm, List<Diagnostic> warnings) {

    public CompileResult {
        warnings = List.copyOf(warnings);
    }

    public List<KernelSignature> kernels() {
        if (wasm == null) {
            return kir.kernels().stream().map(KernelAbi::signature).toList();
        }
        return wasm.kernels().stream().map(k -> k.signature()).toList();
    }

    /** The kernels as OpenCL C for a device with these capabilities (needs the kernel IR). */
    public OpenClProgram opencl(OpenClOptions options) {
        return OpenClEmitter.emit(requireKir(), options);
    }

    /**
     * The CPU module's memcheck variant: every access checked against the bounds of the allocation it
     * was derived from (needs the kernel IR; a separate, slower module, see {@link WasmOptions#memcheck}).
     */
    public WasmModule memcheckWasm() {
        return WasmEmitter.compile(requireKir(), WasmOptions.MEMCHECK);
    }

    /**
     * The CPU module's independent-threads variant: each CUDA thread a host thread of its own, barriers
     * and collectives host calls that really wait (needs the kernel IR; a separate, slower module, see
     * {@link WasmOptions#independentThreads}).
     */
    public WasmModule independentThreadsWasm() {
        return WasmEmitter.compile(requireKir(), WasmOptions.INDEPENDENT_THREADS);
    }

    /** The kernels as CUDA C++ for NVRTC or nvcc (needs the kernel IR). */
    public CudaProgram cuda() {
        return CudaEmitter.emit(requireKir());
    }

    /**
     * The kernels as CUDA C++ with kernel {@code kernel} (its entry name) compiled for clusters of
     * {@code shape} ({@code __cluster_dims__}), for a launch that gives the shape the kernel does not declare.
     */
    public CudaProgram cuda(String kernel, io.cudawasm.kernels.kir.ClusterDims shape) {
        return CudaEmitter.emit(requireKir(), java.util.Map.of(kernel, shape));
    }

    private KModule requireKir() {
        if (kir == null) {
            throw new IllegalStateException(sourceName + " was restored without its kernel IR; compile it again");
        }
        return kir;
    }
}
