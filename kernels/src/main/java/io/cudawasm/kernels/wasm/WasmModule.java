package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.AccessSite;
import io.cudawasm.kernels.abi.SymbolInfo;
import java.util.List;
import java.util.Optional;

/**
 * A kernel source compiled for the CPU path: a validated WebAssembly module and what the runtime
 * needs to lay out memory and launch its kernels.
 *
 * @param staticDataEnd first free byte after the {@code __constant__}/{@code __device__} variables
 * @param staticSharedBytes per-block static {@code __shared__} bytes (dynamic shared memory follows, 16-aligned)
 * @param mathImports host functions the module imports from module "math"
 * @param options how the code was generated (a memcheck module reports violations by index into {@code sites})
 * @param sites the memory accesses of a memcheck module; empty otherwise
 */
public record WasmModule(byte[] binary, String text, List<WasmKernel> kernels, List<SymbolInfo> symbols,
        int staticDataEnd, int staticSharedBytes, List<String> mathImports, WasmOptions options,
        List<AccessSite> sites) {

    public WasmModule {
        kernels = List.copyOf(kernels);
        symbols = List.copyOf(symbols);
        mathImports = List.copyOf(mathImports);
        sites = List.copyOf(sites);
    }

    /** A module generated with the default options (as every stored module is). */
    public WasmModule(byte[] binary, String text, List<WasmKernel> kernels, List<SymbolInfo> symbols,
            int staticDataEnd, int staticSharedBytes, List<String> mathImports) {
        this(binary, text, kernels, symbols, staticDataEnd, staticSharedBytes, mathImports, WasmOptions.DEFAULT,
                List.of());
    }

    /** Offset of dynamic ({@code extern __shared__}) memory within a block's shared memory. */
    public int dynamicSharedOffset() {
        return (staticSharedBytes + 15) & ~15;
    }

    /** A kernel by its symbol or source name; template arguments may be spaced freely ({@code k<float,4>}). */
    public Optional<WasmKernel> kernel(String name) {
        return kernels.stream().filter(k -> io.cudawasm.kernels.abi.KernelNames.matches(k.signature().name(),
                k.signature().sourceName(), name)).findFirst();
    }

    public Optional<SymbolInfo> symbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name) || s.emittedName().equals(name)).findFirst();
    }
}
