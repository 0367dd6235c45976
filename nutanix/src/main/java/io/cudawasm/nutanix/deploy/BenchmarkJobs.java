package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the benchmark Job and what it runs with: its namespace (Pod Security "restricted"), a service
 * account of its own without a token, the results claim, and a NetworkPolicy that shuts its pods off
 * the network (the suite needs none: its HTTP benchmarks talk to a worker on the loopback interface,
 * which no NetworkPolicy governs). Scheduling and hardening are the worker's own.
 */
final class BenchmarkJobs {
    static final String CONTAINER_NAME = "benchmarks";
    static final String RESULTS_VOLUME = "results";

    private BenchmarkJobs() {}

    static List<HasMetadata> objects(BenchmarkJobConfig b) {
        List<HasMetadata> objects = new ArrayList<>();
        Map<String, String> namespaceLabels = labels(b);
        namespaceLabels.putAll(DeploymentGenerator.podSecurityLabels());
        objects.add(new NamespaceBuilder().withNewMetadata().withName(b.namespace()).withLabels(namespaceLabels).endMetadata().build());
        objects.add(new ServiceAccountBuilder()
                .withNewMetadata().withName(b.name()).withNamespace(b.namespace()).withLabels(labels(b)).endMetadata()
                .withAutomountServiceAccountToken(false)
                .build());
        if (b.createResultsClaim()) {
            objects.add(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(b.resultsClaimName()).withNamespace(b.namespace()).withLabels(labels(b)).endMetadata()
                    .withNewSpec()
                    .withAccessModes(CacheAccessMode.READ_WRITE_ONCE.kubernetesName())
                    .withStorageClassName(b.resultsStorageClass())
                    .withVolumeMode("Filesystem")
                    .withNewResources().addToRequests("storage", new Quantity(b.resultsSize())).endResources()
                    .endSpec()
                    .build());
        }
        objects.add(job(b));
        objects.add(new NetworkPolicyBuilder()
                .withNewMetadata().withName(b.name()).withNamespace(b.namespace()).withLabels(labels(b)).endMetadata()
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(selector(b)).endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .endSpec()
                .build());
        return objects;
    }

    static Job job(BenchmarkJobConfig b) {
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName(RESULTS_VOLUME)
                .withNewPersistentVolumeClaim().withClaimName(b.resultsClaimName()).endPersistentVolumeClaim()
                .build());
        volumes.addAll(PodTemplates.scratchVolumes());
        List<VolumeMount> mounts = new ArrayList<>();
        VolumeMount results = PodTemplates.mount(RESULTS_VOLUME, WorkerEnvironment.RESULTS_PATH, false);
        b.resultsSubPath().ifPresent(results::setSubPath);
        mounts.add(results);
        mounts.addAll(PodTemplates.scratchMounts());
        List<Toleration> tolerations = b.vendor()
                .map(v -> List.of(GpuScheduling.defaultToleration(v, b.intelResource())))
                .orElse(List.of());
        var env = new ArrayList<>(PodTemplates.downwardApiEnv());
        env.add(PodTemplates.literal(WorkerEnvironment.JAVA_TOOL_OPTIONS, WorkerEnvironment.JVM_OPTIONS));

        return new JobBuilder()
                .withNewMetadata().withName(b.name()).withNamespace(b.namespace()).withLabels(labels(b)).endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(b.activeDeadlineSeconds())
                .withNewTemplate()
                .withNewMetadata().withLabels(labels(b)).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(b.name())
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withRuntimeClassName(b.runtimeClassName().orElse(null))
                .withAffinity(PodTemplates.affinity(b.vendor(), b.gpuMode(), b.gpuModeRequired(), b.architectures(),
                        Optional.empty()))
                .withTolerations(tolerations)
                .withSecurityContext(PodTemplates.podSecurityContext())
                .addNewContainer()
                .withName(CONTAINER_NAME)
                .withImage(b.image())
                .withImagePullPolicy(ImageReference.parse(b.image()).defaultPullPolicy())
                .withCommand("java", WorkerEnvironment.VECTOR_MODULE, "-jar", WorkerEnvironment.BENCHMARKS_JAR)
                .withArgs(b.args())
                .withEnv(env)
                .withResources(PodTemplates.resources(b.resources(),
                        b.vendor().map(v -> GpuScheduling.resourceName(v, b.intelResource())), b.gpus()))
                .withVolumeMounts(mounts)
                .withSecurityContext(PodTemplates.containerSecurityContext())
                .endContainer()
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Map<String, String> selector(BenchmarkJobConfig b) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", DeploymentGenerator.APP_NAME);
        labels.put("app.kubernetes.io/instance", b.name());
        return labels;
    }

    private static Map<String, String> labels(BenchmarkJobConfig b) {
        Map<String, String> labels = selector(b);
        labels.put("app.kubernetes.io/component", "benchmark");
        labels.put("app.kubernetes.io/part-of", DeploymentGenerator.APP_NAME);
        labels.put("app.kubernetes.io/managed-by", DeploymentGenerator.MANAGED_BY);
        return labels;
    }
}
