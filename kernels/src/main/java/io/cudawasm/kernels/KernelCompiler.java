package io.cudawasm.kernels;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.passes.UniformityAnalysis;
import io.cudawasm.kernels.ptx.PtxFrontend;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.CompileLimitException;
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
    public static final String VERSION = "cuda-wasm-kernels/0.2.1";

    private KernelCompiler() {}

    /** Compiles with {@link CompileLimits#defaults()}; throws {@link CompileException} with precise diagnostics. */
    public static CompileResult compile(CompileRequest request) {
        return compile(request, CompileLimits.defaults());
    }

    /**
     * Compiles within {@code limits}; throws {@link CompileException} with precise diagnostics on bad
     * input, and {@link CompileLimitException} when a limit is reached (also when the calling thread
     * is interrupted: the compile then stops within milliseconds, leaving the interrupt flag set).
     */
    public static CompileResult compile(CompileRequest request, CompileLimits limits) {
        return compile(request, limits, true);
    }

    /**
     * Compiles to kernel IR only, for the GPU back ends (OpenCL, CUDA): no WebAssembly module is
     * built, so kernels the CPU path cannot run yet still reach them. Uses {@link CompileLimits#defaults()}.
     */
    public static CompileResult compileForDevices(CompileRequest request) {
        return compileForDevices(request, CompileLimits.defaults());
    }

    /** {@link #compileForDevices(CompileRequest)} within {@code limits}. */
    public static CompileResult compileForDevices(CompileRequest request, CompileLimits limits) {
        return compile(request, limits, false);
    }

    /**
     * An upper bound of the heap one compile of {@code request} may hold at once under {@code limits},
     * for admitting compiles against a heap budget. A compile is bounded by its limits, so the bound
     * is what the request's effective limits allow (the size limits scale with its input, see
     * {@link CompileLimits}), each priced at the retained bytes measured per unit:
     * <ul>
     * <li>{@value #HEAP_BASE_BYTES} bytes of fixed cost (CUDA's built-in headers, tables, a small module);</li>
     * <li>{@value #HEAP_BYTES_PER_INPUT_CHAR} per input character (the line index, token texts);</li>
     * <li>{@value #HEAP_BYTES_PER_SOURCE_TOKEN} per {@code source-tokens} (a lexed token with its
     *     position and text, and its place in the preprocessor's output);</li>
     * <li>{@value #HEAP_BYTES_PER_MACRO_TOKEN} per {@code macro-expansion-tokens} (an expanded token
     *     shares its text and position);</li>
     * <li>{@value #HEAP_BYTES_PER_AST_NODE} per {@code ast-nodes};</li>
     * <li>{@value #HEAP_BYTES_PER_IR_NODE} per {@code ir-nodes} (the IR, the copies passes make of it,
     *     the Wasm binary and its text; initialized static data counts 16 bytes a node).</li>
     * </ul>
     * Measured as the smallest {@code -Xmx} (serial GC) in which a compile to Wasm completes, against
     * this formula at the compile's own counts: 30,000 statements (420,014 tokens, 360,000 IR nodes)
     * need 103 MB, the formula says 156 MB; a macro-heavy source (200,055 tokens expanding to
     * 2,540,014, and 1.3 million IR nodes) 289 MB, the formula 870 MB; 3,000 device functions
     * (114,029 tokens, 54,013 IR nodes) 23 MB, the formula 39 MB. With the default limits a
     * request of up to 1 KiB is bounded by about 7.7 MB, and none by more than about 215 MB plus 6
     * bytes per input character.
     */
    public static long estimatedHeapBytes(CompileRequest request, CompileLimits limits) {
        java.util.Map<CompileLimit, Long> v = limits.effective(request);
        return HEAP_BASE_BYTES
                + HEAP_BYTES_PER_INPUT_CHAR * CompileLimits.inputChars(request)
                + HEAP_BYTES_PER_SOURCE_TOKEN * v.get(CompileLimit.SOURCE_TOKENS)
                + HEAP_BYTES_PER_MACRO_TOKEN * v.get(CompileLimit.MACRO_EXPANSION_TOKENS)
                + HEAP_BYTES_PER_AST_NODE * v.get(CompileLimit.AST_NODES)
                + HEAP_BYTES_PER_IR_NODE * v.get(CompileLimit.IR_NODES);
    }

    static final long HEAP_BASE_BYTES = 4L << 20;
    static final long HEAP_BYTES_PER_INPUT_CHAR = 6;
    static final long HEAP_BYTES_PER_SOURCE_TOKEN = 150;
    static final long HEAP_BYTES_PER_MACRO_TOKEN = 48;
    static final long HEAP_BYTES_PER_AST_NODE = 64;
    static final long HEAP_BYTES_PER_IR_NODE = 160;

    /**
     * Every later step (passes, emitters, printers) walks the IR recursively. The front ends keep it
     * shallow (C sources through the parser's nesting limit; PTX by structuring); this check makes
     * sure of it for any input, allowing the few IR levels one source level lowers to.
     */
    private static void requireShallowIr(KModule kir, CompileLimits limits) {
        int max = IR_LEVELS_PER_SOURCE_LEVEL * limits.nestingDepth();
        KFunction deep = KirSize.deeperThan(kir, max);
        if (deep != null) {
            throw new CompileLimitException(CompileLimit.NESTING_DEPTH, limits.nestingDepth(), Diagnostic.error(deep.pos(),
                    "kernel IR of '" + deep.sourceName() + "' nests more than " + max + " levels ("
                            + IR_LEVELS_PER_SOURCE_LEVEL + " per level of the nesting-depth limit of "
                            + limits.nestingDepth() + ") (nesting-depth)"));
        }
    }

    /** CUDA's rule for a kernel's parameters, for C and PTX kernels alike. */
    private static void requireParameterSpace(KModule kir) {
        for (KFunction k : kir.kernels()) {
            int bytes = KernelAbi.signature(k).paramBytes();
            if (bytes > KernelAbi.MAX_PARAMETER_BYTES) {
                throw CompileException.at(k.pos(), "kernel '" + k.sourceName() + "' takes " + bytes
                        + " bytes of parameters, more than the " + KernelAbi.MAX_PARAMETER_BYTES + " CUDA allows");
            }
        }
    }

    /** IR levels allowed per source nesting level: a subscript is a load of a pointer sum of a conversion. */
    private static final int IR_LEVELS_PER_SOURCE_LEVEL = 4;

    private static CompileResult compile(CompileRequest request, CompileLimits limits, boolean wasmToo) {
        List<Diagnostic> warnings = new ArrayList<>();
        SourceFile file = new SourceFile(request.fileName(), request.source());
        CompileBudget budget = limits.budgetFor(request, file);
        CompileBudget.Scope installed = budget.install();
        try {
            budget.checkClock(null);
            KModule kir = PtxFrontend.isPtx(request.fileName(), request.source())
                    ? PtxFrontend.toKir(file, io.cudawasm.kernels.devicelib.DeviceLimits.fromDefines(request.defines()),
                            warnings)
                    : Frontend.toKir(file, request.defines(), request.headers(), request.instantiations(), warnings);
            requireShallowIr(kir, limits);
            requireParameterSpace(kir);
            io.cudawasm.kernels.passes.DeviceExits.apply(kir);
            warnings.addAll(UniformityAnalysis.check(kir));
            WasmModule wasm = wasmToo ? WasmEmitter.compile(kir) : null;
            budget.checkClock(null);
            return new CompileResult(request.fileName(), kir, wasm, warnings);
        } catch (CompileException e) {
            // a limit hit that some step turned into another error is still the reason the compile stopped
            CompileException cause = budget.tripped() != null ? budget.tripped() : e;
            List<Diagnostic> all = new ArrayList<>(cause.diagnostics());
            for (Diagnostic w : warnings) {
                if (!all.contains(w)) {
                    all.add(w);
                }
            }
            throw cause instanceof CompileLimitException limit ? limit.withDiagnostics(all) : new CompileException(all);
        } catch (StackOverflowError e) {
            // the nesting limits keep recursion well inside a 1 MiB stack; a smaller stack still gets a diagnostic
            throw new CompileLimitException(CompileLimit.NESTING_DEPTH, limits.nestingDepth(),
                    Diagnostic.error(new SourcePos(file, 1, 1), "program is nested too deeply for the compiler's stack"
                            + " (nesting-depth)"));
        } catch (RuntimeException e) {
            // a compiler bug must still come back as a diagnostic, never as a crash
            throw CompileException.at(new SourcePos(file, 1, 1), "internal compiler error: " + e);
        } finally {
            installed.close();
        }
    }
}
