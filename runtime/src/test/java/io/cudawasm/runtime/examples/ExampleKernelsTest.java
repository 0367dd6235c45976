package io.cudawasm.runtime.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.check.Tolerance;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled kernel on the CPU path against the plain-Java reference of the same algorithm in
 * {@link BundledKernelCases} (the cases the GPU back ends are checked with too), with one and with
 * two worker threads. The Wasm path neither contracts a*b+c into an FMA nor reorders arithmetic, so
 * the results are bit-identical to Java's, and independent of the number of workers.
 */
class ExampleKernelsTest {

    static Stream<KernelCase> cases() {
        return BundledKernelCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheJavaReferenceWithOneAndTwoWorkers(KernelCase c) {
        CompileResult compiled = c.compile();
        List<BufferComparison> problems = new ArrayList<>();
        CheckedRun.BackendRun one = CheckedRun.run(KernelHarness.backend(1), compiled, c.launch());
        CheckedRun.BackendRun two = CheckedRun.run(KernelHarness.backend(2), compiled, c.launch());
        assertNull(one.failure(), () -> "1 worker: " + one.failure());
        assertNull(two.failure(), () -> "2 workers: " + two.failure());
        c.againstReference(one).stream().filter(r -> !r.passed()).forEach(problems::add);
        c.againstReference(two).stream().filter(r -> !r.passed()).forEach(problems::add);
        CheckedRun.compare(one, two, c.launch(), Tolerance.exact()).stream().filter(r -> !r.passed())
                .forEach(problems::add);
        assertTrue(problems.isEmpty(), () -> c.name() + ":\n  "
                + String.join("\n  ", problems.stream().map(BufferComparison::format).toList()));
        assertTrue(c.againstReference(two).size() > 0, c.name() + " checks at least one output");
    }

    @Test
    void everyBundledKernelIsCoveredHere() {
        assertEquals(List.of("vector_add", "saxpy", "elementwise_2d", "matmul_naive", "gemm_polybench", "particles",
                "double_poly"), KernelLibrary.names());
        assertEquals(KernelLibrary.names(), BundledKernelCases.all().stream()
                .map(c -> c.request().fileName().replace(".cu", "")).toList());
    }
}
