package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.launch.Cancellation;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One accepted job and its state. Transitions are synchronized and happen once: queued, running,
 * then one final state; {@link #completion()} completes when that final state is reached.
 */
public final class Job {
    private final String id;
    private final boolean async;
    private final long activeBytes;
    private final long keptBytes;
    /** The plan; its inputs are dropped once the job is over ({@link #releaseInputs}). */
    private volatile JobPlan plan;
    /** Whether a client has read the finished job (it may then be dropped early to make room). */
    private volatile boolean fetched;
    private final Instant created;
    private final Cancellation cancellation = new Cancellation();
    private final CompletableFuture<Job> completion = new CompletableFuture<>();

    private JobStatus status = JobStatus.QUEUED;
    private Instant started;
    private Instant finished;
    private JobResult result;
    private JobError error;
    /** Why cancellation was requested: a client's DELETE or the worker's shutdown. */
    private String cancelCode;
    private Runnable task;

    Job(String id, JobPlan plan, boolean async, Instant created, long activeBytes, long keptBytes) {
        this.id = id;
        this.plan = plan;
        this.async = async;
        this.created = created;
        this.activeBytes = activeBytes;
        this.keptBytes = keptBytes;
    }

    /** Heap reserved while the job is accepted and unfinished. */
    long activeBytes() {
        return activeBytes;
    }

    /** Output bytes reserved for as long as an asynchronous job is kept. */
    long keptBytes() {
        return keptBytes;
    }

    /** Drops the input data of the plan; called once the job is over. */
    void releaseInputs() {
        plan = plan.withoutInputs();
    }

    /** Marks a finished job as read by a client. */
    public void markFetched() {
        if (status().isFinal()) {
            fetched = true;
        }
    }

    /** Whether a client has read the job since it finished. */
    public boolean fetched() {
        return fetched;
    }

    public String id() {
        return id;
    }

    public boolean async() {
        return async;
    }

    public JobPlan plan() {
        return plan;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    /** Completes with this job once it is in a final state; never completes exceptionally. */
    public CompletableFuture<Job> completion() {
        return completion;
    }

    synchronized void task(Runnable r) {
        task = r;
    }

    synchronized Runnable task() {
        return task;
    }

    public synchronized JobStatus status() {
        return status;
    }

    synchronized Instant created() {
        return created;
    }

    synchronized Instant started() {
        return started;
    }

    synchronized Instant finished() {
        return finished;
    }

    /** Queued to running; false when it was cancelled first (it is then finished as cancelled). */
    boolean start(Instant now) {
        synchronized (this) {
            if (status == JobStatus.QUEUED && cancelCode == null) {
                status = JobStatus.RUNNING;
                started = now;
                return true;
            }
        }
        finishCancelled(now);
        return false;
    }

    /** Asks a queued or running job to stop; {@code code} says why (cancelled or shutting_down). */
    void requestCancel(String code) {
        synchronized (this) {
            if (status.isFinal()) {
                return;
            }
            if (cancelCode == null) {
                cancelCode = code;
            }
        }
        cancellation.cancel();
    }

    synchronized boolean cancelRequested() {
        return cancelCode != null;
    }

    void succeed(JobResult r, Instant now) {
        finish(JobStatus.SUCCEEDED, r, null, now);
    }

    /** Ends the job with an error; a cancellation-caused failure ends it as cancelled (or failed by shutdown). */
    void fail(JobError e, Instant now) {
        String code;
        synchronized (this) {
            code = cancelCode;
        }
        if (code != null && e.code().equals(JobError.CANCELLED)) {
            finish(code.equals(JobError.SHUTTING_DOWN) ? JobStatus.FAILED : JobStatus.CANCELLED, null,
                    cancelError(code), now);
        } else {
            finish(JobStatus.FAILED, null, e, now);
        }
    }

    void finishCancelled(Instant now) {
        String code;
        synchronized (this) {
            code = cancelCode == null ? JobError.CANCELLED : cancelCode;
        }
        finish(code.equals(JobError.SHUTTING_DOWN) ? JobStatus.FAILED : JobStatus.CANCELLED, null, cancelError(code),
                now);
    }

    private static JobError cancelError(String code) {
        return code.equals(JobError.SHUTTING_DOWN)
                ? new JobError(JobError.SHUTTING_DOWN, "the worker shut down before this job could finish", Map.of())
                : new JobError(JobError.CANCELLED, "the job was cancelled", Map.of());
    }

    private void finish(JobStatus finalStatus, JobResult r, JobError e, Instant now) {
        synchronized (this) {
            if (status.isFinal()) {
                return;
            }
            status = finalStatus;
            result = r;
            error = e;
            finished = now;
        }
        completion.complete(this);
    }

    public synchronized JobSnapshot snapshot() {
        return new JobSnapshot(id, status, async, plan.kernelId(), plan.kernel().source().label(),
                plan.backend().backend().name(), plan.backend().reason(), plan.backend().backend().device(),
                plan.timeLimit(), created, started, finished, result, error);
    }
}
