package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.NodeLabels;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeLabelsTest {

    @Test
    void keysLiveUnderTheProjectPrefix() {
        for (String key : List.of(NodeLabels.GPU_VENDOR, NodeLabels.GPU_MODEL, NodeLabels.GPU_MODE, NodeLabels.GPU_COUNT,
                NodeLabels.GPU_MEMORY, NodeLabels.BACKENDS, NodeLabels.CAPABILITIES_ANNOTATION)) {
            assertTrue(key.startsWith("cuda-wasm.io/"), key);
            assertTrue(KubernetesNames.isQualifiedName(key), key);
        }
        assertEquals("cuda-wasm.io/gpu-mode", NodeLabels.GPU_MODE);
        assertEquals("cuda-wasm.io/capabilities", NodeLabels.CAPABILITIES_ANNOTATION);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NVIDIA A100-PCIE-40GB|NVIDIA-A100-PCIE-40GB",
        "Lovelace 40S|Lovelace-40S",
        "  AMD Instinct MI300X (OAM) |AMD-Instinct-MI300X-OAM",
        "GRID T4-16C|GRID-T4-16C",
        "__x__|x",
        "Intel® Data Center GPU Max 1550|Intel-Data-Center-GPU-Max-1550",
        "a,b;c|a-b-c",
        "v1.2_rc|v1.2_rc",
    })
    void sanitizesModelNames(String raw, String expected) {
        String value = NodeLabels.sanitizeValue(raw);
        assertEquals(expected, value);
        assertTrue(NodeLabels.isValidValue(value), value);
    }

    @Test
    void cutsLongValuesTo63CharactersEndingAlphanumeric() {
        String raw = "x".repeat(62) + "-yyyy";
        String value = NodeLabels.sanitizeValue(raw);
        assertEquals("x".repeat(62), value, "the '-' at position 63 must be trimmed after cutting");
        assertTrue(NodeLabels.isValidValue(value));
        assertEquals(63, NodeLabels.sanitizeValue("z".repeat(200)).length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "---", "()"})
    void textWithoutUsableCharactersBecomesTheEmptyValue(String raw) {
        assertEquals("", NodeLabels.sanitizeValue(raw));
        assertTrue(NodeLabels.isValidValue(""));
    }

    @Test
    void nullSanitizesToEmpty() {
        assertEquals("", NodeLabels.sanitizeValue(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-a", "a-", "a b", "a,b", "é"})
    void rejectsInvalidValues(String value) {
        assertFalse(NodeLabels.isValidValue(value), value);
    }

    @Test
    void rejectsValuesLongerThan63() {
        assertFalse(NodeLabels.isValidValue("a".repeat(64)));
        assertTrue(NodeLabels.isValidValue("a".repeat(63)));
    }

    @Test
    void backendsAreDotSeparated() {
        assertEquals("cuda.opencl.wasm", NodeLabels.backendsValue(List.of("cuda", "opencl", "wasm")));
        assertEquals("wasm", NodeLabels.backendsValue(List.of("", "wasm")));
        assertTrue(NodeLabels.isValidValue(NodeLabels.backendsValue(List.of("cuda", "opencl", "wasm", "tornadovm"))));
    }

    @Test
    void vendorValuesAreLowerCaseOrNone() {
        assertEquals("nvidia", NodeLabels.vendorValue(Optional.of(GpuVendor.NVIDIA)));
        assertEquals("amd", NodeLabels.vendorValue(Optional.of(GpuVendor.AMD)));
        assertEquals("intel", NodeLabels.vendorValue(Optional.of(GpuVendor.INTEL)));
        assertEquals("none", NodeLabels.vendorValue(Optional.empty()));
    }
}
