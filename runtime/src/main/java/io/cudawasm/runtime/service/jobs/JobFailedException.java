package io.cudawasm.runtime.service.jobs;

/** Ends a running job with a classified error. */
final class JobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient JobError error;

    JobFailedException(JobError error, Throwable cause) {
        super(error.message(), cause, false, false);
        this.error = error;
    }

    JobError error() {
        return error;
    }
}
