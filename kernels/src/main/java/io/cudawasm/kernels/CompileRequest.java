package io.cudawasm.kernels;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What to compile: a CUDA source with its {@code -D} defines, extra headers it includes, and the
 * template kernels to instantiate ({@code reduce<float, 256>}).
 */
public record CompileRequest(String fileName, String source, Map<String, String> defines, Map<String, String> headers,
        List<String> instantiations) {

    public CompileRequest {
        defines = new TreeMap<>(defines);
        headers = Map.copyOf(headers);
        instantiations = List.copyOf(instantiations);
    }

    public static CompileRequest of(String fileName, String source) {
        return new CompileRequest(fileName, source, Map.of(), Map.of(), List.of());
    }

    public CompileRequest withDefines(Map<String, String> d) {
        return new CompileRequest(fileName, source, d, headers, instantiations);
    }

    public CompileRequest withInstantiations(List<String> i) {
        return new CompileRequest(fileName, source, defines, headers, i);
    }
}
