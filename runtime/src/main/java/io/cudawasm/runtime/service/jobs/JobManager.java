package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.service.admission.ByteBudget;
import io.cudawasm.runtime.service.config.JobMemoryLimits;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts, queues, runs and keeps jobs.
 *
 * <ul>
 *   <li><b>Admission.</b> At most {@code maxConcurrent} jobs run and {@code maxQueued} wait; one
 *       more is refused ({@link JobRejectedException#BUSY}) before anything of it starts.
 *   <li><b>No job is lost.</b> An accepted job always reaches a final state: it succeeds, fails,
 *       is cancelled, or is failed explicitly by {@link #shutdown}. Asynchronous jobs stay readable
 *       for the retention period after they end; synchronous ones are dropped once answered.
 * </ul>
 */
public final class JobManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobManager.class);
    /** How long shutdown waits for cancelled jobs to stop after the grace period. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final int EVICTED_IDS_KEPT = 10_000;
    /** What a summary output holds on the heap, at most (4096 first elements as text and the sums). */
    static final long SUMMARY_BYTES = 64 * 1024;
    /** Retry-After never asks for more than this. */
    private static final long MAX_RETRY_AFTER_SECONDS = 3600;

    private final int maxConcurrent;
    private final int maxQueued;
    private final Duration retention;
    private final JobMemoryLimits memory;
    /** Heap of accepted, unfinished jobs: their buffers and outputs. */
    private final ByteBudget active;
    /** Outputs of asynchronous jobs, reserved at acceptance and kept until the job is dropped. */
    private final ByteBudget retained;
    /** Asynchronous jobs in {@link #jobs}; guarded by {@code this}. */
    private int asyncJobs;
    /** Ids of jobs dropped to make room, so a late poll hears why (bounded, oldest forgotten first). */
    private final Map<String, Instant> evicted = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > EVICTED_IDS_KEPT;
        }
    };
    /** Running jobs, for the Retry-After estimate. */
    private final Set<Job> runningJobs = ConcurrentHashMap.newKeySet();
    private final JobRunner runner = new JobRunner();
    private final WorkerMetrics metrics;
    private final Clock clock;
    /** New job ids; in a fleet they name this replica (see io.cudawasm.runtime.fleet.JobId). */
    private final Supplier<String> ids;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService sweeper;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    /** Running slots, shared by executor threads and synchronous jobs run on their caller's thread. */
    private final Semaphore slots;
    /** Accepted and not yet finished (running + queued); guarded by {@code this}. */
    private int admitted;
    private boolean accepting = true;
    /** Moving average of job run times, for Retry-After. */
    private volatile double averageRunSeconds = 0.05;

    public JobManager(int maxConcurrent, int maxQueued, Duration retention, JobMemoryLimits memory,
            WorkerMetrics metrics, Clock clock) {
        this(maxConcurrent, maxQueued, retention, memory, metrics, clock, () -> UUID.randomUUID().toString());
    }

    /** @param ids makes the id of each accepted job (unique; URL-safe) */
    public JobManager(int maxConcurrent, int maxQueued, Duration retention, JobMemoryLimits memory,
            WorkerMetrics metrics, Clock clock, Supplier<String> ids) {
        this.ids = ids;
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.retention = retention;
        this.memory = memory;
        this.active = new ByteBudget("active job memory", memory.activeBytes());
        this.retained = new ByteBudget("retained job outputs", memory.retainedOutputBytes());
        this.metrics = metrics;
        this.clock = clock;
        this.slots = new Semaphore(maxConcurrent);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "cuda-wasm-job-" + n.incrementAndGet()));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cuda-wasm-job-retention"));
        long sweepMillis = Math.max(100, Math.min(30_000, retention.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        metrics.gauge("cudawasm.jobs.queued", "Accepted jobs waiting for a free slot (queue depth)", this::queued);
        metrics.gauge("cudawasm.jobs.running", "Jobs running now (in flight)", running::get);
        metrics.gauge("cudawasm.jobs.retained", "Jobs readable through GET /v1/jobs/{id}", jobs::size);
        metrics.gauge("cudawasm.jobs.active.bytes", "Heap reserved by accepted, unfinished jobs", active::used);
        metrics.gauge("cudawasm.jobs.retained.bytes", "Output bytes reserved for asynchronous jobs", retained::used);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Accepts a job and starts it as soon as a slot is free.
     *
     * @throws JobRejectedException when every slot and queue place is taken, or during shutdown
     */
    public Job submit(JobPlan plan, boolean async) throws JobRejectedException {
        long activeBytes = activeBytes(plan);
        long keptBytes = async ? outputBytes(plan) : 0;
        if (!active.fits(activeBytes)) {
            throw JobRejectedException.tooLarge("the job needs about " + activeBytes + " bytes of heap while it runs "
                    + "(buffers and outputs); this worker allows " + active.capacity()
                    + " for all running jobs together (CUDA_WASM_JOB_HEAP_BYTES)", activeBytes, active.capacity(),
                    "CUDA_WASM_JOB_HEAP_BYTES");
        }
        if (!retained.fits(keptBytes)) {
            throw JobRejectedException.tooLarge("the job's outputs (" + keptBytes + " bytes) exceed what the worker "
                    + "keeps for asynchronous jobs (" + retained.capacity() + ", CUDA_WASM_MAX_RETAINED_OUTPUT_BYTES): "
                    + "run it synchronously or ask for summaries", keptBytes, retained.capacity(),
                    "CUDA_WASM_MAX_RETAINED_OUTPUT_BYTES");
        }
        synchronized (this) {
            if (!accepting) {
                throw new JobRejectedException(JobRejectedException.SHUTTING_DOWN,
                        "the worker is shutting down and accepts no new jobs", 5);
            }
            if (admitted >= maxConcurrent + maxQueued) {
                throw new JobRejectedException(JobRejectedException.BUSY, "the worker is busy: " + maxConcurrent
                        + " jobs running and " + maxQueued + " queued; retry later", retryAfterSeconds());
            }
            if (async && !makeRoomForAsync(keptBytes)) {
                throw new JobRejectedException(JobRejectedException.RETENTION_FULL, "the worker keeps " + asyncJobs
                        + " asynchronous jobs and " + retained.used() + " output bytes, its limits ("
                        + memory.retainedJobs() + " jobs, CUDA_WASM_MAX_RETAINED_JOBS; " + retained.capacity()
                        + " bytes, CUDA_WASM_MAX_RETAINED_OUTPUT_BYTES): fetch or DELETE finished jobs, or retry "
                        + "when they expire", secondsUntilOldestExpires());
            }
            if (!active.tryReserve(activeBytes)) {
                if (async) {
                    retained.release(keptBytes);
                }
                throw new JobRejectedException(JobRejectedException.BUSY, "the worker's memory for running jobs is "
                        + "taken (" + active.used() + " of " + active.capacity() + " bytes, CUDA_WASM_JOB_HEAP_BYTES); "
                        + "retry later", retryAfterSeconds());
            }
            if (async) {
                asyncJobs++;
            }
            admitted++;
        }
        Job job = new Job(ids.get(), plan, async, clock.instant(), activeBytes, keptBytes);
        jobs.put(job.id(), job);
        if (!async && executor.getQueue().isEmpty() && slots.tryAcquire()) {
            // A free slot and nobody waiting: run on the caller's thread and skip two thread hand-offs.
            try {
                execute(job);
            } finally {
                slots.release();
            }
            return job;
        }
        Runnable task = () -> runWhenSlotFree(job);
        job.task(task);
        try {
            executor.execute(task);
        } catch (RuntimeException e) {
            job.finishCancelled(clock.instant());
            release(job);
            throw new JobRejectedException(JobRejectedException.SHUTTING_DOWN, "the worker is shutting down", 5);
        }
        return job;
    }

    /** Waits for a running slot (a cancel ends the wait), then runs the job. */
    private void runWhenSlotFree(Job job) {
        Thread me = Thread.currentThread();
        Runnable unregister = job.cancellation().onCancel(me::interrupt);
        boolean acquired = false;
        try {
            slots.acquire();
            acquired = true;
        } catch (InterruptedException e) {
            // cancelled while waiting (execute() then finishes it as cancelled), or the pool is stopping
            if (!job.cancelRequested()) {
                job.requestCancel(JobError.SHUTTING_DOWN);
            }
        } finally {
            unregister.run();
            Thread.interrupted();
        }
        try {
            execute(job);
        } finally {
            if (acquired) {
                slots.release();
            }
        }
    }

    /**
     * Seconds until a slot is likely free for one more job: the work queued ahead of it spread over
     * the slots. A job's duration is the recent average, but at least as long as the longest
     * running job has already run (the average lags when jobs suddenly get longer).
     */
    private long retryAfterSeconds() {
        Instant now = clock.instant();
        double perJob = averageRunSeconds;
        for (Job job : runningJobs) {
            Instant started = job.started();
            if (started != null) {
                perJob = Math.max(perJob, Duration.between(started, now).toNanos() / 1e9);
            }
        }
        double waves = (double) (admitted + 1) / maxConcurrent;
        return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, (long) Math.ceil(waves * perJob)));
    }

    /** Buffers on the device plus the outputs read back. */
    static long activeBytes(JobPlan plan) {
        // printf: the device buffer read back after a launch and the text made of it
        return plan.memoryBytes() + outputBytes(plan) + 2L * plan.printfLimitBytes();
    }

    /** What the job's outputs hold on the heap once read back. */
    static long outputBytes(JobPlan plan) {
        long sum = 0;
        for (OutputPlan o : plan.outputs()) {
            sum += o.format() == OutputFormat.SUMMARY ? SUMMARY_BYTES : plan.bufferBytes(o.buffer());
        }
        return sum + 2L * plan.printfLimitBytes(); // the printf text, as a Java string
    }

    /**
     * Reserves room for one more asynchronous job, dropping finished jobs whose results were
     * already read (oldest first) when the limits are reached. Jobs nobody has read yet are never
     * dropped before their retention ends: the caller is refused instead.
     */
    private boolean makeRoomForAsync(long keptBytes) {
        while (asyncJobs >= memory.retainedJobs() || !retained.tryReserve(keptBytes)) {
            Job victim = oldestFetchedFinished();
            if (victim == null) {
                return false;
            }
            if (jobs.remove(victim.id(), victim)) {
                dropped(victim);
                evicted.put(victim.id(), clock.instant());
            }
        }
        return true;
    }

    private Job oldestFetchedFinished() {
        Job oldest = null;
        for (Job job : jobs.values()) {
            Instant finished = job.finished();
            if (job.async() && finished != null && job.fetched()
                    && (oldest == null || finished.isBefore(oldest.finished()))) {
                oldest = job;
            }
        }
        return oldest;
    }

    private long secondsUntilOldestExpires() {
        Instant oldest = null;
        for (Job job : jobs.values()) {
            Instant finished = job.finished();
            if (job.async() && finished != null && (oldest == null || finished.isBefore(oldest))) {
                oldest = finished;
            }
        }
        if (oldest == null) {
            return retryAfterSeconds();
        }
        long left = Duration.between(clock.instant(), oldest.plus(retention)).toSeconds() + 1;
        return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, left));
    }

    /** An async job left {@link #jobs}: its kept outputs are freed. */
    private void dropped(Job job) {
        synchronized (this) {
            asyncJobs--;
        }
        retained.release(job.keptBytes());
    }

    /** Whether the id named a job that was dropped early to make room for others. */
    public boolean wasEvicted(String id) {
        synchronized (this) {
            return evicted.containsKey(id);
        }
    }

    private void execute(Job job) {
        Instant start = clock.instant();
        if (!job.start(start)) {
            release(job);
            return;
        }
        running.incrementAndGet();
        runningJobs.add(job);
        metrics.jobQueued(Duration.between(job.created(), start));
        long t0 = System.nanoTime();
        try {
            job.succeed(runner.run(job.plan(), job.cancellation()), clock.instant());
        } catch (JobFailedException e) {
            job.fail(e.error(), clock.instant());
        } catch (RuntimeException | Error e) {
            log.error("job {} failed unexpectedly", job.id(), e);
            job.fail(new JobError(JobError.INTERNAL, "the worker failed while running this job", Map.of()),
                    clock.instant());
        } finally {
            long nanos = System.nanoTime() - t0;
            averageRunSeconds = 0.9 * averageRunSeconds + 0.1 * (nanos / 1e9);
            runningJobs.remove(job);
            running.decrementAndGet();
            release(job);
        }
    }

    /** Frees the job's slot and records how it ended. */
    private void release(Job job) {
        JobSnapshot s = job.snapshot();
        Instant from = s.started() != null ? s.started() : s.created();
        Instant to = s.finished() != null ? s.finished() : clock.instant();
        metrics.jobFinished(s.backend(), outcome(s), Duration.between(from, to));
        job.releaseInputs();
        active.release(job.activeBytes());
        if (!job.async()) {
            jobs.remove(job.id());
        }
        synchronized (this) {
            admitted--;
            notifyAll();
        }
    }

    private static String outcome(JobSnapshot s) {
        if (s.status() == JobStatus.SUCCEEDED) {
            return "succeeded";
        }
        if (s.status() == JobStatus.CANCELLED) {
            return "cancelled";
        }
        return s.error() != null && s.error().code().equals(JobError.TIME_LIMIT) ? "time_limit" : "failed";
    }

    /** Jobs accepted and not yet finished (queued or running), synchronous ones included. */
    public List<Job> unfinished() {
        List<Job> list = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (!job.status().isFinal()) {
                list.add(job);
            }
        }
        return list;
    }

    /** Every job readable by id now (queued, running, and finished ones still retained), in no order. */
    public List<JobSnapshot> snapshots() {
        List<JobSnapshot> list = new ArrayList<>(jobs.size());
        for (Job job : jobs.values()) {
            list.add(job.snapshot());
        }
        return list;
    }

    public Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /**
     * Cancels a queued or running job (a queued one ends at once, a running kernel is stopped).
     *
     * @return the job, or empty when there is no such job
     */
    public Optional<Job> cancel(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        cancel(job, JobError.CANCELLED);
        return Optional.of(job);
    }

    private void cancel(Job job, String code) {
        job.requestCancel(code);
        Runnable task = job.task();
        if (task != null && executor.remove(task)) {
            job.finishCancelled(clock.instant());
            release(job);
        }
    }

    /** Drops a finished job now (DELETE of a finished job frees its results before retention ends). */
    public boolean forget(Job job) {
        if (job.status().isFinal() && jobs.remove(job.id(), job)) {
            if (job.async()) {
                dropped(job);
            }
            return true;
        }
        return false;
    }

    public synchronized int queued() {
        return admitted - running.get();
    }

    public int running() {
        return running.get();
    }

    public synchronized boolean accepting() {
        return accepting;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    public int maxQueued() {
        return maxQueued;
    }

    private void sweep() {
        Instant cutoff = clock.instant().minus(retention);
        for (Job job : jobs.values()) {
            Instant finished = job.finished();
            if (finished != null && !finished.isAfter(cutoff) && jobs.remove(job.id(), job) && job.async()) {
                dropped(job);
            }
        }
    }

    /**
     * Stops accepting, lets accepted jobs finish within {@code grace}, then fails the rest
     * explicitly ({@code shutting_down}) and waits briefly for their kernels to stop.
     *
     * @return true when every accepted job finished on its own
     */
    public boolean shutdown(Duration grace) throws InterruptedException {
        synchronized (this) {
            accepting = false;
        }
        boolean drained = awaitIdle(grace);
        if (!drained) {
            List<Job> unfinished = unfinished();
            log.warn("shutdown grace of {} s is over; failing {} unfinished jobs", grace.toSeconds(), unfinished.size());
            for (Job job : unfinished) {
                cancel(job, JobError.SHUTTING_DOWN);
            }
            if (!awaitIdle(STOP_WAIT)) {
                log.error("{} jobs did not stop after cancellation", queued() + running());
            }
        }
        executor.shutdown();
        sweeper.shutdownNow();
        return drained;
    }

    private synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (admitted > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Immediate stop for tests and errors at start-up: cancels everything without a grace period. */
    @Override
    public void close() {
        try {
            shutdown(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
        }
    }
}
