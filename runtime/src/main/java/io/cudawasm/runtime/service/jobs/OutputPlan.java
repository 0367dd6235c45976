package io.cudawasm.runtime.service.jobs;

/** A buffer to return after the last launch; {@code first} is how many elements a summary lists. */
public record OutputPlan(String buffer, OutputFormat format, int first) {}
