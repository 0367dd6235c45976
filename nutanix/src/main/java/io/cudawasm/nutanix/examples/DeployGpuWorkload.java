package io.cudawasm.nutanix.examples;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.deploy.DeploymentConfig;
import io.cudawasm.nutanix.deploy.DeploymentGenerator;
import io.cudawasm.nutanix.deploy.GpuScheduling;
import io.cudawasm.nutanix.deploy.IntelGpuResource;
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
 * workload, read the chosen host's capabilities, then hand the placement to the deployment step, which
 * builds the seed's programmatic {@link DeploymentConfig} ({@code with_gpus}, {@code with_hpa(1, 8, 70)},
 * an NKE annotation) and the manifests it would apply. On the command line: {@code cuda-wasm example}.
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

    /** What the deployment step makes of a placement, and where the YAML goes (nowhere: a summary only). */
    public record DeploymentStep(String image, boolean pinToHost, Optional<PrintWriter> yaml) {
        public static final DeploymentStep SUMMARY = new DeploymentStep(DEFAULT_IMAGE, false, Optional.empty());
    }

    /** The image the example deploys unless told otherwise (docker/README.md builds it). */
    public static final String DEFAULT_IMAGE = "cuda-wasm:0.1.0-";
    /** The node label the Nutanix cloud controller manager (NKP/CAPX) puts the Prism host uuid in. */
    public static final String PRISM_HOST_LABEL = "nutanix.com/prism-host-uuid";

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
        return run(environment, vendor, gpuCount, out, DeploymentStep.SUMMARY);
    }

    /** As {@link #run(Map, GpuVendor, int, PrintWriter)}, with the deployment step's image and YAML output. */
    public static int run(Map<String, String> environment, GpuVendor vendor, int gpuCount, PrintWriter out,
            DeploymentStep step) throws IOException {
        if (NutanixConfig.configuredIn(environment)) {
            NutanixConfig config = NutanixConfig.fromEnvironment(environment);
            out.println("Using Prism Central at " + config.baseUrl());
            return runFlow(NutanixClient.create(config), vendor, gpuCount, out, step);
        }
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost();
        String apiKey = UUID.randomUUID().toString();
        try (PrismSimulator sim = PrismSimulator.builder(SimulatedEstate.bundled())
                .https(cert.serverContext()).apiKey(apiKey).start()) {
            out.println("NUTANIX_PRISM_URL is not set; using an in-process Prism Central simulator at " + sim.baseUrl());
            NutanixConfig config = NutanixConfig.builder()
                    .baseUrl(sim.baseUrl()).apiKey(apiKey).caBundlePem(cert.certificatePem()).build();
            return runFlow(NutanixClient.create(config), vendor, gpuCount, out, step);
        }
    }

    /** Discover, summarise, rank, inspect, deploy (a summary of the deployment). */
    public static int runFlow(NutanixClient client, GpuVendor vendor, int gpuCount, PrintWriter out) {
        return runFlow(client, vendor, gpuCount, out, DeploymentStep.SUMMARY);
    }

    /** Discover, summarise, rank, inspect, deploy. */
    public static int runFlow(NutanixClient client, GpuVendor vendor, int gpuCount, PrintWriter out, DeploymentStep step) {
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
            WorkloadPlacement placement = new WorkloadPlacement(caps.hostUuid(), caps.hostName(), chosen.node().clusterName(),
                    caps.cpuArchitecture(), vendor, gpuCount,
                    chosen.matchingGpus().stream().limit(gpuCount).map(HostGpu::displayName).toList());
            deploy(placement, out);
            DeploymentConfig config = deploymentConfig(placement, step);
            DeploymentGenerator generator = new DeploymentGenerator(config);
            out.printf("   Manifests:     %d objects, %s (%s)%n", generator.generate().size(),
                    generator.workloadDecision().kind().kubernetesKind(), config.image());
            step.yaml().ifPresentOrElse(yaml -> {
                out.println("   YAML follows; apply it with kubectl apply -f - (or run cuda-wasm deploy with the same options)");
                out.flush();
                yaml.print(generator.generateAll());
                yaml.flush();
            }, () -> out.println("   (--yaml prints the manifests it would apply)"));
            return 0;
        } catch (PrismException e) {
            out.println("Prism Central call failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The seed's programmatic configuration for a placement: the vendor and GPU count found, HPA 1-8 at
     * 70 % CPU, the NKE priority annotation, the host's architecture; with {@code pinToHost} also a node
     * selector on the chosen Prism host (the Nutanix CCM's label, on NKP clusters).
     */
    public static DeploymentConfig deploymentConfig(WorkloadPlacement placement, DeploymentStep step) {
        String flavour = placement.vendor().name().toLowerCase(java.util.Locale.ROOT);
        DeploymentConfig.Builder b = DeploymentConfig.builder("gpu-workload",
                        step.image().equals(DEFAULT_IMAGE) ? DEFAULT_IMAGE + flavour : step.image())
                .gpuVendor(placement.vendor())
                .gpus(placement.gpuCount())
                .hpa(1, 8, 70)
                .nkeAnnotation("nke.nutanix.com/priority", "high")
                .architectures(List.of(placement.architecture() == CpuArchitecture.AARCH64 ? "arm64" : "amd64"));
        if (step.pinToHost()) {
            b.nodeSelector(PRISM_HOST_LABEL, placement.hostUuid());
        }
        return b.build();
    }

    /** The deployment step's summary: where the workload goes and what it asks Kubernetes for. */
    public static void deploy(WorkloadPlacement placement, PrintWriter out) {
        String resource = GpuScheduling.resourceName(placement.vendor(), IntelGpuResource.I915);
        out.printf("   Place on host %s (%s) in cluster %s%n", placement.hostName(), placement.hostUuid(),
                placement.clusterName());
        out.printf("   Node labels:   %s=%s (selected with --pin-host), kubernetes.io/arch=%s%n", PRISM_HOST_LABEL,
                placement.hostUuid(),
                placement.architecture() == CpuArchitecture.AARCH64 ? "arm64" : "amd64");
        out.printf("   Resources:     %s: %d (%s)%n", resource, placement.gpuCount(),
                String.join(", ", placement.gpuModels()));
    }
}
