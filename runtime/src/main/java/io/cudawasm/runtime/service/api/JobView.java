package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cudawasm.runtime.data.BufferSummary;
import java.util.List;
import java.util.Map;

/**
 * A job as {@code POST /v1/jobs} and {@code GET /v1/jobs/{id}} return it. Times are ISO-8601;
 * {@code error} is set for failed and cancelled jobs, {@code outputs} for succeeded ones.
 *
 * @param kernelCache where the kernel came from: memory, disk or compiled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(String id, String status, String href, String kernelId, String kernelCache, String backend,
        String backendReason, String device, Double timeLimitSeconds, String createdAt, String startedAt,
        String finishedAt, Double queueMillis, Double runMillis, List<Launch> launches, Map<String, Output> outputs,
        Printf printf, ErrorBody error) {

    /**
     * What the job's kernels printed with device printf (absent when they do not print): block, then
     * thread, then program order, launch after launch; {@code truncated} when records were dropped
     * (the 1 MiB device buffer was full) or the text was cut at its 1 MiB limit, {@code note} says which.
     */
    public record Printf(String text, long records, long droppedRecords, boolean truncated, String note) {}

    public record Launch(String kernel, double elapsedMillis, int workers) {}

    /** One returned buffer; exactly one of data, base64 and summary is set, as the format says. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String type, long count, String format, NumericArray data, Base64Bytes base64,
            BufferSummary summary) {}
}
