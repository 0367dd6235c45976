package io.cudawasm.nutanix.prism.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.cli.DiscoverCommand;
import io.cudawasm.nutanix.cli.PrismSimCommand;
import io.cudawasm.nutanix.prism.ApiVersionChoice;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.NutanixConfig;
import io.cudawasm.nutanix.prism.PrismApiVersion;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code prism-sim} started on a free port in the background, used, and stopped. */
class PrismSimCommandTest {
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void shutdown() {
        background.shutdownNow();
    }

    private static String printed(String output, String label) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(label) + ":\\s+(\\S+)$").matcher(output);
        assertTrue(m.find(), label + " not printed in:\n" + output);
        return m.group(1);
    }

    @Test
    void servesHttpsWithItsOwnCertificateAndPrintsHowToConnect(@TempDir Path certDir) throws Exception {
        PrismSimCommand command = new PrismSimCommand(Map.of());
        CompletableFuture<PrismSimulator> started = new CompletableFuture<>();
        command.onStarted(started::complete);
        StringWriter out = new StringWriter();
        Future<Integer> exit = background.submit(() -> new CommandLine(command).setOut(new PrintWriter(out))
                .execute("--port", "0", "--cert-dir", certDir.toString()));
        PrismSimulator sim = started.get(60, TimeUnit.SECONDS);

        String banner = out.toString();
        assertTrue(banner.startsWith("Prism Central simulator listening on https://127.0.0.1:" + sim.port()), banner);
        Path ca = Path.of(printed(banner, "CA bundle"));
        assertEquals(certDir.resolve("ca.pem"), ca);
        assertTrue(Files.readString(ca).startsWith("-----BEGIN CERTIFICATE-----"));

        Map<String, String> env = new HashMap<>();
        env.put("NUTANIX_PRISM_URL", sim.baseUrl().toString());
        env.put("NUTANIX_CA_BUNDLE", ca.toString());
        env.put("NUTANIX_API_KEY", printed(banner, "API key"));
        NutanixClient auto = NutanixClient.create(NutanixConfig.fromEnvironment(env));
        assertEquals(12, auto.discoverGpuNodes().size());
        assertEquals(PrismApiVersion.V4, auto.apiVersion(), "both APIs served by default");
        assertTrue(banner.contains("  APIs:       v3 (/api/nutanix/v3) and v4"), banner);

        env.remove("NUTANIX_API_KEY");
        env.put("NUTANIX_USERNAME", printed(banner, "user"));
        env.put("NUTANIX_PASSWORD", printed(banner, "password"));
        assertEquals(3, NutanixClient.create(NutanixConfig.fromEnvironment(env)).listClusters().size());

        command.stop();
        assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    }

    /** The README's flow: {@code prism-sim &}, then {@code discover --summary} with nothing configured. */
    @Test
    void discoverFindsTheRunningSimulatorThroughItsEnvFile(@TempDir Path home) throws Exception {
        Map<String, String> env = Map.of("HOME", home.toString());
        PrismSimCommand command = new PrismSimCommand(env);
        CompletableFuture<PrismSimulator> started = new CompletableFuture<>();
        command.onStarted(started::complete);
        StringWriter out = new StringWriter();
        Future<Integer> exit = background.submit(() -> new CommandLine(command).setOut(new PrintWriter(out))
                .execute("--port", "0", "--cert-dir", home.resolve("certs").toString()));
        PrismSimulator sim = started.get(60, TimeUnit.SECONDS);
        Path envFile = home.resolve(".cache/cuda-wasm/prism-sim.env");
        assertTrue(out.toString().contains("  env file:   " + envFile), out.toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)),
                "it holds an API key");
        String text = Files.readString(envFile);
        assertTrue(text.contains("export NUTANIX_PRISM_URL='" + sim.baseUrl() + "'"), text);
        assertTrue(text.contains("(pid " + ProcessHandle.current().pid() + ")"), text);

        StringWriter discoverOut = new StringWriter();
        StringWriter discoverErr = new StringWriter();
        int code = new CommandLine(new DiscoverCommand(env, NutanixClient::create, Optional::empty)).setOut(new PrintWriter(discoverOut))
                .setErr(new PrintWriter(discoverErr)).execute("--summary");
        assertEquals(0, code, discoverErr.toString());
        assertTrue(discoverOut.toString().contains("GPUs            32 total, 17 free"), discoverOut.toString());
        assertEquals("discover: no NUTANIX_PRISM_URL; using the local Prism Central simulator at " + sim.baseUrl()
                + " (settings in " + envFile + ")", discoverErr.toString().strip());

        command.stop();
        assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(envFile), "removed when the simulator stops");
        StringWriter after = new StringWriter();
        assertEquals(2, new CommandLine(new DiscoverCommand(env, NutanixClient::create, Optional::empty)).setErr(new PrintWriter(after))
                .execute("--summary"));
        assertTrue(after.toString().contains("no Prism Central URL: set NUTANIX_PRISM_URL or pass one; or start 'cuda-wasm prism-sim'"),
                after.toString());
    }

    @Test
    void aStaleEnvFileOfADeadProcessIsIgnored(@TempDir Path home) throws Exception {
        Path envFile = Files.createDirectories(home.resolve(".cache/cuda-wasm")).resolve("prism-sim.env");
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).start();
        gone.getInputStream().readAllBytes();
        gone.waitFor();
        Files.writeString(envFile, "# written by cuda-wasm prism-sim (pid " + gone.pid() + "); removed when it stops\n"
                + "export NUTANIX_PRISM_URL='https://127.0.0.1:1'\n");
        StringWriter err = new StringWriter();
        assertEquals(2, new CommandLine(new DiscoverCommand(Map.of("HOME", home.toString()), NutanixClient::create, Optional::empty))
                .setErr(new PrintWriter(err)).execute("--summary"));
        assertTrue(err.toString().startsWith("discover: no Prism Central URL"), err.toString());
    }

    /** discover started before the simulator wrote its file (the README's two lines race) waits for it. */
    @Test
    void discoverWaitsForASimulatorThatIsStillStarting(@TempDir Path home) throws Exception {
        Map<String, String> env = Map.of("HOME", home.toString());
        PrismSimCommand command = new PrismSimCommand(env);
        CompletableFuture<PrismSimulator> started = new CompletableFuture<>();
        command.onStarted(started::complete);
        CountDownLatch discoverIsWaiting = new CountDownLatch(1);
        // "a simulator is starting": this JVM, alive, until the simulator below has written its file
        Supplier<Optional<ProcessHandle>> launching = () -> {
            discoverIsWaiting.countDown();
            return Optional.of(ProcessHandle.current());
        };
        StringWriter err = new StringWriter();
        Future<Integer> discover = background.submit(() -> new CommandLine(new DiscoverCommand(env, NutanixClient::create,
                launching)).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err)).execute("--summary"));
        assertTrue(discoverIsWaiting.await(60, TimeUnit.SECONDS));
        ExecutorService simulator = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> exit = simulator.submit(() -> new CommandLine(command).setOut(new PrintWriter(new StringWriter()))
                    .execute("--port", "0", "--cert-dir", home.resolve("certs").toString()));
            PrismSimulator sim = started.get(60, TimeUnit.SECONDS);
            assertEquals(0, discover.get(60, TimeUnit.SECONDS), err.toString());
            assertTrue(err.toString().startsWith("discover: waiting for the Prism Central simulator (pid "
                    + ProcessHandle.current().pid() + ") to start"), err.toString());
            assertTrue(err.toString().contains("using the local Prism Central simulator at " + sim.baseUrl()), err.toString());
            command.stop();
            assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        } finally {
            simulator.shutdownNow();
        }
    }

    @Test
    void servesASyntheticEstateOverPlainHttp() throws Exception {
        PrismSimCommand command = new PrismSimCommand(Map.of());
        CompletableFuture<PrismSimulator> started = new CompletableFuture<>();
        command.onStarted(started::complete);
        StringWriter out = new StringWriter();
        Future<Integer> exit = background.submit(() -> new CommandLine(command).setOut(new PrintWriter(out))
                .execute("--port", "0", "--http", "--synthetic-hosts", "40", "--synthetic-vms", "30", "--api", "v3"));
        PrismSimulator sim = started.get(60, TimeUnit.SECONDS);
        assertTrue(sim.baseUrl().toString().startsWith("http://"), sim.baseUrl().toString());
        String banner = out.toString();
        assertTrue(banner.contains("40 hosts, 160 GPU entries, 30 VMs"), banner);
        assertTrue(banner.contains("v3 only (/api/nutanix/v3); v4 paths answer 404"), banner);
        NutanixConfig config = NutanixConfig.withBasicAuth(sim.baseUrl().toString(), "admin", printed(banner, "password"));
        NutanixClient auto = NutanixClient.create(config);
        assertEquals(30, auto.listVms().size());
        assertEquals(PrismApiVersion.V3, auto.apiVersion(), "auto falls back on a v3-only simulator");
        command.stop();
        assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    }

    /** {@code --no-host-gpus}: v4's host-gpus answers 404, and a v4 client still finds every host's GPUs. */
    @Test
    void canPlayAPrismCentralWithoutHostGpus() throws Exception {
        PrismSimCommand command = new PrismSimCommand(Map.of());
        CompletableFuture<PrismSimulator> started = new CompletableFuture<>();
        command.onStarted(started::complete);
        StringWriter out = new StringWriter();
        Future<Integer> exit = background.submit(() -> new CommandLine(command).setOut(new PrintWriter(out))
                .execute("--port", "0", "--http", "--synthetic-hosts", "12", "--synthetic-vms", "10", "--no-host-gpus",
                        "--no-env-file"));
        PrismSimulator sim = started.get(60, TimeUnit.SECONDS);
        String banner = out.toString();
        assertTrue(banner.contains("host-gpus:  not served (404)"), banner);
        String password = printed(banner, "password");
        java.net.http.HttpResponse<String> raw = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(sim.baseUrl().resolve("/api/clustermgmt/v4.0/config/clusters/"
                        + sim.estate().clusterUuids().get(0) + "/host-gpus"))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                ("admin:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, raw.statusCode(), raw.body());
        NutanixClient v4 = NutanixClient.create(NutanixConfig.builder().baseUrl(sim.baseUrl())
                .basicAuth("admin", password).apiVersion(ApiVersionChoice.V4).build());
        NutanixClient v3 = NutanixClient.create(NutanixConfig.builder().baseUrl(sim.baseUrl())
                .basicAuth("admin", password).apiVersion(ApiVersionChoice.V3).build());
        java.util.function.Function<NutanixClient, Map<String, Integer>> gpusPerHost = c -> c.listHosts().stream()
                .collect(java.util.stream.Collectors.toMap(h -> h.uuid(), h -> h.gpus().size()));
        assertEquals(48, gpusPerHost.apply(v4).values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(gpusPerHost.apply(v3), gpusPerHost.apply(v4), "v4 without host-gpus finds what v3 finds");
        command.stop();
        assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    }

    @Test
    void rejectsAnUnknownApiInOneLine() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new PrismSimCommand(Map.of())).setErr(new PrintWriter(err)).execute("--port", "0", "--api", "v5");
        assertEquals(2, code);
        assertEquals("prism-sim: serve both, v3 or v4, not 'v5'", err.toString().strip());
    }

    @Test
    void reportsABadFixtureInOneLine(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new PrismSimCommand(Map.of())).setErr(new PrintWriter(err))
                .execute("--port", "0", "--fixture", dir.resolve("none.json").toString());
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("prism-sim: "), err.toString());
        assertEquals(1, err.toString().strip().lines().count());
    }
}
