package io.cudawasm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The C reference of the CPU-path benchmarks ({@code cpu_reference.c}, a resource of this module):
 * compiled with {@code gcc -O3 -march=native -fopenmp} when a C compiler is on the PATH, and run as
 * one child process that takes commands, so its runs can be interleaved with the Java ones they are
 * compared with. Without gcc (or OpenMP) there is no reference: {@link #start} says why, and the
 * benchmarks report that instead of failing.
 */
public final class CpuReference implements AutoCloseable {
    /** The flags of the reference build: the CPU's practical limit, vectorised for this machine. */
    public static final List<String> FLAGS = List.of("-O3", "-march=native", "-fopenmp");

    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;
    private final String compiler;

    private CpuReference(Process process, String compiler) {
        this.process = process;
        this.compiler = compiler;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** A started reference, or the reason there is none. */
    public record Started(CpuReference reference, String reason) {}

    /** Builds the reference in {@code dir} (created if needed) and starts it. */
    public static Started start(Path dir) {
        String version;
        try {
            version = run(List.of("gcc", "--version")).lines().findFirst().orElse("gcc");
        } catch (IOException e) {
            return new Started(null, "no C compiler: gcc is not on the PATH (" + e.getMessage() + ")");
        }
        try {
            Files.createDirectories(dir);
            Path source = dir.resolve("cpu_reference.c");
            try (InputStream in = CpuReference.class.getResourceAsStream("cpu_reference.c")) {
                if (in == null) {
                    return new Started(null, "cpu_reference.c is missing from the benchmark jar");
                }
                Files.write(source, in.readAllBytes());
            }
            Path binary = dir.resolve("cpu_reference");
            List<String> build = new java.util.ArrayList<>(List.of("gcc"));
            build.addAll(FLAGS);
            build.addAll(List.of("-o", binary.toString(), source.toString()));
            run(build);
            ProcessBuilder reference = new ProcessBuilder(binary.toString()).redirectErrorStream(true);
            // idle OpenMP threads sleep: libgomp's default spins them after each run, and spinning they took
            // the cores from the variant measured next (saxpy, Wasm with 2 workers: 4.8 ms with spinning
            // threads, 3.5 ms with sleeping ones; the C reference's own time did not change)
            reference.environment().put("OMP_WAIT_POLICY", "passive");
            Process p = reference.start();
            return new Started(new CpuReference(p, version), null);
        } catch (IOException e) {
            return new Started(null, "the C reference did not build: " + e.getMessage());
        }
    }

    /** Runs a command to completion; its output, or an IOException with it when it fails. */
    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }

    /** The compiler's first line of {@code --version}. */
    public String compiler() {
        return compiler;
    }

    /**
     * Runs {@code kernel} ({@code saxpy}, {@code reduce} or {@code matmul}) on {@code n} elements (the
     * matrix side for matmul) with {@code threads} OpenMP threads, once to warm up and then {@code reps}
     * times; the times of those runs in milliseconds.
     */
    public synchronized double[] run(String kernel, long n, int threads, int reps) throws IOException {
        commands.write(kernel + " " + n + " " + threads + " " + reps + "\n");
        commands.flush();
        String line = answers.readLine();
        if (line == null || !line.startsWith("ok ")) {
            throw new IOException("C reference: " + (line == null ? "ended" : line));
        }
        String[] parts = line.substring(3).split(" ");
        return Arrays.stream(parts).filter(s -> !s.startsWith("check=")).mapToDouble(Double::parseDouble).toArray();
    }

    @Override
    public synchronized void close() {
        try {
            commands.write("quit\n");
            commands.flush();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
    }
}
