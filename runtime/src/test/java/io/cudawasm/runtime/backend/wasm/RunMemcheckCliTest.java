package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuda-wasm run --memcheck} prints a compute-sanitizer-style report and exits with 3 when it
 * finds invalid accesses, and an error summary of 0 errors (exit 0) when it finds none; without
 * memcheck a null pointer argument fails with the fault's line, block and thread.
 */
class RunMemcheckCliTest {
    private static final String SOURCE = """
            __global__ void fill(int* x, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i <= n) x[i] = i;
            }
            """;

    @TempDir
    Path dir;

    private CliRun run(String... extra) throws Exception {
        Path src = dir.resolve("fill.cu");
        Files.writeString(src, SOURCE);
        String[] base = {"run", src.toString(), "--kernel", "fill", "--grid", "2", "--block", "32", "--threads", "2"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRun.cudaWasm(all);
    }

    @Test
    void memcheckReportsAnOffByOneLikeComputeSanitizer() throws Exception {
        CliRun r = run("--memcheck", "--arg", "zeros:32", "--arg", "32");
        assertEquals(3, r.code(), r.toString());
        String err = r.err();
        assertTrue(err.contains("========= Invalid write of size 4 bytes"), err);
        assertTrue(err.contains("=========     at fill.cu:3:"), err);
        assertTrue(err.contains("=========     by thread (0,0,0) in block (1,0,0)"), err);
        assertTrue(err.contains("0 bytes after the end of parameter 'x' (128 bytes), offset 128"), err);
        assertTrue(err.contains("========= ERROR SUMMARY: 1 error"), err);
    }

    @Test
    void memcheckOfACorrectLaunchSummarizesNoErrors() throws Exception {
        CliRun r = run("--memcheck", "--arg", "zeros:32", "--arg", "31");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("fill on wasm"), r.out());
        assertTrue(r.out().contains("========= ERROR SUMMARY: 0 errors"), r.out());
    }

    @Test
    void memcheckRefusesAnotherBackEnd() throws Exception {
        CliRun r = run("--memcheck", "--backend", "opencl", "--arg", "zeros:32", "--arg", "31");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--memcheck runs on the WebAssembly path"), r.err());
    }

    @Test
    void aNullPointerArgumentFaultsWithItsLocation() throws Exception {
        CliRun r = run("--backend", "wasm", "--arg", "null", "--arg", "31");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("at fill.cu:3:") && r.err().contains("in block (0,0,0), thread (0,0,0)")
                && r.err().contains("null"), r.err());
    }
}
