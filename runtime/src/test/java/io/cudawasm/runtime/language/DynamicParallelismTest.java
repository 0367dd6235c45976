package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.HostArrays;
import io.cudawasm.runtime.testing.KernelHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Dynamic parallelism: kernels launched from device code run after their parent grid, in launch
 * order per stream, each followed by its own descendants, with CUDA's limits (pending launches,
 * nesting depth, launch configuration) reported to device code through cudaGetLastError. Each
 * kernel runs on the WebAssembly path, OpenCL (PoCL) and through the PTX of {@code nvcc -rdc=true},
 * against a Java reference.
 */
class DynamicParallelismTest {
    private static final Nvcc.Config RDC = new Nvcc.Config("compute_75", false);

    /** One run of a source on one path: buffers in, a launch, buffers out. */
    private record Run(String path, Backend backend, CompileResult compiled) {}

    private static List<Run> paths(String name, String source) {
        CompileResult compiled = AllPaths.compile(CompileRequest.of(name + ".cu", source));
        if (Boolean.getBoolean("cdp.noptx")) {
            return List.of(new Run("wasm", KernelHarness.backend(2), compiled),
                new Run("opencl", OpenClTestDevice.backend(), compiled));
        }
        String ptx = Nvcc.ptx(source, RDC, List.of("-rdc=true"));
        CompileResult viaPtx = AllPaths.compile(CompileRequest.of(name + ".ptx", ptx));
        return List.of(new Run("wasm", KernelHarness.backend(2), compiled),
                new Run("opencl", OpenClTestDevice.backend(), compiled),
                new Run("ptx", KernelHarness.backend(2), viaPtx));
    }

    /** Launches {@code kernel} with int buffers (and scalars) and returns the buffers afterwards. */
    private static int[][] launch(Run run, String kernel, Dim3 grid, Dim3 block, LaunchOptions options,
            Object... args) {
        try (DeviceSession s = run.backend().open(run.compiled())) {
            List<KernelArg> list = new ArrayList<>();
            List<DeviceBuffer> buffers = new ArrayList<>();
            for (Object a : args) {
                if (a instanceof int[] data) {
                    DeviceBuffer b = s.allocate(4L * data.length);
                    s.write(b, 0, HostArrays.bytes(data));
                    buffers.add(b);
                    list.add(KernelArg.of(b));
                } else {
                    list.add(KernelArg.of((Number) a));
                }
            }
            s.launch(kernel, LaunchConfig.of(grid, block), list, options);
            int[][] out = new int[buffers.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = HostArrays.ints(s.read(buffers.get(i), 0, (int) buffers.get(i).size()));
            }
            return out;
        }
    }

    private static void onEveryPath(String name, String source, Consumer<Run> check) {
        for (Run r : paths(name, source)) {
            try {
                check.accept(r);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(r.path() + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void recursiveLaunchesFromEveryThreadBuildATree() {
        String src = """
                __global__ void tree(int* counts, int depth, int maxDepth)
                {
                    atomicAdd(&counts[depth], 1);
                    if (depth < maxDepth) {
                        tree<<<2, 2>>>(counts, depth + 1, maxDepth);
                    }
                }
                """;
        onEveryPath("tree", src, r -> {
            int[][] out = launch(r, "tree", Dim3.of(2), Dim3.of(2), LaunchOptions.DEFAULT, new int[6], 0, 4);
            // every thread of every grid launches a grid of 4 threads: 4, 16, 64, 256, 1024 threads per level
            assertArrayEquals(new int[] {4, 16, 64, 256, 1024, 0}, out[0]);
        });
    }

    @Test
    void deviceSideCudaMallocAndCudaFreeUseTheHeap() {
        String src = """
                __global__ void scratch(int n, int* out)
                {
                    float* p = nullptr;
                    cudaError_t e = cudaMalloc((void**)&p, n * sizeof(float));
                    if (e != cudaSuccess) { out[threadIdx.x] = -1; return; }
                    for (int i = 0; i < n; i++) p[i] = i * 0.5f + threadIdx.x;
                    float s = 0;
                    for (int i = 0; i < n; i++) s += p[i];
                    out[threadIdx.x] = (int) s;
                    cudaFree(p);
                    int* big;
                    out[32 + threadIdx.x] = cudaMalloc(&big, (size_t) 1 << 40) == cudaErrorMemoryAllocation && big == nullptr
                            ? 7 : 0;
                }
                """;
        int n = 100;
        int[] expected = new int[64];
        for (int t = 0; t < 32; t++) {
            float s = 0;
            for (int i = 0; i < n; i++) {
                s += i * 0.5f + t;
            }
            expected[t] = (int) s;
            expected[32 + t] = 7;
        }
        onEveryPath("scratch", src, r -> assertArrayEquals(expected,
                launch(r, "scratch", Dim3.of(1), Dim3.of(32), LaunchOptions.DEFAULT, n, new int[64])[0]));
    }

    @Test
    void aChildPerBlockOnItsOwnStreamWithAPointerIntoTheMiddleOfABuffer() {
        String src = """
                __global__ void fill(int* row, int value, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) row[i] = value * 1000 + i;
                }
                __global__ void perBlock(int* out, int n)
                {
                    if (threadIdx.x == 0) {
                        cudaStream_t s;
                        cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
                        dim3 grid((n + 31) / 32), block(32);
                        fill<<<grid, block, 0, s>>>(out + blockIdx.x * n, blockIdx.x + 1, n);
                        cudaStreamDestroy(s);
                    }
                }
                """;
        int blocks = 5;
        int n = 128; // 512 bytes a row: OpenCL sub-buffers need aligned offsets
        int[] expected = new int[blocks * n];
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < n; i++) {
                expected[b * n + i] = (b + 1) * 1000 + i;
            }
        }
        onEveryPath("per_block", src, r -> {
            int[][] out = launch(r, "perBlock", Dim3.of(blocks), Dim3.of(64), LaunchOptions.DEFAULT,
                    new int[blocks * n], n);
            assertArrayEquals(expected, out[0]);
        });
    }

    @Test
    void aStreamRunsInOrderWithEachGridsDescendantsBeforeTheNextAndTailLaunchesLast() {
        String src = """
                __global__ void grand(int* x, int n) { int i = threadIdx.x; if (i < n) x[i] = x[i] * 3 + 1; }
                __global__ void first(int* x, int n)
                {
                    int i = threadIdx.x;
                    if (i < n) x[i] = i;
                    if (i == 0) grand<<<1, n>>>(x, n);  // runs before 'second', which is next in the stream
                }
                __global__ void second(int* x, int n) { int i = threadIdx.x; if (i < n) x[i] = x[i] * 5 + 2; }
                __global__ void total(const int* x, int n, int* sum)
                {
                    int s = 0;
                    for (int i = 0; i < n; i++) s += x[i];
                    sum[0] = s;
                }
                __global__ void mark(int* sum) { sum[2] = 11; }
                __global__ void parent(int* x, int n, int* sum)
                {
                    // recorded first, runs after everything else this grid launched
                    total<<<1, 1, 0, cudaStreamTailLaunch>>>(x, n, sum);
                    first<<<1, n>>>(x, n);
                    second<<<1, n>>>(x, n);
                    mark<<<1, 1, 0, cudaStreamFireAndForget>>>(sum);
                    sum[1] = cudaGetLastError();
                }
                """;
        int n = 32;
        int[] x = new int[n];
        int sum = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (i * 3 + 1) * 5 + 2;
            sum += x[i];
        }
        int total = sum;
        onEveryPath("stream_order", src, r -> {
            int[][] out = launch(r, "parent", Dim3.of(1), Dim3.of(1), LaunchOptions.DEFAULT, new int[n], n, new int[3]);
            assertArrayEquals(x, out[0]);
            assertArrayEquals(new int[] {total, 0, 11}, out[1]);
        });
    }

    @Test
    void launchesPastThePendingLimitFailWithTheirErrorInCudaGetLastError() {
        String src = """
                __global__ void one(int* counter) { atomicAdd(counter, 1); }
                __global__ void many(int* counter, int* errors)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    one<<<1, 1>>>(counter);
                    errors[i] = cudaGetLastError();
                    errors[i] += 1000 * cudaGetLastError();  // cleared by the first call
                }
                """;
        int threads = 3072;
        onEveryPath("pending", src, r -> {
            int[][] out = launch(r, "many", Dim3.of(threads / 256), Dim3.of(256), LaunchOptions.DEFAULT, new int[1],
                    new int[threads]);
            assertEquals(2048, out[0][0], "children that ran");
            long failed = Arrays.stream(out[1]).filter(e -> e == 69).count();
            long ok = Arrays.stream(out[1]).filter(e -> e == 0).count();
            assertEquals(1024, failed, "launches that failed with cudaErrorLaunchPendingCountExceeded");
            assertEquals(2048, ok);
        });
    }

    @Test
    void theNestingDepthStopsAt24AndABadConfigurationIsAnError() {
        String src = """
                __global__ void deep(int* reached, int* errors, int depth)
                {
                    reached[depth] = 1;
                    deep<<<1, 1>>>(reached, errors, depth + 1);
                    errors[depth] = cudaGetLastError();
                }
                __global__ void bad(int* reached, int* errors)
                {
                    deep<<<1, 2048>>>(reached, errors, 0);
                    errors[0] = cudaGetLastError();
                    deep<<<dim3(1, 70000), 1>>>(reached, errors, 0);
                    errors[1] = cudaPeekAtLastError();
                    errors[2] = cudaPeekAtLastError();
                }
                """;
        int[] reached = new int[30];
        int[] errors = new int[30];
        for (int d = 0; d <= 24; d++) {
            reached[d] = 1;
        }
        errors[24] = 65; // cudaErrorLaunchMaxDepthExceeded: the grid at depth 24 cannot launch
        onEveryPath("depth", src, r -> {
            int[][] out = launch(r, "deep", Dim3.of(1), Dim3.of(1), LaunchOptions.DEFAULT, new int[30], new int[30], 0);
            assertArrayEquals(reached, out[0]);
            assertArrayEquals(errors, out[1]);
            int[][] badOut = launch(r, "bad", Dim3.of(1), Dim3.of(1), LaunchOptions.DEFAULT, new int[30], new int[30]);
            assertEquals(0, Arrays.stream(badOut[0]).sum(), "no child ran");
            assertArrayEquals(new int[] {9, 9, 9}, Arrays.copyOf(badOut[1], 3));
        });
    }

    @Test
    void aTrappingChildFailsTheLaunchNamingTheChild() {
        String src = """
                __global__ void boom(int* x, int at) { if (threadIdx.x == at) __trap(); x[threadIdx.x] = 1; }
                __global__ void parent(int* x)
                {
                    x[100] = 7;
                    if (threadIdx.x == 0) boom<<<1, 32>>>(x, 5);
                }
                """;
        onEveryPath("trap", src, r -> {
            LaunchException e = assertThrows(LaunchException.class, () -> launch(r, "parent", Dim3.of(1),
                    Dim3.of(32), LaunchOptions.DEFAULT, new int[128]));
            assertEquals("boom", e.kernel());
            assertTrue(e.getMessage().contains("child grid 'boom' (depth 1, launched by 'parent')"), e.getMessage());
        });
    }

    @Test
    void theTimeLimitCoversEveryDescendant() {
        String src = """
                __global__ void spin(volatile int* flag) { while (flag[0] == 0) { } }
                __global__ void parent(int* flag) { spin<<<1, 1>>>(flag); }
                """;
        // Wasm only: an OpenCL kernel that never ends cannot be stopped (it keeps its session busy)
        Run wasm = paths("spin", src).get(0);
        long started = System.nanoTime();
        LaunchException e = assertThrows(LaunchException.class, () -> launch(wasm, "parent", Dim3.of(1), Dim3.of(1),
                LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(300)), new int[1]));
        assertEquals(LaunchFailure.TIMEOUT, e.failure());
        assertEquals("spin", e.kernel());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aLaunchBombEndsAtTheTimeLimitWithItsQueueBounded() {
        String src = """
                __global__ void bomb(int* grids, int* refused)
                {
                    if (threadIdx.x == 0) atomicAdd(grids, 1);
                    bomb<<<1, 1024>>>(grids, refused);
                    if (cudaGetLastError() != cudaSuccess) atomicAdd(refused, 1);
                }
                """;
        Run wasm = paths("bomb", src).get(0);
        long started = System.nanoTime();
        LaunchException e = assertThrows(LaunchException.class, () -> launch(wasm, "bomb", Dim3.of(1), Dim3.of(1024),
                LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(1500)), new int[1], new int[1]));
        assertEquals(LaunchFailure.TIMEOUT, e.failure());
        assertEquals("bomb", e.kernel());
        assertTrue(e.getMessage().contains("child grid 'bomb'"), e.getMessage());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(15).toNanos());
    }

    @Test
    void aPointerToADeviceVariableCannotBePassedToAChild() {
        String src = """
                __device__ int table[4];
                __global__ void child(int* p) { p[0] = 1; }
                __global__ void parent(int* x) { child<<<1, 1>>>(table); }
                """;
        onEveryPath("device_var", src, r -> {
            LaunchException e = assertThrows(LaunchException.class, () -> launch(r, "parent", Dim3.of(1), Dim3.of(1),
                    LaunchOptions.DEFAULT, new int[1]));
            assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
            assertTrue(e.getMessage().contains("pointer argument") && e.getMessage().contains("points into none of "
                    + "the job's buffers"), e.getMessage());
        });
    }

    @Test
    void whatCannotBeLaunchedIsRefusedByName() {
        AllPaths.refuses("""
                __device__ void f(int* a) { a[0] = 1; }
                __global__ void k(int* a) { f<<<1, 1>>>(a); }
                """, "'f' is not a __global__ function: only kernels are launched with <<<...>>>");
        AllPaths.refuses("""
                __global__ void c(int* a) { }
                __global__ void k(int* a) { c<<<1>>>(a); }
                """, "a kernel launch takes 2 to 4 configuration arguments");
        AllPaths.refuses("""
                __global__ void c(int* a) { }
                __global__ void k(int* a) { cudaStream_t s; cudaStreamCreate(&s); c<<<1, 1, 0, s>>>(a); }
                """, "cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking)");
        AllPaths.refuses("""
                __global__ void c(int* a) { }
                __global__ void k(int* a) { c(a); }
                """, "a __global__ function cannot be called from device code: launch it with <<<grid, block>>>");
    }

    @Test
    void theCommandLineRunsChildGrids() throws Exception {
        java.nio.file.Path cu = java.nio.file.Files.createTempFile("tree", ".cu");
        try {
            java.nio.file.Files.writeString(cu, """
                    __global__ void tree(int* counts, int depth, int maxDepth)
                    {
                        atomicAdd(&counts[depth], 1);
                        if (depth < maxDepth) tree<<<2, 2>>>(counts, depth + 1, maxDepth);
                    }
                    """);
            for (String backend : List.of("wasm", "opencl")) {
                io.cudawasm.runtime.testing.CliRun r = io.cudawasm.runtime.testing.CliRun.cudaWasm("run",
                        cu.toString(), "--kernel", "tree", "--grid", "2", "--block", "2", "--arg", "zeros:6", "--arg",
                        "0", "--arg", "3", "--backend", backend, "--json");
                assertEquals(0, r.code(), r.err());
                com.fasterxml.jackson.databind.JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(r.out()).get("outputs").get("counts").get("first");
                List<Integer> counts = new ArrayList<>();
                first.forEach(n -> counts.add((int) Math.round(n.asDouble())));
                assertEquals(List.of(4, 16, 64, 256, 0, 0), counts, backend + ": " + r.out());
            }
        } finally {
            java.nio.file.Files.deleteIfExists(cu);
        }
    }

    @Test
    void aTemplateKernelAndADeviceFunctionLaunch() {
        String src = """
                template <int N> __global__ void scaleBy(int* x) { x[threadIdx.x] *= N; }
                __device__ int launchScale(int* x)
                {
                    scaleBy<3><<<1, 8>>>(x);
                    return cudaGetLastError();
                }
                __global__ void parent(int* x, int* err)
                {
                    if (threadIdx.x == 0) err[0] = launchScale(x);
                    if (threadIdx.x == 1) scaleBy<5><<<1, 4>>>(x + 32);  // 128 bytes in: OpenCL's sub-buffer alignment
                }
                """;
        int[] x = new int[40];
        int[] expected = new int[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            expected[i] = i < 8 ? 3 * (i + 1) : i >= 32 && i < 36 ? 5 * (i + 1) : i + 1;
        }
        onEveryPath("template_launch", src, r -> {
            int[][] out = launch(r, "parent", Dim3.of(1), Dim3.of(2), LaunchOptions.DEFAULT, x, new int[] {-1});
            assertArrayEquals(expected, out[0]);
            assertArrayEquals(new int[] {0}, out[1]);
        });
    }
}
