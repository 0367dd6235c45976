package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/jobs}: a kernel, named buffers, launches in order (sharing the
 * buffers, like a CUDA stream), and which buffers to return.
 *
 * @param backend {@code auto}, {@code wasm}, {@code opencl}, {@code cuda:0}, ...; default: the worker's
 * @param timeLimitSeconds budget for all launches; capped by the worker's limit
 * @param buffers name to input: a JSON array, {@code {type, data|base64|generate|count}}, or a generator string
 * @param outputs buffer names (array) or name to format ({@code array}, {@code base64}, {@code summary},
 *     or {@code {format, first}}); default: every buffer passed to a non-const pointer, as a summary
 * @param memcheck run every launch under memcheck (WebAssembly path): invalid accesses fail the job
 *     with their list in the error's {@code details.violations}
 */
public record JobRequest(KernelRequest kernel, String backend, Double timeLimitSeconds, Map<String, JsonNode> buffers,
        List<LaunchRequest> launches, JsonNode outputs, Boolean memcheck) {}
