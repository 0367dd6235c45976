package io.cudawasm.kernels.cuda;

import io.cudawasm.kernels.cgen.LineMap;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import java.util.List;
import java.util.Optional;

/**
 * A CUDA source printed from KIR as CUDA C++ for NVRTC or nvcc.
 *
 * @param kernels the {@code extern "C"} kernels: the PTX entry names
 * @param symbols the {@code __constant__}/{@code __device__} variables (module globals of the same name)
 */
public record CudaProgram(String sourceName, String source, List<Kernel> kernels, List<Symbol> symbols,
        LineMap lineMap, SourcePos origin) {

    /**
     * A kernel: its PTX entry name and how users name it; {@code gridSync} when it synchronizes the
     * grid, so that it must be launched cooperatively.
     */
    /** A kernel; {@code clusterDims} is the cluster shape it declares ({@code __cluster_dims__}), or null. */
    public record Kernel(String name, String sourceName, boolean gridSync,
            io.cudawasm.kernels.kir.ClusterDims clusterDims) {}

    /** A module global: its name in the module, how users name it, its size. */
    public record Symbol(String name, String sourceName, int size, boolean constant) {}

    public CudaProgram {
        kernels = List.copyOf(kernels);
        symbols = List.copyOf(symbols);
    }

    public Optional<Kernel> kernel(String name) {
        return kernels.stream().filter(k -> io.cudawasm.kernels.abi.KernelNames.matches(k.name(), k.sourceName(), name))
                .findFirst();
    }

    public Optional<Symbol> symbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name) || s.sourceName().equals(name)).findFirst();
    }

    /** An NVRTC or nvcc log as diagnostics against the CUDA source. */
    public List<Diagnostic> diagnostics(String log) {
        return lineMap.diagnostics(log, "CUDA C++", origin);
    }
}
