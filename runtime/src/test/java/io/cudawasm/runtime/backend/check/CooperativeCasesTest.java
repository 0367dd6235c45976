package io.cudawasm.runtime.backend.check;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grid-synchronizing cases that the GPU check runs on the CUDA back end match their Java
 * references on the CPU path's cooperative launch, so a failure on a GPU points at the GPU side.
 */
class CooperativeCasesTest {
    static List<KernelCase> cases() {
        return CooperativeCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReferenceOnTheCpuPath(KernelCase c) {
        matches(c, CheckedRun.run(KernelHarness.backend(2), c.compile(), c.launch()));
    }

    /** OpenCL runs them as one NDRange per phase, with each thread's locals and each block's shared memory kept. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReferenceOnOpenClInPhases(KernelCase c) {
        matches(c, CheckedRun.run(OpenClTestDevice.backend(), c.compile(), c.request(), c.launch()));
    }

    private static void matches(KernelCase c, CheckedRun.BackendRun run) {
        assertNull(run.failure(), () -> "launch failed: " + run.failure());
        List<BufferComparison> cmp = c.againstReference(run);
        assertTrue(cmp.stream().allMatch(BufferComparison::passed),
                () -> cmp.stream().filter(x -> !x.passed()).map(BufferComparison::format).toList().toString());
    }
}
