package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.executor.ExecutorTestDevice;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-back-end suite: every case runs on OpenCL (PoCL's CPU device in CI, in an executor
 * process as the worker runs it) and, where the
 * WebAssembly path runs it, on Wasm too; outputs must match each other and the Java reference
 * within the case's tolerance (bit-exact unless the case states ULPs). Cases are data: add a
 * {@link KernelCase} to {@link BundledKernelCases} or {@link DeviceSemanticsCases} (or to
 * {@link #cases()}) and it runs here and in scripts/gpu-check.sh.
 */
class CrossBackendTest {

    static Stream<KernelCase> cases() {
        List<KernelCase> all = new ArrayList<>(BundledKernelCases.all());
        all.addAll(DeviceSemanticsCases.all());
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOnOpenClAndWasm(KernelCase c) {
        CompileResult compiled = c.compile();
        // through the executor process, as the worker runs OpenCL
        CheckedRun.BackendRun opencl = CheckedRun.run(ExecutorTestDevice.opencl(), compiled, c.request(), c.launch());
        assertNull(opencl.failure(), () -> "OpenCL launch failed: " + opencl.failure());
        List<BufferComparison> problems = new ArrayList<>();
        c.againstReference(opencl).stream().filter(r -> !r.passed()).forEach(problems::add);
        CheckedRun.BackendRun wasm = CheckedRun.run(KernelHarness.backend(2), compiled, c.launch());
        assertNull(wasm.failure(), () -> "Wasm launch failed: " + wasm.failure());
        c.againstReference(wasm).stream().filter(r -> !r.passed()).forEach(problems::add);
        CheckedRun.compare(opencl, wasm, c.launch(), c.tolerance()).stream().filter(r -> !r.passed())
                .forEach(problems::add);
        assertTrue(problems.isEmpty(), () -> c.name() + " (" + c.tolerance() + "):\n  "
                + String.join("\n  ", problems.stream().map(BufferComparison::format).toList()));
    }

    @Test
    void everyBundledKernelIsACase() {
        assertEquals(KernelLibrary.names().size(), BundledKernelCases.all().size());
        for (KernelCase c : BundledKernelCases.all()) {
            assertEquals(0, c.tolerance().ulps(), c.name() + ": bundled kernels are compared bit for bit");
        }
    }
}
