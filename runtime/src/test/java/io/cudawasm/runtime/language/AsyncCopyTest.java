package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous copies and split barriers ({@code cuda/pipeline}, {@code cuda/barrier},
 * {@code cuda_pipeline.h}, {@code cooperative_groups/memcpy_async.h}), copied at the issue and
 * waited for as the synchronization they imply; each kernel on the WebAssembly path, OpenCL (PoCL)
 * and nvcc's sm_80 PTX ({@code cp.async.*}, {@code mbarrier.*}) against a Java reference.
 */
class AsyncCopyTest {
    private static final String HEADERS = """
            #include <cooperative_groups.h>
            #include <cooperative_groups/memcpy_async.h>
            #include <cuda/barrier>
            #include <cuda/pipeline>
            #include <cuda_pipeline.h>
            namespace cg = cooperative_groups;
            """;

    private static final String BARRIER_KERNEL = HEADERS + """
            __global__ void barrier(const float *in, float *out)
            {
                __shared__ cuda::barrier<cuda::thread_scope_block> bar;
                __shared__ float a[256];
                __shared__ float b[256];
                cg::thread_block block = cg::this_thread_block();
                if (block.thread_rank() == 0) {
                    init(&bar, block.size());
                }
                block.sync();
                int t = threadIdx.x;
                cuda::memcpy_async(&a[t], &in[blockIdx.x * 256 + t], sizeof(float), bar);
                cuda::memcpy_async(block, b, in + blockIdx.x * 256, sizeof(float) * 256, bar);
                bar.arrive_and_wait();
                float v = a[255 - t] * 2.0f + b[(t + 1) & 255];
                auto token = bar.arrive();
                bar.wait(std::move(token));
                a[t] = v;
                bar.arrive_and_wait();
                out[blockIdx.x * 256 + t] = a[(t + 7) & 255] - v;
            }
            """;

    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);

    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.allOf(AllPaths.Path.class), "", AllPaths.SM80);
    }

    private static int[] ints(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(-1000, 1000);
        }
        return a;
    }

    @Test
    void aThreadsOwnPipelineDoubleBuffersTiles() {
        String src = HEADERS + """
                __global__ void staged(const int *in, int *out, int tiles)
                {
                    __shared__ int ring[2][64];
                    cuda::pipeline<cuda::thread_scope_thread> pipe = cuda::make_pipeline();
                    const auto one = cuda::aligned_size_t<alignof(int)>(sizeof(int));
                    int t = threadIdx.x;
                    const int *base = in + blockIdx.x * tiles * 64;
                    int acc = 0;
                    pipe.producer_acquire();
                    cuda::memcpy_async(&ring[0][t], &base[t], one, pipe);
                    pipe.producer_commit();
                    for (int k = 0; k < tiles; k++) {
                        if (k + 1 < tiles) {
                            pipe.producer_acquire();
                            cuda::memcpy_async(&ring[(k + 1) & 1][t], &base[(k + 1) * 64 + t], sizeof(int), pipe);
                            pipe.producer_commit();
                        }
                        cuda::pipeline_consumer_wait_prior<1>(pipe);
                        __syncthreads();
                        acc += ring[k & 1][63 - t] * (k + 1);
                        pipe.consumer_release();
                        __syncthreads();
                    }
                    out[blockIdx.x * 64 + t] = acc;
                }
                """;
        int blocks = 3;
        int tiles = 5;
        int[] in = ints(blocks * tiles * 64, 1);
        int[] expected = new int[blocks * 64];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 64; t++) {
                for (int k = 0; k < tiles; k++) {
                    expected[b * 64 + t] += in[(b * tiles + k) * 64 + 63 - t] * (k + 1);
                }
            }
        }
        check(CaseBuilder.of("thread_pipeline", "staged.cu", src).kernel("staged").launch(Dim3.of(blocks), Dim3.of(64))
                .in("in", in).out("out", new int[blocks * 64], expected).scalar(tiles).build());
    }

    @Test
    void pipelinePrimitivesCopySixteenBytesAndZeroFillTheTail() {
        String src = HEADERS + """
                __global__ void primitives(const float *in, float *out)
                {
                    __shared__ __align__(16) float s[128];
                    int t = threadIdx.x;
                    __pipeline_memcpy_async(&s[4 * t], &in[blockIdx.x * 128 + 4 * t], 16, t == 31 ? 8 : 0);
                    __pipeline_commit();
                    __pipeline_wait_prior(0);
                    __syncthreads();
                    for (int i = 0; i < 4; i++) {
                        out[blockIdx.x * 128 + 4 * t + i] = s[127 - (4 * t + i)] + 1.0f;
                    }
                }
                """;
        int blocks = 2;
        float[] in = new float[blocks * 128];
        for (int i = 0; i < in.length; i++) {
            in[i] = i * 0.5f - 17;
        }
        float[] expected = new float[in.length];
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < 128; j++) {
                int from = 127 - j;
                float staged = from >= 126 ? 0 : in[b * 128 + from];
                expected[b * 128 + j] = staged + 1.0f;
            }
        }
        check(CaseBuilder.of("pipeline_primitives", "primitives.cu", src).kernel("primitives")
                .launch(Dim3.of(blocks), Dim3.of(32)).in("in", in).out("out", new float[in.length], expected).build());
    }

    @Test
    void groupCopiesAreStridedOverTheGroupAndWaitSyncsIt() {
        String src = HEADERS + """
                __global__ void groups(const int *in, int *out, int n)
                {
                    extern __shared__ int tile[];
                    cg::thread_block block = cg::this_thread_block();
                    cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
                    cg::memcpy_async(block, tile, in + blockIdx.x * n, sizeof(int) * n);
                    cg::wait(block);
                    int sum = 0;
                    for (int i = block.thread_rank(); i < n; i += block.size()) sum += tile[n - 1 - i];
                    block.sync();
                    int *mine = tile + warp.meta_group_rank() * 40;
                    cg::memcpy_async(warp, mine, 40, in + blockIdx.x * n + 3, 37);
                    cg::wait_prior<0>(warp);
                    cg::memcpy_async(block, tile + 80, in + blockIdx.x * n + 20, cuda::aligned_size_t<16>(sizeof(int) * 16));
                    cg::wait(block);
                    out[blockIdx.x * blockDim.x + block.thread_rank()] = sum * 1000 + mine[warp.thread_rank() + 5]
                            + 7 * tile[80 + block.thread_rank() % 16];
                }
                """;
        int blocks = 2;
        int threads = 64;
        int n = 100;
        int[] in = ints(blocks * n, 3);
        int[] expected = new int[blocks * threads];
        for (int b = 0; b < blocks; b++) {
            for (int r = 0; r < threads; r++) {
                int sum = 0;
                for (int i = r; i < n; i += threads) {
                    sum += in[b * n + n - 1 - i];
                }
                expected[b * threads + r] = sum * 1000 + in[b * n + 3 + (r % 32) + 5] + 7 * in[b * n + 20 + r % 16];
            }
        }
        check(CaseBuilder.of("group_copies", "groups.cu", src).kernel("groups").launch(Dim3.of(blocks), Dim3.of(threads))
                .sharedBytes(4 * n).in("in", in).out("out", new int[blocks * threads], expected).scalar(n).build());
    }

    @Test
    void aBlockBarrierCompletesCopiesAndSplitsArriveFromWait() {
        String src = BARRIER_KERNEL;
        int blocks = 2;
        float[] in = new float[blocks * 256];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) r.nextDouble(-4, 4);
        }
        float[] expected = new float[in.length];
        for (int b = 0; b < blocks; b++) {
            float[] v = new float[256];
            for (int t = 0; t < 256; t++) {
                v[t] = in[b * 256 + 255 - t] * 2.0f + in[b * 256 + ((t + 1) & 255)];
            }
            for (int t = 0; t < 256; t++) {
                expected[b * 256 + t] = v[(t + 7) & 255] - v[t];
            }
        }
        KernelCase c = CaseBuilder.of("block_barrier", "barrier.cu", src).kernel("barrier")
                .launch(Dim3.of(blocks), Dim3.of(256)).in("in", in).out("out", new float[in.length], expected).build();
        check(c);
        // before sm_80 the barrier is shared-memory atomics and a spin on the phase (no mbarrier);
        // sm_90 passes the arrival count in a register and waits with try_wait
        AllPaths.check(c, EnumSet.of(AllPaths.Path.PTX), "", AllPaths.PTX_CONFIG);
        AllPaths.check(c, EnumSet.of(AllPaths.Path.PTX), "", SM90);
    }

    @Test
    void aBlocksSharedPipelineWhereEveryThreadProducesAndConsumes() {
        String src = HEADERS + """
                __global__ void shared(const int *in, int *out, int tiles)
                {
                    __shared__ int ring[2][128];
                    __shared__ cuda::pipeline_shared_state<cuda::thread_scope_block, 2> state;
                    auto block = cg::this_thread_block();
                    auto pipe = cuda::make_pipeline(block, &state);
                    int t = threadIdx.x;
                    int acc = 0;
                    for (int k = 0; k < tiles; k++) {
                        pipe.producer_acquire();
                        cuda::memcpy_async(block, ring[k & 1], in + (blockIdx.x * tiles + k) * 128, sizeof(int) * 128, pipe);
                        pipe.producer_commit();
                        pipe.consumer_wait();
                        acc = acc * 3 + ring[k & 1][127 - t];
                        pipe.consumer_release();
                    }
                    out[blockIdx.x * 128 + t] = acc;
                }
                """;
        int blocks = 2;
        int tiles = 4;
        int[] in = ints(blocks * tiles * 128, 5);
        int[] expected = new int[blocks * 128];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 128; t++) {
                int acc = 0;
                for (int k = 0; k < tiles; k++) {
                    acc = acc * 3 + in[(b * tiles + k) * 128 + 127 - t];
                }
                expected[b * 128 + t] = acc;
            }
        }
        KernelCase c = CaseBuilder.of("shared_pipeline", "shared.cu", src).kernel("shared")
                .launch(Dim3.of(blocks), Dim3.of(128)).in("in", in).out("out", new int[blocks * 128], expected)
                .scalar(tiles).build();
        check(c);
        AllPaths.check(c, EnumSet.of(AllPaths.Path.PTX), "", SM90);
    }

    /**
     * The CUDA C emitter emits the synchronous form (copies as loads and stores, waits as
     * barriers), which nvcc compiles: no {@code cp.async} or {@code mbarrier} in its PTX.
     */
    @Test
    void theEmittedCudaIsTheSynchronousFormAndNvccCompilesIt() {
        CudaProgram cuda = AllPaths.compile(CompileRequest.of("barrier.cu", BARRIER_KERNEL)).cuda();
        String ptx = new PtxCompiler(null).compileWithNvcc(cuda, "compute_80");
        assertTrue(ptx.contains("bar.sync") || ptx.contains("barrier.sync"), ptx);
        assertFalse(ptx.contains("cp.async") || ptx.contains("mbarrier"), ptx);
        assertTrue(ptx.contains("ld.global") && ptx.contains("st.shared"), ptx);
    }

    /**
     * A barrier of part of the block stops the kernel at the user's line where the block runs thread
     * by thread (the CPU path's usual block loops, OpenCL, nvcc's PTX), and runs with independent threads.
     */
    @Test
    void aBarrierOfPartOfTheBlockStopsTheKernelAtItsInitUnlessThreadsAreIndependent() {
        String src = HEADERS + """
                __global__ void part(int *out)
                {
                    __shared__ cuda::barrier<cuda::thread_scope_block> bar;
                    if (threadIdx.x == 0) { init(&bar, 32); }
                    __syncthreads();
                    if (threadIdx.x < 32) { bar.arrive_and_wait(); }
                    out[threadIdx.x] = 1;
                }
                """;
        KernelCase c = CaseBuilder.of("subset_barrier", "part.cu", src).kernel("part").launch(Dim3.of(1), Dim3.of(64))
                .out("out", new int[64], null).build();
        CompileResult compiled = AllPaths.compile(c.request());
        assertTrue(compiled.warnings().stream().anyMatch(d -> d.line() == 10 && d.message().contains("32 threads")),
                () -> compiled.warnings().toString());
        stops("wasm", KernelHarness.backend(2), compiled, c, "part.cu:10");
        stops("opencl", OpenClTestDevice.backend(), compiled, c, "part.cu:10");
        String ptx = Nvcc.ptx(src, AllPaths.SM80, List.of());
        stops("ptx", KernelHarness.backend(2), AllPaths.compile(CompileRequest.of("part.ptx", ptx)), c,
                "needs independent threads");
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), compiled, c.launch().withOptions(
                c.launch().options().withIndependentThreads(true)));
        assertNull(r.failure(), () -> String.valueOf(r.failure()));
    }

    /** A pipeline with roles runs with independent threads on the CPU path; OpenCL stops it where it is made. */
    @Test
    void aPipelinePartitionedIntoRolesWarnsAndRunsWithIndependentThreads() {
        String src = HEADERS + """
                __global__ void roles(const int *in, int *out)
                {
                    __shared__ cuda::pipeline_shared_state<cuda::thread_scope_block, 2> state;
                    auto block = cg::this_thread_block();
                    auto role = threadIdx.x < 32 ? cuda::pipeline_role::producer : cuda::pipeline_role::consumer;
                    auto pipe = cuda::make_pipeline(block, &state, role);
                    out[threadIdx.x] = in[threadIdx.x];
                }
                """;
        CompileResult compiled = AllPaths.compile(CompileRequest.of("roles.cu", src));
        assertTrue(compiled.warnings().stream().anyMatch(d -> d.line() == 12 && d.message().contains("cuda::pipeline_role")),
                () -> compiled.warnings().toString());
        int[] in = new int[64];
        for (int i = 0; i < 64; i++) {
            in[i] = i * 5 - 7;
        }
        KernelCase c = CaseBuilder.of("roles", "roles.cu", src).kernel("roles").launch(Dim3.of(1), Dim3.of(64))
                .in("in", in).out("out", new int[64], in).build();
        AllPaths.check(c, java.util.EnumSet.of(AllPaths.Path.WASM), "");
        stops("opencl", OpenClTestDevice.backend(), compiled, c, "independent threads on the CPU path");
        stops("opencl", OpenClTestDevice.backend(), compiled, c, "roles.cu:12");
    }

    @Test
    void ptxHalfPrecisionIncrementsAndDroppedArrivalsAreRefusedByName() {
        String head = """
                .version 8.0
                .target sm_90
                .address_size 64
                .visible .entry k(.param .u64 p)
                {
                    .reg .b64 %rd<3>;
                    .shared .align 16 .b8 s[64];
                    .shared .align 8 .b64 bar;
                    ld.param.u64 %rd1, [p];
                """;
        refusedPtx(head + "    cp.reduce.async.bulk.global.shared::cta.bulk_group.inc.f16 [%rd1], [s], 64;\n"
                + "    ret;\n}\n", 10, ".inc of this element type");
        refusedPtx(head + "    mbarrier.arrive_drop.shared.b64 %rd2, [bar];\n    ret;\n}\n", 10,
                "mbarrier operations other than init, arrive, expect_tx, complete_tx");
    }

    private static void refusedPtx(String ptx, int line, String message) {
        try {
            KernelCompiler.compile(CompileRequest.of("bulk.ptx", ptx));
            fail("expected the PTX to be refused with '" + message + "'");
        } catch (CompileException e) {
            assertTrue(e.getMessage().contains(message), e.getMessage());
            assertEquals(line, e.first().line(), e.getMessage());
        }
    }

    private static void stops(String path, Backend backend, CompileResult compiled, KernelCase c, String where) {
        CheckedRun.BackendRun r = CheckedRun.run(backend, compiled, c.launch());
        assertNotNull(r.failure(), path + ": the kernel ran to its end");
        assertTrue(r.failure().getMessage().contains(where), () -> path + ": " + r.failure().getMessage());
        assertFalse(r.failure().getMessage().isBlank());
    }
}
