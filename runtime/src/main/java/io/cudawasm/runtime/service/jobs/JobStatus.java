package io.cudawasm.runtime.service.jobs;

import java.util.Locale;

/** A job's life: queued, running, then exactly one of the final states. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
