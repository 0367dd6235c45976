package io.cudawasm.kernels;

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
    public static final String VERSION = "cuda-wasm-kernels/0.1.0";

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
                    ? PtxFrontend.toKir(file, warnings)
                    : Frontend.toKir(file, request.defines(), request.headers(), request.instantiations(), warnings);
            requireShallowIr(kir, limits);
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
