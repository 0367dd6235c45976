package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.CudaBackend;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import io.cudawasm.runtime.testing.KernelHarness;

/**
 * The path a case takes on the CUDA back end, checked without a GPU: the C the back end compiles
 * (with the kernel compiled for the launch's cluster shape where only the launch gives one, as
 * CudaSession does), through nvcc for sm_90, the PTX run on the CPU path against the case's reference.
 */
final class CudaCPath {
    private CudaCPath() {}

    /** The C CudaSession compiles for the case's launch. */
    static CudaProgram program(KernelCase c) {
        CompileResult compiled = c.compile();
        CudaProgram plain = compiled.cuda();
        CudaProgram.Kernel k = plain.kernel(c.launch().kernel()).orElseThrow();
        return CudaBackend.launchOnlyShape(k, c.launch().config().cluster()).map(shape -> compiled.cuda(k.name(), shape))
                .orElse(plain);
    }

    /** That C's PTX from nvcc at {@code arch}, compiled for the CPU path. */
    static CompileResult viaNvcc(CudaProgram program, String name, String arch) {
        String ptx = new PtxCompiler(null).compileWithNvcc(program, arch);
        return AllPaths.compile(CompileRequest.of(name + "_cuda.ptx", ptx));
    }

    static void check(KernelCase c) {
        CompileResult compiled = viaNvcc(program(c), c.name(), "compute_90");
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), compiled, c.launch());
        assertTrue(r.failure() == null, () -> c.name() + ": " + r.failure().getMessage());
        assertTrue(c.againstReference(r).stream().allMatch(BufferComparison::passed),
                () -> c.name() + ": " + c.againstReference(r).stream().map(BufferComparison::format).toList());
    }
}
