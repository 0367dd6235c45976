package io.cudawasm.runtime.service.kernels;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.CompileLimits;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.kernels.kir.KirPrinter;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.wasm.WasmKernel;
import io.cudawasm.kernels.wasm.WasmModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link CompileResult} into named cache artifacts and back. A back end needs the source
 * name and the Wasm module; the GPU back ends need the kernel IR, which is not serialized but rebuilt
 * from the stored compile request ({@link #REQUEST}); {@code kernel.kir} is its text, for people.
 *
 * <p>To store another output (OpenCL C, PTX), add it in {@link #encode} under its own file name
 * (for example {@link #OPENCL_C}) and read it back in {@link #decode}; the artifact endpoint then
 * serves it with no further change. Bump {@link KernelSpec#CACHE_TARGET} when an existing
 * artifact changes shape.
 */
public final class KernelArtifacts {
    public static final String WASM = "module.wasm";
    public static final String WAT = "module.wat";
    public static final String KIR = "kernel.kir";
    public static final String LAYOUT = "module-layout.json";
    public static final String COMPILE_INFO = "compile-info.json";
    public static final String OPENCL_C = "kernel.cl";
    public static final String PTX = "kernel.ptx";
    public static final String CUDA_C = "kernel.cu";
    /** The compile request (source, defines, headers, instantiations): the GPU back ends' kernel IR is rebuilt from it. */
    public static final String REQUEST = "request.json";

    /** Short names accepted in URLs: {@code /artifacts/wasm} is {@code module.wasm}. */
    private static final Map<String, String> ALIASES = Map.of(
            "wasm", WASM, "wat", WAT, "kir", KIR, "cl", OPENCL_C, "opencl", OPENCL_C, "ptx", PTX,
            "cu", CUDA_C, "cuda", CUDA_C, "layout", LAYOUT, "info", COMPILE_INFO);

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** What a back end needs to lay out memory and launch kernels, besides the binary. */
    record ModuleLayout(List<WasmKernel> kernels, List<SymbolInfo> symbols, int staticDataEnd, int staticSharedBytes,
            List<String> mathImports) {}

    /** Where the module came from and what the compiler said about it. */
    record CompileInfo(String sourceName, String compilerVersion, List<Diagnostic> warnings) {}

    private KernelArtifacts() {}

    public static Map<String, byte[]> encode(CompileResult result, CompileRequest request) {
        Map<String, byte[]> artifacts = new LinkedHashMap<>();
        try {
            artifacts.put(REQUEST, JSON.writeValueAsBytes(request));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode compile request: " + e.getMessage(), e);
        }
        WasmModule wasm = result.wasm();
        artifacts.put(WASM, wasm.binary());
        if (wasm.text() != null) {
            artifacts.put(WAT, wasm.text().getBytes(StandardCharsets.UTF_8));
        }
        if (result.kir() != null) {
            artifacts.put(KIR, KirPrinter.print(result.kir()).getBytes(StandardCharsets.UTF_8));
        }
        try {
            artifacts.put(LAYOUT, JSON.writeValueAsBytes(new ModuleLayout(wasm.kernels(), wasm.symbols(),
                    wasm.staticDataEnd(), wasm.staticSharedBytes(), wasm.mathImports())));
            artifacts.put(COMPILE_INFO, JSON.writeValueAsBytes(
                    new CompileInfo(result.sourceName(), KernelCompiler.VERSION, result.warnings())));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode compile result: " + e.getMessage(), e);
        }
        return artifacts;
    }

    /** Small facts stored in the cache manifest, readable by {@code cache ls} without decoding. */
    public static Map<String, String> metadata(CompileResult result) {
        return Map.of("sourceName", result.sourceName(),
                "kernels", String.join(",", result.kernels().stream().map(k -> k.sourceName()).toList()));
    }

    /**
     * Rebuilds the compile result from stored artifacts.
     *
     * @throws IllegalArgumentException when an artifact is missing or unreadable
     */
    public static CompileResult decode(Map<String, byte[]> artifacts) {
        return decode(artifacts, CompileLimits.defaults());
    }

    /**
     * Rebuilds the compile result from stored artifacts, the kernel IR within {@code limits} (those
     * the worker compiles with, so an entry compiled under raised limits restores).
     *
     * @throws IllegalArgumentException when an artifact is missing or unreadable
     * @throws CompileException when rebuilding the kernel IR hits a limit
     */
    public static CompileResult decode(Map<String, byte[]> artifacts, CompileLimits limits) {
        byte[] binary = require(artifacts, WASM);
        try {
            ModuleLayout layout = JSON.readValue(require(artifacts, LAYOUT), ModuleLayout.class);
            CompileInfo info = JSON.readValue(require(artifacts, COMPILE_INFO), CompileInfo.class);
            byte[] wat = artifacts.get(WAT);
            WasmModule module = new WasmModule(binary, wat == null ? null : new String(wat, StandardCharsets.UTF_8),
                    layout.kernels(), layout.symbols(), layout.staticDataEnd(), layout.staticSharedBytes(),
                    layout.mathImports());
            return new CompileResult(info.sourceName(), rebuildKir(artifacts.get(REQUEST), limits), module,
                    info.warnings() == null ? List.of() : info.warnings());
        } catch (CompileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("stored kernel artifacts cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The kernel IR of a stored kernel, rebuilt by the compiler's front end from the stored request (a few
     * milliseconds, once per worker process per kernel): the OpenCL and CUDA back ends generate their code
     * from it. Null for entries written without a request.
     */
    private static KModule rebuildKir(byte[] request, CompileLimits limits) throws IOException {
        if (request == null) {
            return null;
        }
        return KernelCompiler.compileForDevices(JSON.readValue(request, CompileRequest.class), limits).kir();
    }

    /** The heap bound of rebuilding a stored kernel: its stored request's compile. */
    public static long estimatedHeapBytes(Map<String, byte[]> artifacts, CompileLimits limits) {
        byte[] request = artifacts.get(REQUEST);
        return request == null ? KernelCompiler.estimatedHeapBytes(CompileRequest.of("empty.cu", ""), limits)
                : KernelCompiler.estimatedHeapBytes(request(request), limits);
    }

    /** The compile request stored under {@link #REQUEST}. */
    public static CompileRequest request(byte[] json) {
        try {
            return JSON.readValue(json, CompileRequest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("stored compile request cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] require(Map<String, byte[]> artifacts, String name) {
        byte[] b = artifacts.get(name);
        if (b == null) {
            throw new IllegalArgumentException("stored kernel lacks " + name);
        }
        return b;
    }

    /** The file name for a URL name: an alias such as {@code wasm}, or the file name itself. */
    public static String resolveName(String name) {
        return ALIASES.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    public static Optional<String> contentType(String fileName) {
        if (fileName.endsWith(".wasm")) {
            return Optional.of("application/wasm");
        }
        if (fileName.endsWith(".json")) {
            return Optional.of("application/json");
        }
        if (fileName.endsWith(".wat") || fileName.endsWith(".kir") || fileName.endsWith(".cl")
                || fileName.endsWith(".ptx") || fileName.endsWith(".cu") || fileName.endsWith(".txt")) {
            return Optional.of("text/plain; charset=utf-8");
        }
        return Optional.empty();
    }
}
