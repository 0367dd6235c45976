package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.CompileLimits;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an executor, seen from the worker: the child JVM, its control socket, the replies it
 * owes and, once it is gone, why. Requests may be sent from several threads; the supervisor sends
 * one at a time. A process is never reused after it died or was told to stop: the supervisor
 * starts a new one.
 */
final class ExecutorProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorProcess.class);
    /** How long a dead executor's exit status and last output are waited for. */
    private static final long EXIT_WAIT_MILLIS = 5_000;

    private final String device;
    private final int incarnation;
    private final Path folder;
    private final Process process;
    private final OutputTail output;
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<ExitCause> exit = new CompletableFuture<>();
    private final Consumer<ExecutorProcess> onDeath;
    private SocketChannel channel;
    private OutputStream out;
    private volatile String planned;
    private Reply.Ready ready;

    /** A request on its way: its id (for cancelling) and the reply to come. */
    record Call(long id, CompletableFuture<Reply> reply) {}

    /** The process died (or was killed) before it answered. */
    static final class GoneException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ExitCause cause;

        GoneException(ExitCause cause) {
            super("the executor " + cause.describe());
            this.cause = cause;
        }

        ExitCause cause() {
            return cause;
        }
    }

    private ExecutorProcess(String device, int incarnation, Path folder, Process process,
            Consumer<ExecutorProcess> onDeath) {
        this.device = device;
        this.incarnation = incarnation;
        this.folder = folder;
        this.process = process;
        this.onDeath = onDeath;
        this.output = new OutputTail(device + "#" + incarnation + " pid " + process.pid(), process.getInputStream());
    }

    /**
     * Starts an executor for {@code device} with its socket and shared buffers in {@code folder},
     * and waits until it has opened the device.
     *
     * @throws IOException when it cannot be started, does not connect, or cannot open the device in time
     */
    static ExecutorProcess start(String device, int incarnation, Path folder, ExecutorSettings settings,
            Consumer<ExecutorProcess> onDeath) throws IOException {
        Files.createDirectories(folder);
        ownerOnly(folder);
        Path socket = folder.resolve("control.sock");
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            ProcessBuilder builder = new ProcessBuilder(command(device, socket, folder, settings)).redirectErrorStream(true);
            io.cudawasm.runtime.backend.SignalChaining.preload(builder.environment());
            Process process = builder.start();
            ExecutorProcess p = new ExecutorProcess(device, incarnation, folder, process, onDeath);
            ChildProcesses.register(process);
            try {
                p.connect(server, deadline, settings);
                Files.deleteIfExists(socket); // connected: the name is no longer needed
                return p;
            } catch (IOException | RuntimeException e) {
                p.planned = "stopped"; // the supervisor counts the failed start itself
                process.destroyForcibly();
                throw e;
            }
        }
    }

    /**
     * Only this user may enter the folder: it holds the control socket (anyone who connects first
     * would be talking to the device) and the jobs' buffers, and /dev/shm is shared by every user.
     */
    private static void ownerOnly(Path folder) throws IOException {
        try {
            Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
    }

    /** The executor's command line: this JVM's java and class path, the executor's own heap and options. */
    private static List<String> command(String device, Path socket, Path folder, ExecutorSettings s) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        cmd.add("-Xmx" + s.maxHeap());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xshare:auto");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-XX:ErrorFile=" + folder.resolve("hs_err.log"));
        if (device.equals("tornadovm")) {
            // TornadoVM's SDK comes as JVM options (module path, exports, its own properties)
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!a.startsWith("-Xmx") && !a.startsWith("-Xms") && !a.startsWith("-agentlib")
                        && !a.startsWith("-javaagent") && !a.startsWith("-XX:ErrorFile")) {
                    cmd.add(a);
                }
            }
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("cudawasm.") || name.startsWith("org.slf4j.simpleLogger.")) {
                cmd.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        cmd.addAll(s.jvmOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ExecutorMain.class.getName());
        cmd.add("--socket");
        cmd.add(socket.toString());
        cmd.add("--device");
        cmd.add(device);
        cmd.add("--parent");
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        if (s.testHooks()) {
            cmd.add("--test-hooks");
        }
        return cmd;
    }

    /**
     * The worker's compile limits with more time: the kernel already compiled in the worker within
     * its limit, and an executor busy with a launch must not fail it for being slower.
     */
    static CompileLimits executorLimits(CompileLimits worker) {
        java.time.Duration t = worker.timeLimit().multipliedBy(4);
        return worker.withTimeLimit(t.compareTo(java.time.Duration.ofSeconds(30)) < 0 ? java.time.Duration.ofSeconds(30)
                : t);
    }

    private void connect(ServerSocketChannel server, long deadline, ExecutorSettings settings) throws IOException {
        CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
        Thread acceptor = new Thread(() -> {
            try {
                accepted.complete(server.accept());
            } catch (IOException e) {
                accepted.completeExceptionally(e); // closed when the start gave up
            }
        }, "executor-accept-" + device);
        acceptor.setDaemon(true);
        acceptor.start();
        process.onExit().thenRun(() -> accepted.completeExceptionally(new IOException("exited before connecting")));
        try {
            channel = accepted.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the executor for " + device + " did not connect within its start timeout" + tail());
        } catch (ExecutionException e) {
            throw new IOException("the executor for " + device + " " + describeEarlyExit() + tail(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the executor", e);
        }
        InputStream in = new java.io.BufferedInputStream(Wire.input(channel), 1 << 16);
        out = new BufferedOutputStream(Wire.output(channel), 1 << 16);
        Thread reader = new Thread(() -> readReplies(in), "executor-replies-" + device + "#" + incarnation);
        reader.setDaemon(true);
        reader.start();
        try {
            Call hello = send(new Request.Hello(Wire.VERSION, device, executorLimits(settings.compileLimits())));
            Reply r = await(hello, Math.max(1, deadline - System.nanoTime()));
            if (r instanceof Reply.Ready ok) {
                ready = ok;
                return;
            }
            Reply.Failed f = (Reply.Failed) r;
            throw new IOException(f.message());
        } catch (GoneException e) {
            throw new IOException("the executor for " + device + " " + e.cause().describe() + " while opening the "
                    + "device" + tail());
        } catch (TimeoutException e) {
            throw new IOException("the executor for " + device + " did not open the device within its start timeout"
                    + tail());
        }
    }

    private String describeEarlyExit() {
        try {
            process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? "failed to connect" : ExitCause.of(process.exitValue(), output.last(1000), null)
                .describe() + " before connecting";
    }

    private String tail() {
        List<String> lines = output.last(200);
        return lines.isEmpty() ? "" : "; its last output: " + String.join(" | ", lines.subList(Math.max(0,
                lines.size() - 5), lines.size()));
    }

    // ------------------------------------------------------------------ requests

    Call send(Request r) throws GoneException {
        ExitCause gone = exit.getNow(null);
        if (gone != null) {
            throw new GoneException(gone);
        }
        long id = ids.incrementAndGet();
        CompletableFuture<Reply> f = new CompletableFuture<>();
        pending.put(id, f);
        try {
            write(Wire.encode(id, r));
        } catch (IOException e) {
            pending.remove(id);
            throw new GoneException(awaitExit());
        }
        return new Call(id, f);
    }

    /** Asks the executor to stop the launch of {@code call}; it answers that call with CANCELLED. */
    void cancel(Call call) {
        try {
            write(Wire.encode(ids.incrementAndGet(), new Request.Cancel(call.id())));
        } catch (IOException e) {
            // gone: the call fails on its own
        }
    }

    private void write(byte[] frame) throws IOException {
        synchronized (this) {
            Wire.writeFrame(out, frame);
        }
    }

    /** The reply, or {@link GoneException} if the process died first, or {@link TimeoutException}. */
    Reply await(Call call, long timeoutNanos) throws GoneException, TimeoutException {
        try {
            return timeoutNanos == Long.MAX_VALUE ? call.reply().get()
                    : call.reply().get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GoneException g) {
                throw g;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } finally {
            pending.remove(call.id());
        }
    }

    private void readReplies(InputStream in) {
        try {
            while (true) {
                Wire.Frame<Reply> f = Wire.decodeReply(Wire.readFrame(in));
                CompletableFuture<Reply> waiting = pending.get(f.id());
                if (waiting != null) {
                    waiting.complete(f.message());
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a dead channel
            }
            ExitCause cause = awaitExit();
            GoneException gone = new GoneException(cause);
            for (CompletableFuture<Reply> f : pending.values()) {
                f.completeExceptionally(gone);
            }
            if (planned == null) {
                LOG.warn("executor {} (pid {}) {}", device, process.pid(), cause.describe());
            }
            onDeath.accept(this);
        }
    }

    /** Waits for the process to end (killing it if its channel closed but it lingers) and reads why it did. */
    ExitCause awaitExit() {
        ExitCause known = exit.getNow(null);
        if (known != null) {
            return known;
        }
        try {
            if (!process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int code = process.isAlive() ? -1 : process.exitValue();
        ExitCause cause = ExitCause.of(code, output.last(2_000), planned);
        exit.complete(cause);
        return exit.join();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Kills the process; {@code reason} becomes its exit cause ("killed after a hang ..."). */
    void kill(String reason) {
        if (planned == null) {
            planned = reason;
        }
        process.destroyForcibly();
    }

    /** Asks the executor to release its device and exit; kills it if it has not after {@code millis}. */
    void stop(long millis) {
        planned = "stopped";
        try {
            Call c = send(new Request.Shutdown());
            await(c, TimeUnit.MILLISECONDS.toNanos(millis));
            process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (GoneException | TimeoutException e) {
            // gone already, or stuck: killed below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    boolean isAlive() {
        return exit.getNow(null) == null && process.isAlive();
    }

    /** Why it ended, once it has; null while it runs. */
    ExitCause exitCause() {
        return exit.getNow(null);
    }

    String device() {
        return device;
    }

    int incarnation() {
        return incarnation;
    }

    Path folder() {
        return folder;
    }

    long pid() {
        return process.pid();
    }

    Reply.Ready ready() {
        return ready;
    }
}
