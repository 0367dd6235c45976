package io.cudawasm.runtime.service.jobs;

import java.time.Duration;
import java.time.Instant;

/**
 * A consistent view of a job at one moment, for responses.
 *
 * @param started null until it runs
 * @param finished null until it ends
 * @param result set when it succeeded
 * @param error set when it failed or was cancelled
 */
public record JobSnapshot(String id, JobStatus status, boolean async, String kernelId, String kernelSource,
        String backend, String backendReason, String device, Duration timeLimit, Instant created, Instant started,
        Instant finished, JobResult result, JobError error) {}
