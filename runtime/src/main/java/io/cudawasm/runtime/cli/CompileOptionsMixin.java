package io.cudawasm.runtime.cli;

import io.cudawasm.kernels.CompileRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that compiles shares: -D defines and template instantiations. */
final class CompileOptionsMixin {
    @Option(names = "-D", paramLabel = "NAME[=VALUE]", description = "Define a macro (as nvcc -D).")
    List<String> defines = new ArrayList<>();

    @Option(names = "--instantiate", paramLabel = "KERNEL<ARGS>",
            description = "Instantiate a template kernel, e.g. 'reduce<float, 256>'.")
    List<String> instantiations = new ArrayList<>();

    Map<String, String> defineMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String d : defines) {
            int eq = d.indexOf('=');
            if (eq < 0) {
                m.put(d, "1");
            } else {
                m.put(d.substring(0, eq), d.substring(eq + 1));
            }
        }
        return m;
    }

    CompileRequest request(KernelSource src) {
        return new CompileRequest(src.fileName(), src.text(), defineMap(), Map.of(), instantiations);
    }
}
