package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.Cancellation;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.HostArrays;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions on OpenCL (PoCL): symbols, faults, limits, invalid launches, build diagnostics and the binary cache. */
class OpenClSessionTest {

    private static CompileResult compile(String source) {
        return KernelCompiler.compileForDevices(CompileRequest.of("test.cu", source));
    }

    private static DeviceSession open(String source) {
        return OpenClTestDevice.backend().open(compile(source));
    }

    private static LaunchConfig one(int threads) {
        return LaunchConfig.of(Dim3.of(1), Dim3.of(threads));
    }

    @Test
    void symbolsAreWrittenAndReadLikeCudaMemcpyToSymbol() {
        String src = """
                __constant__ int factor[2] = {3, 4};
                __device__ int total;
                __global__ void k(const int* in) { atomicAdd(&total, in[threadIdx.x] * factor[threadIdx.x & 1]); }
                """;
        try (DeviceSession s = open(src)) {
            assertArrayEquals(HostArrays.bytes(new int[] {3, 4}), s.readSymbol("factor"));
            s.writeSymbol("factor", 4, HostArrays.bytes(new int[] {10}));
            DeviceBuffer in = s.allocate(16);
            s.write(in, 0, HostArrays.bytes(new int[] {1, 2, 3, 4}));
            s.launch("k", one(4), List.of(KernelArg.of(in)), LaunchOptions.DEFAULT);
            assertEquals(1 * 3 + 2 * 10 + 3 * 3 + 4 * 10, HostArrays.ints(s.readSymbol("total"))[0]);
            assertThrows(IllegalArgumentException.class, () -> s.writeSymbol("factor", 4, new byte[8]));
            assertThrows(IllegalArgumentException.class, () -> s.readSymbol("nope"));
        }
    }

    @Test
    void aTrapIsALaunchFailureWithItsCudaLine() {
        String src = """
                __global__ void k(const int* in, int* out) {
                    int v = in[threadIdx.x];
                    if (v < 0) __trap();
                    out[threadIdx.x] = v;
                }
                """;
        try (DeviceSession s = open(src)) {
            DeviceBuffer in = s.allocate(16);
            DeviceBuffer out = s.allocate(16);
            s.write(in, 0, HostArrays.bytes(new int[] {1, 2, -3, 4}));
            LaunchException e = assertThrows(LaunchException.class, () -> s.launch("k", one(4),
                    List.of(KernelArg.of(in), KernelArg.of(out)), LaunchOptions.DEFAULT));
            assertEquals(LaunchFailure.TRAP, e.failure());
            assertTrue(e.getMessage().contains("test.cu:3"), e.getMessage());
            s.write(in, 0, HostArrays.bytes(new int[] {1, 2, 3, 4}));
            s.launch("k", one(4), List.of(KernelArg.of(in), KernelArg.of(out)), LaunchOptions.DEFAULT);
            assertArrayEquals(new int[] {1, 2, 3, 4}, HostArrays.ints(s.read(out, 0, 16)), "the status is reset");
        }
    }

    @Test
    void integerDivisionByZeroIsReportedNotACrash() {
        try (DeviceSession s = open("__global__ void k(int* a) { a[threadIdx.x] = 100 / a[threadIdx.x]; }")) {
            DeviceBuffer a = s.allocate(8);
            s.write(a, 0, HostArrays.bytes(new int[] {5, 0}));
            LaunchException e = assertThrows(LaunchException.class, () -> s.launch("k", one(2),
                    List.of(KernelArg.of(a)), LaunchOptions.DEFAULT));
            assertEquals(LaunchFailure.DIVIDE_BY_ZERO, e.failure());
        }
    }

    /** Every block spins long enough that a 16-slice launch outlives a short limit. */
    private static final String SLOW = """
            __global__ void slow(float* out, int rounds) {
                float x = out[blockIdx.x * blockDim.x + threadIdx.x];
                for (int r = 0; r < rounds; r++) { x = x * 0.999f + 0.001f; }
                out[blockIdx.x * blockDim.x + threadIdx.x] = x;
            }
            """;

    @Test
    void aTimeLimitStopsStartingBlocksAndTheSessionStaysUsable() {
        try (DeviceSession s = open(SLOW)) {
            DeviceBuffer out = s.allocate(4L * 64 * 64);
            LaunchConfig config = LaunchConfig.of(Dim3.of(64), Dim3.of(64));
            List<KernelArg> args = List.of(KernelArg.of(out), KernelArg.of(200_000));
            LaunchException e = assertThrows(LaunchException.class, () -> s.launch("slow", config, args,
                    LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(1))));
            assertEquals(LaunchFailure.TIMEOUT, e.failure());
            assertEquals(4 * 64 * 64, s.read(out, 0, 4 * 64 * 64).length, "later commands wait for the running slice");
            s.launch("slow", config, List.of(KernelArg.of(out), KernelArg.of(1)), LaunchOptions.DEFAULT);
        }
    }

    @Test
    void aCancelledLaunchStartsNoBlocks() {
        try (DeviceSession s = open(SLOW)) {
            DeviceBuffer out = s.allocate(4L * 64);
            Cancellation c = new Cancellation();
            c.cancel();
            LaunchException e = assertThrows(LaunchException.class, () -> s.launch("slow", one(64),
                    List.of(KernelArg.of(out), KernelArg.of(10)), LaunchOptions.DEFAULT.withCancellation(c)));
            assertEquals(LaunchFailure.CANCELLED, e.failure());
        }
    }

    @Test
    void invalidLaunchesAreRejectedBeforeTheyReachTheDevice() {
        try (DeviceSession s = open("__global__ void k(float* a, int n) { if (threadIdx.x < n) a[threadIdx.x] = 1; }");
                DeviceSession other = open("__global__ void k(float* a, int n) { }")) {
            DeviceBuffer a = s.allocate(1024);
            DeviceBuffer foreign = other.allocate(16);
            List<List<KernelArg>> bad = List.of(List.of(KernelArg.of(a)), List.of(KernelArg.of(1), KernelArg.of(1)),
                    List.of(KernelArg.of(foreign), KernelArg.of(1)), List.of(KernelArg.of(a), KernelArg.of(a)));
            for (List<KernelArg> args : bad) {
                LaunchException e = assertThrows(LaunchException.class, () -> s.launch("k", one(4), args,
                        LaunchOptions.DEFAULT));
                assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure(), e.getMessage());
            }
            assertThrows(LaunchException.class, () -> s.launch("nope", one(1), List.of(), LaunchOptions.DEFAULT));
            int align = OpenClTestDevice.device().baseAddressAlignBytes();
            s.launch("k", one(4), List.of(new KernelArg.Buffer(a, align), KernelArg.of(4)), LaunchOptions.DEFAULT);
            float[] got = HostArrays.floats(s.read(a, 0, 1024));
            assertEquals(1.0f, got[align / 4], "a buffer passed at an aligned offset");
            assertEquals(0.0f, got[0]);
            LaunchException odd = assertThrows(LaunchException.class, () -> s.launch("k", one(4),
                    List.of(new KernelArg.Buffer(a, 4), KernelArg.of(4)), LaunchOptions.DEFAULT));
            assertTrue(odd.getMessage().contains("multiples of " + align), odd.getMessage());
        }
    }

    @Test
    void buildErrorsPointAtTheCudaLine() {
        OpenClBackend backend = OpenClTestDevice.backend();
        CompileResult compiled = compile("""
                __global__ void k(float* a) {
                    int i = threadIdx.x;

                    float scaled = a[i] * 2.0f;
                    a[i] = scaled;
                }
                """);
        OpenClOptions hooked = backend.options().withInjection("scaled", "this_is_not_opencl(1);");
        CompileException e = assertThrows(CompileException.class, () -> backend.program(compiled, hooked));
        Diagnostic d = e.first();
        assertEquals("test.cu", d.file());
        assertEquals(4, d.line(), e.formatted());
        assertTrue(d.message().contains("this_is_not_opencl"), d.message());
        assertTrue(d.sourceLine().contains("float scaled"), d.sourceLine());
    }

    @Test
    void programBinariesAreCachedOnDisk(@TempDir Path dir) {
        CompileResult compiled = compile("__global__ void k(int* a) { a[threadIdx.x] += 7 * (int)threadIdx.x + "
                + System.nanoTime() % 1000 + "; }");
        OpenClDevice device = OpenClTestDevice.device();
        try (OpenClBackend first = new OpenClBackend(device, OpenClOptions.Abi.STANDARD, dir)) {
            assertEquals("source", first.program(compiled, first.options()).origin());
            assertEquals("memory", first.program(compiled, first.options()).origin());
        }
        try (OpenClBackend second = new OpenClBackend(device, OpenClOptions.Abi.STANDARD, dir)) {
            BuiltProgram fromDisk = second.program(compiled, second.options());
            assertEquals("binary cache", fromDisk.origin());
            try (DeviceSession s = second.open(compiled)) {
                DeviceBuffer a = s.allocate(16);
                s.launch("k", one(4), List.of(KernelArg.of(a)), LaunchOptions.DEFAULT);
                int[] got = HostArrays.ints(s.read(a, 0, 16));
                assertEquals(got[1] - got[0], 7, "the cached binary runs");
            }
        }
    }
}
