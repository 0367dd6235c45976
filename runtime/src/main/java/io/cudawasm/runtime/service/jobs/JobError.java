package io.cudawasm.runtime.service.jobs;

import java.util.Map;

/**
 * Why a job did not succeed, in the shape of the API's error bodies.
 *
 * @param code stable identifier: kernel_fault, time_limit_exceeded, cancelled, shutting_down,
 *     invalid_launch, invalid_job, job_memory_exceeded, device_error, device_lost, device_unavailable,
 *     internal_error
 */
public record JobError(String code, String message, Map<String, Object> details) {
    public static final String KERNEL_FAULT = "kernel_fault";
    public static final String TIME_LIMIT = "time_limit_exceeded";
    public static final String CANCELLED = "cancelled";
    public static final String SHUTTING_DOWN = "shutting_down";
    public static final String INVALID_LAUNCH = "invalid_launch";
    public static final String INVALID_JOB = "invalid_job";
    public static final String MEMORY = "job_memory_exceeded";
    public static final String DEVICE = "device_error";
    /** The native device's executor process went away during the job (killed, or lost twice). */
    public static final String DEVICE_LOST = "device_lost";
    /** The native device is in a crash loop's cooldown; details carry retryAfterSeconds. */
    public static final String DEVICE_UNAVAILABLE = "device_unavailable";
    public static final String INTERNAL = "internal_error";

    public JobError {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
