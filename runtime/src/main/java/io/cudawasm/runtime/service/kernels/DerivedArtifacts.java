package io.cudawasm.runtime.service.kernels;

import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Artifacts made from a kernel's IR when asked for, not stored in the cache: the OpenCL C and the
 * CUDA C that the GPU back ends build, and PTX. Generating them is cheap and deterministic, so
 * storing them would only make every cache entry bigger. PTX is the original text for a kernel
 * submitted as PTX; otherwise it is compiled from the CUDA C when this worker has NVRTC or nvcc.
 */
public final class DerivedArtifacts {
    /** Architecture of PTX made on request: the oldest one every supported driver loads. */
    public static final String DEFAULT_PTX_ARCH = "compute_75";
    public static final List<String> NAMES = List.of(KernelArtifacts.OPENCL_C, KernelArtifacts.CUDA_C,
            KernelArtifacts.PTX);

    private DerivedArtifacts() {}

    /** Why an artifact cannot be made here (no PTX compiler, a construct the dialect refuses). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    /** The artifact's bytes, or empty when {@code name} is not a derived artifact. */
    public static Optional<byte[]> make(LoadedKernel kernel, String name, String ptxArch) {
        if (!NAMES.contains(name)) {
            return Optional.empty();
        }
        if (kernel.result().kir() == null) {
            throw new Unavailable("this cache entry was stored without its compile request; compile the kernel again");
        }
        try {
            if (name.equals(KernelArtifacts.OPENCL_C)) {
                return Optional.of(utf8(kernel.result().opencl(OpenClOptions.DEFAULT).source()));
            }
            if (name.equals(KernelArtifacts.CUDA_C)) {
                return Optional.of(utf8(kernel.result().cuda().source()));
            }
        } catch (CompileException e) {
            throw new Unavailable(e.getMessage());
        }
        return Optional.of(ptx(kernel, ptxArch));
    }

    private static byte[] ptx(LoadedKernel kernel, String arch) {
        byte[] request = kernel.artifacts().get(KernelArtifacts.REQUEST);
        if (kernel.result().sourceName().endsWith(".ptx") && request != null) {
            return utf8(KernelArtifacts.request(request).source());
        }
        if (!PtxCompiler.nvrtcAvailable() && PtxCompiler.nvcc().isEmpty()) {
            throw new Unavailable("no PTX compiler on this worker: NVRTC is unavailable (" + PtxCompiler.nvrtcReason()
                    + ") and nvcc is not on the PATH");
        }
        try {
            return utf8(PtxCompiler.fromSystemProperties().compile(kernel.result().cuda(), arch));
        } catch (CompileException | IllegalStateException e) {
            throw new Unavailable("PTX for " + arch + " could not be made: " + e.getMessage());
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
