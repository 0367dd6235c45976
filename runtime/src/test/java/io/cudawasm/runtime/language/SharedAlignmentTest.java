package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * {@code __align__}/{@code alignas} of {@code __shared__} variables holds wherever a variable falls
 * among the module's others (TMA tiles need 128 bytes, swizzled ones 1,024): every kernel of a file
 * finds its aligned arrays aligned, on the WebAssembly path and through nvcc's PTX.
 */
class SharedAlignmentTest {
    @Test
    void everyKernelsAlignedSharedArraysAreAligned() {
        String src = """
                __global__ void first(unsigned *out)
                {
                    __shared__ char pad[40];
                    __shared__ __align__(128) float a[33];
                    pad[threadIdx.x] = 1;
                    a[threadIdx.x] = pad[threadIdx.x];
                    out[0] = (unsigned)((size_t)a % 128);
                }
                __global__ void second(unsigned *out)
                {
                    __shared__ int b[3];
                    __shared__ alignas(1024) float c[100];
                    __shared__ __align__(256) double d[5];
                    b[0] = 1;
                    c[threadIdx.x] = b[0];
                    d[0] = c[threadIdx.x];
                    out[0] = (unsigned)((size_t)c % 1024) + (unsigned)((size_t)d % 256);
                }
                """;
        for (String k : new String[] {"first", "second"}) {
            AllPaths.check(CaseBuilder.of("shared_align_" + k, "align.cu", src).kernel(k).launch(Dim3.of(2), Dim3.of(1))
                    .out("out", new int[] {-1}, new int[] {0}).build(), EnumSet.of(AllPaths.Path.WASM,
                    AllPaths.Path.PTX), "");
        }
    }

    @Test
    void anAlignmentThatIsNotAPowerOfTwoUpToAPageIsRefused() {
        for (String align : new String[] {"__align__(48)", "alignas(8192)", "__align__(0)"}) {
            CompileException e = assertThrows(CompileException.class, () -> KernelCompiler.compile(CompileRequest.of(
                    "a.cu", "__global__ void k(float *o) { __shared__ " + align + " float t[4]; t[0] = 1; o[0] = t[0]; }")));
            assertTrue(e.getMessage().contains("an alignment is a power of two from 1 to 4096"), e.getMessage());
            assertTrue(e.getMessage().contains("a.cu:1"), e.getMessage());
        }
    }
}
