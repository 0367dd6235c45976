package io.cudawasm.runtime.cli;

import io.cudawasm.kernels.CompileRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that compiles shares: -D defines, -I include folders and template instantiations. */
final class CompileOptionsMixin {
    @Option(names = "-I", paramLabel = "DIR", description = "Search this folder for included headers (repeatable; "
            + "\"x.h\" is looked for next to the including file first, as nvcc does).")
    List<Path> includeDirs = new ArrayList<>();

    /** The headers found for the last request made, for the note on a missing one. */
    IncludeFiles includes;

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
        includes = IncludeFiles.load(src, includeDirs);
        return new CompileRequest(src.fileName(), src.text(), defineMap(), includes.headers(), instantiations);
    }

    /** A compile error as printed: with the include search path when a header was not found. */
    String describe(io.cudawasm.kernels.source.CompileException e) {
        String text = e.formatted();
        if (includes != null && text.contains("cannot open include file")) {
            text = text.stripTrailing() + "\n" + includes.searchNote();
        }
        return text;
    }
}
