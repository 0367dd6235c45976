package io.cudawasm.nutanix.cli;

import io.cudawasm.nutanix.prism.NutanixConfig;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SelfSignedCertificate;
import io.cudawasm.nutanix.prism.sim.ServedApis;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import io.cudawasm.nutanix.prism.sim.SyntheticEstate;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prism-sim}: runs the Prism Central simulator until the process is stopped. It makes its own
 * self-signed certificate and fresh credentials each run, prints them with the URL, and writes them as
 * {@code export} lines to an env file that {@code discover} finds by itself ({@link LocalPrismSimulator}).
 */
@Command(
        name = "prism-sim",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a Prism Central simulator (v3 and v4 APIs over one estate of hosts, clusters, VMs with GPUs)",
            "until stopped.",
            "It serves the bundled estate, a fixture file, or a generated large estate, over HTTPS with a fresh",
            "self-signed certificate (or plain HTTP), and prints the URL, the CA bundle path and credentials.",
            "It also writes them to an env file (default ~/.cache/cuda-wasm/prism-sim.env) while it runs:",
            "discover without NUTANIX_PRISM_URL uses it, and '. ~/.cache/cuda-wasm/prism-sim.env' exports them in a shell."
        })
public final class PrismSimCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "9440", description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String bind;

    @Option(names = "--fixture", paramLabel = "FILE", description = "estate JSON ({\"clusters\",\"hosts\",\"vms\"})")
    Path fixture;

    @Option(names = "--synthetic-hosts", paramLabel = "N",
            description = "serve a generated estate of N hosts with 4 GPUs each instead of a fixture")
    Integer syntheticHosts;

    @Option(names = "--synthetic-vms", paramLabel = "N", defaultValue = "600",
            description = "VMs in the generated estate (default: ${DEFAULT-VALUE})")
    int syntheticVms;

    @Option(names = "--api", paramLabel = "both|v3|v4", defaultValue = "both",
            description = "which Prism Central APIs to serve; the other answers 404 (default: ${DEFAULT-VALUE})")
    String api;

    @Option(names = "--http", description = "serve plain HTTP instead of HTTPS")
    boolean plainHttp;

    @Option(names = "--no-host-gpus", description = "answer 404 for v4 clustermgmt host-gpus, as a Prism Central "
            + "before them does (clients then assemble GPUs from the GPU profiles)")
    boolean noHostGpus;

    @Option(names = "--hostname", paramLabel = "NAME", split = ",",
            description = "extra names for the certificate, e.g. a host name clients use")
    String[] extraNames = new String[0];

    @Option(names = "--cert-dir", paramLabel = "DIR",
            description = "where to write ca.pem (default: a new temporary directory)")
    Path certDir;

    @Option(names = "--username", defaultValue = "admin", description = "Basic-auth user (default: ${DEFAULT-VALUE})")
    String username;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "where to write the export lines for other commands (default: $XDG_CACHE_HOME or ~/.cache, cuda-wasm/prism-sim.env)")
    Path envFile;

    @Option(names = "--no-env-file", description = "write no env file (discover then needs NUTANIX_* variables)")
    boolean noEnvFile;

    private final Map<String, String> environment;

    public PrismSimCommand() {
        this(System.getenv());
    }

    /** For embedding and tests: the environment that locates the default env file. */
    public PrismSimCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    private final CountDownLatch stop = new CountDownLatch(1);
    private Consumer<PrismSimulator> onStarted = sim -> {};

    /** Called with the running simulator once it listens; lets an embedding program or test use it. */
    public PrismSimCommand onStarted(Consumer<PrismSimulator> listener) {
        this.onStarted = listener;
        return this;
    }

    /** Makes {@link #call()} stop the simulator and return. */
    public void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (fixture != null && syntheticHosts != null) {
            err.println("prism-sim: choose either --fixture or --synthetic-hosts");
            return 2;
        }
        SimulatedEstate estate;
        InetAddress bindAddress;
        ServedApis apis;
        try {
            apis = ServedApis.parse(api);
            estate = syntheticHosts != null
                    ? SyntheticEstate.builder().hosts(syntheticHosts).vms(syntheticVms).build()
                    : fixture != null ? SimulatedEstate.fromFile(fixture) : SimulatedEstate.bundled();
            bindAddress = InetAddress.getByName(bind);
        } catch (IOException | IllegalArgumentException e) {
            err.println("prism-sim: " + e.getMessage());
            return 2;
        }
        String password = randomSecret(12);
        String apiKey = randomSecret(24);
        PrismSimulator.Builder builder = PrismSimulator.builder(estate)
                .bindAddress(bindAddress).port(port).apis(apis).user(username, password).apiKey(apiKey, "cuda-wasm-sa")
                .hostGpus(!noHostGpus);
        Path caPem = null;
        try {
            if (plainHttp) {
                builder.plainHttp();
            } else {
                SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost(withBindAddress(bindAddress));
                Path dir = certDir != null ? Files.createDirectories(certDir) : Files.createTempDirectory("prism-sim-");
                caPem = cert.writeCertificatePem(dir.resolve("ca.pem"));
                builder.https(cert.serverContext());
            }
        } catch (IOException e) {
            err.println("prism-sim: cannot write the CA bundle: " + e.getMessage());
            return 2;
        }
        try (PrismSimulator sim = builder.start()) {
            Optional<Path> settings = noEnvFile ? Optional.empty()
                    : Optional.ofNullable(envFile).or(() -> LocalPrismSimulator.defaultEnvFile(environment));
            long pid = ProcessHandle.current().pid();
            Map<String, String> variables = new LinkedHashMap<>();
            variables.put(NutanixConfig.ENV_URL, sim.baseUrl().toString());
            if (caPem != null) {
                variables.put(NutanixConfig.ENV_CA_BUNDLE, caPem.toAbsolutePath().toString());
            }
            variables.put(NutanixConfig.ENV_API_KEY, apiKey);
            try {
                settings.ifPresent(f -> LocalPrismSimulator.write(f, pid, variables));
            } catch (java.io.UncheckedIOException e) {
                err.println("prism-sim: " + e.getMessage() + " (continuing without it)");
                settings = Optional.empty();
            }
            printBanner(out, sim, caPem, password, apiKey, settings);
            Optional<Path> written = settings;
            Runnable cleanUp = () -> written.ifPresent(f -> LocalPrismSimulator.remove(f, pid));
            // The hook removes the file itself: on SIGTERM the JVM exits once hooks finish, without
            // waiting for this thread to get past await().
            Thread hook = new Thread(() -> {
                cleanUp.run();
                stop();
            }, "prism-sim-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            onStarted.accept(sim);
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting through the hook; nothing to undo.
            }
            cleanUp.run();
            return 0;
        } catch (IOException e) {
            err.println("prism-sim: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            return 1;
        }
    }

    private void printBanner(PrintWriter out, PrismSimulator sim, Path caPem, String password, String apiKey,
            Optional<Path> settings) {
        var estate = sim.estate();
        out.printf("Prism Central simulator listening on %s%n", sim.baseUrl());
        out.printf("  estate:     %d clusters (incl. Prism Central), %d hosts, %d GPU entries, %d VMs%n",
                estate.clusterCount(), estate.hostCount(), estate.gpuCount(), estate.vmCount());
        out.printf("  APIs:       %s%n", switch (sim.apis()) {
            case BOTH -> "v3 (/api/nutanix/v3) and v4 (/api/clustermgmt/v4.0, /api/vmm/v4.0)";
            case V3_ONLY -> "v3 only (/api/nutanix/v3); v4 paths answer 404";
            case V4_ONLY -> "v4 only (/api/clustermgmt/v4.0, /api/vmm/v4.0); v3 paths answer 404";
        });
        if (noHostGpus && sim.apis() != ServedApis.V3_ONLY) {
            out.println("  host-gpus:  not served (404), as before Prism Central had them");
        }
        if (caPem != null) {
            out.printf("  CA bundle:  %s%n", caPem);
        }
        out.printf("  user:       %s%n  password:   %s%n  API key:    %s%n", username, password, apiKey);
        out.printf("  faults:     GET/POST/DELETE %s/sim/faults%n", sim.baseUrl());
        settings.ifPresent(f -> out.printf("  env file:   %s (discover uses it; '. %s' exports it)%n", f, f));
        out.println();
        out.println("Use it with:");
        out.printf("  export %s=%s%n", NutanixConfig.ENV_URL, sim.baseUrl());
        if (caPem != null) {
            out.printf("  export %s=%s%n", NutanixConfig.ENV_CA_BUNDLE, caPem);
        }
        out.printf("  export %s=%s%n", NutanixConfig.ENV_API_KEY, apiKey);
        out.println("Stop with Ctrl-C.");
        out.flush();
    }

    private String[] withBindAddress(InetAddress bindAddress) {
        String[] names = Arrays.copyOf(extraNames, extraNames.length + 1);
        names[extraNames.length] = bindAddress.isAnyLocalAddress() ? localHostName() : bindAddress.getHostAddress();
        return names;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String randomSecret(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
