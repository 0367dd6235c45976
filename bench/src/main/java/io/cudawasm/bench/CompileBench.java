package io.cudawasm.bench;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compile time of a bundled kernel: CUDA C to validated Wasm, then Chicory's Wasm-to-bytecode
 * compile and a first instance ("load"). {@code first} runs once per fresh JVM (cold: class
 * loading and JIT included); {@code repeated} is the steady state of a long-running worker.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileBench {
    @Param({"saxpy", "gemm_polybench", "particles"})
    String kernel;

    private String source() {
        return KernelLibrary.source(kernel).orElseThrow();
    }

    private Object compileAndLoad() {
        CompileResult r = KernelCompiler.compile(CompileRequest.of(kernel + ".cu", source()));
        try (WasmBackend backend = new WasmBackend(1, false); DeviceSession s = backend.open(r)) {
            return s;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(5)
    public Object first() {
        return compileAndLoad();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(1)
    public Object repeated() {
        return compileAndLoad();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(1)
    public Object compileOnly() {
        return KernelCompiler.compile(CompileRequest.of(kernel + ".cu", source()));
    }
}
