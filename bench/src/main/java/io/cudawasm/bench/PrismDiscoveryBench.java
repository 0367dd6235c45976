package io.cudawasm.bench;

import io.cudawasm.nutanix.prism.ApiVersionChoice;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.NutanixConfig;
import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SelfSignedCertificate;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import io.cudawasm.nutanix.prism.sim.SyntheticEstate;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * GPU discovery of a large estate: {@code discoverGpuNodes()} against the Prism Central simulator serving
 * 1,000 hosts with 4,000 GPUs (half of them, at most one per VM, given to 1,234 VMs) over HTTPS on loopback,
 * over each API ({@code api}). {@code v3} is one {@code hosts/list} request (about 1.8 MB of JSON). {@code v4}
 * is 103 OData pages of at most 100 entries: 10 of hosts, per cluster 10 of host GPUs and (GPUs being in use)
 * 10 of physical GPU profiles, and 13 of VMs (which VM holds which GPU). {@code v4-profiles} is v4 against a
 * Prism Central without {@code host-gpus}: 67 pages (hosts, per cluster 10 of physical and 1 of vGPU profiles,
 * VMs), then the attribution by listing order. The target is under 2 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PrismDiscoveryBench {
    private static final int HOSTS = 1_000;
    private static final int GPUS_PER_HOST = 4;

    @Param({"v3", "v4", "v4-profiles"})
    public String api;

    private PrismSimulator simulator;
    private NutanixClient client;

    @Setup(Level.Trial)
    public void start() throws IOException {
        SimulatedEstate estate = SyntheticEstate.builder().hosts(HOSTS).gpusPerHost(GPUS_PER_HOST).vms(1_234).build();
        SelfSignedCertificate certificate = SelfSignedCertificate.forLocalhost();
        String apiKey = "bench-api-key";
        boolean withoutHostGpus = api.equals("v4-profiles");
        String version = withoutHostGpus ? "v4" : api;
        simulator = PrismSimulator.builder(estate).https(certificate.serverContext()).apiKey(apiKey)
                .hostGpus(!withoutHostGpus).start();
        client = NutanixClient.create(NutanixConfig.builder()
                .baseUrl(simulator.baseUrl())
                .apiKey(apiKey)
                .caBundlePem(certificate.certificatePem())
                .apiVersion(ApiVersionChoice.parse(version))
                .build());
        List<GpuNode> nodes = client.discoverGpuNodes();
        int gpus = nodes.stream().mapToInt(n -> n.gpus().size()).sum();
        if (nodes.size() != HOSTS || gpus != HOSTS * GPUS_PER_HOST) {
            throw new IllegalStateException("expected " + HOSTS + " hosts and " + HOSTS * GPUS_PER_HOST
                    + " GPUs, discovered " + nodes.size() + " and " + gpus);
        }
        if (!client.apiVersion().label().equals(version)) {
            throw new IllegalStateException("asked for " + version + ", the client speaks " + client.apiVersion().label());
        }
        long hostGpuCalls = simulator.requestCount("GET", "/host-gpus");
        if (withoutHostGpus ? hostGpuCalls != 1 : version.equals("v4") && hostGpuCalls == 0) {
            throw new IllegalStateException(api + ": " + hostGpuCalls + " host-gpus requests");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        simulator.close();
    }

    @Benchmark
    public List<GpuNode> discoverGpuNodes() {
        return client.discoverGpuNodes();
    }
}
