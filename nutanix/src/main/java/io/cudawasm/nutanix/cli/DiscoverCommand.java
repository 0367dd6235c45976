package io.cudawasm.nutanix.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.ApiVersionChoice;
import io.cudawasm.nutanix.prism.GpuAccess;
import io.cudawasm.nutanix.prism.NodeCandidate;
import io.cudawasm.nutanix.prism.NodeSelection;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.NutanixConfig;
import io.cudawasm.nutanix.prism.PrismException;
import io.cudawasm.nutanix.prism.model.ClusterGpuSummary;
import io.cudawasm.nutanix.prism.model.GpuCount;
import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.HostCapabilities;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PassthroughGpu;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.VirtualGpu;
import io.cudawasm.nutanix.prism.report.InventoryJson;
import io.cudawasm.nutanix.prism.report.TextTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code discover}: reads GPU hosts from Prism Central and prints them as aligned tables or JSON.
 * Credentials come only from the environment ({@code NUTANIX_API_KEY}, or {@code NUTANIX_USERNAME} and
 * {@code NUTANIX_PASSWORD}) so that they never appear in a process list.
 */
@Command(
        name = "discover",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Lists the GPU hosts Prism Central knows, a GPU summary, the best nodes for a workload, or one host.",
            "Connection settings fall back to NUTANIX_PRISM_URL, NUTANIX_CA_BUNDLE, NUTANIX_INSECURE and",
            "NUTANIX_API_VERSION; the output says which Prism Central API (v3 or v4) answered;",
            "credentials are read from NUTANIX_API_KEY, or NUTANIX_USERNAME and NUTANIX_PASSWORD (or the files of",
            "NUTANIX_CREDENTIALS_DIR). Without any of these it uses a running 'cuda-wasm prism-sim' (its env file)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:Prism Central answered with an error or could not be reached",
            "2:invalid options or configuration",
            "3:--best found no node that fits"
        })
public final class DiscoverCommand implements Callable<Integer> {
    static final int PRISM_ERROR = 1;
    static final int CONFIG_ERROR = 2;
    static final int NO_MATCH = 3;
    /** How long to wait for a simulator that was started a moment ago (first use builds the jar first). */
    static final java.time.Duration SIMULATOR_PATIENCE = java.time.Duration.ofSeconds(90);

    /** Where Prism Central is and how to trust it; reusable by other commands as a picocli mixin. */
    public static final class ConnectionOptions {
        @Option(names = "--prism-url", paramLabel = "URL",
                description = "Prism Central, e.g. https://pc.example.com:9440 (default: $NUTANIX_PRISM_URL)")
        String prismUrl;

        @Option(names = "--ca-bundle", paramLabel = "PEM",
                description = "extra trusted CA certificates, PEM (default: $NUTANIX_CA_BUNDLE)")
        Path caBundle;

        @Option(names = "--insecure", description = "do not verify the TLS certificate (default: $NUTANIX_INSECURE)")
        boolean insecure;

        @Option(names = "--api-version", paramLabel = "auto|v3|v4",
                description = "Prism Central API; auto uses v4 when Prism Central offers it "
                        + "(default: $NUTANIX_API_VERSION, else auto)")
        String apiVersion;

        /** The configuration: environment first, then these options on top. */
        public NutanixConfig toConfig(Map<String, String> environment) {
            NutanixConfig.Builder b = NutanixConfig.builderFromEnvironment(environment);
            if (prismUrl != null) {
                b.baseUrl(prismUrl);
            }
            if (caBundle != null) {
                b.caBundle(caBundle).insecure(false);
            }
            if (insecure) {
                b.caBundlePem(null).insecure(true);
            }
            if (apiVersion != null) {
                b.apiVersion(ApiVersionChoice.parse(apiVersion));
            }
            return b.build();
        }
    }

    /** {@code VENDOR:COUNT}, e.g. {@code nvidia:2}. */
    record BestRequest(GpuVendor vendor, int count) {
        static BestRequest parse(String text) {
            int colon = text.indexOf(':');
            String vendorText = colon < 0 ? text : text.substring(0, colon);
            GpuVendor vendor = GpuVendor.parse(vendorText).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "unknown GPU vendor '" + vendorText + "' (use NVIDIA, AMD or INTEL)"));
            int count = 1;
            if (colon >= 0) {
                try {
                    count = Integer.parseInt(text.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException("'" + text + "' is not VENDOR:COUNT");
                }
            }
            if (count < 1) {
                throw new CommandLine.TypeConversionException("the GPU count must be at least 1");
            }
            return new BestRequest(vendor, count);
        }
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--summary", description = "print GPU totals instead of the host list")
    boolean summary;

    @Option(names = "--best", paramLabel = "VENDOR:COUNT", converter = BestRequestConverter.class,
            description = "rank the nodes with at least COUNT free GPUs of VENDOR, e.g. nvidia:2")
    BestRequest best;

    @Option(names = "--host", paramLabel = "UUID", description = "print one host's capabilities and GPUs")
    String hostUuid;

    @Option(names = "--cluster", paramLabel = "UUID|NAME", description = "limit --summary and --best to one cluster, by uuid or name")
    String cluster;

    @Option(names = "--arm", description = "with --best: only ARM (aarch64) hosts")
    boolean requireArm;

    @Option(names = "--allow-vgpu", description = "with --best: count vGPU compute profiles (-<N>C) too")
    boolean allowVgpu;

    @Option(names = "--min-gpu-memory", paramLabel = "MIB", description = "with --best: only GPUs with this much memory")
    long minGpuMemoryMib;

    @Option(names = "--json", description = "print JSON instead of tables")
    boolean json;

    private final Map<String, String> environment;
    private final Function<NutanixConfig, NutanixClient> clientFactory;
    private final Supplier<Optional<ProcessHandle>> simulatorLauncher;

    public DiscoverCommand() {
        this(System.getenv(), NutanixClient::create);
    }

    /** For embedding and tests: an explicit environment and a way to make the client. */
    public DiscoverCommand(Map<String, String> environment, Function<NutanixConfig, NutanixClient> clientFactory) {
        this(environment, clientFactory, LocalPrismSimulator::startingSimulator);
    }

    /**
     * As above, with the way to spot a {@code prism-sim} that is still starting (whose env file is worth
     * waiting for); tests pass one that sees none, so a simulator elsewhere on the machine cannot stall them.
     */
    public DiscoverCommand(Map<String, String> environment, Function<NutanixConfig, NutanixClient> clientFactory,
            Supplier<Optional<ProcessHandle>> simulatorLauncher) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory");
        this.simulatorLauncher = Objects.requireNonNull(simulatorLauncher, "simulatorLauncher");
    }

    static final class BestRequestConverter implements CommandLine.ITypeConverter<BestRequest> {
        @Override
        public BestRequest convert(String value) {
            return BestRequest.parse(value);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int modes = (summary ? 1 : 0) + (best != null ? 1 : 0) + (hostUuid != null ? 1 : 0);
        if (modes > 1) {
            err.println("discover: choose one of --summary, --best and --host");
            return CONFIG_ERROR;
        }
        NutanixConfig config;
        try {
            config = connection.toConfig(withLocalSimulator(err));
        } catch (IllegalArgumentException e) {
            err.println("discover: " + e.getMessage() + (e.getMessage().startsWith("no Prism Central URL")
                    ? "; or start 'cuda-wasm prism-sim', which discover then finds by itself" : ""));
            return CONFIG_ERROR;
        }
        try {
            NutanixClient client = clientFactory.apply(config);
            int code;
            Optional<String> clusterUuid = Optional.ofNullable(cluster).map(c -> client.findCluster(c).uuid());
            if (summary) {
                code = printSummary(out, client, client.getClusterGpuSummary(clusterUuid));
            } else if (best != null) {
                code = printBest(out, err, client, clusterUuid);
            } else if (hostUuid != null) {
                code = printHost(out, client, client.getHostCapabilities(hostUuid));
            } else {
                code = printNodes(out, client, client.discoverGpuNodes());
            }
            if (!json) {
                out.println("Prism Central API " + client.apiSelection().describe());
            }
            return code;
        } catch (PrismException e) {
            err.println("discover: " + e.getMessage());
            return PRISM_ERROR;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("discover: " + e.getMessage());
            return CONFIG_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The environment, with the local simulator's settings ({@code prism-sim}'s env file) when no
     * Prism Central is configured: its URL, CA bundle and API key replace any half-set credentials.
     */
    private Map<String, String> withLocalSimulator(PrintWriter err) {
        if (connection.prismUrl != null || NutanixConfig.configuredIn(environment)) {
            return environment;
        }
        Optional<LocalPrismSimulator.Found> local = LocalPrismSimulator.defaultEnvFile(environment)
                .flatMap(file -> LocalPrismSimulator.find(file, SIMULATOR_PATIENCE, simulatorLauncher, pid -> {
                    err.println("discover: waiting for the Prism Central simulator (pid " + pid + ") to start");
                    err.flush();
                }));
        if (local.isEmpty()) {
            return environment;
        }
        err.println("discover: no NUTANIX_PRISM_URL; using the local Prism Central simulator at " + local.get().url()
                + " (settings in " + local.get().file() + ")");
        Map<String, String> merged = new HashMap<>(environment);
        LocalPrismSimulator.VARIABLES.forEach(merged::remove);
        merged.remove(NutanixConfig.ENV_USERNAME);
        merged.remove(NutanixConfig.ENV_PASSWORD);
        merged.remove(NutanixConfig.ENV_CREDENTIALS_DIR);
        merged.putAll(local.get().variables());
        return merged;
    }

    private int printNodes(PrintWriter out, NutanixClient client, List<GpuNode> nodes) {
        if (json) {
            ObjectNode o = envelope(client);
            o.set("nodes", InventoryJson.nodes(nodes));
            return printJson(out, o);
        }
        TextTable table = TextTable.withHeaders("HOST", "CLUSTER", "ARCH", "GPUS", "FREE", "VGPU FREE", "MODELS")
                .rightAlign(3, 4, 5);
        int gpus = 0;
        int free = 0;
        int vgpus = 0;
        int freeVgpus = 0;
        for (GpuNode n : nodes) {
            List<PassthroughGpu> physical = n.physicalGpus();
            List<VirtualGpu> virtual = n.virtualGpus();
            int nodeFree = (int) physical.stream().filter(HostGpu::isAvailable).count();
            int nodeFreeV = (int) virtual.stream().filter(HostGpu::isAvailable).count();
            gpus += physical.size();
            free += nodeFree;
            vgpus += virtual.size();
            freeVgpus += nodeFreeV;
            table.row(n.hostName(), n.clusterName(), n.architecture().label(), physical.size(), nodeFree,
                    virtual.isEmpty() ? "-" : nodeFreeV + "/" + virtual.size(), models(n.gpus()));
        }
        out.print(table.render());
        out.printf("%d GPU host(s), %d GPU(s) (%d free), %d vGPU instance(s) (%d free)%n",
                nodes.size(), gpus, free, vgpus, freeVgpus);
        return 0;
    }

    private int printSummary(PrintWriter out, NutanixClient client, ClusterGpuSummary s) {
        if (json) {
            return printJson(out, envelope(client).setAll(InventoryJson.summary(s)));
        }
        out.println("GPU summary, " + s.clusterUuid().map(c -> "cluster " + c).orElse("all clusters"));
        TextTable facts = TextTable.withoutHeaders(2)
                .row("hosts", s.hostCount() + " (" + s.gpuHostCount() + " with GPUs)")
                .row("GPUs", s.totalGpuCount() + " total, " + s.availableGpuCount() + " free")
                .row("vGPU instances", s.virtual().total() + " total, " + s.virtual().available() + " free")
                .row("GPU memory", gib(s.memoryMib()) + " total, " + gib(s.availableMemoryMib()) + " free");
        out.print(facts.render());
        if (!s.byVendor().isEmpty()) {
            out.println();
            out.print(counts("VENDOR", s.byVendor().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue, (a, b) -> a,
                            LinkedHashMap::new))));
        }
        if (!s.byModel().isEmpty()) {
            out.println();
            out.print(counts("MODEL", s.byModel()));
        }
        if (!s.byProfile().isEmpty()) {
            out.println();
            out.print(counts("VGPU PROFILE", s.byProfile()));
        }
        return 0;
    }

    private int printBest(PrintWriter out, PrintWriter err, NutanixClient client, Optional<String> clusterUuid) {
        NodeSelection selection = new NodeSelection(requireArm,
                allowVgpu ? GpuAccess.VGPU_ALLOWED : GpuAccess.PASSTHROUGH_ONLY, minGpuMemoryMib, clusterUuid);
        List<NodeCandidate> candidates = client.findBestNodes(best.vendor(), best.count(), selection);
        if (json) {
            ObjectNode o = envelope(client);
            o.set("candidates", InventoryJson.candidates(candidates));
            printJson(out, o);
            return candidates.isEmpty() ? NO_MATCH : 0;
        }
        if (candidates.isEmpty()) {
            err.printf("discover: no node has %d free %s GPU(s)%s%n", best.count(), best.vendor(), describe(selection));
            return NO_MATCH;
        }
        TextTable table = TextTable.withHeaders("RANK", "HOST", "CLUSTER", "ARCH", "FREE", "MEMORY", "KIND", "GPUS")
                .rightAlign(0, 4, 5);
        int rank = 1;
        for (NodeCandidate c : candidates) {
            table.row(rank++, c.node().hostName(), c.node().clusterName(), c.node().architecture().label(),
                    c.matchingGpuCount(), gib(c.matchingMemoryMib()),
                    c.passthroughOnly() ? "passthrough" : c.passthroughGpuCount() == 0 ? "vgpu" : "mixed",
                    models(c.matchingGpus()));
        }
        out.print(table.render());
        return 0;
    }

    private int printHost(PrintWriter out, NutanixClient client, HostCapabilities caps) {
        if (json) {
            return printJson(out, envelope(client).setAll(InventoryJson.capabilities(caps)));
        }
        PrismHost h = caps.host();
        TextTable facts = TextTable.withoutHeaders(2)
                .row("host", h.name() + " (" + h.uuid() + ")")
                .row("cluster", h.cluster().map(c -> c.name() + " (" + c.uuid() + ")").orElse("-"))
                .row("architecture", caps.cpuArchitecture().label() + (caps.isArm() ? " (ARM)" : ""))
                .row("cpu", (h.cpuModel().isEmpty() ? "not reported" : h.cpuModel()) + ", " + h.cpuSockets()
                        + " socket(s), " + h.cpuCores() + " core(s)")
                .row("memory", gib(h.memoryCapacityMib()))
                .row("hypervisor", h.hypervisorName().isEmpty() ? "-" : h.hypervisorName())
                .row("gpu driver", h.gpuDriverVersion().isEmpty() ? "-" : h.gpuDriverVersion())
                .row("gpu vendors", List.of(caps.hasNvidia() ? "NVIDIA" : "", caps.hasAmd() ? "AMD" : "",
                        caps.hasIntel() ? "INTEL" : "").stream().filter(v -> !v.isEmpty())
                        .collect(Collectors.collectingAndThen(Collectors.joining(", "), v -> v.isEmpty() ? "none" : v)));
        out.print(facts.render());
        if (!caps.gpus().isEmpty()) {
            out.println();
            TextTable gpus = TextTable.withHeaders("GPU", "MODE", "STATUS", "FREE", "MEMORY", "PCI", "USED BY")
                    .rightAlign(4);
            for (HostGpu g : caps.gpus()) {
                gpus.row(g.displayName(), g.mode().name().toLowerCase(Locale.ROOT), g.status().name(),
                        g.isAvailable() ? "yes" : "no", gib(g.memoryMib()),
                        g instanceof PassthroughGpu p ? p.pciAddress().orElse("-") : "-",
                        g.consumer().map(c -> c.name().isEmpty() ? c.uuid() : c.name()).orElse("-"));
            }
            out.print(gpus.render());
        }
        return 0;
    }

    private static String counts(String heading, Map<String, GpuCount> counts) {
        TextTable t = TextTable.withHeaders(heading, "TOTAL", "FREE").rightAlign(1, 2);
        counts.forEach((k, v) -> t.row(k, v.total(), v.available()));
        return t.render();
    }

    /** "4x NVIDIA L40S, 2x NVIDIA A40-12C" in order of first appearance. */
    private static String models(List<HostGpu> gpus) {
        Map<String, Long> byName = gpus.stream()
                .collect(Collectors.groupingBy(HostGpu::displayName, LinkedHashMap::new, Collectors.counting()));
        return byName.entrySet().stream().map(e -> e.getValue() + "x " + e.getKey()).collect(Collectors.joining(", "));
    }

    private static String gib(long mib) {
        return mib % 1024 == 0 ? mib / 1024 + " GiB" : String.format(Locale.ROOT, "%.1f GiB", mib / 1024.0);
    }

    private static String describe(NodeSelection s) {
        StringBuilder sb = new StringBuilder();
        if (s.requireArm()) {
            sb.append(" on an ARM host");
        }
        if (s.minGpuMemoryMib() > 0) {
            sb.append(" with at least ").append(s.minGpuMemoryMib()).append(" MiB each");
        }
        s.clusterUuid().ifPresent(c -> sb.append(" in cluster ").append(c));
        sb.append(s.access() == GpuAccess.PASSTHROUGH_ONLY ? " (passthrough only; try --allow-vgpu)" : "");
        return sb.toString();
    }

    /** Every JSON answer is an object that starts with the API that produced it. */
    private static ObjectNode envelope(NutanixClient client) {
        return InventoryJson.mapper().createObjectNode().put("prism_api_version", client.apiVersion().label());
    }

    private int printJson(PrintWriter out, JsonNode node) {
        try {
            out.println(InventoryJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return 0;
    }
}
