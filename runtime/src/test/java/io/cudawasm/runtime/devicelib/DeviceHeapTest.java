package io.cudawasm.runtime.devicelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.devicelib.DeviceHeap;
import io.cudawasm.kernels.devicelib.DeviceLimits;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.devicelib.DeviceLibraryPaths.Path;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.printf.PrintfCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Device {@code malloc}/{@code free} on the WebAssembly, OpenCL and PTX paths: many threads of many
 * blocks allocating at once (two workers on the CPU path), reuse of freed blocks, null from a full
 * 8 MiB heap, and a clear trap for a bad {@code free}.
 */
class DeviceHeapTest {

    @ParameterizedTest
    @EnumSource(Path.class)
    void threadsAllocateFillAndFreeConcurrently(Path path) {
        String src = """
                __global__ void scratch(int *out, int rounds)
                {
                    int g = blockIdx.x * blockDim.x + threadIdx.x;
                    int total = 0;
                    for (int r = 0; r < rounds; r++) {
                        int n = 4 + (g + r) % 13;
                        int *a = (int *)malloc(n * sizeof(int));
                        if (a == NULL) { out[g] = -1; return; }
                        for (int i = 0; i < n; i++) a[i] = g * 100 + i;
                        for (int i = 0; i < n; i++) total += a[i];
                        free(a);
                    }
                    out[g] = total;
                }
                """;
        int blocks = 8;
        int threads = 64;
        int rounds = 5;
        DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, "scratch", src, "scratch", new Dim3(blocks, 1, 1),
                new Dim3(threads, 1, 1), PrintfCollector.DEFAULT_LIMIT_BYTES,
                s -> List.of(DeviceLibraryPaths.zeros(s, 4 * blocks * threads), KernelArg.of(rounds)));
        ByteBuffer out = ByteBuffer.wrap(run.buffers().get(0)).order(ByteOrder.LITTLE_ENDIAN);
        for (int g = 0; g < blocks * threads; g++) {
            int want = 0;
            for (int r = 0; r < rounds; r++) {
                int n = 4 + (g + r) % 13;
                for (int i = 0; i < n; i++) {
                    want += g * 100 + i;
                }
            }
            assertEquals(want, out.getInt(4 * g), "thread " + g);
        }
    }

    /** 1 MiB blocks until malloc returns null: 7 fit in the 8 MiB heap (each has a header); freed, they fit again. */
    @ParameterizedTest
    @EnumSource(Path.class)
    void aFullHeapGivesNullAndFreedBlocksAreReused(Path path) {
        String src = """
                __global__ void fill(long long *out)
                {
                    char *p[16];
                    int n = 0;
                    while (n < 16 && (p[n] = (char *)malloc(1 << 20)) != NULL) {
                        p[n][0] = (char)n;
                        p[n][(1 << 20) - 1] = (char)n;
                        n++;
                    }
                    out[0] = n;
                    int intact = 1;
                    for (int i = 0; i < n; i++) {
                        if (p[i][0] != i || p[i][(1 << 20) - 1] != i) intact = 0;
                        if (((unsigned long long)p[i] & 15) != 0) intact = 0;
                    }
                    out[1] = intact;
                    for (int i = 0; i < n; i++) free(p[i]);
                    int again = 0;
                    char *q;
                    while (again < 16 && (q = (char *)malloc(1 << 20)) != NULL) again++;
                    out[2] = again;
                    out[3] = malloc(0) == NULL;
                    out[4] = malloc((size_t)1 << 40) == NULL;
                }
                """;
        DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, "fill", src, "fill", new Dim3(1, 1, 1),
                new Dim3(1, 1, 1), PrintfCollector.DEFAULT_LIMIT_BYTES, s -> List.of(DeviceLibraryPaths.zeros(s, 40)));
        ByteBuffer out = ByteBuffer.wrap(run.buffers().get(0)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(7, out.getLong(0), "1 MiB blocks in an 8 MiB heap");
        assertEquals(1, out.getLong(8), "each block kept its bytes and is 16-byte aligned");
        assertEquals(7, out.getLong(16), "freed blocks are reused");
        assertEquals(1, out.getLong(24), "malloc(0) is null");
        assertEquals(1, out.getLong(32), "a request larger than the heap is null");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void freeingWhatMallocDidNotReturnTraps(Path path) {
        for (String bad : List.of("free(p + 1);", "free(p); free(p);", "free(out);")) {
            String src = """
                    __global__ void bad(int *out)
                    {
                        int *p = (int *)malloc(64);
                        p[0] = 1;
                        %s
                        out[0] = 1;
                    }
                    """.formatted(bad);
            if (path == Path.CUDA_C) {
                // the CUDA back end's trap: the fault code in its status word, the kernel returns
                DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, "bad", src, "bad", new Dim3(1, 1, 1),
                        new Dim3(1, 1, 1), PrintfCollector.DEFAULT_LIMIT_BYTES, s -> List.of(DeviceLibraryPaths.zeros(s, 4)));
                assertEquals(KernelAbi.TRAP_BAD_FREE, run.cudaFault(), bad);
                assertEquals(0, run.buffers().get(0)[0], bad + ": the kernel stopped at the trap");
                assertEquals(DeviceHeap.BAD_FREE, KernelAbi.trapMessage(run.cudaFault()));
                continue;
            }
            LaunchException e = assertThrows(LaunchException.class, () -> DeviceLibraryPaths.run(path, "bad", src, "bad",
                    new Dim3(1, 1, 1), new Dim3(1, 1, 1), PrintfCollector.DEFAULT_LIMIT_BYTES,
                    s -> List.of(DeviceLibraryPaths.zeros(s, 4))), bad);
            assertEquals(LaunchFailure.TRAP, e.failure(), bad + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(DeviceHeap.BAD_FREE), bad + ": " + e.getMessage());
        }
    }

    /** {@code new}/{@code delete} of objects, scalars and arrays, and placement {@code new} (nvcc makes them malloc/free). */
    @ParameterizedTest
    @EnumSource(Path.class)
    void newAndDeleteConstructAndFree(Path path) {
        String src = """
                struct Counter {
                    int base;
                    int n;
                    __device__ Counter(int b) : base(b), n(0) {}
                    __device__ int next() { return base + n++; }
                };
                __global__ void objects(int *out)
                {
                    int g = blockIdx.x * blockDim.x + threadIdx.x;
                    Counter *c = new Counter(g * 10);
                    int a = c->next();
                    int b = c->next();
                    int *arr = new int[4];
                    for (int i = 0; i < 4; i++) arr[i] = i * g;
                    int *one = new int(7);
                    int *zero = new int();
                    float *fs = new float[3]();
                    int place[2];
                    Counter *s = new (place) Counter(3);
                    s->next();
                    out[7 * g] = a;
                    out[7 * g + 1] = b;
                    out[7 * g + 2] = arr[3];
                    out[7 * g + 3] = *one;
                    out[7 * g + 4] = *zero;
                    out[7 * g + 5] = (int)(fs[0] + fs[1] + fs[2]);
                    out[7 * g + 6] = s->next() + place[1];
                    delete c;
                    delete[] arr;
                    delete one;
                    delete zero;
                    delete[] fs;
                }
                """;
        int n = 2 * 32;
        DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, "objects", src, "objects", new Dim3(2, 1, 1),
                new Dim3(32, 1, 1), PrintfCollector.DEFAULT_LIMIT_BYTES, s -> List.of(DeviceLibraryPaths.zeros(s, 28 * n)));
        ByteBuffer out = ByteBuffer.wrap(run.buffers().get(0)).order(ByteOrder.LITTLE_ENDIAN);
        for (int g = 0; g < n; g++) {
            int[] want = {g * 10, g * 10 + 1, 3 * g, 7, 0, 0, 4 + 2};
            for (int k = 0; k < 7; k++) {
                assertEquals(want[k], out.getInt(28 * g + 4 * k), "thread " + g + ", value " + k);
            }
        }
    }

    /** {@code -D CUDA_WASM_MALLOC_HEAP_SIZE} sizes the heap (cudaLimitMallocHeapSize): 2 MiB holds one 1 MiB block. */
    @ParameterizedTest
    @EnumSource(Path.class)
    void theHeapSizeIsADefine(Path path) {
        String src = """
                __global__ void count(int *out)
                {
                    int n = 0;
                    while (n < 16 && malloc(1 << 20) != NULL) n++;
                    out[0] = n;
                }
                """;
        DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, Map.of(DeviceLimits.HEAP_DEFINE, "2097152"), "count",
                src, "count", new Dim3(1, 1, 1), new Dim3(1, 1, 1), 0, PrintfCollector.DEFAULT_LIMIT_BYTES,
                s -> List.of(DeviceLibraryPaths.zeros(s, 4)));
        assertEquals(1, ByteBuffer.wrap(run.buffers().get(0)).order(ByteOrder.LITTLE_ENDIAN).getInt());
        CompileException e = assertThrows(CompileException.class, () -> KernelCompiler.compile(
                CompileRequest.of("k.cu", src).withDefines(Map.of(DeviceLimits.HEAP_DEFINE, "lots"))));
        assertTrue(e.getMessage().contains("CUDA_WASM_MALLOC_HEAP_SIZE=lots: expected a number of bytes"), e.getMessage());
        CompileException big = assertThrows(CompileException.class, () -> KernelCompiler.compile(
                CompileRequest.of("k.cu", src).withDefines(Map.of(DeviceLimits.HEAP_DEFINE, "1073741824"))));
        assertTrue(big.getMessage().contains("static-data-bytes"), big.getMessage());
    }
}
