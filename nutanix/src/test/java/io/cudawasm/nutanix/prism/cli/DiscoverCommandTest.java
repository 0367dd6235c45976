package io.cudawasm.nutanix.prism.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.nutanix.cli.DiscoverCommand;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.PrismApiVersion;
import io.cudawasm.nutanix.prism.RecordingSleeper;
import io.cudawasm.nutanix.prism.TestPrism;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code discover} run as picocli would run it, against the simulator over HTTPS, with
 * {@code NUTANIX_API_VERSION} set to v3 and to v4: the same output either way, down to the last line, which
 * names the API.
 */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
class DiscoverCommandTest {
    private static PrismSimulator sim;
    private static Path caBundle;

    @Parameter
    PrismApiVersion version;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        sim = TestPrism.start(SimulatedEstate.bundled());
        caBundle = Files.writeString(dir.resolve("ca.pem"), TestPrism.PKI.caPem());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    /** The result of one command run. */
    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("NUTANIX_PRISM_URL", sim.baseUrl().toString());
        env.put("NUTANIX_API_KEY", TestPrism.API_KEY);
        env.put("NUTANIX_API_VERSION", version.label());
        return env;
    }

    private String apiLine() {
        return "Prism Central API " + version.label() + " (configured)";
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        DiscoverCommand command = new DiscoverCommand(env,
                config -> NutanixClient.builder(config).sleeper(new RecordingSleeper()).build());
        int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run runWithBundle(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--ca-bundle";
        all[1] = caBundle.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return run(env(), all);
    }

    private static void assertAligned(List<String> lines, String column) {
        int at = lines.get(0).indexOf(column);
        assertTrue(at > 0, "no column " + column + " in " + lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.length() > at && line.charAt(at - 1) == ' ' && line.charAt(at) != ' ',
                    "column " + column + " not aligned in: " + line);
        }
    }

    @Test
    void listsGpuHostsAsAnAlignedTable() {
        Run r = runWithBundle();
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.get(0).startsWith("HOST"), lines.get(0));
        List<String> table = lines.subList(0, 13);
        assertAligned(table, "CLUSTER");
        assertAligned(table, "ARCH");
        assertAligned(table, "MODELS");
        assertTrue(r.out().contains("4x NVIDIA L40S"), r.out());
        assertTrue(r.out().contains("2x NVIDIA A40, 6x NVIDIA A40-12C, 2x NVIDIA A40-4Q"), r.out());
        assertEquals("12 GPU host(s), 32 GPU(s) (17 free), 10 vGPU instance(s) (5 free)", lines.get(13));
        assertEquals(apiLine(), lines.get(14));
        assertEquals(15, lines.size());
        assertEquals("", r.err());
    }

    @Test
    void printsASummary() {
        Run r = runWithBundle("--summary");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("GPU summary, all clusters"), r.out());
        assertTrue(r.out().contains("GPUs            32 total, 17 free"), r.out());
        assertTrue(r.out().contains("vGPU instances  10 total, 5 free"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("NVIDIA\\s+23\\s+10")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("NVIDIA A40-12C\\s+6\\s+3")), r.out());
        assertEquals(apiLine(), r.lines().get(r.lines().size() - 1));
    }

    @Test
    void aClusterIsNamedByNameOrUuid() throws Exception {
        String uuid = NutanixClient.builder(io.cudawasm.nutanix.prism.TestPrism.config(sim).build()).build().listClusters().stream()
                .filter(c -> c.name().equals("pe-gpu-east")).findFirst().orElseThrow().uuid();
        Run byName = runWithBundle("--summary", "--cluster", "pe-gpu-east");
        Run byUuid = runWithBundle("--summary", "--cluster", uuid);
        assertEquals(0, byName.exitCode(), byName.err());
        assertTrue(byName.out().contains("GPU summary, cluster " + uuid), byName.out());
        assertEquals(byUuid.out(), byName.out(), "the name means the same cluster");
        Run upper = runWithBundle("--best", "nvidia:1", "--cluster", "PE-GPU-EAST");
        assertEquals(0, upper.exitCode(), upper.err());
        assertOneLineError(runWithBundle("--summary", "--cluster", "pe-nowhere"), 1,
                "no Prism Element cluster has the uuid or name 'pe-nowhere'; clusters: ");
        assertTrue(runWithBundle("--summary", "--cluster", "pe-nowhere").err().contains("pe-gpu-east (" + uuid + ")"));
    }

    @Test
    void ranksTheBestNodes() {
        Run r = runWithBundle("--best", "nvidia:2");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.get(0).startsWith("RANK"), lines.get(0));
        assertTrue(lines.get(1).matches("\\s*1\\s+ahv-west-h100-01\\s+pe-gpu-west\\s+x86_64\\s+3\\s+240 GiB\\s+passthrough\\s+3x NVIDIA H100 80GB HBM3"),
                lines.get(1));
        assertEquals(5, lines.size());
        assertEquals(apiLine(), lines.get(4));
        assertAligned(lines.subList(0, 4), "HOST");

        Run vgpu = runWithBundle("--best", "NVIDIA:3", "--allow-vgpu");
        assertTrue(vgpu.out().contains("vgpu"), vgpu.out());
        Run arm = runWithBundle("--best", "nvidia:1", "--arm");
        assertEquals(4, arm.lines().size(), arm.out());
    }

    @Test
    void bestWithNoMatchExitsThree() {
        Run r = runWithBundle("--best", "amd:4");
        assertEquals(3, r.exitCode());
        assertEquals("discover: no node has 4 free AMD GPU(s) (passthrough only; try --allow-vgpu)", r.err().strip());
    }

    @Test
    void rejectsABadBestValue() {
        Run r = runWithBundle("--best", "voodoo:2");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown GPU vendor 'voodoo'"), r.err());
        assertEquals(2, runWithBundle("--best", "nvidia:two").exitCode());
        assertEquals(2, runWithBundle("--summary", "--best", "nvidia:1").exitCode());
    }

    @Test
    void describesOneHost() {
        String uuid = TestPrism.client(TestPrism.config(sim, version).build(), new RecordingSleeper()).listHosts().stream()
                .filter(h -> h.name().equals("ahv-arm-edge02")).findFirst().orElseThrow().uuid();
        Run r = runWithBundle("--host", uuid);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("architecture  aarch64 (ARM)"), r.out());
        assertTrue(r.out().contains("cpu           not reported"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("NVIDIA A10\\s+passthrough_compute\\s+UNUSED\\s+yes\\s+24 GiB\\s+0000:01:00.0\\s+-")),
                r.out());
    }

    @Test
    void printsJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode all = json.readTree(runWithBundle("--json").out());
        assertEquals(version.label(), all.path("prism_api_version").asText());
        JsonNode nodes = all.path("nodes");
        assertEquals(12, nodes.size());
        assertEquals("ahv-arm-edge01", nodes.get(0).path("host_name").asText());
        assertEquals("aarch64", nodes.get(0).path("cpu_arch").asText());
        JsonNode summary = json.readTree(runWithBundle("--summary", "--json").out());
        assertEquals(version.label(), summary.path("prism_api_version").asText());
        assertEquals(32, summary.path("total_gpu_count").asInt());
        assertEquals(17, summary.path("available_gpu_count").asInt());
        assertEquals(23, summary.path("by_vendor").path("NVIDIA").path("total").asInt());
        JsonNode best = json.readTree(runWithBundle("--best", "amd:2", "--json").out());
        assertEquals(version.label(), best.path("prism_api_version").asText());
        assertEquals("ahv-west-amd01", best.path("candidates").get(0).path("host_name").asText());
        assertEquals(1, best.path("candidates").get(0).path("rank").asInt());
    }

    @Test
    void insecureNeedsNoBundle() {
        Run r = run(env(), "--insecure", "--summary");
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void urlOptionOverridesTheEnvironment() {
        Map<String, String> env = env();
        env.put("NUTANIX_PRISM_URL", "https://unused.example.com:9440");
        Run r = run(env, "--prism-url", sim.baseUrl().toString(), "--ca-bundle", caBundle.toString(), "--summary");
        assertEquals(0, r.exitCode(), r.err());
    }

    private static void assertOneLineError(Run r, int code, String expected) {
        assertEquals(code, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("discover: "), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void configurationErrorsAreOneLine() {
        assertOneLineError(run(Map.of()), 2, "no Prism Central URL: set NUTANIX_PRISM_URL");
        assertOneLineError(run(Map.of("NUTANIX_PRISM_URL", sim.baseUrl().toString())), 2, "NUTANIX_API_KEY");
        assertOneLineError(run(env(), "--ca-bundle", dir.resolve("missing.pem").toString()), 2, "missing.pem");
        assertOneLineError(run(env(), "--api-version", "v5"), 2, "must be auto, v3 or v4, was 'v5'");
        Map<String, String> badEnv = env();
        badEnv.put("NUTANIX_API_VERSION", "v2");
        assertOneLineError(run(badEnv), 2, "NUTANIX_API_VERSION must be auto, v3 or v4, was 'v2'");
    }

    @Test
    void prismErrorsAreOneLine() {
        Map<String, String> wrongKey = env();
        wrongKey.put("NUTANIX_API_KEY", "wrong");
        assertOneLineError(run(wrongKey, "--ca-bundle", caBundle.toString()), 1, "rejected the credentials (HTTP 401)");
        assertOneLineError(runWithBundle("--host", "dc3b4a5e-0000-4000-8000-000000000001"), 1, "ENTITY_NOT_FOUND");
        assertOneLineError(run(env()), 1, "TLS handshake");
        assertOneLineError(run(env()), 1, "NUTANIX_CA_BUNDLE=ca.pem (discover: --ca-bundle");
        Map<String, String> viewer = env();
        viewer.remove("NUTANIX_API_KEY");
        viewer.put("NUTANIX_USERNAME", TestPrism.VIEWER);
        viewer.put("NUTANIX_PASSWORD", TestPrism.VIEWER_PASSWORD);
        assertOneLineError(run(viewer, "--ca-bundle", caBundle.toString()), 1, "ACCESS_DENIED");
    }

    @Test
    void helpListsTheOptions() {
        Run r = run(Map.of(), "--help");
        assertEquals(0, r.exitCode());
        for (String option : List.of("--summary", "--best", "--host", "--json", "--prism-url", "--insecure", "--ca-bundle",
                "--api-version")) {
            assertTrue(r.out().contains(option), option + " missing from help");
        }
    }
}
