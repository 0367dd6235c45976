package io.cudawasm.runtime.service.api;

import java.util.List;
import java.util.Map;

/**
 * Names a kernel in {@code POST /v1/kernels} and in jobs: exactly one of {@code id} (compiled
 * before), {@code library} (a bundled kernel such as {@code saxpy}) or {@code source} (CUDA C or
 * NVIDIA PTX),
 * plus the compile options for the latter two.
 *
 * @param fileName shown in diagnostics; default {@code kernel.cu}
 * @param defines {@code -D} macros
 * @param headers extra files the source may {@code #include}, by name
 * @param instantiate template kernels to instantiate, e.g. {@code reduce<float, 256>}
 * @param language {@code cuda} or {@code ptx}; when absent, a {@code .ptx} file name or a source
 *     starting with a {@code .version} directive (after comments) is PTX, anything else CUDA C
 */
public record KernelRequest(String id, String library, String source, String fileName, Map<String, String> defines,
        Map<String, String> headers, List<String> instantiate, String language) {}
