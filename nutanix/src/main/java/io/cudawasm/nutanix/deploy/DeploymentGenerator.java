package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link DeploymentConfig} into the Kubernetes objects of a worker fleet, built with
 * Fabric8's model builders, and into multi-document YAML.
 *
 * <p>Objects come in apply order: Namespace (Pod Security "restricted" enforced), ServiceAccount, RBAC
 * (only what the pods use), ConfigMap, the shared cache claim (Deployments only), Services, the
 * workload (StatefulSet or Deployment, see {@link WorkloadDecision}), HorizontalPodAutoscaler,
 * PodDisruptionBudget, NetworkPolicy, then the optional PodMonitor. The Prism credentials Secret is
 * only referenced (mounted as files), never generated: credentials do not belong in manifests.
 *
 * <p>A fleet's replicas answer for each other (the worker's {@code io.cudawasm.runtime.fleet}): the
 * headless Service names them, with not-ready addresses published so a draining pod stays reachable
 * for its jobs; a StatefulSet's pods find each other through its DNS, a Deployment's through its
 * EndpointSlices (with a Role to read them).
 */
public final class DeploymentGenerator {
    /** Label values shared by every generated object. */
    public static final String APP_NAME = "cuda-wasm";
    public static final String MANAGED_BY = "cuda-wasm-generator";
    static final String NFD_API_GROUP = "nfd.k8s-sigs.io";
    /**
     * How long a stopping replica keeps answering for finished jobs nobody has read: with the worker's
     * 30 s shutdown grace it stays under the pods' 60 s terminationGracePeriodSeconds.
     */
    static final int DRAIN_LINGER_SECONDS = 15;
    /** The Pod Security Standards level the namespaces enforce, warn and audit. */
    static final String POD_SECURITY_LEVEL = "restricted";
    /** Ports the API server answers on: 443 through the {@code kubernetes} Service, 6443 at its endpoints. */
    static final List<Integer> KUBE_API_PORTS = List.of(443, 6443);
    static final int DNS_PORT = 53;

    private final DeploymentConfig config;
    private final WorkloadDecision decision;

    public DeploymentGenerator(DeploymentConfig config) {
        this.config = config;
        this.decision = WorkloadDecision.decide(config);
    }

    public DeploymentConfig config() {
        return config;
    }

    /** StatefulSet or Deployment, and why. */
    public WorkloadDecision workloadDecision() {
        return decision;
    }

    /** Every object, in apply order. */
    public List<HasMetadata> generate() {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(namespace());
        objects.add(serviceAccount());
        objects.addAll(rbac());
        objects.add(configMap());
        cacheClaim().ifPresent(objects::add);
        headlessService().ifPresent(objects::add);
        objects.add(service());
        objects.add(workload());
        horizontalPodAutoscaler().ifPresent(objects::add);
        objects.add(podDisruptionBudget());
        networkPolicy().ifPresent(objects::add);
        podMonitor().ifPresent(objects::add);
        return objects;
    }

    /** All objects as multi-document YAML, ready for {@code kubectl apply -f -}. */
    public String generateAll() {
        return Manifests.toYaml(generate());
    }

    /** The namespace, with Pod Security admission enforcing "restricted" on everything in it. */
    public Namespace namespace() {
        Map<String, String> labels = commonLabels();
        labels.putAll(podSecurityLabels());
        return new NamespaceBuilder()
                .withNewMetadata().withName(config.namespace()).withLabels(labels).endMetadata()
                .build();
    }

    /** {@code pod-security.kubernetes.io/{enforce,warn,audit}: restricted}, the latest version of the standard. */
    static Map<String, String> podSecurityLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String mode : List.of("enforce", "warn", "audit")) {
            labels.put("pod-security.kubernetes.io/" + mode, POD_SECURITY_LEVEL);
            labels.put("pod-security.kubernetes.io/" + mode + "-version", "latest");
        }
        return labels;
    }

    /** The pods' identity. Its token is not mounted by default; the pod template asks for it only when it uses it. */
    public ServiceAccount serviceAccount() {
        return new ServiceAccountBuilder()
                .withMetadata(meta(serviceAccountName()))
                .withAutomountServiceAccountToken(false)
                .build();
    }

    /**
     * Whether the worker talks to the Kubernetes API, and so gets a service-account token: self-registration
     * reads (and in labels mode patches) its Node; EndpointSlice discovery lists the fleet's slices.
     */
    public boolean needsKubernetesApi() {
        return config.worker().selfRegister()
                || peerDiscovery().filter(WorkerEnvironment.PEER_DISCOVERY_ENDPOINT_SLICES::equals).isPresent();
    }

    /**
     * Self-registration's permissions, when it is on. Labels mode: a ClusterRole with exactly {@code get}
     * and {@code patch} on nodes. NodeFeature mode: {@code get} on nodes (to find its host through the
     * node's systemUUID) and, in the worker's namespace only, create/get/update on NFD's NodeFeature
     * objects. A Deployment fleet adds {@code get}/{@code list} on EndpointSlices.
     */
    public List<HasMetadata> rbac() {
        List<HasMetadata> objects = new ArrayList<>();
        if (config.worker().selfRegister()) {
            boolean labels = config.worker().registerMode() == RegisterMode.LABELS;
            String clusterRoleName = config.namespace() + "-" + config.name() + "-nodes";
            objects.add(new ClusterRoleBuilder()
                    .withNewMetadata().withName(clusterRoleName).withLabels(commonLabels()).endMetadata()
                    .addNewRule()
                    .withApiGroups("")
                    .withResources("nodes")
                    .withVerbs(labels ? List.of("get", "patch") : List.of("get"))
                    .endRule()
                    .build());
            objects.add(new ClusterRoleBindingBuilder()
                    .withNewMetadata().withName(clusterRoleName).withLabels(commonLabels()).endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                    .withName(clusterRoleName).endRoleRef()
                    .withSubjects(serviceAccountSubject())
                    .build());
        }
        if (peerDiscovery().filter(WorkerEnvironment.PEER_DISCOVERY_ENDPOINT_SLICES::equals).isPresent()) {
            objects.addAll(namespacedGrant(config.name() + "-peers", "discovery.k8s.io", "endpointslices",
                    List.of("get", "list")));
        }
        if (config.worker().selfRegister() && config.worker().registerMode() == RegisterMode.NODE_FEATURE) {
            objects.addAll(namespacedGrant(config.name() + "-nodefeatures", NFD_API_GROUP, "nodefeatures",
                    List.of("create", "get", "update")));
        }
        return objects;
    }

    /** A Role in the worker's namespace with one rule, and its binding to the worker's service account. */
    private List<HasMetadata> namespacedGrant(String roleName, String apiGroup, String resource, List<String> verbs) {
        return List.of(
                new RoleBuilder()
                        .withMetadata(meta(roleName))
                        .addNewRule().withApiGroups(apiGroup).withResources(resource).withVerbs(verbs).endRule()
                        .build(),
                new RoleBindingBuilder()
                        .withMetadata(meta(roleName))
                        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                        .withName(roleName).endRoleRef()
                        .withSubjects(serviceAccountSubject())
                        .build());
    }

    private Subject serviceAccountSubject() {
        return new SubjectBuilder().withKind("ServiceAccount").withName(serviceAccountName())
                .withNamespace(config.namespace()).build();
    }

    /** The worker's {@code CUDA_WASM_*} settings, loaded into the container with {@code envFrom}. */
    public ConfigMap configMap() {
        WorkerSettings w = config.worker();
        Map<String, String> data = new LinkedHashMap<>();
        data.put(WorkerEnvironment.PORT, Integer.toString(WorkerEnvironment.HTTP_PORT));
        data.put(WorkerEnvironment.KERNEL_CACHE_DIR, WorkerEnvironment.KERNEL_CACHE_PATH);
        data.put(WorkerEnvironment.CACHE_MAX_BYTES, Long.toString(config.cacheMaxBytes()));
        data.put(WorkerEnvironment.MAX_CONCURRENT_KERNELS, Integer.toString(w.maxConcurrentKernels()));
        data.put(WorkerEnvironment.BACKEND, w.backend());
        data.put(WorkerEnvironment.LOG_LEVEL, w.logLevel());
        data.put(WorkerEnvironment.SELF_REGISTER, Boolean.toString(w.selfRegister()));
        data.put(WorkerEnvironment.REGISTER_INTERVAL_SECONDS, Integer.toString(w.registerIntervalSeconds()));
        data.put(WorkerEnvironment.REGISTER_MODE, w.registerMode().configValue());
        config.prismUrl().ifPresent(url -> data.put(WorkerEnvironment.PRISM_URL, url));
        peerDiscovery().ifPresent(mode -> {
            data.put(WorkerEnvironment.PEER_DISCOVERY, mode);
            data.put(WorkerEnvironment.PEER_SERVICE, headlessServiceName());
            data.put(WorkerEnvironment.DRAIN_LINGER_SECONDS, Integer.toString(DRAIN_LINGER_SECONDS));
        });
        return new ConfigMapBuilder().withMetadata(meta(configMapName())).withData(data).build();
    }

    /** The one kernel-cache claim of a Deployment; empty for a StatefulSet (one claim per replica). */
    public Optional<PersistentVolumeClaim> cacheClaim() {
        if (decision.kind() == WorkloadKind.STATEFUL_SET) {
            return Optional.empty();
        }
        return Optional.of(cacheClaimTemplate(meta(cacheClaimName())));
    }

    /** ClusterIP Service in front of the workers, port {@code http}. */
    public Service service() {
        return new ServiceBuilder()
                .withMetadata(meta(config.name()))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selectorLabels())
                .addNewPort()
                .withName(WorkerEnvironment.PORT_NAME)
                .withPort(config.servicePort())
                .withTargetPort(new IntOrString(WorkerEnvironment.PORT_NAME))
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    /**
     * The headless Service a StatefulSet needs as its {@code serviceName} (stable pod DNS names) and
     * through which a fleet's replicas find each other. It publishes not-ready addresses: a draining
     * pod leaves the ClusterIP Service (no new jobs) but stays reachable for the jobs it holds.
     */
    public Optional<Service> headlessService() {
        if (decision.kind() != WorkloadKind.STATEFUL_SET && !config.fleet()) {
            return Optional.empty();
        }
        return Optional.of(new ServiceBuilder()
                .withMetadata(meta(headlessServiceName()))
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(selectorLabels())
                .addNewPort()
                .withName(WorkerEnvironment.PORT_NAME)
                .withPort(WorkerEnvironment.HTTP_PORT)
                .withTargetPort(new IntOrString(WorkerEnvironment.PORT_NAME))
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build());
    }

    /** The StatefulSet or Deployment that runs the worker pods. */
    public HasMetadata workload() {
        Map<String, String> annotations = new LinkedHashMap<>(config.nkeAnnotations());
        annotations.putAll(config.extraAnnotations());
        annotations.put(WorkloadDecision.REASON_ANNOTATION, decision.reason());
        ObjectMeta metadata = new ObjectMetaBuilder(meta(config.name())).withAnnotations(annotations).build();
        Map<String, String> podAnnotations = new LinkedHashMap<>(config.nkeAnnotations());
        podAnnotations.putAll(config.extraAnnotations());
        Optional<String> sharedClaim = decision.kind() == WorkloadKind.STATEFUL_SET
                ? Optional.empty() : Optional.of(cacheClaimName());
        PodTemplateSpec template = PodTemplates.worker(config, commonLabels(), selectorLabels(),
                podAnnotations, serviceAccountName(), configMapName(), sharedClaim, peerDiscovery(), needsKubernetesApi());
        // With an HPA the replica count is left out: re-applying must not reset the HPA's scale.
        Integer replicas = config.hpa().isPresent() ? null : config.replicas();

        return switch (decision.kind()) {
            case STATEFUL_SET -> new StatefulSetBuilder()
                    .withMetadata(metadata)
                    .withNewSpec()
                    .withServiceName(headlessServiceName())
                    .withReplicas(replicas)
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector().withMatchLabels(selectorLabels()).endSelector()
                    .withNewUpdateStrategy().withType("RollingUpdate").endUpdateStrategy()
                    // A cache is disposable: drop a replica's claim when the HPA scales it away,
                    // keep claims if someone deletes the StatefulSet by mistake.
                    .withNewPersistentVolumeClaimRetentionPolicy()
                    .withWhenScaled("Delete")
                    .withWhenDeleted("Retain")
                    .endPersistentVolumeClaimRetentionPolicy()
                    .withTemplate(template)
                    .withVolumeClaimTemplates(cacheClaimTemplate(
                            new ObjectMetaBuilder().withName(PodTemplates.CACHE_VOLUME).withLabels(commonLabels()).build()))
                    .endSpec()
                    .build();
            case DEPLOYMENT_SHARED_CLAIM -> new DeploymentBuilder()
                    .withMetadata(metadata)
                    .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().withMatchLabels(selectorLabels()).endSelector()
                    .withNewStrategy()
                    .withType("RollingUpdate")
                    .withNewRollingUpdate()
                    .withMaxSurge(new IntOrString(1))
                    .withMaxUnavailable(new IntOrString(0))
                    .endRollingUpdate()
                    .endStrategy()
                    .withTemplate(template)
                    .endSpec()
                    .build();
            case DEPLOYMENT_RECREATE -> new DeploymentBuilder()
                    .withMetadata(metadata)
                    .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().withMatchLabels(selectorLabels()).endSelector()
                    .withNewStrategy().withType("Recreate").endStrategy()
                    .withTemplate(template)
                    .endSpec()
                    .build();
        };
    }

    /**
     * autoscaling/v2 HPA on the workload: CPU utilization and any custom Pods metrics. Scale-up adds
     * at most 2 pods or doubles per minute, whichever is more; scale-down waits for the stabilization
     * window and then removes one pod per minute, because GPU pods are slow to come back.
     */
    public Optional<HorizontalPodAutoscaler> horizontalPodAutoscaler() {
        return config.hpa().map(h -> {
            List<MetricSpec> metrics = new ArrayList<>();
            h.cpuTargetPercent().ifPresent(cpu -> metrics.add(new MetricSpecBuilder()
                    .withType("Resource")
                    .withNewResource().withName("cpu")
                    .withNewTarget().withType("Utilization").withAverageUtilization(cpu).endTarget()
                    .endResource()
                    .build()));
            for (PodsMetricTarget m : h.podsMetrics()) {
                metrics.add(new MetricSpecBuilder()
                        .withType("Pods")
                        .withNewPods()
                        .withNewMetric().withName(m.name()).endMetric()
                        .withNewTarget().withType("AverageValue").withAverageValue(new Quantity(m.averageValue())).endTarget()
                        .endPods()
                        .build());
            }
            return new HorizontalPodAutoscalerBuilder()
                    .withMetadata(meta(config.name()))
                    .withNewSpec()
                    .withNewScaleTargetRef()
                    .withApiVersion("apps/v1")
                    .withKind(decision.kind().kubernetesKind())
                    .withName(config.name())
                    .endScaleTargetRef()
                    .withMinReplicas(h.minReplicas())
                    .withMaxReplicas(h.maxReplicas())
                    .withMetrics(metrics)
                    .withNewBehavior()
                    .withNewScaleUp()
                    .withStabilizationWindowSeconds(0)
                    .withSelectPolicy("Max")
                    .addNewPolicy().withType("Pods").withValue(2).withPeriodSeconds(60).endPolicy()
                    .addNewPolicy().withType("Percent").withValue(100).withPeriodSeconds(60).endPolicy()
                    .endScaleUp()
                    .withNewScaleDown()
                    .withStabilizationWindowSeconds(h.scaleDownStabilizationSeconds())
                    .withSelectPolicy("Min")
                    .addNewPolicy().withType("Pods").withValue(1).withPeriodSeconds(60).endPolicy()
                    .endScaleDown()
                    .endBehavior()
                    .endSpec()
                    .build();
        });
    }

    /** At most one worker down at a time for voluntary disruptions (node drains), even with one replica. */
    public PodDisruptionBudget podDisruptionBudget() {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(meta(config.name()))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(selectorLabels()).endSelector()
                .endSpec()
                .build();
    }

    /**
     * The worker pods' NetworkPolicy (unless switched off). Ingress: the API port only, from the API's
     * clients (every namespace, or those labelled as {@code apiClientNamespaces} says) and, in a fleet,
     * from the other replicas (forwarded job requests, kernel fetches); kubelet probes are not affected.
     * Egress: DNS, the other replicas' API port, the Kubernetes API when the pods use it (443 and 6443,
     * to {@code kubeApiCidrs} when given) and Prism Central when configured (its port, to
     * {@code prismCidrs} when given). Nothing else leaves the pods.
     */
    public Optional<NetworkPolicy> networkPolicy() {
        if (!config.networkPolicy()) {
            return Optional.empty();
        }
        NetworkPolicyPort api = tcp(new IntOrString(WorkerEnvironment.PORT_NAME));
        NetworkPolicyPeer peers = new NetworkPolicyPeerBuilder()
                .withNewPodSelector().withMatchLabels(selectorLabels()).endPodSelector().build();
        NetworkPolicyPeer clients = new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector().withMatchLabels(new LinkedHashMap<>(config.apiClientNamespaces()))
                .endNamespaceSelector().build();
        NetworkPolicyBuilder policy = new NetworkPolicyBuilder()
                .withMetadata(meta(config.name()))
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(selectorLabels()).endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .endSpec();
        if (config.fleet()) {
            policy.editSpec().addNewIngress().withFrom(peers).withPorts(api).endIngress().endSpec();
        }
        policy.editSpec().addNewIngress().withFrom(clients).withPorts(api).endIngress().endSpec();
        // DNS goes to any address: node-local DNS caches answer on link-local addresses, outside any pod selector.
        policy.editSpec().addNewEgress()
                .withPorts(new NetworkPolicyPortBuilder().withProtocol("UDP").withPort(new IntOrString(DNS_PORT)).build(),
                        tcp(new IntOrString(DNS_PORT)))
                .endEgress().endSpec();
        if (config.fleet()) {
            policy.editSpec().addNewEgress().withTo(peers).withPorts(api).endEgress().endSpec();
        }
        if (needsKubernetesApi()) {
            policy.editSpec().addNewEgress()
                    .withTo(ipBlocks(config.kubeApiCidrs()))
                    .withPorts(KUBE_API_PORTS.stream().map(p -> tcp(new IntOrString(p))).toList())
                    .endEgress().endSpec();
        }
        if (config.usesPrism()) {
            policy.editSpec().addNewEgress()
                    .withTo(ipBlocks(config.prismCidrs()))
                    .withPorts(tcp(new IntOrString(prismPort())))
                    .endEgress().endSpec();
        }
        return Optional.of(policy.build());
    }

    /** Prism Central's port: from {@code --prism-url} when given, else Prism's default 9440. */
    int prismPort() {
        return config.prismUrl().map(java.net.URI::create)
                .map(u -> u.getPort() > 0 ? u.getPort() : "http".equals(u.getScheme()) ? 80 : 443)
                .orElse(io.cudawasm.nutanix.prism.NutanixConfig.DEFAULT_PORT);
    }

    private static NetworkPolicyPort tcp(IntOrString port) {
        return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(port).build();
    }

    /** No blocks: any destination (the rule's port is the restriction); else exactly these. */
    private static List<NetworkPolicyPeer> ipBlocks(List<String> cidrs) {
        return cidrs.stream().map(c -> new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(c).endIpBlock().build())
                .toList();
    }

    /**
     * A Prometheus Operator PodMonitor ({@code monitoring.coreos.com/v1}) that scrapes every
     * replica's {@code /metrics} on the API port, when asked for. A generic object: the operator's
     * types are not part of Kubernetes.
     */
    public Optional<GenericKubernetesResource> podMonitor() {
        if (!config.podMonitor()) {
            return Optional.empty();
        }
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("port", WorkerEnvironment.PORT_NAME);
        endpoint.put("path", WorkerEnvironment.METRICS_PATH);
        endpoint.put("interval", "30s");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("selector", Map.of("matchLabels", selectorLabels()));
        spec.put("podMetricsEndpoints", List.of(endpoint));
        return Optional.of(new GenericKubernetesResourceBuilder()
                .withApiVersion("monitoring.coreos.com/v1")
                .withKind("PodMonitor")
                .withMetadata(meta(config.name()))
                .withAdditionalProperties(Map.of("spec", spec))
                .build());
    }

    /**
     * How the replicas find each other: the StatefulSet's pod DNS names, or a Deployment's
     * EndpointSlices; empty when at most one pod runs.
     */
    public Optional<String> peerDiscovery() {
        if (!config.fleet()) {
            return Optional.empty();
        }
        return Optional.of(decision.kind() == WorkloadKind.STATEFUL_SET ? WorkerEnvironment.PEER_DISCOVERY_DNS
                : WorkerEnvironment.PEER_DISCOVERY_ENDPOINT_SLICES);
    }

    /** A Job that runs the JMH suite on one node type; see {@link BenchmarkJobs}. */
    public static Job benchmarkJob(BenchmarkJobConfig benchmark) {
        return BenchmarkJobs.job(benchmark);
    }

    /** Namespace, results claim (when the configuration asks for one) and the benchmark Job. */
    public static List<HasMetadata> benchmarkObjects(BenchmarkJobConfig benchmark) {
        return BenchmarkJobs.objects(benchmark);
    }

    public String serviceAccountName() {
        return config.name();
    }

    public String configMapName() {
        return config.name() + "-config";
    }

    public String cacheClaimName() {
        return config.name() + "-cache";
    }

    public String headlessServiceName() {
        return config.name() + "-headless";
    }

    /** The labels the workload's selector, Service, PDB and anti-affinity match on. */
    public Map<String, String> selectorLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", APP_NAME);
        labels.put("app.kubernetes.io/instance", config.name());
        return labels;
    }

    /** Selector labels plus the recommended descriptive ones and the user's extra labels. */
    public Map<String, String> commonLabels() {
        Map<String, String> labels = selectorLabels();
        labels.put("app.kubernetes.io/component", "worker");
        labels.put("app.kubernetes.io/part-of", APP_NAME);
        labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
        config.extraLabels().forEach(labels::putIfAbsent);
        return labels;
    }

    private ObjectMeta meta(String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(config.namespace())
                .withLabels(commonLabels())
                .build();
    }

    private PersistentVolumeClaim cacheClaimTemplate(ObjectMeta metadata) {
        return new PersistentVolumeClaimBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                .withAccessModes(config.cacheAccessMode().kubernetesName())
                .withStorageClassName(config.storageClass())
                .withVolumeMode("Filesystem")
                .withNewResources().addToRequests("storage", new Quantity(config.cacheSize())).endResources()
                .endSpec()
                .build();
    }
}
