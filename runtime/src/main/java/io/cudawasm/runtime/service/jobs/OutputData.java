package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.data.BufferSummary;
import io.cudawasm.runtime.data.ElementType;

/**
 * One returned buffer. {@code bytes} is kept for the array and base64 formats (encoded when the
 * response is written), {@code summary} for the summary format.
 */
public record OutputData(ElementType type, long count, OutputFormat format, byte[] bytes, BufferSummary summary) {}
