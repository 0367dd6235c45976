package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The StatefulSet/Deployment decision table, row by row. */
class WorkloadDecisionTest {

    @ParameterizedTest(name = "{0} access={1} replicas={2} hpaMax={3} -> {4}")
    @CsvSource({
        // class,               access, replicas, hpaMax, expected
        "nutanix-volume,        ,       1,        0,      DEPLOYMENT_RECREATE",
        "nutanix-volume,        ,       2,        0,      STATEFUL_SET",
        "nutanix-volume,        ,       1,        8,      STATEFUL_SET",
        "nutanix-volume,        ,       1,        1,      DEPLOYMENT_RECREATE",
        "nutanix-volume,        RWOP,   1,        0,      DEPLOYMENT_RECREATE",
        "nutanix-volume,        RWOP,   3,        0,      STATEFUL_SET",
        "nutanix-volume,        RWX,    3,        0,      DEPLOYMENT_SHARED_CLAIM",
        "nutanix-dynamicfile,   ,       1,        0,      DEPLOYMENT_SHARED_CLAIM",
        "nutanix-dynamicfile,   ,       4,        8,      DEPLOYMENT_SHARED_CLAIM",
        "nutanix-file,          ,       2,        0,      DEPLOYMENT_SHARED_CLAIM",
        "nutanix-dynamicfile,   RWO,    2,        0,      STATEFUL_SET",
        "some-other-class,      ,       2,        0,      STATEFUL_SET",
        "some-other-class,      ,       1,        0,      DEPLOYMENT_RECREATE",
    })
    void decisionTable(String storageClass, String access, int replicas, int hpaMax, WorkloadKind expected) {
        DeploymentConfig.Builder b = Configs.nvidia().storageClass(storageClass).replicas(replicas);
        if (access != null) {
            b.cacheAccessMode(CacheAccessMode.parse(access));
        }
        if (hpaMax > 0) {
            b.hpa(1, hpaMax, 70);
        }
        DeploymentConfig config = b.build();
        DeploymentGenerator generator = new DeploymentGenerator(config);
        assertEquals(expected, generator.workloadDecision().kind());

        List<HasMetadata> objects = generator.generate();
        HasMetadata workload = generator.workload();
        assertEquals(generator.workloadDecision().reason(),
                workload.getMetadata().getAnnotations().get(WorkloadDecision.REASON_ANNOTATION));
        List<PersistentVolumeClaim> claims = Configs.all(objects, PersistentVolumeClaim.class);
        String mode = config.cacheAccessMode().kubernetesName();
        switch (expected) {
            case STATEFUL_SET -> {
                StatefulSet s = Configs.only(objects, StatefulSet.class);
                assertTrue(claims.isEmpty(), "a StatefulSet gets its claims from the template, not a shared claim");
                assertTrue(Configs.all(objects, Deployment.class).isEmpty());
                PersistentVolumeClaim template = s.getSpec().getVolumeClaimTemplates().get(0);
                assertEquals(PodTemplates.CACHE_VOLUME, template.getMetadata().getName());
                assertEquals(List.of(mode), template.getSpec().getAccessModes());
                assertEquals(storageClass, template.getSpec().getStorageClassName());
                assertEquals("Delete", s.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled());
                assertEquals("Retain", s.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted());
                assertEquals(generator.headlessServiceName(), s.getSpec().getServiceName());
                assertFalse(s.getSpec().getTemplate().getSpec().getVolumes().stream()
                        .map(Volume::getName).anyMatch(PodTemplates.CACHE_VOLUME::equals),
                        "the template volume must not be shadowed by a pod volume");
            }
            case DEPLOYMENT_SHARED_CLAIM, DEPLOYMENT_RECREATE -> {
                Deployment d = Configs.only(objects, Deployment.class);
                assertTrue(Configs.all(objects, StatefulSet.class).isEmpty());
                assertEquals(1, claims.size());
                assertEquals(List.of(mode), claims.get(0).getSpec().getAccessModes());
                Volume cache = d.getSpec().getTemplate().getSpec().getVolumes().stream()
                        .filter(v -> v.getName().equals(PodTemplates.CACHE_VOLUME)).findFirst().orElseThrow();
                assertEquals(claims.get(0).getMetadata().getName(), cache.getPersistentVolumeClaim().getClaimName());
                assertEquals(expected == WorkloadKind.DEPLOYMENT_RECREATE ? "Recreate" : "RollingUpdate",
                        d.getSpec().getStrategy().getType());
            }
        }
        if (hpaMax > 0) {
            HorizontalPodAutoscaler hpa = Configs.only(objects, HorizontalPodAutoscaler.class);
            assertEquals(expected.kubernetesKind(), hpa.getSpec().getScaleTargetRef().getKind());
            assertEquals(workload.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 3", "8, 1"})
    void replicasAreLeftToTheHpaWhenThereIsOne(int hpaMax, int replicas) {
        DeploymentConfig.Builder b = Configs.nvidia().replicas(replicas);
        if (hpaMax > 0) {
            b.hpa(1, hpaMax, 70);
        }
        HasMetadata workload = new DeploymentGenerator(b.build()).workload();
        Integer written = workload instanceof StatefulSet s ? s.getSpec().getReplicas()
                : ((Deployment) workload).getSpec().getReplicas();
        if (hpaMax > 0) {
            assertNull(written, "with an HPA, re-applying must not reset the scale");
        } else {
            assertEquals(replicas, written);
        }
    }
}
