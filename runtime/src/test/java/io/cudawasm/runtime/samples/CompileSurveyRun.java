package io.cudawasm.runtime.samples;

import io.cudawasm.runtime.cli.CudaWasmCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Compiles every {@code .cu} file of a cuda-samples checkout as a user would ({@code cuda-wasm
 * compile FILE -I Common}, plus the sample's own {@code inc/} folder, next to the file or to its folder) and prints,
 * per file, whether it compiled and how many kernels it has, or the first error; then the stops
 * counted by their message. The counts of kernels/README.md come from this run:
 *
 * <pre>
 * java -cp RUNTIME_TEST_CLASSPATH io.cudawasm.runtime.samples.CompileSurveyRun /path/to/cuda-samples
 * </pre>
 */
public final class CompileSurveyRun {
    private CompileSurveyRun() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve("Samples"))) {
            files = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
        int compiled = 0;
        int withKernels = 0;
        Map<String, Integer> stops = new TreeMap<>();
        for (Path f : files) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = CudaWasmCommand.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            Path inc = Files.isDirectory(f.getParent().resolve("inc")) ? f.getParent().resolve("inc")
                    : f.getParent().resolveSibling("inc"); // FDTD3d keeps its sources in src/ and headers in inc/
            int rc = Files.isDirectory(inc)
                    ? cl.execute("compile", f.toString(), "-I", root.resolve("Common").toString(), "-I", inc.toString())
                    : cl.execute("compile", f.toString(), "-I", root.resolve("Common").toString());
            String name = root.resolve("Samples").relativize(f).toString();
            if (rc == 0) {
                compiled++;
                long kernels = out.toString().lines().filter(l -> l.startsWith("kernel ")).count();
                if (kernels > 0) {
                    withKernels++;
                }
                System.out.println(name + "\tcompiles\t" + kernels + " kernels");
            } else {
                String first = err.toString().lines().filter(l -> l.contains("error:")).findFirst()
                        .orElse(err.toString().lines().findFirst().orElse("(no message)"));
                String message = first.substring(first.indexOf("error:") + 1 + "error:".length() - 1).strip();
                System.out.println(name + "\tstops\t" + message);
                stops.merge(message.replaceAll("'[^']*'", "'…'"), 1, Integer::sum);
            }
        }
        System.out.println();
        System.out.println(files.size() + " files: " + compiled + " compile (" + withKernels + " with kernels), "
                + (files.size() - compiled) + " stop");
        stops.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.println(e.getValue() + "\t" + e.getKey()));
    }
}
