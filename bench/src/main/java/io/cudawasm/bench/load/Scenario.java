package io.cudawasm.bench.load;

import io.cudawasm.runtime.service.client.WorkerClient;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A job the load driver sends over and over. The kernel is compiled once before the run (POST
 * /v1/kernels) and every job names it by id, so the run measures the cache-hit path.
 */
public enum Scenario {
    /** One block of 32 threads writing 32 ints: nearly all of its time is per-job overhead. */
    TINY("tiny", "__global__ void tiny(int *out) { out[threadIdx.x] = threadIdx.x * 2; }\n") {
        @Override
        public Map<String, Object> job(String kernelId) {
            return Map.of("kernel", Map.of("id", kernelId),
                    "launches", List.of(Map.of("grid", 1, "block", 32, "args", List.of("zeros:32"))),
                    "outputs", Map.of("out", Map.of("format", "summary", "first", 2)));
        }

        @Override
        public boolean check(com.fasterxml.jackson.databind.JsonNode job) {
            return job.at("/outputs/out/summary/sum").asDouble() == 992.0;
        }
    },
    /** y = 2x + y over 1M floats (x random, y ones), generated on the worker; a summary comes back. */
    SAXPY("saxpy", null) {
        @Override
        public Map<String, Object> job(String kernelId) {
            return Map.of("kernel", Map.of("id", kernelId),
                    "launches", List.of(Map.of("grid", 4096, "block", 256,
                            "args", List.of("1M", 2.0, "random:1M:7", "const:1M:1"))),
                    "outputs", Map.of("y", Map.of("format", "summary", "first", 2)));
        }

        @Override
        public boolean check(com.fasterxml.jackson.databind.JsonNode job) {
            return job.at("/outputs/y/summary/count").asLong() == 1 << 20
                    && Math.abs(job.at("/outputs/y/summary/sum").asDouble() - 2_097_152.0) < 2_000;
        }
    };

    private final String label;
    private final String source;

    Scenario(String label, String source) {
        this.label = label;
        this.source = source;
    }

    public String label() {
        return label;
    }

    public static Scenario parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    /** Compiles (or finds) the kernel and returns its id. */
    public String prepare(WorkerClient client) throws IOException, InterruptedException {
        Map<String, Object> body = source == null ? Map.of("library", label) : Map.of("source", source,
                "fileName", label + ".cu");
        WorkerClient.Response r = client.post("/v1/kernels", body);
        if (!r.ok()) {
            throw new IllegalStateException("cannot compile the " + label + " kernel: HTTP " + r.status() + " "
                    + r.body());
        }
        return r.body().get("id").asText();
    }

    public abstract Map<String, Object> job(String kernelId);

    /** Whether a finished job's outputs are right (a load test that returns wrong data has failed). */
    public abstract boolean check(com.fasterxml.jackson.databind.JsonNode job);
}
