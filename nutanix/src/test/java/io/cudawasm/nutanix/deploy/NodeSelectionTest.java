package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where the generated pods can run: their nodeSelector, node affinity, tolerations and GPU limits
 * evaluated against nodes labelled as each vendor's common set-ups label them. A node with the
 * vendor's GPU is selected whether an operator labelled it or only the plain device plugin runs
 * there; a node without that GPU, or of another architecture, is not.
 */
class NodeSelectionTest {

    private static PodSpec worker(DeploymentConfig.Builder b) {
        return Configs.podSpec(b.build());
    }

    private static DeploymentConfig.Builder vendor(GpuVendor v) {
        return Configs.nvidia().gpuVendor(v).hpa(1, 8, 70);
    }

    private static void selected(PodSpec pod, SchedulingFilter.Node node) {
        assertEquals(List.of(), SchedulingFilter.rejections(pod, node), node.name() + " must take the pod");
    }

    private static void notSelected(PodSpec pod, SchedulingFilter.Node node) {
        assertFalse(SchedulingFilter.fits(pod, node), node.name() + " must not take the pod");
    }

    @ParameterizedTest
    @EnumSource(GpuVendor.class)
    void aGpuNodeIsSelectedWithOrWithoutItsOperatorsLabels(GpuVendor v) {
        for (PodSpec pod : List.of(worker(vendor(v)), worker(vendor(v).gpuMode(GpuModePreference.ANY)))) {
            selected(pod, ClusterNodes.withOperator(v));
            selected(pod, ClusterNodes.plainDevicePlugin(v));
            notSelected(pod, ClusterNodes.cpuOnly());
            ClusterNodes.otherVendors(v).forEach(other -> notSelected(pod, other));
            assertTrue(SchedulingFilter.preferenceScore(pod, ClusterNodes.withOperator(v))
                    > SchedulingFilter.preferenceScore(pod, ClusterNodes.plainDevicePlugin(v)),
                    "a node whose labels say it has the GPU is preferred");
        }
    }

    @Test
    void theImagesArchitectureIsRequired() {
        PodSpec pod = worker(vendor(GpuVendor.NVIDIA));
        assertEquals(List.of("required node affinity [[kubernetes.io/arch In [amd64]]]"),
                SchedulingFilter.rejections(pod, ClusterNodes.nvidiaArm64()));
        PodSpec arm = worker(vendor(GpuVendor.NVIDIA).architectures(List.of("amd64", "arm64")));
        selected(arm, ClusterNodes.nvidiaArm64());
    }

    @Test
    void cpuWorkersRunOnAnyAmd64NodeThatDoesNotTaintThemAway() {
        PodSpec pod = worker(Configs.nvidia().cpuOnly().hpa(1, 4, 70));
        selected(pod, ClusterNodes.cpuOnly());
        selected(pod, ClusterNodes.amdPlainDevicePlugin());
        assertEquals(List.of("untolerated taint nvidia.com/gpu:NoSchedule"),
                SchedulingFilter.rejections(pod, ClusterNodes.nvidiaPlainDevicePlugin()));
        notSelected(pod, ClusterNodes.nvidiaArm64());
    }

    @Test
    void aPreferredModeNeverKeepsAPodPending() {
        for (GpuModePreference mode : List.of(GpuModePreference.PASSTHROUGH, GpuModePreference.VGPU)) {
            PodSpec pod = worker(vendor(GpuVendor.NVIDIA).gpuMode(mode));
            for (SchedulingFilter.Node node : List.of(ClusterNodes.nvidiaGpuOperator(), ClusterNodes.nvidiaGpuOperatorVgpu(),
                    ClusterNodes.nvidiaPlainDevicePlugin(), ClusterNodes.nvidiaPlainLabelledVgpuByWorker())) {
                selected(pod, node);
            }
        }
        PodSpec vgpu = worker(vendor(GpuVendor.NVIDIA).gpuMode(GpuModePreference.VGPU));
        assertTrue(SchedulingFilter.preferenceScore(vgpu, ClusterNodes.nvidiaGpuOperatorVgpu())
                > SchedulingFilter.preferenceScore(vgpu, ClusterNodes.nvidiaGpuOperator()), "vGPU nodes first");
        PodSpec passthrough = worker(vendor(GpuVendor.NVIDIA).gpuMode(GpuModePreference.PASSTHROUGH));
        assertTrue(SchedulingFilter.preferenceScore(passthrough, ClusterNodes.nvidiaGpuOperator())
                > SchedulingFilter.preferenceScore(passthrough, ClusterNodes.nvidiaGpuOperatorVgpu()), "passthrough nodes first");
    }

    @Test
    void aRequiredVgpuModeUsesFeatureDiscoveryOrTheWorkersOwnLabel() {
        PodSpec pod = worker(vendor(GpuVendor.NVIDIA).gpuMode(GpuModePreference.VGPU).requireGpuMode(true));
        selected(pod, ClusterNodes.nvidiaGpuOperatorVgpu());
        selected(pod, ClusterNodes.nvidiaPlainLabelledVgpuByWorker());
        notSelected(pod, ClusterNodes.nvidiaGpuOperator());
        notSelected(pod, ClusterNodes.nvidiaPlainDevicePlugin());
    }

    @Test
    void aRequiredPassthroughModeSchedulesTheFirstDeploymentAndAvoidsKnownVgpuNodes() {
        PodSpec pod = worker(vendor(GpuVendor.NVIDIA).gpuMode(GpuModePreference.PASSTHROUGH).requireGpuMode(true));
        selected(pod, ClusterNodes.nvidiaGpuOperator());
        selected(pod, ClusterNodes.nvidiaPlainDevicePlugin());
        notSelected(pod, ClusterNodes.nvidiaGpuOperatorVgpu());
        notSelected(pod, ClusterNodes.nvidiaPlainLabelledVgpuByWorker());
        for (GpuVendor v : List.of(GpuVendor.AMD, GpuVendor.INTEL)) {
            PodSpec other = worker(vendor(v).gpuMode(GpuModePreference.PASSTHROUGH).requireGpuMode(true));
            selected(other, ClusterNodes.withOperator(v));
            selected(other, ClusterNodes.plainDevicePlugin(v));
        }
    }

    @ParameterizedTest
    @EnumSource(GpuVendor.class)
    void theBenchmarkJobLandsWhereTheWorkerDoes(GpuVendor v) {
        Job job = DeploymentGenerator.benchmarkJob(BenchmarkJobConfig.from(vendor(v).build()).build());
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        selected(pod, ClusterNodes.withOperator(v));
        selected(pod, ClusterNodes.plainDevicePlugin(v));
        notSelected(pod, ClusterNodes.cpuOnly());
        ClusterNodes.otherVendors(v).forEach(other -> notSelected(pod, other));
    }

    @Test
    void theCommittedManifestsScheduleOnTheirVendorsNodes() throws IOException {
        Map<String, GpuVendor> files = Map.of("kubernetes_deployment.yaml", GpuVendor.NVIDIA,
                "kubernetes_deployment-amd.yaml", GpuVendor.AMD, "kubernetes_deployment-intel.yaml", GpuVendor.INTEL);
        for (Map.Entry<String, GpuVendor> f : files.entrySet()) {
            List<HasMetadata> objects = Manifests.parse(Files.readString(RepositoryRoot.find().resolve("k8s").resolve(f.getKey())));
            PodSpec pod = objects.stream().filter(o -> o.getKind().equals("StatefulSet")).map(Configs::template)
                    .findFirst().orElseThrow().getSpec();
            selected(pod, ClusterNodes.withOperator(f.getValue()));
            selected(pod, ClusterNodes.plainDevicePlugin(f.getValue()));
            notSelected(pod, ClusterNodes.cpuOnly());
            ClusterNodes.otherVendors(f.getValue()).forEach(other -> notSelected(pod, other));
        }
    }
}
