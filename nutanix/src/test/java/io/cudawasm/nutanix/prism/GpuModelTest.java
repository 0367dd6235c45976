package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.ClusterGpuSummary;
import io.cudawasm.nutanix.prism.model.CpuArchitecture;
import io.cudawasm.nutanix.prism.model.EntityReference;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.GpuModel;
import io.cudawasm.nutanix.prism.model.GpuStatus;
import io.cudawasm.nutanix.prism.model.PassthroughGpu;
import io.cudawasm.nutanix.prism.model.VirtualGpu;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuModelTest {

    /** Decimal device ids and memory from the project's GPU reference table (pci.ids). */
    @ParameterizedTest(name = "{0}:{1} is {2}")
    @CsvSource({
        "NVIDIA, 7864, Tesla T4, 15360",
        "NVIDIA, 7604, Tesla V100-PCIE-16GB, 16384",
        "NVIDIA, 7606, Tesla V100-PCIE-32GB, 32768",
        "NVIDIA, 7601, Tesla V100-SXM2-16GB, 16384",
        "NVIDIA, 7605, Tesla V100-SXM2-32GB, 32768",
        "NVIDIA, 8433, NVIDIA A100-PCIE-40GB, 40960",
        "NVIDIA, 8373, NVIDIA A100 80GB PCIe, 81920",
        "NVIDIA, 8368, NVIDIA A100-SXM4-40GB, 40960",
        "NVIDIA, 8370, NVIDIA A100-SXM4-80GB, 81920",
        "NVIDIA, 9009, NVIDIA H100 PCIe, 81920",
        "NVIDIA, 9008, NVIDIA H100 80GB HBM3, 81920",
        "NVIDIA, 8993, NVIDIA H100 NVL, 96256",
        "NVIDIA, 9013, NVIDIA H200, 144384",
        "NVIDIA, 9913, NVIDIA L40S, 49152",
        "NVIDIA, 8757, NVIDIA A40, 49152",
        "NVIDIA, 10168, NVIDIA L4, 24576",
        "NVIDIA, 8758, NVIDIA A10, 24576",
        "NVIDIA, 9909, NVIDIA L40, 49152",
        "AMD, 29711, AMD Instinct MI210, 65536",
        "AMD, 29704, AMD Instinct MI250X, 131072",
        "AMD, 29708, AMD Instinct MI250, 131072",
        "AMD, 29857, AMD Instinct MI300X, 196608",
        "INTEL, 22208, Intel Data Center GPU Flex 170, 16384",
        "INTEL, 22209, Intel Data Center GPU Flex 140, 12288",
        "INTEL, 3029, Intel Data Center GPU Max 1550, 131072",
        "INTEL, 3034, Intel Data Center GPU Max 1100, 49152",
    })
    void catalogueKnowsEveryReferenceModel(GpuVendor vendor, int deviceId, String name, long memoryMib) {
        GpuModel model = GpuCatalog.lookup(vendor, deviceId).orElseThrow();
        assertEquals(name, model.name());
        assertEquals(memoryMib, model.memoryMib());
    }

    @Test
    void catalogueKeysOnVendorAndKnowsNutanixNames() {
        assertTrue(GpuCatalog.lookup(GpuVendor.AMD, 9913).isEmpty(), "9913 is an NVIDIA id");
        assertEquals("10de:2235", GpuCatalog.lookup(GpuVendor.NVIDIA, 8757).orElseThrow().pciId());
        assertEquals(Optional.of("Ampere 40"), GpuCatalog.byName("NVIDIA A40").orElseThrow().prismName());
        assertEquals("NVIDIA L40S", GpuCatalog.byName("lovelace 40s").orElseThrow().name());
        assertEquals(26, GpuCatalog.all().size());
    }

    private static PassthroughGpu passthrough(GpuStatus status, boolean assignable, EntityReference consumer) {
        return new PassthroughGpu("g", "Ampere 40", GpuVendor.NVIDIA, GpuMode.PASSTHROUGH_COMPUTE, 8757,
                GpuCatalog.lookup(GpuVendor.NVIDIA, 8757), status, assignable, Optional.ofNullable(consumer), 0,
                Optional.empty(), OptionalInt.empty());
    }

    @Test
    void availabilityNeedsUnusedAssignableAndNoConsumer() {
        EntityReference vm = new EntityReference("vm", "v", "worker");
        assertTrue(passthrough(GpuStatus.UNUSED, true, null).isAvailable());
        assertFalse(passthrough(GpuStatus.USED_FOR_PASSTHROUGH, true, null).isAvailable());
        assertFalse(passthrough(GpuStatus.USED_FOR_VIRTUAL, true, null).isAvailable());
        assertFalse(passthrough(GpuStatus.UNKNOWN, true, null).isAvailable());
        assertFalse(passthrough(GpuStatus.UNUSED, false, null).isAvailable());
        assertFalse(passthrough(GpuStatus.UNUSED, true, vm).isAvailable());
        PassthroughGpu a40 = passthrough(GpuStatus.UNUSED, true, null);
        assertEquals(49_152, a40.memoryMib(), "no frame_buffer_size_mib: the model's memory");
        assertEquals("NVIDIA A40", a40.displayName());
        assertThrows(IllegalArgumentException.class, () -> new PassthroughGpu("g", "x", GpuVendor.NVIDIA,
                GpuMode.VIRTUAL, 1, Optional.empty(), GpuStatus.UNUSED, true, Optional.empty(), 0, Optional.empty(),
                OptionalInt.empty()));
    }

    private static VirtualGpu profile(String name, long frameBufferMib) {
        return new VirtualGpu("v", name, GpuVendor.NVIDIA, 557, GpuStatus.UNUSED, true, Optional.empty(),
                frameBufferMib, 0, 0, 1, 1);
    }

    @Test
    void vgpuProfileNamesGiveSeriesAndFrameBuffer() {
        assertEquals(OptionalInt.of(4), profile("NVIDIA A100-4C", 0).computeFrameBufferGb());
        assertEquals(OptionalInt.of(48), profile("NVIDIA L40S-48C", 0).computeFrameBufferGb());
        assertEquals(OptionalInt.of(16), profile("GRID T4-16C", 0).computeFrameBufferGb());
        assertEquals(OptionalInt.of(20), profile("NVIDIA A100-4-20C", 0).computeFrameBufferGb(), "MIG-backed");
        assertTrue(profile("NVIDIA A40-1Q", 0).computeFrameBufferGb().isEmpty());
        assertTrue(profile("GRID T4-1B", 0).computeFrameBufferGb().isEmpty());
        assertFalse(profile("NVIDIA A40-2A", 0).isComputeProfile());
        assertEquals(8 * 1024, profile("GRID T4-8C", 0).memoryMib(), "from the name when Prism gives no size");
        assertEquals(1024, profile("NVIDIA A40-1Q", 1024).memoryMib());
        assertEquals(GpuMode.VIRTUAL, profile("NVIDIA A40-1Q", 0).mode());
    }

    @ParameterizedTest
    @CsvSource({
        "Ampere(R) Altra(R) Q80-30, AARCH64",
        "Ampere(R) Altra(R) Max M128-30, AARCH64",
        "ARM Neoverse-N1, AARCH64",
        "NVIDIA Grace CPU, AARCH64",
        "HiSilicon Kunpeng 920, AARCH64",
        "Intel(R) Xeon(R) Gold 6442Y, X86_64",
        "AMD EPYC 9654 96-Core Processor, X86_64",
        "POWER9 (raw), PPC64LE",
        "'', UNKNOWN",
        "Mystery CPU, UNKNOWN",
    })
    void cpuModelsRevealTheArchitecture(String cpuModel, CpuArchitecture expected) {
        assertEquals(expected, CpuArchitecture.fromCpuModel(cpuModel));
    }

    @Test
    void clusterArchIsTheFallback() {
        assertEquals(CpuArchitecture.AARCH64, CpuArchitecture.detect("", Optional.of("AARCH64")));
        assertEquals(CpuArchitecture.X86_64, CpuArchitecture.detect("Intel(R) Xeon(R)", Optional.of("AARCH64")),
                "the host's own cpu_model wins");
        assertEquals(CpuArchitecture.UNKNOWN, CpuArchitecture.detect(null, Optional.empty()));
        assertEquals("aarch64", CpuArchitecture.AARCH64.label());
    }

    @Test
    void emptySummaryIsAllZero() {
        ClusterGpuSummary s = ClusterGpuSummary.of(Optional.empty(), List.of());
        assertEquals(0, s.totalGpuCount());
        assertEquals(0, s.availableGpuCount());
        assertTrue(s.byVendor().isEmpty());
    }
}
