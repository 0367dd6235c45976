package io.cudawasm.runtime.registration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.PrismNotFoundException;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.service.CapabilityContributor;
import io.cudawasm.runtime.service.config.RegistrationSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-registration: at start-up and then periodically, the worker looks at itself (local back ends), its
 * Kubernetes node (system UUID, cloud controller labels) and Prism Central (its VM, host and GPUs), merges
 * the views into one {@link NodeCapabilities} document and publishes it on its own node.
 *
 * <p>Faults never stop the worker: an unreachable Prism keeps the last placement (marked stale), an
 * unreachable API server keeps the labels as they are; both are retried with backoff and reported in the
 * document and in metrics. Rounds run on one daemon thread, so they never overlap.
 */
public final class SelfRegistration implements CapabilityContributor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SelfRegistration.class);
    private static final Path DMI_PRODUCT_UUID = Path.of("/sys/class/dmi/id/product_uuid");
    /** The first retry after a failure; doubled per further failure, capped at the interval. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    /** Share of the interval added or taken at random, so a fleet started together spreads its calls. */
    static final double JITTER = 0.1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrationSettings settings;
    private final Optional<PrismLocator> prism;
    private final Optional<NodePublisher> publisher;
    private final Supplier<LocalView> localView;
    private final Clock clock;
    private final DoubleSupplier random;
    private final Counter prismFailures;
    private final Counter kubernetesFailures;
    private final MultiGauge gpuInfo;

    private final List<KubernetesClient> owned;
    private final ScheduledExecutorService loop;
    private volatile NodeCapabilities current;
    private volatile SourceStatus prismStatus;
    private volatile SourceStatus kubernetesStatus;
    private PrismPlacement lastPlacement;
    private NodeIdentity lastNode;
    private Map<String, String> lastPublishedLabels;
    private String lastPublishedStable;

    private SelfRegistration(Builder b) {
        this.settings = b.settings;
        this.prism = b.prism.map(PrismLocator::new);
        this.publisher = b.publisher.filter(p -> settings.nodeName().isPresent());
        this.localView = b.localView;
        this.clock = b.clock;
        this.random = b.random;
        this.owned = List.copyOf(b.owned);
        this.prismStatus = prism.isPresent() ? SourceStatus.PENDING : SourceStatus.UNCONFIGURED;
        this.kubernetesStatus = publisher.isPresent() ? SourceStatus.PENDING : SourceStatus.UNCONFIGURED;
        MeterRegistry registry = b.registry;
        this.prismFailures = failures(registry, "prism");
        this.kubernetesFailures = failures(registry, "kubernetes");
        Gauge.builder("cudawasm.registration.stale", this, r -> r.current != null && r.current.stale() ? 1 : 0)
                .description("1 while the Nutanix facts are the last known ones (Prism unreachable)").register(registry);
        sourceGauges(registry, "prism", () -> prismStatus);
        sourceGauges(registry, "kubernetes", () -> kubernetesStatus);
        Gauge.builder("cudawasm.node.gpus", this, r -> r.current == null ? 0 : r.current.gpus().count())
                .description("GPUs attached to this worker's node (Prism's view, else the local one)").register(registry);
        this.gpuInfo = MultiGauge.builder("cudawasm.node.gpu.info")
                .description("The node's GPU model and attachment; the value is the GPU count").register(registry);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cuda-wasm-registration");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registration as a worker runs it: Prism from the settings, the Kubernetes client from the pod's
     * service account (or kubeconfig) when a node name is set, the local view from the worker's back ends.
     */
    public static SelfRegistration forWorker(RegistrationSettings settings, Backends backends, MeterRegistry registry) {
        Builder b = builder(settings, registry).localView(() -> LocalView.probe(backends));
        settings.prism().ifPresent(config -> b.prism(NutanixClient.create(config)));
        if (settings.nodeName().isPresent()) {
            KubernetesClient client = new KubernetesClientBuilder().build();
            b.owned(client);
            b.publisher(settings.mode().equals("nodefeature") ? new NodeFeaturePublisher(client, settings.namespace())
                    : new NodeLabelPublisher(client));
        }
        return b.build();
    }

    public static Builder builder(RegistrationSettings settings, MeterRegistry registry) {
        return new Builder(settings, registry);
    }

    /** Runs the first round now (in the background) and then every interval, until {@link #close()}. */
    public SelfRegistration start() {
        loop.execute(this::roundAndReschedule);
        return this;
    }

    private void roundAndReschedule() {
        Duration next = settings.interval();
        try {
            refresh();
            next = nextDelay();
        } catch (RuntimeException e) {
            // a bug in one round must not end registration; the next round starts from the same state
            log.warn("self-registration round failed", e);
        }
        if (!loop.isShutdown()) {
            try {
                loop.schedule(this::roundAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closed meanwhile
            }
        }
    }

    /** The delay before the next round: the interval with jitter, or a backoff while a source is failing. */
    Duration nextDelay() {
        int failures = Math.max(prismStatus.consecutiveFailures(), kubernetesStatus.consecutiveFailures());
        long base = settings.interval().toMillis();
        if (failures > 0) {
            long backoff = FIRST_RETRY.toMillis() << Math.min(20, failures - 1);
            base = Math.min(base, backoff);
        }
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(base * factor)));
    }

    /** One round: gather, merge, publish. Never throws for outside faults; returns the new document. */
    public synchronized NodeCapabilities refresh() {
        Instant now = clock.instant();
        LocalView local = localView.get();
        readNode(now);
        boolean stale = resolvePlacement(now);
        GpuSummary gpus = CapabilityLabels.summarize(lastPlacement, local);
        Map<String, String> labels = CapabilityLabels.labels(gpus, local.backends());
        NodeCapabilities doc = document(now, stale, local, gpus, labels);
        publish(now, doc);
        current = document(now, stale, local, gpus, labels);
        gpuInfo.register(List.of(MultiGauge.Row.of(Tags.of("vendor", gpus.vendor(),
                "model", gpus.model() == null ? "" : gpus.model(), "mode", gpus.mode() == null ? "unknown" : gpus.mode(),
                "host", lastPlacement == null ? "" : lastPlacement.host().name()), gpus.count())), true);
        return current;
    }

    private void readNode(Instant now) {
        if (publisher.isEmpty()) {
            return;
        }
        try {
            lastNode = publisher.get().read(settings.nodeName().orElseThrow());
        } catch (RuntimeException e) {
            kubernetesFailed(now, "cannot read node " + settings.nodeName().orElseThrow() + ": " + message(e));
        }
    }

    /** Asks Prism where this VM runs; returns whether the placement used is stale. */
    private boolean resolvePlacement(Instant now) {
        if (prism.isEmpty()) {
            return false;
        }
        Optional<String> vmUuid = vmUuid();
        if (vmUuid.isEmpty()) {
            prismFailed(now, "this VM's uuid is unknown: no node systemUUID, no " + RegistrationSettings.ENV_VM_UUID
                    + " and " + DMI_PRODUCT_UUID + " is not readable");
            return lastPlacement != null;
        }
        try {
            lastPlacement = prism.get().locate(vmUuid.get(),
                    lastNode == null ? Optional.empty() : lastNode.prismHostUuid());
            prismStatus = prismStatus.succeeded(now);
            return false;
        } catch (PrismNotFoundException | IllegalStateException e) {
            // Prism answered: it does not know this VM (or it is off). Nothing Nutanix can be proven now.
            lastPlacement = null;
            prismFailed(now, message(e));
            return false;
        } catch (RuntimeException e) {
            prismFailed(now, message(e));
            return lastPlacement != null;
        }
    }

    private Optional<String> vmUuid() {
        if (settings.vmUuid().isPresent()) {
            return settings.vmUuid();
        }
        if (lastNode != null && lastNode.systemUuid().isPresent()) {
            return lastNode.systemUuid();
        }
        try {
            if (Files.isReadable(DMI_PRODUCT_UUID)) {
                String uuid = Files.readString(DMI_PRODUCT_UUID).strip();
                return uuid.isEmpty() ? Optional.empty() : Optional.of(uuid);
            }
        } catch (IOException e) {
            // usually root-only: fall through
        }
        return Optional.empty();
    }

    private void publish(Instant now, NodeCapabilities doc) {
        if (publisher.isEmpty() || lastNode == null) {
            return;
        }
        String node = settings.nodeName().orElseThrow();
        String stable = stableForm(doc);
        Map<String, String> onNode = new LinkedHashMap<>();
        for (String key : CapabilityLabels.MANAGED) {
            if (lastNode.labels().containsKey(key)) {
                onNode.put(key, lastNode.labels().get(key));
            }
        }
        boolean unchanged = stable.equals(lastPublishedStable) && Objects.equals(lastPublishedLabels, doc.labels())
                && (publisher.get() instanceof NodeFeaturePublisher || onNode.equals(doc.labels()));
        if (unchanged && !kubernetesStatus.isFailing()) {
            kubernetesStatus = kubernetesStatus.succeeded(now);
            return;
        }
        try {
            publisher.get().publish(node, doc.labels(), toJson(document(now, doc.stale(), doc.local(), doc.gpus(),
                    doc.labels())));
            lastPublishedStable = stable;
            lastPublishedLabels = doc.labels();
            kubernetesStatus = kubernetesStatus.succeeded(now);
            log.info("published {} on node {}: {}", publisher.get().mode(), node, doc.labels());
        } catch (RuntimeException e) {
            kubernetesFailed(now, "cannot publish on node " + node + ": " + message(e));
        }
    }

    private NodeCapabilities document(Instant now, boolean stale, LocalView local, GpuSummary gpus,
            Map<String, String> labels) {
        NodeCapabilities.NodeInfo node = settings.nodeName().map(n -> new NodeCapabilities.NodeInfo(n,
                lastNode == null ? null : lastNode.systemUuid().orElse(null))).orElse(null);
        Map<String, SourceStatus> sources = new LinkedHashMap<>();
        sources.put("prism", prismStatus);
        sources.put("kubernetes", kubernetesStatus);
        return new NodeCapabilities(NodeCapabilities.SCHEMA, now, stale, node, lastPlacement, gpus, local, labels,
                sources);
    }

    /** The document without what changes every round (times, source states): decides whether to patch. */
    private static String stableForm(NodeCapabilities doc) {
        return toJson(new NodeCapabilities(doc.schema(), null, doc.stale(), doc.node(), doc.nutanix(), doc.gpus(),
                doc.local(), doc.labels(), Map.of()));
    }

    private void prismFailed(Instant now, String message) {
        if (!prismStatus.isFailing()) {
            log.warn("self-registration: Prism Central: {} (keeping the last known placement; retrying)", message);
        }
        prismStatus = prismStatus.failed(now, message);
        prismFailures.increment();
    }

    private void kubernetesFailed(Instant now, String message) {
        if (!kubernetesStatus.isFailing()) {
            log.warn("self-registration: Kubernetes: {} (retrying)", message);
        }
        kubernetesStatus = kubernetesStatus.failed(now, message);
        kubernetesFailures.increment();
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        // shown in /v1/capabilities: words, never a Java class name (the log has the exception)
        return m == null || m.isBlank() ? "failed without a message (see the worker's log)" : m;
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the capabilities document", e);
        }
    }

    private static Counter failures(MeterRegistry registry, String source) {
        return Counter.builder("cudawasm.registration.failures").tag("source", source)
                .description("Self-registration rounds in which a source (Prism Central, the Kubernetes API) failed")
                .register(registry);
    }

    private static void sourceGauges(MeterRegistry registry, String source, Supplier<SourceStatus> status) {
        Gauge.builder("cudawasm.registration.up", status, s -> s.get().state() == SourceStatus.State.OK ? 1 : 0)
                .tag("source", source).strongReference(true)
                .description("1 when the last self-registration exchange with this source succeeded")
                .register(registry);
        Gauge.builder("cudawasm.registration.last.success.timestamp", status,
                        s -> s.get().lastSuccess() == null ? Double.NaN : s.get().lastSuccess().toEpochMilli() / 1000.0)
                .tag("source", source).baseUnit("seconds").strongReference(true)
                .description("Unix time of the last successful exchange with this source").register(registry);
    }

    /** The latest document; before the first round ends, a placeholder with the sources pending. */
    public NodeCapabilities current() {
        NodeCapabilities c = current;
        if (c != null) {
            return c;
        }
        return new NodeCapabilities(NodeCapabilities.SCHEMA, null, false, null, null, null, null, Map.of(),
                Map.of("prism", prismStatus, "kubernetes", kubernetesStatus));
    }

    @Override
    public String name() {
        return "node";
    }

    @Override
    public Object describe() {
        return current();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        owned.forEach(KubernetesClient::close);
    }

    /** Wiring: which outside systems to use; tests give a mock API server's client and a simulator's. */
    public static final class Builder {
        private final RegistrationSettings settings;
        private final MeterRegistry registry;
        private Optional<NutanixClient> prism = Optional.empty();
        private Optional<NodePublisher> publisher = Optional.empty();
        private Supplier<LocalView> localView = () -> LocalView.of(List.of("wasm"), List.of());
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private final List<KubernetesClient> owned = new java.util.ArrayList<>();

        private Builder(RegistrationSettings settings, MeterRegistry registry) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        public Builder prism(NutanixClient client) { prism = Optional.of(client); return this; }
        public Builder publisher(NodePublisher p) { publisher = Optional.of(p); return this; }
        public Builder localView(Supplier<LocalView> view) { localView = view; return this; }
        public Builder clock(Clock c) { clock = c; return this; }
        public Builder random(DoubleSupplier r) { random = r; return this; }
        /** A client registration created and closes when it stops (never one the caller shares). */
        Builder owned(KubernetesClient c) { owned.add(c); return this; }

        public SelfRegistration build() {
            return new SelfRegistration(this);
        }
    }
}
