package io.cudawasm.kernels;

import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.wasm.WasmModule;
import java.util.List;

/** A successful compilation: the kernel IR, the CPU module and the warnings. */
public record CompileResult(KModule kir, WasmModule wasm, List<Diagnostic> warnings) {

    public List<KernelSignature> kernels() {
        return wasm.kernels().stream().map(k -> k.signature()).toList();
    }
}
