package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code .shared} declarations inside inline PTX ({@code asm("{ .shared .b32 s[64]; ... }")}): as
 * ptxas allocates them, one variable per block, here one per asm statement (whatever the calls that
 * reach it) and a shared variable of the module, counted against its shared-memory budget. Each
 * kernel on the WebAssembly path, through nvcc's PTX (which keeps the asm as written) and, where the
 * snippet names the variable in its loads and stores, OpenCL (PoCL) and the CUDA back end's C
 * (through nvcc, run on the CPU path), against Java references; on
 * OpenCL a 32-bit address of one ({@code mov.u32 r, s}) is refused by name like any other.
 */
class InlinePtxSharedTest {

    /**
     * A broadcast through a snippet's own shared word, by name only ({@code [s]}, {@code [s+4]}):
     * thread {@code lane} stores, a barrier, everyone loads. Two asm statements declare {@code s}
     * each, the device function's is reached from two calls; every block has its own.
     */
    @Test
    void aSharedWordNamedInLoadsAndStoresIsOnePerBlockOnEveryPath() {
        String src = """
                __device__ unsigned broadcast(unsigned v, unsigned lane)
                {
                    unsigned r;
                    asm volatile("{\\n\\t.reg .pred p;\\n\\t.shared .align 4 .b32 s[2];\\n\\t"
                                 "setp.eq.u32 p, %2, %3;\\n\\t"
                                 "@p st.shared.u32 [s+4], %1;\\n\\t"
                                 "bar.sync 0;\\n\\t"
                                 "ld.shared.u32 %0, [s+4];\\n\\t"
                                 "bar.sync 0;\\n\\t}"
                                 : "=r"(r) : "r"(v), "r"(threadIdx.x), "r"(lane) : "memory");
                    return r;
                }
                __global__ void bcast(const unsigned *in, unsigned *out)
                {
                    unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
                    unsigned first = broadcast(in[i], 3);
                    unsigned second = broadcast(in[i] * 2u, blockDim.x - 1);
                    unsigned sum;
                    asm volatile("{\\n\\t.shared .align 8 .b64 s;\\n\\t.reg .pred p;\\n\\t.reg .b64 w;\\n\\t"
                                 "setp.eq.u32 p, %1, 0;\\n\\t"
                                 "@p st.shared.u64 [s], 0;\\n\\t"
                                 "bar.sync 0;\\n\\t"
                                 "cvt.u64.u32 w, %2;\\n\\t"
                                 "atom.shared.add.u64 w, [s], w;\\n\\t"
                                 "bar.sync 0;\\n\\t"
                                 "ld.shared.u64 w, [s];\\n\\t"
                                 "cvt.u32.u64 %0, w;\\n\\t}"
                                 : "=r"(sum) : "r"(threadIdx.x), "r"(in[i]) : "memory");
                    out[3 * i] = first;
                    out[3 * i + 1] = second;
                    out[3 * i + 2] = sum;
                }
                """;
        int blocks = 3;
        int threads = 64;
        int[] in = new SplittableRandom(11).ints(blocks * threads, 0, 1 << 20).toArray();
        int[] expected = new int[3 * in.length];
        for (int b = 0; b < blocks; b++) {
            int sum = 0;
            for (int t = 0; t < threads; t++) {
                sum += in[b * threads + t];
            }
            for (int t = 0; t < threads; t++) {
                int i = b * threads + t;
                expected[3 * i] = in[b * threads + 3];
                expected[3 * i + 1] = in[b * threads + threads - 1] * 2;
                expected[3 * i + 2] = sum;
            }
        }
        KernelCase c = CaseBuilder.of("asm_shared_named", "named.cu", src).kernel("bcast")
                .launch(Dim3.of(blocks), Dim3.of(threads)).in("in", in).out("out", new int[expected.length], expected)
                .build();
        AllPaths.check(c);
        throughTheCudaBackEnd(c);
    }

    /**
     * The CUDA C the CUDA back end writes for a case (the snippet's lowered form, its shared
     * variables as the module's), through nvcc, run on the CPU path against the case's reference.
     */
    static void throughTheCudaBackEnd(KernelCase c) {
        String ptx = new PtxCompiler(null).compileWithNvcc(c.compile().cuda(), "compute_75");
        CompileResult fromPtx = AllPaths.compile(CompileRequest.of(c.name() + "_cuda.ptx", ptx));
        CheckedRun.BackendRun run = CheckedRun.run(KernelHarness.backend(2), fromPtx, c.launch());
        assertNull(run.failure(), () -> c.name() + ": " + run.failure());
        for (BufferComparison b : c.againstReference(run)) {
            assertTrue(b.passed(), () -> c.name() + " (CUDA back end): " + b.format());
        }
    }

    /**
     * A block-wide reversal through a snippet's shared array indexed by the thread: its address taken
     * in 32 bits ({@code mov.u32 a, s}), as nvcc's own PTX does. Runs on WebAssembly and through
     * nvcc's PTX; OpenCL refuses the 32-bit shared address by name at the asm statement.
     */
    @Test
    void aSharedArrayIndexedThroughItsAddressRunsOnWasmAndPtxAndOpenClRefusesItByName() {
        String src = """
                __global__ void reverse(const float *in, float *out)
                {
                    unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
                    float r;
                    asm volatile("{\\n\\t.shared .align 16 .f32 tile[128];\\n\\t.reg .u32 a, b;\\n\\t"
                                 "mov.u32 a, tile;\\n\\t"
                                 "shl.b32 b, %2, 2;\\n\\t"
                                 "add.u32 b, a, b;\\n\\t"
                                 "st.shared.f32 [b], %1;\\n\\t"
                                 "bar.sync 0;\\n\\t"
                                 "sub.u32 b, %3, %2;\\n\\t"
                                 "shl.b32 b, b, 2;\\n\\t"
                                 "add.u32 b, a, b;\\n\\t"
                                 "ld.shared.f32 %0, [b+-4];\\n\\t}"
                                 : "=f"(r) : "f"(in[i]), "r"(threadIdx.x), "r"(blockDim.x) : "memory");
                    out[i] = r;
                }
                """;
        int blocks = 4;
        int threads = 128;
        float[] in = new float[blocks * threads];
        float[] expected = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = i * 0.5f - 100;
        }
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < threads; t++) {
                expected[b * threads + t] = in[b * threads + threads - 1 - t];
            }
        }
        KernelCase c = CaseBuilder.of("asm_shared_indexed", "indexed.cu", src).kernel("reverse")
                .launch(Dim3.of(blocks), Dim3.of(threads)).in("in", in).out("out", new float[in.length], expected).build();
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "");
        CompileResult compiled = AllPaths.compile(c.request());
        CompileException e = assertThrows(CompileException.class, () -> OpenClTestDevice.backend().open(compiled).close());
        assertTrue(e.getMessage().contains("a shared-memory address held in 32 bits"), e.getMessage());
        assertEquals("indexed.cu", e.first().file(), e.getMessage());
        assertEquals(5, e.first().line(), e.getMessage());
    }

    /**
     * The same reversal through the array's generic 64-bit address ({@code cvta.shared.u64}) and
     * generic loads and stores: on every path, OpenCL included.
     */
    @Test
    void aSharedArrayThroughItsGenericAddressRunsOnEveryPath() {
        String src = """
                __global__ void reverse(unsigned *a)
                {
                    unsigned r;
                    asm volatile("{\\n\\t.shared .align 4 .b32 tmp[64];\\n\\t.reg .u64 p, q;\\n\\t.reg .u32 o;\\n\\t"
                                 "cvta.shared.u64 p, tmp;\\n\\t"
                                 "mul.wide.u32 q, %1, 4;\\n\\tadd.u64 q, p, q;\\n\\t"
                                 "st.u32 [q], %2;\\n\\tbar.sync 0;\\n\\t"
                                 "sub.u32 o, 63, %1;\\n\\tmul.wide.u32 q, o, 4;\\n\\tadd.u64 q, p, q;\\n\\t"
                                 "ld.u32 %0, [q];\\n\\t}"
                                 : "=r"(r) : "r"(threadIdx.x), "r"(a[blockIdx.x * 64 + threadIdx.x]) : "memory");
                    __syncthreads();
                    a[blockIdx.x * 64 + threadIdx.x] = r;
                }
                """;
        int[] in = new SplittableRandom(17).ints(3 * 64).toArray();
        int[] expected = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            expected[i] = in[i / 64 * 64 + 63 - i % 64];
        }
        AllPaths.check(CaseBuilder.of("asm_shared_generic", "generic.cu", src).kernel("reverse")
                .launch(Dim3.of(3), Dim3.of(64)).out("a", in, expected).build());
    }

    /** The variables count against the module's shared memory; other state spaces stay refused by name. */
    @Test
    void theSharedMemoryBudgetCountsThemAndOtherDeclarationsAreRefused() {
        // 32 KiB in C and 1,040,000 bytes in the snippet pass the default limit of 1 MiB together, at the asm statement
        CompileException e = AllPaths.refuses("""
                __global__ void k(int *a)
                {
                    __shared__ int mine[8192];
                    asm volatile("{ .shared .b8 big[1040000]; st.shared.u32 [big], 1; }");
                    a[0] = mine[0];
                }
                """, "with variable 'big'");
        assertEquals(4, e.first().line(), e.getMessage());
        AllPaths.compile(CompileRequest.of("fits.cu", """
                __global__ void k(int *a)
                {
                    __shared__ int mine[8192];
                    asm volatile("{ .shared .b8 big[1000000]; st.shared.u32 [big], 1; }");
                    a[0] = mine[0];
                }
                """));
        // one variable per asm statement: lowered for two instantiations and once more to deduce the
        // return type, 600,000 bytes are counted once
        AllPaths.compile(CompileRequest.of("once.cu", """
                template <int N> __device__ auto pick(unsigned v)
                {
                    unsigned r;
                    asm volatile("{ .shared .align 4 .b32 big[150000]; st.shared.u32 [big+4], %1; ld.shared.u32 %0, [big+4]; }"
                                 : "=r"(r) : "r"(v));
                    return r + N;
                }
                __global__ void k(unsigned *a) { a[threadIdx.x] = pick<1>(a[threadIdx.x]) + pick<2>(a[threadIdx.x]); }
                """));
        AllPaths.refuses("""
                __global__ void k(int *a) { asm volatile("{ .local .b32 l; st.local.u32 [l], 1; }"); }
                """, ".local declarations (only .reg, .param and .shared)");
        AllPaths.refuses("""
                __global__ void k(int *a) { asm volatile("{ .shared .align 4 .b8 dyn[]; st.shared.u32 [dyn], 1; }"); }
                """, "a .shared array without a size");
    }
}
