package io.cudawasm.nutanix.examples;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.NodeCandidate;
import io.cudawasm.nutanix.prism.NodeSelection;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.NutanixConfig;
import io.cudawasm.nutanix.prism.PrismException;
import io.cudawasm.nutanix.prism.model.ClusterGpuSummary;
import io.cudawasm.nutanix.prism.model.CpuArchitecture;
import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.HostCapabilities;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SelfSignedCertificate;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The seed's {@code deploy_gpu_workload} flow: discover GPU nodes, summarise, pick the best nodes for a
 * workload, read the chosen host's capabilities, then hand the placement to the deployment step.
 *
 * <p>With {@code NUTANIX_PRISM_URL} set it talks to that Prism Central (credentials and TLS from the other
 * {@code NUTANIX_*} variables); without it, it starts an in-process simulator over HTTPS first.
 * Arguments: {@code [VENDOR [GPU_COUNT]]}, default {@code NVIDIA 2}.
 */
public final class DeployGpuWorkload {

    /** Where the workload should go, as the deployment step needs it. */
    public record WorkloadPlacement(
            String hostUuid, String hostName, String clusterName, CpuArchitecture architecture,
            GpuVendor vendor, int gpuCount, List<String> gpuModels) {}

    private DeployGpuWorkload() {}

    public static void main(String[] args) throws IOException {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        GpuVendor vendor = args.length > 0 ? GpuVendor.parse(args[0]).orElse(GpuVendor.NVIDIA) : GpuVendor.NVIDIA;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        System.exit(run(System.getenv(), vendor, count, out));
    }

    /** Runs the flow against Prism Central or an in-process simulator; returns a process exit code. */
    public static int run(Map<String, String> environment, GpuVendor vendor, int gpuCount, PrintWriter out)
            throws IOException {
        String url = environment.get(NutanixConfig.ENV_URL);
        if (url != null && !url.isBlank()) {
            out.println("Using Prism Central at " + url);
            return runFlow(NutanixClient.create(NutanixConfig.fromEnvironment(environment)), vendor, gpuCount, out);
        }
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost();
        String apiKey = UUID.randomUUID().toString();
        try (PrismSimulator sim = PrismSimulator.builder(SimulatedEstate.bundled())
                .https(cert.serverContext()).apiKey(apiKey).start()) {
            out.println("NUTANIX_PRISM_URL is not set; using an in-process Prism Central simulator at " + sim.baseUrl());
            NutanixConfig config = NutanixConfig.builder()
                    .baseUrl(sim.baseUrl()).apiKey(apiKey).caBundlePem(cert.certificatePem()).build();
            return runFlow(NutanixClient.create(config), vendor, gpuCount, out);
        }
    }

    /** Discover, summarise, rank, inspect, deploy. */
    public static int runFlow(NutanixClient client, GpuVendor vendor, int gpuCount, PrintWriter out) {
        try {
            out.println();
            out.println("1. Discovering GPU nodes");
            List<GpuNode> nodes = client.discoverGpuNodes();
            for (GpuNode node : nodes) {
                out.printf("   %-20s %-14s %2d GPU entries, %2d available%n", node.hostName(), node.clusterName(),
                        node.gpus().size(), node.availableGpus().size());
            }

            out.println();
            out.println("2. Cluster GPU summary");
            ClusterGpuSummary summary = client.getClusterGpuSummary(Optional.empty());
            out.printf("   Total GPUs: %d, available: %d; vGPU instances: %d, available: %d%n",
                    summary.totalGpuCount(), summary.availableGpuCount(), summary.virtual().total(),
                    summary.virtual().available());

            out.println();
            out.printf("3. Best nodes for %d x %s%n", gpuCount, vendor);
            List<NodeCandidate> best = client.findBestNodes(vendor, gpuCount, NodeSelection.DEFAULT);
            if (best.isEmpty()) {
                out.printf("   No node has %d free %s GPU(s).%n", gpuCount, vendor);
                return 3;
            }
            for (int i = 0; i < best.size(); i++) {
                NodeCandidate c = best.get(i);
                out.printf("   #%d %-20s %d matching GPU(s), %d MiB%n", i + 1, c.node().hostName(),
                        c.matchingGpuCount(), c.matchingMemoryMib());
            }

            NodeCandidate chosen = best.get(0);
            out.println();
            out.println("4. Capabilities of " + chosen.node().hostName());
            HostCapabilities caps = client.getHostCapabilities(chosen.node().hostUuid());
            out.printf("   Architecture: %s (ARM: %s)%n", caps.cpuArchitecture().label(), caps.isArm());
            out.printf("   Has NVIDIA: %s, has AMD: %s, has Intel: %s%n", caps.hasNvidia(), caps.hasAmd(),
                    caps.hasIntel());
            for (HostGpu g : caps.gpus()) {
                out.printf("   %s (%s) - mode: %s, assigned: %s%n", g.displayName(), g.vendor(), g.mode(),
                        !g.isAvailable());
            }

            out.println();
            out.println("5. Deployment");
            deploy(new WorkloadPlacement(caps.hostUuid(), caps.hostName(), chosen.node().clusterName(),
                    caps.cpuArchitecture(), vendor, gpuCount,
                    chosen.matchingGpus().stream().limit(gpuCount).map(HostGpu::displayName).toList()), out);
            return 0;
        } catch (PrismException e) {
            out.println("Prism Central call failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The deployment step: turns the placement into what a Kubernetes manifest has to say. Manifest
     * generation (the deployment generator) plugs in here, taking the same {@link WorkloadPlacement}.
     */
    public static void deploy(WorkloadPlacement placement, PrintWriter out) {
        String resource = switch (placement.vendor()) {
            case NVIDIA -> "nvidia.com/gpu";
            case AMD -> "amd.com/gpu";
            case INTEL -> "gpu.intel.com/i915";
        };
        out.printf("   Place on host %s (%s) in cluster %s%n", placement.hostName(), placement.hostUuid(),
                placement.clusterName());
        out.printf("   Node selector: nutanix.com/prism-host-uuid=%s, kubernetes.io/arch=%s%n", placement.hostUuid(),
                placement.architecture() == CpuArchitecture.AARCH64 ? "arm64" : "amd64");
        out.printf("   Resources:     %s: %d (%s)%n", resource, placement.gpuCount(),
                String.join(", ", placement.gpuModels()));
    }
}
