package io.cudawasm.runtime.cache;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Keys and deterministic artifacts shared by the tests and the child JVMs. */
final class TestKernels {
    private TestKernels() {}

    /** A key for a kernel named {@code name}; equal names give equal keys in every JVM. */
    static CacheKey key(String name) {
        return CacheKey.of(
                "__global__ void " + name + "(float *x) { x[threadIdx.x] *= 2.0f; }\n",
                Map.of("BLOCK", "256", "USE_FMA", "1"),
                List.of("-O2"),
                "wasm",
                "test-compiler 1.0");
    }

    /**
     * Artifacts derived only from the key id and size, so two processes compiling the same key
     * produce identical bytes, as a real compiler would.
     */
    static Map<String, byte[]> artifacts(CacheKey key, int wasmBytes) {
        byte[] wasm = new byte[wasmBytes];
        new Random(key.id().hashCode()).nextBytes(wasm);
        Map<String, byte[]> artifacts = new LinkedHashMap<>();
        artifacts.put("module.wasm", wasm);
        artifacts.put("module.wat", ("(module ;; " + key.id() + "\n)").getBytes(StandardCharsets.UTF_8));
        // Same name as the compiler's own manifest; must not collide with the cache's manifest.
        artifacts.put("manifest.json", ("{\"kernel\":\"" + key.id() + "\"}").getBytes(StandardCharsets.UTF_8));
        return artifacts;
    }

    static Map<String, byte[]> artifacts(CacheKey key) {
        return artifacts(key, 4096);
    }

    static CompiledArtifacts compiled(CacheKey key) {
        return new CompiledArtifacts(artifacts(key), Map.of("entry", "kernel"));
    }

    /** Whether {@code entry} holds exactly the artifacts {@code expected}. */
    static boolean sameArtifacts(CacheEntry entry, Map<String, byte[]> expected) {
        if (!entry.artifacts().keySet().equals(expected.keySet())) {
            return false;
        }
        return expected.entrySet().stream()
                .allMatch(e -> java.util.Arrays.equals(e.getValue(), entry.artifacts().get(e.getKey())));
    }
}
