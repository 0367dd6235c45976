package io.cudawasm.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Symbol writes are checked the same way on every back end: unknown names and bytes that do not fit. */
class SymbolChecksTest {
    private static final String SOURCE = """
            __constant__ float coeff[4];
            __global__ void k(float* out) { out[threadIdx.x] = coeff[threadIdx.x]; }
            """;

    @ParameterizedTest
    @ValueSource(strings = {"wasm", "opencl"})
    void unknownSymbolsAndOversizedWritesAreRefusedWithTheSameMessages(String backendName) {
        Backend backend = backendName.equals("wasm") ? KernelHarness.backend(1) : OpenClTestDevice.backend();
        var compiled = backendName.equals("wasm") ? KernelCompiler.compile(CompileRequest.of("s.cu", SOURCE))
                : KernelCompiler.compileForDevices(CompileRequest.of("s.cu", SOURCE));
        try (DeviceSession s = backend.open(compiled)) {
            var unknown = assertThrows(IllegalArgumentException.class, () -> s.writeSymbol("coef", 0, new byte[4]));
            assertEquals("no __constant__ or __device__ variable named 'coef'", unknown.getMessage());
            var tooBig = assertThrows(IllegalArgumentException.class, () -> s.writeSymbol("coeff", 8, new byte[12]));
            assertEquals("12 bytes at offset 8 do not fit in 'coeff' (16 bytes)", tooBig.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.writeSymbol("coeff", -1, new byte[1]));
            byte[] last = {1, 2, 3, 4};
            s.writeSymbol("coeff", 12, last);
            byte[] all = s.readSymbol("coeff");
            assertArrayEquals(last, Arrays.copyOfRange(all, 12, 16));
            assertEquals(List.of(0, 0), List.of((int) all[0], (int) all[11]));
        }
    }
}
