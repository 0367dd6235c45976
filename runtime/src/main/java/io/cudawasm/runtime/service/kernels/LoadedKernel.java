package io.cudawasm.runtime.service.kernels;

import io.cudawasm.kernels.CompileResult;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled kernel source ready for back ends: its id (the cache key), the compile result and
 * every stored artifact by file name (treat the byte arrays as read-only).
 */
public record LoadedKernel(String id, CompileResult result, Map<String, byte[]> artifacts) {
    public LoadedKernel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(result, "result");
        artifacts = Map.copyOf(artifacts);
    }
}
