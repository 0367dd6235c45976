package io.cudawasm.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cudawasm.runtime.backend.BackendChoice;
import io.cudawasm.runtime.backend.BackendProbe;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm devices}: what this host's probes found (CUDA, OpenCL, TornadoVM, the Wasm
 * path), why a missing one is missing, and which back end {@code --backend auto} would use.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the devices and back ends this host offers, and which one 'auto' picks.")
public final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the probes as JSON.")
    boolean json;

    /** How CUDA C++ becomes PTX on this host (for the cuda back ends). */
    private static String ptxCompiler() {
        if (PtxCompiler.nvrtcAvailable()) {
            return PtxCompiler.nvrtcReason();
        }
        return PtxCompiler.nvcc().map(p -> "nvcc (" + p + ")").orElse("none: prepared PTX only (NVRTC: "
                + PtxCompiler.nvrtcReason() + ")");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Backends backends = Backends.detect(0)) {
            BackendChoice auto = backends.select("auto", false);
            if (json) {
                List<Map<String, Object>> probes = new ArrayList<>();
                for (BackendProbe p : backends.probes()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", p.name());
                    m.put("available", p.available());
                    m.put("device", p.device());
                    m.put("reason", p.reason());
                    probes.add(m);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("probes", probes);
                doc.put("ptxCompiler", ptxCompiler());
                doc.put("auto", auto.backend().name());
                doc.put("autoReason", auto.reason());
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } else {
                for (BackendProbe p : backends.probes()) {
                    out.printf("%-12s %s%n", p.name(), p.available() ? p.device() : "unavailable: " + p.reason());
                }
                out.printf("%-12s %s%n", "ptx", ptxCompiler());
                out.println("auto -> " + auto.backend().name() + ": " + auto.reason());
            }
        }
        out.flush();
        return 0;
    }
}
