package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.cli.CacheCommand;
import io.cudawasm.runtime.cli.ServeCommand;
import io.cudawasm.runtime.cli.SubmitCommand;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code submit} against a live worker, and {@code cache warm|ls|prune} on a folder. */
class CliCommandsTest {
    @TempDir
    static Path dir;
    static TestWorker worker;

    /** Exit code, stdout and stderr of one command. */

    @BeforeAll
    static void start() {
        worker = TestWorker.start(dir.resolve("worker-cache"));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static CliRun run(Object command, String... args) {
        return CliRun.of(new CommandLine(command), args);
    }

    @Test
    void submitRunsALibraryKernelOnTheWorker() {
        CliRun r = run(new SubmitCommand(), "--url", worker.base.toString(), "lib:saxpy", "--kernel", "saxpy",
                "--grid", "4", "--block", "256", "--arg", "1K", "--arg", "2.0", "--arg", "iota:1K", "--arg", "const:1K:1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("saxpy on wasm: "), r.out());
        // y = 2 * i + 1 for i < 1024: sum = 1024 * 1023 + 1024
        assertTrue(r.out().contains("y: float[1024] fnv1a64="), r.out());
        assertTrue(r.out().contains("sum=1048576.0"), r.out());
        assertTrue(r.out().contains("first=[\"1.0\",\"3.0\""), r.out());
    }

    @Test
    void submitTakesFilesNamedArgumentsAndSavesOutputs() throws Exception {
        Path source = Files.writeString(dir.resolve("scale.cu"), TestKernels.SOURCE);
        ByteBuffer input = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3)
                .putFloat(4);
        Path in = Files.write(dir.resolve("in.bin"), input.array());
        Path saved = dir.resolve("out.bin");
        CliRun r = run(new SubmitCommand(), "--url", worker.base.toString(), source.toString(), "-k", "scale",
                "--grid", "1", "--block", "32", "--arg", "x=file:" + in, "--arg", "a=10", "--arg", "n=4",
                "--out", "x=array", "--save", "x=" + saved, "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\"status\" : \"succeeded\""), r.out());
        ByteBuffer out = ByteBuffer.wrap(Files.readAllBytes(saved)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(40f, out.getFloat(12));
    }

    @Test
    void submitReportsCompileErrorsAndFailedJobs() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.cu"), "__global__ void k(int *x) {\n  x[0] = y;\n}\n");
        CliRun compile = run(new SubmitCommand(), "--url", worker.base.toString(), bad.toString(),
                "--grid", "1", "--block", "1", "--arg", "zeros:1");
        assertEquals(1, compile.code(), compile.toString());
        assertTrue(compile.err().startsWith("bad.cu:2:10: error:"), compile.err());

        Path spin = Files.writeString(dir.resolve("spin.cu"), TestKernels.SOURCE);
        CliRun timeout = run(new SubmitCommand(), "--url", worker.base.toString(), spin.toString(), "-k", "spin",
                "--grid", "1", "--block", "1", "--arg", "zeros:1", "--time-limit", "0.2");
        assertEquals(3, timeout.code(), timeout.toString());
        assertTrue(timeout.err().contains("time_limit_exceeded"), timeout.err());

        CliRun unreachable = run(new SubmitCommand(), "--url", "http://127.0.0.1:1", "lib:saxpy",
                "--grid", "1", "--block", "1");
        assertEquals(4, unreachable.code(), unreachable.toString());
    }

    @Test
    void submitAsyncPrintsTheJobUrl() {
        CliRun r = run(new SubmitCommand(), "--url", worker.base.toString(), "lib:vector_add", "--grid", "1",
                "--block", "64", "--arg", "iota:64", "--arg", "iota:64", "--arg", "zeros:64", "--arg", "64", "--async");
        assertEquals(0, r.code(), r.toString());
        String[] parts = r.out().trim().split(" ");
        assertTrue(parts[1].endsWith("/v1/jobs/" + parts[0]), r.out());
    }

    @Test
    void cacheWarmListsAndPrunes() throws Exception {
        Path cache = dir.resolve("cli-cache");
        Files.writeString(dir.resolve("tests.cu"), TestKernels.SOURCE);
        Path list = Files.writeString(dir.resolve("kernels.txt"), """
                # kernels for the edge site
                lib:saxpy
                lib:vector_add -DUNUSED=1
                tests.cu
                """);
        CliRun warm = run(new CacheCommand(), "warm", "--cache-dir", cache.toString(), list.toString());
        assertEquals(0, warm.code(), warm.toString());
        assertEquals(3, warm.out().lines().filter(l -> l.startsWith("compiled ")).count(), warm.out());
        CliRun again = run(new CacheCommand(), "warm", "--cache-dir", cache.toString(), list.toString());
        assertEquals(3, again.out().lines().filter(l -> l.startsWith("cached ")).count(), again.out());

        CliRun ls = run(new CacheCommand(), "ls", "--cache-dir", cache.toString());
        assertEquals(0, ls.code(), ls.toString());
        assertTrue(ls.out().contains("3 entries"), ls.out());
        assertTrue(ls.out().contains("module.wasm"), ls.out());

        try (TestWorker w = TestWorker.start(cache)) {
            var r = w.post("/v1/kernels", java.util.Map.of("library", "saxpy"));
            assertEquals("disk", r.json().get("cache").asText(), "the worker finds what the CLI warmed");
        }

        CliRun prune = run(new CacheCommand(), "prune", "--cache-dir", cache.toString(), "--max-bytes", "1");
        assertEquals(0, prune.code(), prune.toString());
        assertTrue(prune.out().startsWith("removed 3 entries"), prune.out());

        Path broken = Files.writeString(dir.resolve("broken.txt"), "lib:saxpy\nlib:no_such_kernel\n");
        CliRun failing = run(new CacheCommand(), "warm", "--cache-dir", cache.toString(), broken.toString());
        assertTrue(failing.code() != 0, failing.toString());
    }

    @Test
    void serveFlagsOverrideTheEnvironment() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--port", "9090", "--max-concurrent", "3", "--cache-dir", "/tmp/k",
                "--job-time-limit", "2.5", "--sandbox-only");
        var config = serve.configure(java.util.Map.of("CUDA_WASM_PORT", "8080", "CUDA_WASM_MAX_CONCURRENT_KERNELS", "4",
                "CUDA_WASM_MAX_QUEUED_JOBS", "7", "CUDA_WASM_AUTH_TOKEN", "t"));
        assertEquals(9090, config.port());
        assertEquals(3, config.maxConcurrentJobs());
        assertEquals(7, config.maxQueuedJobs(), "unflagged values come from the environment");
        assertEquals(Path.of("/tmp/k"), config.cache().directory());
        assertEquals(2500, config.jobTimeLimit().toMillis());
        assertTrue(config.sandboxOnly());
        assertTrue(config.authEnabled());
    }

    @Test
    void serveReportsATakenPortInOneLine() {
        CliRun r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> run(new ServeCommand(),
                "--bind", "127.0.0.1", "--port", Integer.toString(worker.base.getPort()),
                "--cache-dir", dir.resolve("serve-cache").toString()));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: cannot start the worker on 127.0.0.1:"), r.err());
        assertEquals(1, r.err().lines().count(), "no stack trace: " + r.err());
    }
}
