package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.AccessSite.Access;
import io.cudawasm.kernels.abi.AccessSite.Region;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.FaultLocation;
import io.cudawasm.runtime.launch.Index3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.MemoryViolation;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * memcheck ({@link LaunchOptions#memcheck()}) finds out-of-bounds accesses the sandbox alone lets
 * through (they stay inside the job's memory): off-by-one and wild reads and writes of global,
 * shared and local memory, each reported with its line, block, thread, buffer, offset and size,
 * in block and thread order. Correct kernels run under it with no report and the same results.
 */
class MemcheckTest {
    private static final String SOURCE = """
            __global__ void globalWriteOffByOne(int* out, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i <= n) out[i] = i;
            }
            __global__ void globalReadOffByOne(const float* in, float* out, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) out[i] = in[i + 1];
            }
            __global__ void globalWildRead(const float* in, float* out) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                out[i] = i == 37 ? in[i * 1000] : 0.0f;
            }
            __global__ void sharedWriteOffByOne(float* out) {
                __shared__ float tile[32];
                tile[threadIdx.x + 1] = threadIdx.x;
                __syncthreads();
                out[blockIdx.x * 32 + threadIdx.x] = tile[threadIdx.x];
            }
            __global__ void sharedWildRead(const int* in, int* out) {
                __shared__ int cache[64];
                cache[threadIdx.x] = in[threadIdx.x];
                __syncthreads();
                int k = threadIdx.x == 9 ? -200 : threadIdx.x;
                out[threadIdx.x] = cache[k];
            }
            __global__ void localWriteOffByOne(int* out) {
                int a[8];
                int n = threadIdx.x == 3 ? 9 : 8;
                for (int k = 0; k < n; k++) a[k] = k * threadIdx.x;
                out[threadIdx.x] = a[7];
            }
            __global__ void localReadOffByOne(const int* in, int* out) {
                int a[4];
                for (int k = 0; k < 4; k++) a[k] = in[k];
                out[threadIdx.x] = a[threadIdx.x % 5];
            }
            __device__ void bump(int* counts, int bin) { atomicAdd(&counts[bin], 1); }
            __global__ void histogramThroughDeviceFunction(const int* values, int* counts) {
                bump(counts, values[threadIdx.x]);
            }
            """;

    /** What a single reported violation must say. */
    record Expected(String kernel, int line, Index3 block, Index3 thread, Access access, Region region, String buffer,
            long offset, long bufferBytes) {}

    private static Index3 x(int v) {
        return new Index3(v, 0, 0);
    }

    @Test
    void globalWriteOneElementPastTheEnd() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[64]);
            List<MemoryViolation> found = violations(h, "globalWriteOffByOne", Dim3.of(3), Dim3.of(32), out, 64);
            assertOnly(found, new Expected("globalWriteOffByOne", 3, x(2), x(0), Access.WRITE, Region.PARAMETER, "out",
                    256, 256));
        }
    }

    @Test
    void globalReadOneElementPastTheEnd() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer in = h.buffer(new float[64]);
            DeviceBuffer out = h.buffer(new float[64]);
            List<MemoryViolation> found = violations(h, "globalReadOffByOne", Dim3.of(2), Dim3.of(32), in, out, 64);
            assertOnly(found, new Expected("globalReadOffByOne", 7, x(1), x(31), Access.READ, Region.PARAMETER, "in",
                    256, 256));
        }
    }

    @Test
    void globalWildReadInsideMemory() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer in = h.buffer(new float[64]);
            DeviceBuffer out = h.buffer(new float[64]);
            h.buffer(new float[40_000]); // memory beyond: the wild read lands in it and the sandbox lets it be
            List<MemoryViolation> found = violations(h, "globalWildRead", Dim3.of(2), Dim3.of(32), in, out);
            assertOnly(found, new Expected("globalWildRead", 11, x(1), x(5), Access.READ, Region.PARAMETER, "in",
                    37_000L * 4, 256));
        }
    }

    @Test
    void sharedWriteOnePastTheArrayInEveryBlock() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new float[64]);
            List<MemoryViolation> found = violations(h, "sharedWriteOffByOne", Dim3.of(2), Dim3.of(32), out);
            assertEquals(2, found.size(), found.toString());
            for (int b = 0; b < 2; b++) {
                assertViolation(found.get(b), new Expected("sharedWriteOffByOne", 15, x(b), x(31), Access.WRITE,
                        Region.SHARED, "tile", 128, 128));
            }
        }
    }

    @Test
    void sharedWildReadBeforeTheArray() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer in = h.buffer(new int[64]);
            DeviceBuffer out = h.buffer(new int[64]);
            List<MemoryViolation> found = violations(h, "sharedWildRead", Dim3.of(1), Dim3.of(64), in, out);
            assertOnly(found, new Expected("sharedWildRead", 24, x(0), x(9), Access.READ, Region.SHARED, "cache",
                    -800, 256));
        }
    }

    @Test
    void localWriteOnePastTheArray() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[32]);
            List<MemoryViolation> found = violations(h, "localWriteOffByOne", Dim3.of(1), Dim3.of(32), out);
            assertOnly(found, new Expected("localWriteOffByOne", 29, x(0), x(3), Access.WRITE, Region.LOCAL, "a",
                    32, 32));
        }
    }

    @Test
    void localReadPastTheArray() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer in = h.buffer(new int[] {1, 2, 3, 4});
            DeviceBuffer out = h.buffer(new int[8]);
            List<MemoryViolation> found = violations(h, "localReadOffByOne", Dim3.of(1), Dim3.of(8), in, out);
            assertOnly(found, new Expected("localReadOffByOne", 35, x(0), x(4), Access.READ, Region.LOCAL, "a", 16, 16));
            assertArrayEquals(new int[] {1, 2, 3, 4, 0, 1, 2, 3}, h.ints(out),
                    "the other threads ran to completion; the invalid read yielded 0");
        }
    }

    @Test
    void atomicThroughADeviceFunctionOutsideEveryAllocation() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer values = h.buffer(new int[] {0, 1, 2, 3, 1, 2, 3, 100_000});
            DeviceBuffer counts = h.buffer(new int[4]);
            List<MemoryViolation> found = violations(h, "histogramThroughDeviceFunction", Dim3.of(1), Dim3.of(8), values,
                    counts);
            assertEquals(1, found.size(), found.toString());
            MemoryViolation v = found.get(0);
            assertEquals(Access.ATOMIC, v.access());
            assertEquals(37, v.location().line());
            assertEquals(x(7), v.location().threadIdx());
            assertEquals(Region.UNKNOWN, v.bufferKind(), "a device function's pointer parameter has no known origin");
            assertEquals(counts.address() + 400_000, v.address());
            assertArrayEquals(new int[] {1, 2, 2, 2}, h.ints(counts), "the valid atomics all happened");
        }
    }

    @Test
    void theReportStopsAtSixteenViolations() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[8]);
            List<MemoryViolation> found = violations(h, "globalWriteOffByOne", Dim3.of(4), Dim3.of(32), out, 1000);
            assertEquals(16, found.size());
            found.forEach(v -> assertEquals("out", v.buffer()));
        }
    }

    @Test
    void theFastPathLocatesAFaultOutsideMemoryTheSameWay() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer in = h.buffer(new float[64]);
            DeviceBuffer out = h.buffer(new float[64]);
            LaunchException e = assertThrows(LaunchException.class,
                    () -> h.launch("globalWildRead", Dim3.of(2), Dim3.of(32), in, out));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure());
            assertEquals(new FaultLocation("globalWildRead", "test.cu", 11, e.location().column(), x(1), x(5)),
                    e.location());
            assertTrue(e.violations().isEmpty(), "only a memcheck launch lists violations");
        }
    }

    static Stream<KernelCase> correctKernels() {
        List<KernelCase> all = new ArrayList<>(BundledKernelCases.all());
        all.addAll(DeviceSemanticsCases.all());
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("correctKernels")
    void correctKernelsReportNothingAndComputeTheSame(KernelCase c) {
        CompileResult compiled = c.compile();
        CheckedRun.Launch plain = c.launch();
        CheckedRun.Launch checked = new CheckedRun.Launch(plain.kernel(), plain.config(), plain.args(), plain.symbols(),
                plain.options().withMemcheck(true));
        CheckedRun.BackendRun normal = CheckedRun.run(KernelHarness.backend(2), compiled, plain);
        CheckedRun.BackendRun memcheck = CheckedRun.run(KernelHarness.backend(2), compiled, checked);
        assertNull(normal.failure());
        assertNull(memcheck.failure(), () -> String.valueOf(memcheck.failure().violations()));
        assertEquals(normal.outputs().keySet(), memcheck.outputs().keySet());
        for (Map.Entry<String, byte[]> o : normal.outputs().entrySet()) {
            assertArrayEquals(o.getValue(), memcheck.outputs().get(o.getKey()), c.name() + ": " + o.getKey());
        }
        assertTrue(c.againstReference(memcheck).stream().allMatch(r -> r.passed()), c.name());
    }

    private static List<MemoryViolation> violations(KernelHarness h, String kernel, Dim3 grid, Dim3 block,
            Object... args) {
        LaunchException e = assertThrows(LaunchException.class, () -> h.launch(kernel, new LaunchConfig(grid, block, 0),
                LaunchOptions.DEFAULT.withMemcheck(true), args));
        assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
        assertEquals(e.violations().get(0).location(), e.location(), "the first violation is the fault's location");
        assertTrue(e.getMessage().startsWith("memcheck found " + e.violations().size()), e.getMessage());
        return e.violations();
    }

    private static void assertOnly(List<MemoryViolation> found, Expected expected) {
        assertEquals(1, found.size(), found.toString());
        assertViolation(found.get(0), expected);
    }

    private static void assertViolation(MemoryViolation v, Expected e) {
        String what = v.describe();
        assertEquals(e.kernel(), v.location().kernel(), what);
        assertEquals("test.cu", v.location().file(), what);
        assertEquals(e.line(), v.location().line(), what);
        assertEquals(e.block(), v.location().blockIdx(), what);
        assertEquals(e.thread(), v.location().threadIdx(), what);
        assertEquals(e.access(), v.access(), what);
        assertEquals(4, v.bytes(), what);
        assertEquals(e.region(), v.bufferKind(), what);
        assertEquals(e.buffer(), v.buffer(), what);
        assertEquals(e.offset(), v.offset(), what);
        assertEquals(e.bufferBytes(), v.bufferBytes(), what);
    }
}
