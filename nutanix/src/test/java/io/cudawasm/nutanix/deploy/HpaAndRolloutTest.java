package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HpaAndRolloutTest {

    @Test
    void hpaScalesOnCpuAndCustomPodsMetricsWithBehaviour() {
        HorizontalPodAutoscaler hpa = new DeploymentGenerator(Configs.nvidia().hpa(2, 6, 65)
                .hpaPodsMetric("cudawasm_jobs_queued", "5").build()).horizontalPodAutoscaler().orElseThrow();
        var spec = hpa.getSpec();
        assertEquals(2, spec.getMinReplicas());
        assertEquals(6, spec.getMaxReplicas());
        assertEquals("apps/v1", spec.getScaleTargetRef().getApiVersion());
        assertEquals("Resource", spec.getMetrics().get(0).getType());
        assertEquals("cpu", spec.getMetrics().get(0).getResource().getName());
        assertEquals("Utilization", spec.getMetrics().get(0).getResource().getTarget().getType());
        assertEquals(65, spec.getMetrics().get(0).getResource().getTarget().getAverageUtilization());
        assertEquals("Pods", spec.getMetrics().get(1).getType());
        assertEquals("AverageValue", spec.getMetrics().get(1).getPods().getTarget().getType());
        assertEquals(300, spec.getBehavior().getScaleDown().getStabilizationWindowSeconds());
        assertEquals(1, spec.getBehavior().getScaleDown().getPolicies().get(0).getValue());
        assertEquals(0, spec.getBehavior().getScaleUp().getStabilizationWindowSeconds());
        assertEquals(List.of("Pods", "Percent"), spec.getBehavior().getScaleUp().getPolicies().stream().map(p -> p.getType()).toList());
        assertEquals("Max", spec.getBehavior().getScaleUp().getSelectPolicy());
    }

    @Test
    void hpaCanScaleOnCustomMetricsAlone() {
        HpaConfig h = new HpaConfig(1, 4, OptionalInt.empty(), List.of(new PodsMetricTarget("cudawasm_jobs_queued", "3")), 120);
        var spec = new DeploymentGenerator(Configs.nvidia().hpa(h).build()).horizontalPodAutoscaler().orElseThrow().getSpec();
        assertEquals(1, spec.getMetrics().size());
        assertEquals("Pods", spec.getMetrics().get(0).getType());
        assertEquals(120, spec.getBehavior().getScaleDown().getStabilizationWindowSeconds());
    }

    @Test
    void noHpaWithoutConfiguration() {
        assertTrue(new DeploymentGenerator(Configs.nvidia().build()).horizontalPodAutoscaler().isEmpty());
    }

    @Test
    void statefulSetRolloutState() {
        StatefulSetBuilder s = new StatefulSetBuilder().withNewMetadata().withName("w").withGeneration(2L).endMetadata()
                .withNewSpec().withReplicas(3).endSpec();
        assertFalse(RolloutState.of(s.build()).complete(), "no status yet");
        assertFalse(RolloutState.of(s.withNewStatus().withObservedGeneration(1L).withReadyReplicas(3).endStatus().build()).complete(),
                "old generation observed");
        RolloutState partial = RolloutState.of(s.withNewStatus().withObservedGeneration(2L).withReadyReplicas(1).endStatus().build());
        assertEquals(new RolloutState(false, "1 of 3 replicas ready"), partial);
        RolloutState revision = RolloutState.of(s.withNewStatus().withObservedGeneration(2L).withReadyReplicas(3).withUpdatedReplicas(2)
                .withCurrentRevision("a").withUpdateRevision("b").endStatus().build());
        assertFalse(revision.complete());
        assertEquals("2 of 3 replicas on revision b", revision.message());
        assertTrue(RolloutState.of(s.withNewStatus().withObservedGeneration(2L).withReadyReplicas(3).withUpdatedReplicas(3)
                .withCurrentRevision("b").withUpdateRevision("b").endStatus().build()).complete());
    }

    @Test
    void deploymentRolloutState() {
        DeploymentBuilder d = new DeploymentBuilder().withNewMetadata().withName("w").withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(2).endSpec();
        assertEquals("1 of 2 replicas updated", RolloutState.of(d.withNewStatus().withObservedGeneration(1L)
                .withUpdatedReplicas(1).withReplicas(2).endStatus().build()).message());
        assertEquals("1 old replicas pending termination", RolloutState.of(d.withNewStatus().withObservedGeneration(1L)
                .withUpdatedReplicas(2).withReplicas(3).endStatus().build()).message());
        assertEquals("1 of 2 updated replicas available", RolloutState.of(d.withNewStatus().withObservedGeneration(1L)
                .withUpdatedReplicas(2).withReplicas(2).withAvailableReplicas(1).endStatus().build()).message());
        assertTrue(RolloutState.of(d.withNewStatus().withObservedGeneration(1L).withUpdatedReplicas(2).withReplicas(2)
                .withAvailableReplicas(2).endStatus().build()).complete());
        assertTrue(RolloutState.of(new ConfigMapBuilder().build()).complete(), "nothing to roll out");
    }

    @Test
    void containmentIgnoresServerAddedFields() {
        var desired = new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().addToData("k", "v").build();
        var live = new ConfigMapBuilder(desired).editMetadata().withResourceVersion("7").withUid("u").endMetadata()
                .addToData("extra", "x").build();
        assertTrue(DesiredState.isSatisfiedBy(desired, live));
        var changed = new ConfigMapBuilder(live).addToData("k", "other").build();
        assertFalse(DesiredState.isSatisfiedBy(desired, changed));
        assertTrue(DesiredState.contains(List.of(1L, "a"), List.of(1, "a")), "numbers compare by value");
        assertFalse(DesiredState.contains(List.of(1, "a", "b"), List.of(1, "a")), "lists must match in length");
    }
}
