package io.cudawasm.nutanix.prism.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.model.GpuModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Generates a large, deterministic estate for paging tests and benchmarks: N hosts spread over several
 * Prism Element clusters plus Prism Central's pseudo-cluster, each host with the same number of GPUs of
 * a rotating catalogue model, some of them assigned to VMs named like NKE workers.
 */
public final class SyntheticEstate {
    private static final List<String> MODEL_NAMES = List.of(
            "NVIDIA L40S", "NVIDIA A100 80GB PCIe", "NVIDIA H100 80GB HBM3", "NVIDIA A40", "Tesla T4",
            "NVIDIA L4", "AMD Instinct MI300X", "Intel Data Center GPU Flex 170");

    private int clusters = 4;
    private int hosts = 1_000;
    private int gpusPerHost = 4;
    private int vms = 600;
    private double assignedFraction = 0.5;
    private int armEvery = 10;
    private long seed = 42;

    private SyntheticEstate() {}

    public static SyntheticEstate builder() {
        return new SyntheticEstate();
    }

    /** Prism Element clusters (Prism Central's own entry comes on top). */
    public SyntheticEstate clusters(int n) {
        this.clusters = positive(n, "clusters");
        return this;
    }

    public SyntheticEstate hosts(int n) {
        this.hosts = positive(n, "hosts");
        return this;
    }

    public SyntheticEstate gpusPerHost(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("gpusPerHost cannot be negative");
        }
        this.gpusPerHost = n;
        return this;
    }

    public SyntheticEstate vms(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("vms cannot be negative");
        }
        this.vms = n;
        return this;
    }

    /** The share of GPUs given to VMs, at most one per VM; the rest stay free. */
    public SyntheticEstate assignedFraction(double f) {
        if (f < 0 || f > 1) {
            throw new IllegalArgumentException("assignedFraction lies in [0, 1]");
        }
        this.assignedFraction = f;
        return this;
    }

    /** Every n-th host gets an ARM CPU (0: none). */
    public SyntheticEstate armEvery(int n) {
        this.armEvery = n;
        return this;
    }

    public SyntheticEstate seed(long seed) {
        this.seed = seed;
        return this;
    }

    public SimulatedEstate build() {
        Random random = new Random(seed);
        SimulatedEstate estate = SimulatedEstate.empty();
        estate.addCluster(PrismJsonShapes.cluster(uuid(random), "prism-central", List.of("PRISM_CENTRAL"),
                "X86_64", "pc.2024.3"));
        List<ObjectNode> clusterRefs = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
            String uuid = uuid(random);
            String name = "pe-synth-" + c;
            estate.addCluster(PrismJsonShapes.cluster(uuid, name, List.of("AOS"), "X86_64", "6.8.1"));
            clusterRefs.add(PrismJsonShapes.reference("cluster", uuid, name));
        }
        List<GpuModel> models = MODEL_NAMES.stream()
                .map(n -> GpuCatalog.byName(n).orElseThrow(() -> new IllegalStateException("no model " + n)))
                .toList();
        List<ObjectNode> hostNodes = new ArrayList<>();
        List<ObjectNode> freeGpus = new ArrayList<>();
        List<ObjectNode> gpuHost = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            ObjectNode clusterRef = clusterRefs.get(h % clusters);
            boolean arm = armEvery > 0 && h % armEvery == armEvery - 1;
            String cpu = arm ? "Ampere(R) Altra(R) Max M128-30" : "Intel(R) Xeon(R) Gold 6442Y";
            String name = String.format("ahv-synth-%04d", h);
            ObjectNode host = PrismJsonShapes.host(uuid(random), name, clusterRef.deepCopy(), cpu,
                    "10." + (h / 62_500) + "." + (h / 250 % 250) + "." + (h % 250 + 1));
            GpuModel model = models.get(h % models.size());
            ArrayNode list = (ArrayNode) host.path("status").path("resources").path("gpu_list");
            for (int g = 0; g < gpusPerHost; g++) {
                SimulatedGpu gpu = SimulatedGpu.passthrough(model, String.format("0000:%02x:00.0", 0x41 + g * 0x20), g % 2);
                ObjectNode node = PrismJsonShapes.gpu(uuid(random), gpu, g);
                list.add(node);
                freeGpus.add(node);
                gpuHost.add(host);
            }
            if (model.vendor() != GpuVendor.NVIDIA) {
                ((ObjectNode) host.path("status").path("resources")).put("gpu_driver_version", "");
            }
            hostNodes.add(host);
        }
        int toAssign = Math.min(vms, (int) Math.round(freeGpus.size() * assignedFraction));
        List<ObjectNode> vmNodes = new ArrayList<>();
        for (int v = 0; v < vms; v++) {
            ObjectNode host = v < toAssign ? gpuHost.get(v * freeGpus.size() / Math.max(1, toAssign))
                    : hostNodes.get(v % hostNodes.size());
            ObjectNode hostRef = PrismJsonShapes.reference("host", SimulatedEstate.uuidOf(host),
                    SimulatedEstate.nameOf(host));
            ObjectNode clusterRef = (ObjectNode) host.path("status").path("cluster_reference");
            boolean on = v < toAssign || v % 10 != 9;
            String name = String.format("nke-%s-worker-%d", clusterRef.path("name").asText(), v);
            vmNodes.add(PrismJsonShapes.vm(uuid(random), name, clusterRef, hostRef, on));
        }
        hostNodes.forEach(estate::addHost);
        vmNodes.forEach(estate::addVm);
        for (int v = 0; v < toAssign; v++) {
            int gpuIndex = v * freeGpus.size() / Math.max(1, toAssign);
            ObjectNode host = gpuHost.get(gpuIndex);
            estate.assignGpu(SimulatedEstate.uuidOf(host), freeGpus.get(gpuIndex).path("uuid").asText(),
                    SimulatedEstate.uuidOf(vmNodes.get(v)));
        }
        return estate;
    }

    private static String uuid(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static int positive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1");
        }
        return n;
    }
}
