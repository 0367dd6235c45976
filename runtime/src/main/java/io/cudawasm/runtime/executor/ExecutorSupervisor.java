package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Cancellation;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one device's executor running: starts it on first use, passes requests to it one at a
 * time (a fair lock: jobs wait their turn in arrival order), notices when it dies, hangs or asks
 * to be replaced after a fault, restarts it with backoff, and after {@code crashLimit} deaths
 * within {@code crashWindow} declares the device unavailable for a cooldown (doubling while the
 * loop goes on, up to eight times). Every request is bound to the run of the executor its session
 * was opened on: a request for a session of a run that died fails as a lost session, which the job
 * runner retries once on the fresh executor.
 */
public final class ExecutorSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSupervisor.class);
    private static final long STOP_MILLIS = 3_000;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String device;
    private final ExecutorSettings settings;
    private final SharedMemory shared;
    private final Path base;
    private final ReentrantLock turn = new ReentrantLock(true);
    private final ExecutorService restarter;
    /** Kernels the current run holds compiled (guarded by {@link #turn}). */
    private final Set<String> knownKernels = new HashSet<>();

    // guarded by this
    private ExecutorProcess current;
    private int runs;
    private final Set<Integer> retired = new HashSet<>();
    private final Deque<Long> deaths = new ArrayDeque<>();
    private int trips;
    private long nextStartAt;
    private long unavailableUntil;
    private String unavailableReason;
    private long restarts;
    private long deathsTotal;
    private String lastExit;
    private Instant lastExitAt;
    private boolean closed;
    /** The request in flight ("launch of kernel 'k'"), null when the executor is idle. */
    private volatile String activity;

    ExecutorSupervisor(String device, ExecutorSettings settings, SharedMemory shared) {
        this.device = device;
        this.settings = settings;
        this.shared = shared;
        this.base = settings.baseDirectory();
        this.restarter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "executor-restart-" + device);
            t.setDaemon(true);
            return t;
        });
        removeStaleFolders(base);
    }

    String device() {
        return device;
    }

    SharedMemory shared() {
        return shared;
    }

    // ------------------------------------------------------------------ the executor's runs

    /** The running executor, started if there is none (waiting out the restart backoff). Under {@link #turn}. */
    private ExecutorProcess ensureStarted() {
        ExecutorProcess dead;
        synchronized (this) {
            if (closed) {
                throw new LaunchException(LaunchFailure.DEVICE_LOST, null, device + " is shut down (the worker is "
                        + "stopping)");
            }
            if (current != null && current.isAlive()) {
                return current;
            }
            dead = current;
        }
        if (dead != null) {
            retire(dead); // it died while nobody was looking
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            if (now < unavailableUntil) {
                throw unavailable(now);
            }
            wait = nextStartAt - now;
        }
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait); // restart backoff: the turn is ours, everyone waits anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException(LaunchFailure.CANCELLED, null, "interrupted while " + device
                        + "'s executor restarts");
            }
        }
        int run;
        synchronized (this) {
            run = ++runs;
        }
        // a JVM-wide number too: two supervisors of one device (two back ends, or tests) each count runs
        // from 1, and one's cleaning after its executor died removed the other's folder, socket and all
        Path folder = base.resolve("cw-exec-" + ProcessHandle.current().pid() + "-"
                + device.replaceAll("[^A-Za-z0-9]", "") + "-" + run + "-" + FOLDERS.incrementAndGet());
        try {
            claim(folder);
            ExecutorProcess p = ExecutorProcess.start(device, run, folder, settings, this::onDeath);
            synchronized (this) {
                current = p;
                if (run > 1) {
                    restarts++;
                }
            }
            knownKernels.clear();
            LOG.info("executor for {} running: pid {}, {}", device, p.pid(), p.ready().device());
            return p;
        } catch (IOException e) {
            deleteFolder(folder);
            synchronized (this) {
                recordDeath("failed to start: " + e.getMessage());
                if (System.nanoTime() < unavailableUntil) {
                    throw unavailable(System.nanoTime());
                }
            }
            throw new LaunchException(LaunchFailure.DEVICE_LOST, null, "cannot start the executor for " + device + ": "
                    + e.getMessage(), e);
        }
    }

    private LaunchException unavailable(long now) {
        Duration left = Duration.ofNanos(unavailableUntil - now);
        long seconds = Math.max(1, (left.toMillis() + 999) / 1000);
        return new LaunchException(LaunchFailure.DEVICE_LOST, null, device + " is unavailable for " + seconds
                + " s more: " + unavailableReason, new DeviceUnavailableException(device, seconds));
    }

    /** Called by a run's reply reader once its process is gone. */
    private void onDeath(ExecutorProcess p) {
        retire(p);
        boolean restart;
        synchronized (this) {
            restart = !closed && System.nanoTime() >= unavailableUntil;
        }
        if (restart) {
            // start the next run now, so the next job does not wait for a JVM to boot
            try {
                restarter.execute(() -> {
                turn.lock();
                try {
                    ensureStarted();
                } catch (RuntimeException e) {
                    LOG.debug("executor for {} not restarted yet: {}", device, e.getMessage());
                } finally {
                    turn.unlock();
                }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /** Records a run's end once: counts it as a death unless the worker stopped it, and removes its folder. */
    private void retire(ExecutorProcess p) {
        ExitCause cause = p.awaitExit();
        synchronized (this) {
            if (!retired.add(p.incarnation())) {
                return;
            }
            if (current == p) {
                current = null;
            }
            if (!"stopped".equals(cause.planned())) {
                recordDeath(cause.describe());
            }
        }
        deleteFolder(p.folder());
    }

    /** Counts a death: backoff for the next start, and a crash loop once there are too many. Holds this. */
    private void recordDeath(String description) {
        long now = System.nanoTime();
        long window = settings.crashWindow().toNanos();
        while (!deaths.isEmpty() && now - deaths.peekFirst() > window) {
            deaths.removeFirst();
        }
        if (deaths.isEmpty()) {
            trips = 0;
        }
        deaths.addLast(now);
        deathsTotal++;
        lastExit = description;
        lastExitAt = Instant.now();
        if (deaths.size() >= settings.crashLimit()) {
            trips++;
            Duration cooldown = settings.cooldown().multipliedBy(1L << Math.min(trips - 1, 3));
            unavailableUntil = now + cooldown.toNanos();
            nextStartAt = unavailableUntil;
            unavailableReason = "its executor ended " + deaths.size() + " times within "
                    + settings.crashWindow().toSeconds() + " s (last: " + description + ")";
            LOG.error("{}: crash loop, unavailable for {} s: {}", device, cooldown.toSeconds(), unavailableReason);
        } else {
            // the first restart is immediate, later ones back off: 0.25 s, 0.5 s, ... up to 5 s
            long backoff = deaths.size() < 2 ? 0
                    : Math.min(TimeUnit.SECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(250) << (deaths.size() - 2));
            nextStartAt = now + backoff;
        }
    }

    // ------------------------------------------------------------------ requests

    /** Waits for the turn, at most until {@code deadline} (nanoTime; Long.MAX_VALUE: no limit), unless cancelled. */
    private void acquireTurn(long deadline, Cancellation cancellation, String kernel) {
        if (deadline == Long.MAX_VALUE && cancellation == null) {
            turn.lock();
            return;
        }
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (turn.tryLock(Math.max(0, Math.min(left, POLL_NANOS)), TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (cancellation != null && cancellation.isCancelled()) {
                    throw new LaunchException(LaunchFailure.CANCELLED, kernel, "the job was cancelled while waiting "
                            + "for " + device);
                }
                if (deadline != Long.MAX_VALUE && System.nanoTime() >= deadline) {
                    throw new LaunchException(LaunchFailure.TIMEOUT, kernel, "the time limit passed while waiting "
                            + "for " + device + ", busy with other jobs");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchFailure.CANCELLED, kernel, "interrupted while waiting for " + device);
        }
    }

    /**
     * Opens a session: starts the executor if needed and has it compile the kernel (sending the
     * compile request only when this run does not hold {@code kernelKey} yet).
     *
     * @return the run the session lives on
     */
    ExecutorProcess open(long session, String kernelKey, CompileRequest request) {
        acquireTurn(Long.MAX_VALUE, null, null);
        try {
            ExecutorProcess p = ensureStarted();
            Reply r = exchange(p, new Request.Open(session, kernelKey, knownKernels.contains(kernelKey) ? null
                    : request), settings.requestTimeout().toNanos(), null, "opening a session", null);
            if (r instanceof Reply.Failed f && f.kind() == Reply.Failed.Kind.UNKNOWN_KERNEL) {
                r = exchange(p, new Request.Open(session, kernelKey, request), settings.requestTimeout().toNanos(), null,
                        "opening a session", null);
            }
            ExecutorSession.throwIfFailed(r);
            knownKernels.add(kernelKey);
            return p;
        } finally {
            turn.unlock();
        }
    }

    /**
     * A request for a session of run {@code bound}.
     *
     * @param timeLimit the launch's time limit (null: none, or not a launch)
     * @param kernel the launched kernel, null when this is not a launch
     */
    Reply call(ExecutorProcess bound, Request request, Duration timeLimit, Cancellation cancellation, String what,
            String kernel) {
        long timeout = kernel == null ? settings.requestTimeout().toNanos() : timeLimit == null ? Long.MAX_VALUE
                : timeLimit.plus(settings.hangGrace()).toNanos();
        long deadline = kernel != null && timeLimit != null ? System.nanoTime() + timeLimit.toNanos() : Long.MAX_VALUE;
        acquireTurn(deadline, cancellation, kernel);
        try {
            if (!bound.isAlive() || current() != bound) {
                throw sessionLost(bound, kernel);
            }
            return exchange(bound, request, timeout, cancellation, what, kernel);
        } finally {
            turn.unlock();
        }
    }

    /** Like {@link #call} for closing: a session of a run that is gone is closed already. */
    void closeQuietly(ExecutorProcess bound, Request request) {
        turn.lock();
        try {
            if (bound.isAlive() && current() == bound) {
                exchange(bound, request, settings.requestTimeout().toNanos(), null, "closing a session", null);
            }
        } catch (LaunchException e) {
            LOG.debug("closing a session on {}: {}", device, e.getMessage());
        } finally {
            turn.unlock();
        }
    }

    private synchronized ExecutorProcess current() {
        return current;
    }

    /** Sends, waits, and turns the run's death, hang or request for a reset into what the caller must know. */
    private Reply exchange(ExecutorProcess p, Request request, long timeoutNanos, Cancellation cancellation,
            String what, String kernel) {
        ExecutorProcess.Call call;
        try {
            call = p.send(request);
        } catch (ExecutorProcess.GoneException e) {
            retire(p);
            throw gone(e.cause(), what, kernel);
        }
        Runnable unregister = cancellation == null ? () -> { } : cancellation.onCancel(() -> p.cancel(call));
        activity = kernel == null ? what : "launch of kernel '" + kernel + "'";
        try {
            Reply reply = p.await(call, timeoutNanos);
            if (reply instanceof Reply.Failed f && f.restart()) {
                // the executor may be unusable now: a kernel still running past its limit, a sticky
                // device error, a fault that may have corrupted its memory. Replace it.
                p.kill("reset after " + (kernel == null ? what : "kernel '" + kernel + "'") + " failed: "
                        + f.message());
                retire(p);
            }
            return reply;
        } catch (ExecutorProcess.GoneException e) {
            retire(p);
            throw gone(e.cause(), what, kernel);
        } catch (TimeoutException e) {
            String seconds = String.format(Locale.ROOT, "%.1f", timeoutNanos / 1e9);
            p.kill("killed after " + seconds + " s without an answer to " + (kernel == null ? what : "the launch of "
                    + "kernel '" + kernel + "'"));
            retire(p);
            if (kernel != null) {
                throw new LaunchException(LaunchFailure.TIMEOUT, kernel, "kernel '" + kernel + "' ran past its time "
                        + "limit and did not stop; " + device + "'s executor was killed and is being restarted");
            }
            throw new LaunchException(LaunchFailure.DEVICE_LOST, null, device + "'s executor did not answer " + what
                    + " within " + seconds + " s; it was killed and is being restarted");
        } finally {
            activity = null;
            unregister.run();
        }
    }

    private LaunchException gone(ExitCause cause, String what, String kernel) {
        String restarting = "; it is being restarted";
        if (kernel != null && cause.isFault()) {
            return new LaunchException(LaunchFailure.CRASH, kernel, "the executor process running " + device + " "
                    + cause.describe() + " while running kernel '" + kernel + "'" + restarting);
        }
        if ("stopped".equals(cause.planned())) {
            return new LaunchException(LaunchFailure.DEVICE_LOST, kernel, device + "'s executor was stopped (the "
                    + "worker is shutting down)");
        }
        return new LaunchException(LaunchFailure.DEVICE_LOST, kernel, "the executor process of " + device + " "
                + cause.describe() + " while " + (kernel == null ? what : "running kernel '" + kernel + "'")
                + restarting);
    }

    private LaunchException sessionLost(ExecutorProcess bound, String kernel) {
        String how = "was replaced";
        if (!bound.isAlive()) {
            retire(bound);
            how = bound.awaitExit().describe();
        }
        return new LaunchException(LaunchFailure.DEVICE_LOST, kernel, "this job's session on " + device + " was lost: "
                + "its executor " + how + " (another job's launch, or an outside kill)", new SessionLostException(device));
    }

    // ------------------------------------------------------------------ test hooks and status

    /** Test hook: the next launch on this device crashes its executor ({@code halt} or {@code segv}). */
    public void armCrash(String mode) {
        turn.lock();
        try {
            ExecutorProcess p = ensureStarted();
            ExecutorSession.throwIfFailed(exchange(p, new Request.ArmCrash(mode), settings.requestTimeout().toNanos(),
                    null, "arming a crash", null));
        } finally {
            turn.unlock();
        }
    }

    /** Starts the executor now instead of at the first job (start-up, tests). */
    public void start() {
        turn.lock();
        try {
            ensureStarted();
        } finally {
            turn.unlock();
        }
    }

    /** The executor's process id while one runs, else -1. */
    public synchronized long pid() {
        return current != null && current.isAlive() ? current.pid() : -1;
    }

    /** The folder of the running executor (its socket and shared buffers), null when none runs. */
    synchronized java.nio.file.Path folder() {
        return current != null && current.isAlive() ? current.folder() : null;
    }

    /** What the executor is doing for a job right now ("launch of kernel 'k'"), null when idle. */
    public String activity() {
        return activity;
    }

    /** Whether jobs can run on this device now (not in a crash loop's cooldown, not shut down). */
    public synchronized boolean available() {
        return !closed && System.nanoTime() >= unavailableUntil;
    }

    /** What {@code /v1/capabilities} and {@code /readyz} show about this executor. */
    public synchronized ExecutorStatus status() {
        long now = System.nanoTime();
        String state = closed ? "stopped" : now < unavailableUntil ? "unavailable"
                : current != null && current.isAlive() ? "running" : runs == 0 ? "not started" : "restarting";
        Instant until = now < unavailableUntil ? Instant.now().plusNanos(unavailableUntil - now) : null;
        return new ExecutorStatus(device, state, current != null && current.isAlive() ? current.pid() : null, runs,
                restarts, deathsTotal, activity, lastExit, lastExitAt, until,
                now < unavailableUntil ? unavailableReason : null);
    }

    @Override
    public void close() {
        ExecutorProcess p;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = current;
        }
        restarter.shutdownNow();
        if (p != null) {
            p.stop(STOP_MILLIS);
            retire(p);
        }
    }

    // ------------------------------------------------------------------ folders

    /** Executor folders this JVM has named: each name is used once. */
    private static final java.util.concurrent.atomic.AtomicLong FOLDERS = new java.util.concurrent.atomic.AtomicLong();

    /** The folders this JVM's executors use, each locked until it is deleted ({@link FolderLease}). */
    private static final java.util.concurrent.ConcurrentHashMap<Path, FolderLease> LEASES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static void claim(Path folder) throws IOException {
        FolderLease lease = FolderLease.claim(folder);
        FolderLease before = LEASES.put(folder, lease);
        if (before != null) {
            before.close();
        }
    }

    private static void deleteFolder(Path folder) {
        try {
            deleteTree(folder);
        } finally {
            FolderLease lease = LEASES.remove(folder);
            if (lease != null) {
                try {
                    lease.close();
                } catch (IOException e) {
                    LOG.debug("cannot release {}: {}", folder, e.getMessage());
                }
            }
        }
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", f, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot clean {}: {}", folder, e.getMessage());
        }
    }

    /** Folders left by workers that were killed (their executors halted with them): removed at start-up. */
    private static void removeStaleFolders(Path base) {
        try (Stream<Path> list = Files.list(base)) {
            list.filter(f -> f.getFileName().toString().startsWith("cw-exec-")).forEach(f -> {
                String[] parts = f.getFileName().toString().split("-");
                try {
                    long pid = Long.parseLong(parts[2]);
                    // a PID from another namespace looks dead here: its lock says whether it is in use
                    if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(h -> !h.isAlive())
                            .orElse(true) && !FolderLease.held(f)) {
                        deleteTree(f);
                    }
                } catch (RuntimeException e) {
                    // not one of ours
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", base, e.getMessage());
        }
    }
}
