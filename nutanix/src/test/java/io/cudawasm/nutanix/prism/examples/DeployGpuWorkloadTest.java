package io.cudawasm.nutanix.prism.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.examples.DeployGpuWorkload;
import io.cudawasm.nutanix.prism.TestPrism;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployGpuWorkloadTest {

    @Test
    void runsTheWholeFlowAgainstAnInProcessSimulator() throws Exception {
        StringWriter out = new StringWriter();
        int code = DeployGpuWorkload.run(Map.of(), GpuVendor.NVIDIA, 2, new PrintWriter(out));
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("in-process Prism Central simulator at https://"), text);
        assertTrue(text.contains("Total GPUs: 32, available: 17"), text);
        assertTrue(text.contains("#1 ahv-west-h100-01"), text);
        assertTrue(text.contains("Architecture: x86_64 (ARM: false)"), text);
        assertTrue(text.contains("Resources:     nvidia.com/gpu: 2 (NVIDIA H100 80GB HBM3, NVIDIA H100 80GB HBM3)"), text);
    }

    @Test
    void theCommandPrintsTheYamlItWouldApply() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new picocli.CommandLine(new io.cudawasm.nutanix.cli.ExampleCommand(Map.of()))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("amd", "2", "--yaml", "--pin-host");
        assertEquals(0, code, err.toString());
        assertTrue(err.toString().contains("Place on host ahv-west-amd01"), err + "\n---\n" + out);
        assertTrue(err.toString().contains("Manifests:     11 objects, StatefulSet (cuda-wasm:0.1.0-amd)"), err.toString());
        java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> objects =
                io.cudawasm.nutanix.deploy.Manifests.parse(out.toString());
        var workload = objects.stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet)
                .map(io.fabric8.kubernetes.api.model.apps.StatefulSet.class::cast).findFirst().orElseThrow();
        var pod = workload.getSpec().getTemplate().getSpec();
        assertEquals("2", pod.getContainers().get(0).getResources().getLimits().get("amd.com/gpu").toString());
        assertEquals("high", workload.getMetadata().getAnnotations().get("nke.nutanix.com/priority"));
        assertTrue(pod.getNodeSelector().containsKey("nutanix.com/prism-host-uuid"), "--pin-host");
        assertEquals(8, objects.stream().filter(o -> o.getKind().equals("HorizontalPodAutoscaler")).findFirst()
                .map(h -> ((io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler) h).getSpec().getMaxReplicas())
                .orElseThrow(), "the seed's with_hpa(1, 8, 70)");

        StringWriter bad = new StringWriter();
        assertEquals(2, new picocli.CommandLine(new io.cudawasm.nutanix.cli.ExampleCommand(Map.of()))
                .setErr(new PrintWriter(bad)).execute("arm"));
        assertEquals("example: unknown GPU vendor 'arm' (use nvidia, amd or intel)", bad.toString().strip());
    }

    @Test
    void usesPrismCentralFromTheEnvironment(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), TestPrism.PKI.caPem());
        try (PrismSimulator sim = TestPrism.start(SimulatedEstate.bundled())) {
            Map<String, String> env = Map.of("NUTANIX_PRISM_URL", sim.baseUrl().toString(),
                    "NUTANIX_API_KEY", TestPrism.API_KEY, "NUTANIX_CA_BUNDLE", ca.toString());
            StringWriter out = new StringWriter();
            assertEquals(0, DeployGpuWorkload.run(env, GpuVendor.AMD, 2, new PrintWriter(out)));
            assertTrue(out.toString().contains("Using Prism Central at " + sim.baseUrl()), out.toString());
            assertTrue(out.toString().contains("Place on host ahv-west-amd01"), out.toString());
            assertTrue(out.toString().contains("amd.com/gpu: 2"), out.toString());

            StringWriter none = new StringWriter();
            assertEquals(3, DeployGpuWorkload.run(env, GpuVendor.INTEL, 3, new PrintWriter(none)));
        }
    }
}
