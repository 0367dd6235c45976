package io.cudawasm.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cudawasm.kernels.KernelCompiler;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm version}: what {@code -V} says, plus the compiler version (part of every kernel cache
 * key, so it tells whether two workers share cache entries), the Java runtime and the platform.
 */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the version of cuda-wasm, its kernel compiler, the Java runtime and the platform.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** The facts printed, in order. */
    static Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("version", VersionProvider.version());
        facts.put("compiler", KernelCompiler.VERSION);
        facts.put("java", Runtime.version() + " (" + System.getProperty("java.vm.vendor", "") + ")");
        facts.put("platform", System.getProperty("os.name", "") + " " + System.getProperty("os.arch", ""));
        return facts;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> facts = facts();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(facts));
        } else {
            out.println("cuda-wasm " + facts.get("version"));
            facts.entrySet().stream().skip(1).forEach(e -> out.printf("  %-9s %s%n", e.getKey(), e.getValue()));
        }
        out.flush();
        return 0;
    }
}
