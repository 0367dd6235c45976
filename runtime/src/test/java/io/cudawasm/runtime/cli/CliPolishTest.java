package io.cudawasm.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.testing.CliRun;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The command line's small promises: a version command, shell completion, JSON errors with --json, submit's exit codes. */
class CliPolishTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void versionSaysTheBuildTheCompilerAndTheJava() throws Exception {
        CliRun text = CliRun.cudaWasm("version");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().startsWith("cuda-wasm dev" + System.lineSeparator()), text.out());
        assertTrue(text.out().contains("compiler  " + KernelCompiler.VERSION), text.out());
        assertTrue(text.out().contains("java      " + Runtime.version()), text.out());
        JsonNode json = JSON.readTree(CliRun.cudaWasm("version", "--json").out());
        assertEquals("dev", json.path("version").asText());
        assertEquals(KernelCompiler.VERSION, json.path("compiler").asText());
        assertEquals(CliRun.cudaWasm("-V").out().strip(), "cuda-wasm " + json.path("version").asText(), "-V agrees");
    }

    @Test
    void completionPrintsABashScriptThatKnowsTheCommands() {
        CliRun run = CliRun.cudaWasm("completion");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("#!/usr/bin/env bash"), run.out().lines().findFirst().orElse(""));
        assertTrue(run.out().contains("complete -F _complete_cuda-wasm"), "registers the cuda-wasm function");
        for (String command : new String[] {"serve", "submit", "discover", "prism-sim", "generate", "deploy", "version", "example"}) {
            assertTrue(run.out().contains(command), command + " missing from the completion");
        }
        assertTrue(run.out().contains("--require-gpu-mode"), "options of subcommands complete too");
        assertTrue(CliRun.cudaWasm("--help").out().contains("completion"), "listed in the help");
    }

    @Test
    void withJsonAFailureIsOneJsonObjectOnStandardOutput() throws Exception {
        int port = closedPort();
        CliRun unreachable = CliRun.cudaWasm("submit", "--json", "--url", "http://127.0.0.1:" + port, "lib:saxpy",
                "--kernel", "saxpy", "--grid", "1", "--block", "32", "--arg", "32", "--arg", "2", "--arg", "zeros:32",
                "--arg", "zeros:32");
        assertEquals(4, unreachable.code());
        assertEquals("", unreachable.err());
        JsonNode error = JSON.readTree(unreachable.out());
        assertEquals("failed", error.path("error").asText());
        assertTrue(error.path("message").asText().startsWith("cannot reach the worker at http://127.0.0.1:" + port
                + ": connection refused"), error.toString());
        assertEquals(4, error.path("details").path("exitCode").asInt());
        assertEquals("submit", error.path("details").path("command").asText());

        CliRun badSource = CliRun.cudaWasm("run", "--json", "no-such-file.cu", "--kernel", "k", "--grid", "1", "--block", "1");
        assertEquals(2, badSource.code());
        JsonNode usage = JSON.readTree(badSource.out());
        assertEquals("usage", usage.path("error").asText());
        assertTrue(usage.path("message").asText().contains("no-such-file.cu"), usage.toString());

        CliRun unknownOption = CliRun.cudaWasm("devices", "--json", "--colour");
        assertEquals(2, unknownOption.code());
        assertEquals("usage", JSON.readTree(unknownOption.out()).path("error").asText());
        assertTrue(JSON.readTree(unknownOption.out()).path("message").asText().contains("--colour"), unknownOption.out());
    }

    @Test
    void withoutJsonErrorsStayOneLineOfText() throws Exception {
        int port = closedPort();
        CliRun run = CliRun.cudaWasm("submit", "--url", "http://127.0.0.1:" + port, "lib:saxpy", "--kernel", "saxpy",
                "--grid", "1", "--block", "32", "--arg", "32", "--arg", "2", "--arg", "zeros:32", "--arg", "zeros:32");
        assertEquals(4, run.code());
        assertEquals("", run.out());
        assertEquals("error: cannot reach the worker at http://127.0.0.1:" + port + ": connection refused (is 'cuda-wasm serve'"
                + " running there? --url or CUDA_WASM_URL names another worker)", run.err().strip());
        assertFalse(run.err().contains("null"));
        CliRun help = CliRun.cudaWasm("submit", "--help");
        assertTrue(help.out().contains("4   no answer: the worker cannot be reached"), "exit code 4 is documented:\n" + help.out());
    }
}
