package io.cudawasm.runtime.executor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an executor's standard output and error (merged) on a daemon thread: every line goes to
 * the worker's log under the executor's name, and the last lines are kept, because when the
 * process dies its JVM's crash report there is the only account of what happened.
 */
final class OutputTail {
    private static final Logger LOG = LoggerFactory.getLogger("io.cudawasm.runtime.executor.output");
    private static final int KEEP = 80;

    private final Deque<String> lines = new ArrayDeque<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    OutputTail(String name, InputStream output) {
        Thread t = new Thread(() -> pump(name, output), "executor-output-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void pump(String name, InputStream output) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.info("[{}] {}", name, line);
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > KEEP) {
                        lines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            ended.countDown();
        }
    }

    /** The last lines, after waiting up to {@code millis} for the output to end (a dying JVM still writes). */
    List<String> last(long millis) {
        try {
            ended.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
