package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.runtime.testing.ChildOutput;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class from the test classpath. Its stdout and stderr are read line
 * by line on a daemon thread; the test waits for lines with deadlines, never by sleeping.
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final ChildOutput output;
    private final Writer stdin;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.output = new ChildOutput(name, process);
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static ChildJvm start(String name, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ChildJvm(name, process);
    }

    /** Waits for the next line starting with {@code prefix}; fails with the transcript otherwise. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        return output.awaitLine(line -> line.startsWith(prefix), "starting with \"" + prefix + "\"", timeout);
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        return output.awaitExit(timeout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL on Unix: no shutdown hooks, no finally blocks, no flushing. */
    void killHard(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail(name + " survived destroyForcibly for " + timeout);
        }
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
