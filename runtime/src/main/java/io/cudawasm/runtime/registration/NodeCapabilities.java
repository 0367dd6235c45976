package io.cudawasm.runtime.registration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.Map;

/**
 * The capabilities document: what self-registration knows about the machine a worker runs on. Published
 * as the node annotation {@code cuda-wasm.io/capabilities} and served under {@code /v1/capabilities}.
 *
 * @param stale    true when Prism Central could not be reached on the last attempt and the Nutanix part
 *                 is the last one known
 * @param node     the Kubernetes node, null outside Kubernetes
 * @param nutanix  where Prism says this VM runs, null without Prism (or before its first answer)
 * @param labels   the {@code cuda-wasm.io/} labels this document gives the node
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record NodeCapabilities(String schema, @JsonSerialize(using = ToStringSerializer.class) Instant generatedAt, boolean stale, NodeInfo node,
        PrismPlacement nutanix, GpuSummary gpus, LocalView local, Map<String, String> labels,
        Map<String, SourceStatus> sources) {

    public static final String SCHEMA = "cuda-wasm.io/capabilities/v1";

    /** The Kubernetes node, as the document names it. */
    public record NodeInfo(String name, String systemUuid) {}
}
