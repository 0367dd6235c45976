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
        Printf printf, GraphConditionals graphConditionals, ErrorBody error) {

    /**
     * What the job's kernels printed with device printf (absent when they do not print): block, then
     * thread, then program order, launch after launch; {@code truncated} when records were dropped
     * (the 1 MiB device buffer was full) or the text was cut at its 1 MiB limit, {@code note} says which.
     */
    public record Printf(String text, long records, long droppedRecords, boolean truncated, String note) {}

    /**
     * The values the job's kernels set with {@code cudaGraphSetConditional} (absent when they set none):
     * one per handle, the last launch's value winning, ordered by handle; the graph that reads them is
     * the caller's to run. {@code note} says when calls were dropped (more than 64 handles in a launch).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record GraphConditionals(List<Conditional> values, long droppedCalls, String note) {}

    /** A handle (as the kernel received it, an unsigned 64-bit number) and the value it was left with. */
    public record Conditional(String handle, long value) {}

    public record Launch(String kernel, double elapsedMillis, int workers) {}

    /** One returned buffer; exactly one of data, base64 and summary is set, as the format says. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String type, long count, String format, NumericArray data, Base64Bytes base64,
            BufferSummary summary) {}
}
