package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A compiled kernel source as the API shows it.
 *
 * @param cache where it was found: memory, disk (the kernel cache) or compiled (now)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KernelView(String id, String href, String sourceName, String compilerVersion, String cache,
        List<Kernel> kernels, List<Symbol> symbols, List<DiagnosticView> warnings, List<Artifact> artifacts) {

    /** One {@code __global__} function and how to call it. */
    public record Kernel(String name, String symbol, List<Param> params) {}

    /**
     * @param kind pointer, scalar or struct
     * @param elementType for scalars their type, for pointers the pointee's ({@code f32}, {@code i32}, ...)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Param(String name, String type, String kind, String elementType, Boolean pointeeConst, int size) {}

    /** A {@code __constant__} or {@code __device__} variable jobs may fill. */
    public record Symbol(String name, String space, String type, int size) {}

    public record Artifact(String name, long size, String contentType, String href) {}
}
