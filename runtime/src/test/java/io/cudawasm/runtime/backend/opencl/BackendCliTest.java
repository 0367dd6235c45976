package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.cli.DevicesCommand;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cuda-wasm run --backend/--sandbox/--check-against} and {@code cuda-wasm devices}. */
class BackendCliTest {

    private static CliRun cuda(String... args) {
        return CliRun.cudaWasm(args);
    }

    private static final String[] SAXPY = {"run", "lib:saxpy", "--kernel", "saxpy", "--grid", "4", "--block", "256",
        "--arg", "1000", "--arg", "2.5", "--arg", "random:1000:7", "--arg", "const:1000:1", "--threads", "1"};

    private static String[] with(String... extra) {
        String[] all = new String[SAXPY.length + extra.length];
        System.arraycopy(SAXPY, 0, all, 0, SAXPY.length);
        System.arraycopy(extra, 0, all, SAXPY.length, extra.length);
        return all;
    }

    @Test
    void runOnOpenClCheckedAgainstWasm() {
        OpenClTestDevice.device();
        CliRun r = cuda(with("--backend", "opencl", "--check-against", "wasm", "--ulp", "0"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("saxpy on opencl:0"), r.out());
        assertTrue(r.out().contains("chosen: requested opencl: using opencl:0"), r.out());
        assertTrue(r.out().contains("checked opencl:0 against wasm (bit-exact): PASSED"), r.out());
    }

    @Test
    void autoReportsItsChoiceAndTheSandboxForcesWasm() throws Exception {
        CliRun auto = cuda(with("--json"));
        assertEquals(0, auto.code(), auto.err());
        JsonNode doc = new ObjectMapper().readTree(auto.out());
        assertTrue(doc.get("reason").asText().startsWith("auto: "), auto.out());
        CliRun sandbox = cuda(with("--sandbox", "--json"));
        JsonNode s = new ObjectMapper().readTree(sandbox.out());
        assertEquals("wasm", s.get("backend").asText());
        assertEquals(doc.get("outputs").get("y").get("fnv1a64").asText(), s.get("outputs").get("y").get("fnv1a64")
                .asText(), "the same bits on both back ends");
        CliRun refused = cuda(with("--sandbox", "--backend", "opencl"));
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("sandbox"), refused.err());
    }

    @Test
    void aBlockCollectiveKernelRunsOnOpenCl(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("sum.cu");
        Files.writeString(src, """
                __global__ void block_sum(const int* in, int* out) {
                    __shared__ int s[64];
                    s[threadIdx.x] = in[blockIdx.x * 64 + threadIdx.x];
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        int t = 0;
                        for (int i = 0; i < 64; i++) t += s[i];
                        out[blockIdx.x] = t;
                    }
                }
                """);
        CliRun r = cuda("run", src.toString(), "--kernel", "block_sum", "--grid", "2", "--block", "64", "--arg",
                "iota:128", "--arg", "zeros:2", "--backend", "opencl:0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode out = new ObjectMapper().readTree(r.out()).get("outputs").get("out");
        assertEquals(List.of("2016", "6112"), List.of(out.get("first").get(0).asText(), out.get("first").get(1).asText()));
    }

    @Test
    void devicesListsEveryProbeAndTheAutoChoice() {
        CliRun r = CliRun.of(new CommandLine(new DevicesCommand()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("opencl:0"), r.out());
        assertTrue(r.out().contains("cuda"), r.out());
        assertTrue(r.out().contains("tornadovm    unavailable"), r.out());
        assertTrue(r.out().contains("auto -> "), r.out());
    }
}
