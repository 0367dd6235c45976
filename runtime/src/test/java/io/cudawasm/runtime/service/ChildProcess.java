package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running a test main class; its output is collected line by line and awaited with deadlines. */
final class ChildProcess implements AutoCloseable {
    private static final String END = "\u0000end";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();

    private ChildProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::pump, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildProcess start(Class<?> main, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CUDA_WASM_"));
        pb.environment().putAll(env);
        return new ChildProcess(pb.start());
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (transcript) {
                    transcript.add(line);
                }
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading failed: " + e + ")");
        } finally {
            lines.add(END);
        }
    }

    /** The next line containing {@code text}. */
    String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END)) {
                fail("no line with \"" + text + "\" within " + timeout + "; output:\n" + transcript());
            }
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /**
     * SIGTERM on Unix, as Kubernetes sends it. Through the process handle: {@code Process.destroy()}
     * would also close our end of the child's output, losing what it prints while draining.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the child did not exit within " + timeout + "; output:\n" + transcript());
        }
        return process.exitValue();
    }

    String transcript() {
        synchronized (transcript) {
            return String.join("\n", transcript);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
