package io.cudawasm.kernels;

import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.wasm.WasmModule;
import java.util.List;

/**
 * A successful compilation: what every back end needs to load the kernels.
 *
 * @param sourceName the file name the kernels came from (for messages)
 * @param kir the kernel IR; null when the result was restored from the kernel cache
 * @param wasm the CPU module with its kernel signatures and memory layout
 */
public record CompileResult(String sourceName, KModule kir, WasmModule wasm, List<Diagnostic> warnings) {

    public CompileResult {
        warnings = List.copyOf(warnings);
    }

    public List<KernelSignature> kernels() {
        return wasm.kernels().stream().map(k -> k.signature()).toList();
    }
}
