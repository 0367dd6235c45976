package io.cudawasm.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.BackendProbe;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.benchreport.BenchResultFile.BackendStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a run measures on a host, without running JMH. */
class SuitePlanTest {

    /** A back end that is only a name and a device string: enough for the inventory. */
    private record FakeBackend(String name, String device) implements Backend {
        @Override
        public DeviceSession open(CompileResult compiled) {
            throw new UnsupportedOperationException();
        }
    }

    private static Backends host(boolean openClGpu) {
        String before = System.getProperty("cudawasm.devices");
        System.setProperty("cudawasm.devices", "none");
        try {
            Backends b = Backends.detect(1);
            b.addUnavailable(BackendProbe.unavailable("cuda", "no CUDA driver"));
            Backend cl = new FakeBackend("opencl:0", openClGpu ? "GPU NVIDIA L40S" : "CPU pthread (PoCL)");
            b.add(cl, BackendProbe.available(cl.name(), cl.device()));
            return b;
        } finally {
            if (before == null) {
                System.clearProperty("cudawasm.devices");
            } else {
                System.setProperty("cudawasm.devices", before);
            }
        }
    }

    @Test
    void openClCpuDeviceIsMeasuredOnlyWhenAskedFor() {
        try (Backends b = host(false)) {
            BackendInventory plain = BackendInventory.of(b, false, null);
            assertEquals(List.of("java", "wasm"), plain.measured());
            BackendStatus cl = plain.unavailable().stream().filter(s -> s.name().equals("opencl:0")).findFirst()
                    .orElseThrow();
            assertTrue(cl.reason().contains("--opencl-cpu"), cl.reason());
            assertTrue(plain.unavailable().stream().anyMatch(s -> s.name().equals("cuda") && s.reason().equals("no CUDA driver")));

            BackendInventory asked = BackendInventory.of(b, true, null);
            assertEquals(List.of("java", "wasm", "opencl:0"), asked.measured());
            assertEquals(List.of("wasm", "opencl:0"), asked.devices());
        }
    }

    @Test
    void openClGpuIsMeasuredByDefaultAndBackendsCanBeNarrowed() {
        try (Backends b = host(true)) {
            assertEquals(List.of("java", "wasm", "opencl:0"), BackendInventory.of(b, false, null).measured());
            BackendInventory narrowed = BackendInventory.of(b, false, List.of("java", "opencl:0"));
            assertEquals(List.of("java", "opencl:0"), narrowed.measured());
            assertTrue(narrowed.unavailable().stream().anyMatch(s -> s.name().equals("wasm")
                    && s.reason().equals("left out by --backends")), narrowed.unavailable().toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BackendInventory.of(b, false, List.of("cuda:0")));
            assertTrue(e.getMessage().contains("'cuda:0' is not available"), e.getMessage());
        }
    }

    @Test
    void plansGiveEachClassTheBackEndsItCanUse() {
        try (Backends b = host(true)) {
            BackendInventory inventory = BackendInventory.of(b, false, null);
            SuiteSettings settings = new SuiteSettings(SuitePreset.QUICK, Optional.empty(), Optional.empty(), Path.of("."),
                    Optional.empty(), false, List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), true, List.of());
            List<ClassPlan> plans = new BenchmarkSuite(settings, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), Map.of()).plans(inventory);
            assertEquals(List.of("KernelThroughputBench", "LaunchOverheadBench", "CompileTimeBench", "HttpJobBench"),
                    plans.stream().map(ClassPlan::simpleName).toList());
            ClassPlan throughput = plans.get(0);
            assertEquals(List.of("java", "wasm", "opencl:0"), throughput.params().get("backend"));
            assertEquals(3 * 5 * 2, throughput.combinations().size(), "back ends x kernels x sizes");
            ClassPlan compile = plans.get(2);
            assertEquals(List.of("wasm", "opencl:0"), compile.params().get("backend"), "no plain-Java compile");
            assertEquals(2 * 2 * 4, compile.combinations().size(), "cached and cold x back ends x kernels");
            assertEquals("quick", settings.presetName());
        }
    }

    @Test
    void settingsRejectUnknownNamesAndMarkCustomRuns() {
        assertThrows(IllegalArgumentException.class, () -> SuitePreset.parse("long"));
        assertThrows(IllegalArgumentException.class, () -> settings(List.of("gpu"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> settings(List.of(), List.of("XL")));
        assertEquals("custom", settings(List.of(), List.of("L")).presetName());
    }

    private static SuiteSettings settings(List<String> groups, List<String> sizes) {
        return new SuiteSettings(SuitePreset.SMOKE, Optional.empty(), Optional.empty(), Path.of("."), Optional.empty(),
                false, groups, List.of(), sizes, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                true, List.of());
    }

    @Test
    void defaultLabelNamesTheGpuAndItsAttachment() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals("nvidia-a40-12c-vgpu", BenchmarkSuite.defaultLabel(json.readTree(
                "{\"gpus\":{\"vendor\":\"nvidia\",\"model\":\"NVIDIA A40-12C\",\"mode\":\"vgpu\"}}")));
        assertEquals("nvidia-l40s-passthrough", BenchmarkSuite.defaultLabel(json.readTree(
                "{\"gpus\":{\"vendor\":\"nvidia\",\"model\":\"L40S\",\"mode\":\"passthrough\"}}")));
        assertEquals("cpu", BenchmarkSuite.defaultLabel(json.readTree("{\"gpus\":{\"vendor\":\"none\"}}")));
    }

    @Test
    void jmhCommandLinesStillReachJmh() {
        assertTrue(SuiteMain.isJmhCommandLine(new String[] {"WasmSaxpyBench|WasmMatmulBench", "-f1"}));
        assertTrue(SuiteMain.isJmhCommandLine(new String[] {"-l"}));
        assertFalse(SuiteMain.isJmhCommandLine(new String[] {}));
        assertFalse(SuiteMain.isJmhCommandLine(new String[] {"--preset", "smoke"}));
        assertFalse(SuiteMain.isJmhCommandLine(new String[] {"-q"}));
    }

    @Test
    void commandLineErrorsAreOneLineWithExitCode2() {
        assertEquals(2, SuiteMain.execute("--preset", "forever", "--result", "/nonexistent/x.json"));
        assertFalse(SuiteKernel.workloads().isEmpty());
        assertEquals(SuiteKernel.values().length * SuiteSize.values().length, SuiteKernel.workloads().size());
    }
}
