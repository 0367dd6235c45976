package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.data.BufferSpec;
import io.cudawasm.runtime.data.ElementType;

/**
 * A device buffer of a job: its element type, exact size, and how it is filled (data already
 * decoded, or a generator that runs on the job's thread so large inputs cost no request bytes).
 */
public record BufferPlan(String name, ElementType type, long bytes, BufferSpec fill) {}
