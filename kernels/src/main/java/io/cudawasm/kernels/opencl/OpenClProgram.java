package io.cudawasm.kernels.opencl;

import io.cudawasm.kernels.cgen.LineMap;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A CUDA source translated to OpenCL C 1.2, with what the host needs to launch its kernels.
 *
 * @param source the OpenCL C text
 * @param constantBytes size of the {@code __constant__} variables' buffer (0: none)
 * @param deviceBytes size of the {@code __device__} variables' buffer (0: none)
 * @param extensions OpenCL extensions the program needs ({@code cl_khr_fp64}, ...)
 * @param lineMap generated line to CUDA position, for build logs
 */
public record OpenClProgram(String sourceName, String source, OpenClOptions options, List<OpenClKernel> kernels,
        List<SymbolSlot> symbols, int constantBytes, int deviceBytes, Set<String> extensions, LineMap lineMap,
        SourcePos origin) {

    public OpenClProgram {
        kernels = List.copyOf(kernels);
        symbols = List.copyOf(symbols);
        extensions = Set.copyOf(extensions);
    }

    public Optional<OpenClKernel> kernel(String name) {
        return kernels.stream().filter(k -> io.cudawasm.kernels.abi.KernelNames.matches(k.name(), k.sourceName(), name))
                .findFirst();
    }

    public Optional<SymbolSlot> symbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name) || s.sourceName().equals(name)).findFirst();
    }

    /** A device compiler's build log as diagnostics against the CUDA source. */
    public List<Diagnostic> diagnostics(String buildLog) {
        return lineMap.diagnostics(buildLog, "OpenCL C", origin);
    }
}
