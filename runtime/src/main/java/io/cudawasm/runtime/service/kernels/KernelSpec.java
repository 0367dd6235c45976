package io.cudawasm.runtime.service.kernels;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.cache.CacheKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One compilation the worker can be asked for: a CUDA source, its {@code -D} defines, the
 * headers it includes and the template kernels to instantiate. Its {@link #key()} is the kernel
 * id everywhere: in the cache, in URLs, in jobs.
 */
public record KernelSpec(String fileName, String source, Map<String, String> defines, Map<String, String> headers,
        List<String> instantiations) {

    /**
     * The cache target of the worker's entries: one entry holds every artifact of one compilation
     * (module.wasm, module.wat, kernel.kir, ... and later kernel.cl, kernel.ptx). The suffix is the
     * entry format; bump it when {@link KernelArtifacts} changes what it stores.
     */
    public static final String CACHE_TARGET = "kernel-bundle/v2";

    public KernelSpec {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(source, "source");
        defines = Map.copyOf(defines == null ? Map.of() : defines);
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        instantiations = List.copyOf(instantiations == null ? List.of() : instantiations);
    }

    public static KernelSpec of(String fileName, String source) {
        return new KernelSpec(fileName, source, Map.of(), Map.of(), List.of());
    }

    public KernelSpec withDefines(Map<String, String> more) {
        Map<String, String> merged = new TreeMap<>(more);
        merged.putAll(defines);
        return new KernelSpec(fileName, source, merged, headers, instantiations);
    }

    public CompileRequest compileRequest() {
        return new CompileRequest(fileName, source, defines, headers, instantiations);
    }

    /**
     * The content-addressed key. The file name is an option because it shows in diagnostics and
     * trap messages; headers enter by content hash, instantiations in the order given.
     */
    public CacheKey key() {
        List<String> options = new ArrayList<>();
        options.add("file=" + fileName);
        for (String i : instantiations) {
            options.add("instantiate=" + i);
        }
        new TreeMap<>(headers).forEach((name, text) -> options.add("header=" + name + ":" + sha256(text)));
        return CacheKey.of(source, defines, options, CACHE_TARGET, KernelCompiler.VERSION);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
