package io.cudawasm.runtime.service;

import io.cudawasm.runtime.testing.ChildOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A child JVM running a test main class; its output is collected line by line and awaited with deadlines. */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final ChildOutput output;

    private ChildProcess(String name, Process process) {
        this.process = process;
        this.output = new ChildOutput(name, process);
    }

    static ChildProcess start(Class<?> main, Map<String, String> env, String... args) throws IOException {
        return start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), main, env, args);
    }

    /** With the child's own JVM options (heap size, GC), as a pod's image would set them. */
    static ChildProcess start(List<String> jvmOptions, Class<?> main, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CUDA_WASM_"));
        pb.environment().putAll(env);
        return new ChildProcess(main.getSimpleName(), pb.start());
    }

    /** The next line containing {@code text}. */
    String awaitLine(String text, Duration timeout) throws InterruptedException {
        return output.awaitLine(line -> line.contains(text), "with \"" + text + "\"", timeout);
    }

    /**
     * SIGTERM on Unix, as Kubernetes sends it. Through the process handle: {@code Process.destroy()}
     * would also close our end of the child's output, losing what it prints while draining.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: no shutdown hook, no drain; what a crashed or OOM-killed pod looks like to its peers. */
    void kill() {
        process.destroyForcibly();
    }

    boolean alive() {
        return process.isAlive();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        return output.awaitExit(timeout);
    }

    String transcript() {
        return output.transcript();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
