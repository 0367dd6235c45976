package io.cudawasm.nutanix.prism.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.cli.DiscoverCommand;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.RecordingSleeper;
import io.cudawasm.nutanix.prism.TestPrism;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.ServedApis;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code discover} over both APIs: every mode prints the same over v3 and v4 but for the line (or JSON field)
 * naming the API, {@code auto} picks v4 where Prism Central offers it and v3 where it does not, and says so.
 */
class DiscoverApiVersionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PrismSimulator both;
    private static PrismSimulator v3Only;
    private static Path caBundle;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        caBundle = Files.writeString(dir.resolve("ca.pem"), TestPrism.PKI.caPem());
        both = TestPrism.start(SimulatedEstate.bundled());
        v3Only = PrismSimulator.builder(SimulatedEstate.bundled()).https(TestPrism.PKI.serverContext())
                .apiKey(TestPrism.API_KEY).apis(ServedApis.V3_ONLY).start();
    }

    @AfterAll
    static void stop() {
        both.close();
        v3Only.close();
    }

    record Run(int exitCode, String out, String err) {}

    private static Run run(PrismSimulator sim, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("NUTANIX_PRISM_URL", sim.baseUrl().toString(),
                "NUTANIX_API_KEY", TestPrism.API_KEY, "NUTANIX_CA_BUNDLE", caBundle.toString());
        DiscoverCommand command = new DiscoverCommand(env,
                config -> NutanixClient.builder(config).sleeper(new RecordingSleeper()).build());
        int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] with(String api, String... args) {
        List<String> all = new ArrayList<>(List.of("--api-version", api));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** Text output without its last line, which names the API. */
    private static String withoutApiLine(String out) {
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("Prism Central API "), out);
        return lines.subList(0, lines.size() - 1).stream().collect(Collectors.joining("\n"));
    }

    private static JsonNode withoutApiField(String out) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(out);
        o.remove("prism_api_version");
        return o;
    }

    @Test
    void everyModePrintsTheSameOverV3AndV4() throws Exception {
        List<List<String>> modes = new ArrayList<>(List.of(List.of(), List.of("--summary"),
                List.of("--best", "nvidia:2"), List.of("--best", "nvidia:3", "--allow-vgpu"),
                List.of("--best", "nvidia:1", "--arm"), List.of("--best", "amd:2", "--min-gpu-memory", "65536"),
                List.of("--best", "intel:1")));
        List<PrismHost> hosts = TestPrism.client(both, new RecordingSleeper()).listHosts();
        hosts.forEach(h -> modes.add(List.of("--host", h.uuid())));
        hosts.stream().flatMap(h -> h.cluster().stream()).map(c -> c.uuid()).distinct()
                .forEach(c -> modes.add(List.of("--summary", "--cluster", c)));
        for (List<String> mode : modes) {
            String[] args = mode.toArray(String[]::new);
            Run v3 = run(both, with("v3", args));
            Run v4 = run(both, with("v4", args));
            assertEquals(0, v3.exitCode(), mode + ": " + v3.err());
            assertEquals(0, v4.exitCode(), mode + ": " + v4.err());
            assertEquals(withoutApiLine(v3.out()), withoutApiLine(v4.out()), "text of " + mode);
            assertTrue(v4.out().endsWith("Prism Central API v4 (configured)" + System.lineSeparator()), v4.out());

            List<String> json = new ArrayList<>(mode);
            json.add("--json");
            String[] jsonArgs = json.toArray(String[]::new);
            JsonNode j3 = JSON.readTree(run(both, with("v3", jsonArgs)).out());
            JsonNode j4 = JSON.readTree(run(both, with("v4", jsonArgs)).out());
            assertEquals("v3", j3.path("prism_api_version").asText());
            assertEquals("v4", j4.path("prism_api_version").asText());
            assertEquals(withoutApiField(j3.toString()), withoutApiField(j4.toString()), "JSON of " + mode);
        }
        // a failed search fails the same way
        Run none3 = run(both, with("v3", "--best", "amd:4"));
        Run none4 = run(both, with("v4", "--best", "amd:4"));
        assertEquals(3, none4.exitCode());
        assertEquals(none3.err(), none4.err());
    }

    @Test
    void autoPicksV4WhereOfferedAndV3WhereNot() throws Exception {
        Run onBoth = run(both, "--summary");
        assertEquals(0, onBoth.exitCode(), onBoth.err());
        assertTrue(onBoth.out().endsWith("Prism Central API v4 (auto)" + System.lineSeparator()), onBoth.out());
        Run onV3 = run(v3Only, "--summary");
        assertEquals(0, onV3.exitCode(), onV3.err());
        assertTrue(onV3.out().endsWith("Prism Central API v3 (auto: v4 not offered)" + System.lineSeparator()),
                onV3.out());
        assertEquals(withoutApiLine(onBoth.out()), withoutApiLine(onV3.out()));
        assertEquals("v4", JSON.readTree(run(both, "--json").out()).path("prism_api_version").asText());
        assertEquals("v3", JSON.readTree(run(v3Only, "--json").out()).path("prism_api_version").asText());
    }

    @Test
    void v4AgainstAPrismCentralWithoutItIsAOneLinePrismError() {
        Run r = run(v3Only, with("v4", "--summary"));
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("discover: GET /api/clustermgmt/v4.0/config/hosts"), r.err());
        assertTrue(r.err().contains("(HTTP 404)"), r.err());
    }
}
