package io.cudawasm.kernels;

import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.passes.UniformityAnalysis;
import io.cudawasm.kernels.ptx.PtxFrontend;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.wasm.WasmEmitter;
import io.cudawasm.kernels.wasm.WasmModule;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiler's entry point: CUDA C source, or NVIDIA PTX (recognized by a {@code .ptx} file name
 * or a leading {@code .version} directive), to kernel IR and WebAssembly. Pure and thread-safe.
 */
public final class KernelCompiler {
    /** Part of every cache key: bump when generated code changes. */
    public static final String VERSION = "cuda-wasm-kernels/0.2.0";

    private KernelCompiler() {}

    /** Compiles; throws {@link CompileException} with precise diagnostics on bad input. */
    public static CompileResult compile(CompileRequest request) {
        return compile(request, true);
    }

    /**
     * Compiles to kernel IR only, for the GPU back ends (OpenCL, CUDA): no WebAssembly module is
     * built, so kernels the CPU path cannot run yet still reach them.
     */
    public static CompileResult compileForDevices(CompileRequest request) {
        return compile(request, false);
    }

    private static CompileResult compile(CompileRequest request, boolean wasmToo) {
        List<Diagnostic> warnings = new ArrayList<>();
        SourceFile file = new SourceFile(request.fileName(), request.source());
        try {
            KModule kir = PtxFrontend.isPtx(request.fileName(), request.source())
                    ? PtxFrontend.toKir(file, warnings)
                    : Frontend.toKir(file, request.defines(), request.headers(), request.instantiations(), warnings);
            warnings.addAll(UniformityAnalysis.check(kir));
            WasmModule wasm = wasmToo ? WasmEmitter.compile(kir) : null;
            return new CompileResult(request.fileName(), kir, wasm, warnings);
        } catch (CompileException e) {
            List<Diagnostic> all = new ArrayList<>(e.diagnostics());
            for (Diagnostic w : warnings) {
                if (!all.contains(w)) {
                    all.add(w);
                }
            }
            throw new CompileException(all);
        } catch (RuntimeException | StackOverflowError e) {
            // a compiler bug must still come back as a diagnostic, never as a crash
            throw CompileException.at(new SourcePos(file, 1, 1), "internal compiler error: " + e);
        }
    }
}
