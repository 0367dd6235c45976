package io.cudawasm.runtime.devicelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.devicelib.DeviceLibraryPaths.Path;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.printf.PrintfCollector;
import io.cudawasm.runtime.printf.PrintfOutput;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Device printf on the WebAssembly path, OpenCL (PoCL) and nvcc's PTX (vprintf): C's formatting
 * (checked against what glibc prints for the same calls), the order of the output, the bound of the
 * device buffer and of the text, and the compile errors for what it does not take.
 */
class DevicePrintfTest {

    @ParameterizedTest
    @EnumSource(Path.class)
    void everyThreadPrintsInBlockThenThreadOrder(Path path) {
        String src = """
                __global__ void hello(int val)
                {
                    printf("[%d, %d]:\\t\\tValue is:%d\\n", blockIdx.y * gridDim.x + blockIdx.x,
                           threadIdx.z * blockDim.x * blockDim.y + threadIdx.y * blockDim.x + threadIdx.x, val);
                    if (threadIdx.x == 0 && threadIdx.y == 0 && threadIdx.z == 0) {
                        printf("block %d done\\n", blockIdx.y * gridDim.x + blockIdx.x);
                    }
                }
                """;
        PrintfOutput out = DeviceLibraryPaths.run(path, "hello", src, "hello", new Dim3(2, 2, 1), new Dim3(2, 2, 2),
                PrintfCollector.DEFAULT_LIMIT_BYTES, s -> List.of(KernelArg.of(10))).printed();
        StringBuilder want = new StringBuilder();
        for (int block = 0; block < 4; block++) {
            for (int t = 0; t < 8; t++) {
                want.append("[").append(block).append(", ").append(t).append("]:\t\tValue is:10\n");
                if (t == 0) {
                    want.append("block ").append(block).append(" done\n");
                }
            }
        }
        assertEquals(want.toString(), out.text());
        assertEquals(36, out.records());
        assertFalse(out.truncated());
    }

    /** The expected lines are what gcc's printf (glibc) prints for the same arguments. */
    @ParameterizedTest
    @EnumSource(Path.class)
    void formatsAsCDoes(Path path) {
        String src = """
                __global__ void formats(const float *x, int *done)
                {
                    int n = -42;
                    unsigned u = 3000000000u;
                    long long big = -1234567890123LL;
                    unsigned long long ub = 18446744073709551615ULL;
                    char name[4] = {'a', 'b', 'c', 0};
                    printf("|%5d|%-5d|%05d|%+d|% d|%x|%X|%#x|%o|%#o|%u|%c|%s|%.2s|%-6s|\\n", n, n, n, 7, 7, n, 255, 255,
                           8, 8, u, 'Z', "lit", name, name);
                    printf("|%f|%.3f|%10.2f|%-10.1f|%e|%.2E|%g|%g|%g|%G|%#.3g|%+.0f|%a|%.1a|\\n", x[0], x[1] / 3.0,
                           -1.005, 2.5, 123456.789, 0.000123, 1e-5, 123456789.0, 100.0, 1e-10, 1.0, 2.5, 1.5, 1.0 / 3);
                    printf("|%ld|%lld|%llu|%hhd|%hd|%lx|%%|%p|%*d|%.*f|%-*d|\\n", (long)big, big, ub, 300, 70000,
                           (long)-1, (void *)0, 6, 42, 2, 3.14159, 4, 7);
                    printf("|%f|%e|%5.1f|%d|%s|\\n", x[2] / x[3], -x[2] / x[3], -0.0, 0, (const char *)0);
                    *done = printf("no arguments\\n");
                }
                """;
        float[] x = {3.14159f, 2.0f, 1.0f, 0.0f};
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            in.putFloat(v);
        }
        DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, "formats", src, "formats", new Dim3(1, 1, 1),
                new Dim3(1, 1, 1), PrintfCollector.DEFAULT_LIMIT_BYTES, s -> {
                    var b = s.allocate(16);
                    s.write(b, 0, in.array());
                    return List.of(new KernelArg.Buffer(b, 0), DeviceLibraryPaths.zeros(s, 4));
                });
        String want = """
                |  -42|-42  |-0042|+7| 7|ffffffd6|FF|0xff|10|010|3000000000|Z|lit|ab|abc   |
                |3.141590|0.667|     -1.00|2.5       |1.234568e+05|1.23E-04|1e-05|1.23457e+08|100|1E-10|1.00|+2|0x1.8p+0|0x1.5p-2|
                |-1234567890123|-1234567890123|18446744073709551615|44|4464|ffffffffffffffff|%|(nil)|    42|3.14|7   |
                |inf|-inf| -0.0|0|(null)|
                no arguments
                """;
        // x[0] is a float: 3.14159f printed as a double is 3.141590 at six digits
        assertEquals(want, run.printed().text());
        assertEquals(0, java.nio.ByteBuffer.wrap(run.buffers().get(1)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(),
                "printf returns the number of arguments");
    }

    /**
     * 64 threads print 1,000 lines each, 2.5 MB of records: the device buffer keeps what fits in its
     * 1 MiB and counts the rest as dropped; each thread's lines that were kept are its first ones, in order.
     */
    @ParameterizedTest
    @EnumSource(Path.class)
    void aFullBufferDropsRecordsAndSaysSo(Path path) {
        String src = """
                __global__ void chatty(int n)
                {
                    for (int i = 0; i < n; i++) {
                        printf("thread %d line %d\\n", threadIdx.x, i);
                    }
                }
                """;
        PrintfOutput out = DeviceLibraryPaths.run(path, "chatty", src, "chatty", new Dim3(1, 1, 1), new Dim3(64, 1, 1),
                8 << 20, s -> List.of(KernelArg.of(1000))).printed();
        assertTrue(out.truncated());
        assertTrue(out.droppedRecords() > 0 && out.records() > 0, out::toString);
        assertEquals(64_000, out.records() + out.droppedRecords());
        assertTrue(out.note().contains("dropped") && out.note().contains("1024 KiB"), out.note());
        String[] lines = out.text().split("\n");
        assertEquals(out.records(), lines.length);
        int[] next = new int[64];
        int thread = 0;
        for (String line : lines) {
            String[] w = line.split(" ");
            int t = Integer.parseInt(w[1]);
            assertTrue(t >= thread, "threads in order");
            thread = t;
            assertEquals(next[t]++, Integer.parseInt(w[3]), "a thread's lines in program order, none missing");
        }
    }

    /** {@code -D CUDA_WASM_PRINTF_FIFO_SIZE} sizes the device buffer (cudaLimitPrintfFifoSize). */
    @ParameterizedTest
    @EnumSource(Path.class)
    void theBufferSizeIsADefine(Path path) {
        String src = """
                __global__ void lines(int n)
                {
                    for (int i = 0; i < n; i++) printf("%d\\n", i);
                }
                """;
        // a record: 24 bytes of header and one 8-byte slot; 4096 bytes hold 128 of them
        PrintfOutput out = DeviceLibraryPaths.run(path, java.util.Map.of(
                io.cudawasm.kernels.devicelib.DeviceLimits.PRINTF_DEFINE, "4096"), "lines", src, "lines",
                new Dim3(1, 1, 1), new Dim3(1, 1, 1), 0, PrintfCollector.DEFAULT_LIMIT_BYTES,
                s -> List.of(KernelArg.of(200))).printed();
        assertEquals(128, out.records());
        assertEquals(72, out.droppedRecords());
        assertTrue(out.note().contains("device buffer of 4 KiB"), out.note());
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < 128; i++) {
            want.append(i).append('\n');
        }
        assertEquals(want.toString(), out.text());
    }

    @Test
    void theTextIsCutAtItsLimit() {
        String src = """
                __global__ void wide(int n)
                {
                    for (int i = 0; i < n; i++) {
                        printf("%4000d|\\n", i);
                    }
                }
                """;
        PrintfOutput out = DeviceLibraryPaths.run(Path.WASM, "wide", src, "wide", new Dim3(1, 1, 1), new Dim3(4, 1, 1),
                10_000, s -> List.of(KernelArg.of(100))).printed();
        assertEquals(10_000, out.text().length());
        assertTrue(out.truncated());
        assertEquals(0, out.droppedRecords());
        assertTrue(out.note().contains("cut at the limit of 10000 bytes"), out.note());
    }

    @Test
    void formatsItCannotTakeAreCompileErrors() {
        refuses("__global__ void k(const char *f) { printf(f, 1); }", "needs a string literal as its format");
        refuses("__global__ void k() { printf(\"%d %d\\n\", 1); }", "needs 2 arguments, 1 given");
        refuses("__global__ void k(int *p) { printf(\"%n\", p); }", "printf's %n is not supported");
        refuses("__global__ void k() { printf(\"%q\", 1); }", "unknown printf conversion '%q'");
        refuses("__global__ void k() { printf(\"%5\"); }", "printf format ends inside a conversion");
        refuses("struct P { int a; }; __global__ void k(P p) { printf(\"%d\", p); }", "printf cannot print argument 1");
        refuses("__global__ void k(int x) { printf(\"%s\", x); }", "printf's %s needs a string");
        refuses("__global__ void k(int *x) { const char *s = \"abc\"; x[0] = s[0]; }",
                "string literals are supported in device code only as printf's format and %s arguments");
    }

    private static void refuses(String source, String expected) {
        try {
            KernelCompiler.compile(CompileRequest.of("bad.cu", source));
        } catch (CompileException e) {
            assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("bad.cu:1:"),
                    () -> "expected '" + expected + "' at a position in:\n" + e.getMessage());
            return;
        }
        throw new AssertionError("expected the compile to fail with '" + expected + "'");
    }
}
