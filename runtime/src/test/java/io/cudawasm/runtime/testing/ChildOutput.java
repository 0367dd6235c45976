package io.cudawasm.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The output of a child process (stdout and stderr merged), read line by line on a daemon thread:
 * tests wait for lines and for the exit with deadlines, never by sleeping, and failures show the
 * whole transcript.
 */
public final class ChildOutput {
    private static final String END_OF_OUTPUT = "\u0000end of output";

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();

    public ChildOutput(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::pump, "child-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (transcript) {
                    transcript.add(line);
                }
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output read failed: " + e + ")");
        } finally {
            lines.add(END_OF_OUTPUT);
        }
    }

    /** The next line that {@code matches} ({@code what} describes it); fails with the transcript otherwise. */
    public String awaitLine(Predicate<String> matches, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail(name + ": no line " + what + " within " + timeout + "; output:\n" + transcript());
            }
            if (line.equals(END_OF_OUTPUT)) {
                lines.add(END_OF_OUTPUT);
                fail(name + " ended before printing a line " + what + "; output:\n" + transcript());
            }
            if (matches.test(line)) {
                return line;
            }
        }
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail(name + " did not exit within " + timeout + "; output:\n" + transcript());
        }
        return process.exitValue();
    }

    public String transcript() {
        synchronized (transcript) {
            return String.join("\n", transcript);
        }
    }
}
