package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.backend.BackendChoice;
import io.cudawasm.runtime.backend.BackendProbe;
import io.cudawasm.runtime.backend.Backends;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Device choice on a host with PoCL and no NVIDIA driver (the CI machine): auto keeps to the
 * WebAssembly sandbox (PoCL runs kernels in-process, unprotected), explicit names pick theirs, missing back ends say why, the sandbox forces Wasm.
 */
class BackendSelectionTest {
    private static Backends backends;

    @BeforeAll
    static void detect() {
        OpenClTestDevice.device();
        backends = Backends.detect(1);
    }

    @AfterAll
    static void close() {
        backends.close();
    }

    private static BackendProbe probe(String name) {
        return backends.probes().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyKindOfDeviceIsProbedAndReported() {
        List<String> names = backends.probes().stream().map(BackendProbe::name).toList();
        assertTrue(names.contains("opencl:0"), names.toString());
        assertTrue(names.contains("wasm"), names.toString());
        assertTrue(probe("opencl:0").available());
        assertTrue(probe("opencl:0").device().startsWith("CPU"), probe("opencl:0").device());
        BackendProbe tornado = probe("tornadovm");
        assertFalse(tornado.available());
        assertTrue(tornado.reason().contains("tornado-argfile"), tornado.reason());
    }

    @Test
    void autoPrefersCudaThenOpenClGpuThenTheSandboxNeverAnUnisolatedCpuDevice() {
        BackendChoice auto = backends.select("auto", false);
        boolean cuda = backends.probes().stream().anyMatch(p -> p.name().startsWith("cuda") && p.available());
        if (cuda) {
            assertTrue(auto.backend().name().startsWith("cuda"), auto.reason());
            return;
        }
        assertEquals("wasm", auto.backend().name(), auto.reason());
        assertTrue(auto.reason().contains("no CUDA GPU (" + probe("cuda").reason() + ")"), auto.reason());
        assertTrue(auto.reason().contains("opencl:0 (OpenCL CPU, not isolated) on request"), auto.reason());
    }

    @Test
    void explicitNamesAndTheirAbsence() {
        assertEquals("opencl:0", backends.select("opencl", false).backend().name());
        assertEquals("opencl:0", backends.select("OpenCL:0", false).backend().name());
        assertEquals("wasm", backends.select("wasm", false).backend().name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.select("opencl:9",
                false));
        assertTrue(e.getMessage().contains("not available"), e.getMessage());
        if (!probe("cuda").available()) {
            IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> backends.select("cuda",
                    false));
            assertTrue(c.getMessage().contains(probe("cuda").reason()), c.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> backends.select("tornadovm", false));
    }

    @Test
    void theSandboxSwitchForcesWasm() {
        BackendChoice sandbox = backends.select("auto", true);
        assertEquals("wasm", sandbox.backend().name());
        assertTrue(sandbox.reason().contains("sandbox"), sandbox.reason());
        assertThrows(IllegalArgumentException.class, () -> backends.select("opencl", true));
    }

    @Test
    void deviceProbingCanBeSwitchedOff() {
        System.setProperty("cudawasm.devices", "none");
        try (Backends wasmOnly = Backends.detect(1)) {
            assertEquals(List.of("wasm"), wasmOnly.probes().stream().map(BackendProbe::name).toList());
            assertEquals("wasm", wasmOnly.select("auto", false).backend().name());
        } finally {
            System.clearProperty("cudawasm.devices");
        }
    }
}
