package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.executor.ExecutorTestDevice;
import io.cudawasm.kernels.source.CompileException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TornadoVM's prebuilt-kernel ABI without TornadoVM: kernels printed in that ABI (four hidden
 * leading parameters, arrays as bytes behind a 16-byte header) run through JOCL with buffers laid
 * out as TornadoVM lays out its arrays, and must produce the reference outputs. They run in an
 * executor process, as the worker runs the {@code tornadovm} back end.
 */
class TornadoAbiTest {
    /** Kernels that take structs by value or use dynamic shared memory, which the ABI cannot pass. */
    private static final Set<String> OUTSIDE_THE_ABI = Set.of("particles", "dynamic_shared");

    static Stream<KernelCase> cases() {
        return Stream.concat(BundledKernelCases.all().stream(), DeviceSemanticsCases.all().stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runsInTornadoVmsAbi(KernelCase c) {
        if (OUTSIDE_THE_ABI.contains(c.name())) {
            CompileException e = assertThrows(CompileException.class,
                    () -> CheckedRun.run(ExecutorTestDevice.tornadoAbi(), c.compile(), c.request(), c.launch()));
            assertTrue(e.first().message().contains("TornadoVM"), e.formatted());
            return;
        }
        CheckedRun.BackendRun run = CheckedRun.run(ExecutorTestDevice.tornadoAbi(), c.compile(), c.request(),
                c.launch());
        assertNull(run.failure(), () -> String.valueOf(run.failure()));
        assertTrue(run.backend().endsWith("/tornadovm-abi"));
        List<BufferComparison> bad = c.againstReference(run).stream().filter(b -> !b.passed()).toList();
        assertEquals(List.of(), bad.stream().map(BufferComparison::format).toList());
    }
}
