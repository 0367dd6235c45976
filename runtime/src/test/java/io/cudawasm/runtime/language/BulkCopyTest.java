package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * sm_90's bulk asynchronous copies without a tensor map (TensorCopyTest has those): from CUDA source
 * ({@code cuda::device::memcpy_async_tx}, {@code barrier_arrive_tx}, {@code barrier_expect_tx},
 * {@code cuda::memcpy_async} of 16-byte multiples into a {@code cuda::barrier}, and
 * {@code cuda::device::experimental}'s {@code cp_async_bulk_*}), and from PTX
 * ({@code cp.async.bulk}, {@code mbarrier} transaction counts, {@code try_wait.parity}, clusters of
 * one block, {@code __cluster_dims__(1, 1, 1)}), each against a Java reference on the WebAssembly
 * path, OpenCL (PoCL) and the sm_90 PTX nvcc makes of the same source. A copy is done at its issue; the transaction counts are then
 * met when anyone waits.
 */
class BulkCopyTest {
    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);
    private static final String HEADERS = """
            #include <cuda/barrier>
            using barrier = cuda::barrier<cuda::thread_scope_block>;
            namespace cde = cuda::device::experimental;
            """;

    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.allOf(AllPaths.Path.class), "", SM90);
    }

    private static int[] ints(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(-100_000, 100_000);
        }
        return a;
    }

    @Test
    void memcpyAsyncTxWithArriveTxFillsSharedMemoryBeforeTheWait() {
        String src = HEADERS + """
                __global__ void tx(const int *in, int *out)
                {
                    __shared__ __align__(16) int tile[256];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) {
                        init(&bar, blockDim.x);
                    }
                    __syncthreads();
                    barrier::arrival_token token;
                    if (threadIdx.x == 0) {
                        cuda::device::memcpy_async_tx(tile, in + blockIdx.x * 256, cuda::aligned_size_t<16>(sizeof(tile)), bar);
                        token = cuda::device::barrier_arrive_tx(bar, 1, sizeof(tile));
                    } else {
                        token = bar.arrive();
                    }
                    bar.wait(std::move(token));
                    out[blockIdx.x * 256 + threadIdx.x] = tile[255 - threadIdx.x] * 3 + tile[threadIdx.x];
                }
                """;
        int blocks = 3;
        int[] in = ints(blocks * 256, 1);
        int[] expected = new int[in.length];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 256; t++) {
                expected[b * 256 + t] = in[b * 256 + 255 - t] * 3 + in[b * 256 + t];
            }
        }
        check(CaseBuilder.of("memcpy_async_tx", "tx.cu", src).kernel("tx").launch(Dim3.of(blocks), Dim3.of(256))
                .in("in", in).out("out", new int[in.length], expected).build());
    }

    /** What sm_90 turns into a bulk copy: 16-byte multiples into a barrier, with and without expect_tx. */
    @Test
    void alignedMemcpyAsyncIntoABarrierAndExpectTxRunTwoPhases() {
        String src = HEADERS + """
                __global__ void phases(const float *in, float *out, int tiles)
                {
                    __shared__ __align__(16) float tile[2][64];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) {
                        init(&bar, blockDim.x);
                    }
                    __syncthreads();
                    float acc = 0.0f;
                    for (int k = 0; k < tiles; k++) {
                        const float *from = in + (blockIdx.x * tiles + k) * 64;
                        if (threadIdx.x == 0) {
                            if (k % 2 == 0) {
                                cuda::memcpy_async(tile[k & 1], from, cuda::aligned_size_t<16>(sizeof(float) * 64), bar);
                            } else {
                                cuda::device::barrier_expect_tx(bar, sizeof(float) * 64);
                                cuda::device::memcpy_async_tx(tile[k & 1], from, cuda::aligned_size_t<16>(sizeof(float) * 64), bar);
                            }
                        }
                        bar.arrive_and_wait();
                        acc = acc * 0.5f + tile[k & 1][63 - threadIdx.x];
                        bar.arrive_and_wait();
                    }
                    out[blockIdx.x * 64 + threadIdx.x] = acc;
                }
                """;
        int blocks = 2;
        int tiles = 5;
        float[] in = new float[blocks * tiles * 64];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) r.nextDouble(-8, 8);
        }
        float[] expected = new float[blocks * 64];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 64; t++) {
                float acc = 0.0f;
                for (int k = 0; k < tiles; k++) {
                    acc = acc * 0.5f + in[(b * tiles + k) * 64 + 63 - t];
                }
                expected[b * 64 + t] = acc;
            }
        }
        check(CaseBuilder.of("aligned_memcpy_async", "phases.cu", src).kernel("phases").launch(Dim3.of(blocks), Dim3.of(64))
                .in("in", in).out("out", new float[expected.length], expected).scalar(tiles).build());
    }

    /** The programming guide's shape: global to shared with a barrier, work, fence, shared back to global. */
    @Test
    void experimentalBulkCopiesGoThereAndBackWithAFenceAndABulkGroup() {
        String src = HEADERS + """
                __global__ void roundTrip(int *data, int offset)
                {
                    __shared__ __align__(16) int tile[128];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) {
                        init(&bar, blockDim.x);
                        cde::fence_proxy_async_shared_cta();
                    }
                    __syncthreads();
                    int *mine = data + blockIdx.x * 128;
                    barrier::arrival_token token;
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_global_to_shared(tile, mine, sizeof(tile), bar);
                        token = cuda::device::barrier_arrive_tx(bar, 1, sizeof(tile));
                    } else {
                        token = bar.arrive();
                    }
                    bar.wait(std::move(token));
                    tile[threadIdx.x] += offset * (int)threadIdx.x;
                    cde::fence_proxy_async_shared_cta();
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_shared_to_global(mine, tile, sizeof(tile));
                        cde::cp_async_bulk_commit_group();
                        cde::cp_async_bulk_wait_group_read<0>();
                    }
                }
                """;
        int blocks = 2;
        int offset = 7;
        int[] data = ints(blocks * 128, 3);
        int[] expected = data.clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] += offset * (i % 128);
        }
        check(CaseBuilder.of("experimental_bulk", "roundtrip.cu", src).kernel("roundTrip")
                .launch(Dim3.of(blocks), Dim3.of(128)).out("data", data, expected).scalar(offset).build());
    }

    /** libcu++'s PTX wrappers ({@code cuda/ptx}): the same copies and mbarrier operations by name. */
    @Test
    void cudaPtxWrappersCopyThereAndBackThroughAnMbarrier() {
        String src = """
                #include <cuda/barrier>
                #include <cuda/ptx>
                namespace ptx = cuda::ptx;
                __global__ void wrappers(const int *in, int *out)
                {
                    __shared__ __align__(16) int tile[64];
                    __shared__ uint64_t bar;
                    if (threadIdx.x == 0) {
                        ptx::mbarrier_init(&bar, blockDim.x);
                        ptx::fence_proxy_async(ptx::space_shared);
                    }
                    __syncthreads();
                    uint64_t state;
                    if (threadIdx.x == 0) {
                        ptx::cp_async_bulk(ptx::space_cluster, ptx::space_global, tile, in + blockIdx.x * 64, 256, &bar);
                        state = ptx::mbarrier_arrive_expect_tx(ptx::sem_release, ptx::scope_cta, ptx::space_shared, &bar, 256);
                    } else {
                        state = ptx::mbarrier_arrive(&bar);
                    }
                    while (!ptx::mbarrier_try_wait(&bar, state)) {
                    }
                    int v = tile[63 - threadIdx.x] * 5 + 1;
                    __syncthreads();
                    tile[threadIdx.x] = v;
                    ptx::fence_proxy_async(ptx::space_shared);
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        ptx::cp_async_bulk(ptx::space_global, ptx::space_shared, out + blockIdx.x * 64, tile, 256);
                        ptx::cp_async_bulk_commit_group();
                        ptx::cp_async_bulk_wait_group_read(ptx::n32_t<0>());
                    }
                }
                """;
        int blocks = 3;
        int[] in = ints(blocks * 64, 6);
        int[] expected = new int[in.length];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 64; t++) {
                expected[b * 64 + t] = in[b * 64 + 63 - t] * 5 + 1;
            }
        }
        check(CaseBuilder.of("cuda_ptx", "wrappers.cu", src).kernel("wrappers").launch(Dim3.of(blocks), Dim3.of(64))
                .in("in", in).out("out", new int[in.length], expected).build());
    }

    /**
     * Hand-written sm_90 PTX in the kernel: a bulk copy completing an mbarrier's transaction count,
     * waited for by phase parity in a loop, a prefetch, a bulk store with a bulk group, clusters of one
     * block (registers, mapa, barrier.cluster).
     */
    @Test
    void inlinePtxBulkCopiesWithTransactionCountsAndParityWaits() {
        String src = """
                __global__ void __cluster_dims__(1, 1, 1) raw(const int *in, int *out)
                {
                    __shared__ __align__(16) int tile[64];
                    __shared__ __align__(8) unsigned long long bar;
                    unsigned rank, nranks, cluster;
                    asm volatile("mov.u32 %0, %%cluster_ctarank;\\n\\tmov.u32 %1, %%cluster_nctarank;\\n\\t"
                                 "mov.u32 %2, %%clusterid.x;" : "=r"(rank), "=r"(nranks), "=r"(cluster));
                    if (threadIdx.x == 0) {
                        asm volatile("{ .reg .u64 b; cvta.to.shared.u64 b, %0; mbarrier.init.shared::cta.b64 [b], %1; }"
                                     :: "l"(&bar), "r"(blockDim.x) : "memory");
                        asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
                    }
                    asm volatile("barrier.cluster.arrive.release.aligned;\\n\\tbarrier.cluster.wait.acquire.aligned;" ::: "memory");
                    for (int phase = 0; phase < 2; phase++) {
                        const int *from = in + (blockIdx.x * 2 + phase) * 64;
                        if (threadIdx.x == 0) {
                            asm volatile("{ .reg .u64 s, b, m; .reg .b64 st;\\n\\t"
                                         "cvta.to.shared.u64 s, %0;\\n\\tcvta.to.shared.u64 b, %2;\\n\\t"
                                         "mapa.shared::cluster.u64 m, s, 0;\\n\\t"
                                         "cp.async.bulk.prefetch.L2.global [%1], 256;\\n\\t"
                                         "mbarrier.expect_tx.relaxed.cta.shared::cta.b64 [b], 128;\\n\\t"
                                         "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [m], [%1], 256, [b];\\n\\t"
                                         "mbarrier.complete_tx.relaxed.cta.shared::cta.b64 [b], 0;\\n\\t"
                                         "mbarrier.arrive.expect_tx.release.cta.shared::cta.b64 st, [b], 128; }"
                                         :: "l"(tile), "l"(from), "l"(&bar) : "memory");
                        } else {
                            asm volatile("{ .reg .u64 b; .reg .b64 st; cvta.to.shared.u64 b, %0;"
                                         " mbarrier.arrive.shared::cta.b64 st, [b]; }" :: "l"(&bar) : "memory");
                        }
                        asm volatile("{ .reg .u64 b; .reg .pred done; cvta.to.shared.u64 b, %0;\\n"
                                     "WAIT:\\n\\tmbarrier.try_wait.parity.shared::cta.b64 done, [b], %1;\\n\\t"
                                     "@!done bra WAIT; }" :: "l"(&bar), "r"(phase & 1) : "memory");
                        int v = tile[63 - threadIdx.x] + (int)(rank * 1000 + nranks * 100) + (int)cluster;
                        __syncthreads();
                        tile[threadIdx.x] = v;
                        asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                        __syncthreads();
                        if (threadIdx.x == 0) {
                            asm volatile("{ .reg .u64 s; cvta.to.shared.u64 s, %1;\\n\\t"
                                         "cp.async.bulk.global.shared::cta.bulk_group [%0], [s], 256;\\n\\t"
                                         "cp.async.bulk.commit_group;\\n\\tcp.async.bulk.wait_group.read 0; }"
                                         :: "l"(out + (blockIdx.x * 2 + phase) * 64), "l"(tile) : "memory");
                        }
                        __syncthreads();
                    }
                }
                """;
        int blocks = 3;
        int[] in = ints(blocks * 128, 4);
        int[] expected = new int[in.length];
        for (int b = 0; b < blocks; b++) {
            for (int p = 0; p < 2; p++) {
                for (int t = 0; t < 64; t++) {
                    expected[(b * 2 + p) * 64 + t] = in[(b * 2 + p) * 64 + 63 - t] + 100 + b;
                }
            }
        }
        check(CaseBuilder.of("inline_bulk_ptx", "raw.cu", src).kernel("raw").launch(Dim3.of(blocks), Dim3.of(64))
                .in("in", in).out("out", new int[in.length], expected).build());
    }

    /**
     * The hand-written style of TMA code: 32-bit shared addresses from {@code __cvta_generic_to_shared}
     * in {@code "r"} operands, a wait loop with a label inside the asm block (one per unrolled call).
     * OpenCL refuses it by name at the first use of such an address: PoCL's {@code __local} addresses
     * do not fit 32 bits (nvcc's PTX of any kernel with shared memory likewise).
     */
    @Test
    void thirtyTwoBitSharedAddressesFromCvtaGenericToShared() {
        String src = """
                __device__ inline unsigned smem(const void *p) { return (unsigned)__cvta_generic_to_shared(p); }
                __device__ inline void waitParity(unsigned bar, unsigned parity)
                {
                    asm volatile("{\\n\\t.reg .pred P1;\\nLAB_WAIT:\\n\\t"
                                 "mbarrier.try_wait.parity.shared::cta.b64 P1, [%0], %1;\\n\\t"
                                 "@P1 bra DONE;\\n\\tbra LAB_WAIT;\\nDONE:\\n\\t}" :: "r"(bar), "r"(parity) : "memory");
                }
                __global__ void cvta(const float *in, float *out)
                {
                    __shared__ __align__(16) float tile[3][32];
                    __shared__ __align__(8) unsigned long long bar;
                    unsigned b = smem(&bar);
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" :: "r"(b), "r"(blockDim.x) : "memory");
                    }
                    __syncthreads();
                    float sum = 0.0f;
                    #pragma unroll
                    for (int k = 0; k < 3; k++) {
                        if (threadIdx.x == 0) {
                            asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" :: "r"(b), "r"(128) : "memory");
                            asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];"
                                         :: "r"(smem(tile[k])), "l"(in + (blockIdx.x * 3 + k) * 32), "r"(128), "r"(b) : "memory");
                        } else {
                            asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" :: "r"(b) : "memory");
                        }
                        waitParity(b, k & 1);
                        sum += tile[k][31 - threadIdx.x] * (float)(k + 1);
                    }
                    out[blockIdx.x * 32 + threadIdx.x] = sum;
                }
                """;
        int blocks = 2;
        float[] in = new float[blocks * 96];
        for (int i = 0; i < in.length; i++) {
            in[i] = i * 0.25f - 7;
        }
        float[] expected = new float[blocks * 32];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 32; t++) {
                float sum = 0.0f;
                for (int k = 0; k < 3; k++) {
                    sum += in[(b * 3 + k) * 32 + 31 - t] * (float) (k + 1);
                }
                expected[b * 32 + t] = sum;
            }
        }
        KernelCase c = CaseBuilder.of("cvta_shared", "cvta.cu", src).kernel("cvta").launch(Dim3.of(blocks), Dim3.of(32))
                .in("in", in).out("out", new float[expected.length], expected).build();
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "", SM90);
        CompileResult compiled = AllPaths.compile(c.request());
        CompileException e = org.junit.jupiter.api.Assertions.assertThrows(CompileException.class,
                () -> OpenClTestDevice.backend().open(compiled).close());
        assertTrue(e.getMessage().contains("a shared-memory address held in 32 bits"), e.getMessage());
        assertEquals("cvta.cu", e.first().file(), e.getMessage());
        assertEquals(14, e.first().line(), e.getMessage()); // the kernel's mbarrier.init, the first to use one
        CompileResult viaPtx = AllPaths.compile(CompileRequest.of("cvta.ptx", Nvcc.ptx(src, SM90, List.of())));
        CompileException p = org.junit.jupiter.api.Assertions.assertThrows(CompileException.class,
                () -> OpenClTestDevice.backend().open(viaPtx).close());
        assertTrue(p.getMessage().contains("is not supported on the OpenCL C back end"), p.getMessage());
    }

    @Test
    void anMbarrierOfPartOfTheBlockStopsTheKernelAtItsInit() {
        String src = """
                #include <cuda/ptx>
                __global__ void part(int *out)
                {
                    __shared__ uint64_t bar;
                    if (threadIdx.x == 0) { cuda::ptx::mbarrier_init(&bar, 32); }
                    __syncthreads();
                    out[threadIdx.x] = 1;
                }
                """;
        KernelCase c = CaseBuilder.of("mbarrier_part", "part.cu", src).kernel("part").launch(Dim3.of(1), Dim3.of(64))
                .out("out", new int[64], null).build();
        CompileResult compiled = AllPaths.compile(c.request());
        assertTrue(compiled.warnings().stream().anyMatch(d -> d.line() == 5
                && d.message().contains("cuda::ptx::mbarrier_init initialized for 32 threads")), compiled.warnings()::toString);
        stops("wasm", KernelHarness.backend(2), compiled, c, "part.cu:5");
        stops("opencl", OpenClTestDevice.backend(), compiled, c, "part.cu:5");
    }

    @Test
    void aMisalignedBulkCopyStopsTheKernelAtTheCallersLine() {
        String src = HEADERS + """
                __global__ void skewed(const int *in, int *out)
                {
                    __shared__ __align__(16) int tile[68];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cuda::device::memcpy_async_tx(tile + 1, in, cuda::aligned_size_t<16>(256), bar);
                    }
                    bar.arrive_and_wait();
                    out[threadIdx.x] = tile[threadIdx.x];
                }
                """;
        KernelCase c = CaseBuilder.of("misaligned_bulk", "skewed.cu", src).kernel("skewed").launch(Dim3.of(1), Dim3.of(64))
                .in("in", new int[64]).out("out", new int[64], null).build();
        CompileResult compiled = AllPaths.compile(c.request());
        stops("wasm", KernelHarness.backend(2), compiled, c, "skewed.cu:11");
        stops("opencl", OpenClTestDevice.backend(), compiled, c, "skewed.cu:11");
        String ptx = Nvcc.ptx(src, SM90, List.of());
        List<String> lines = ptx.lines().toList();
        int bulk = 1 + java.util.stream.IntStream.range(0, lines.size())
                .filter(i -> lines.get(i).contains("cp.async.bulk.shared::cluster")).findFirst().orElseThrow();
        stops("ptx", KernelHarness.backend(2), AllPaths.compile(CompileRequest.of("skewed.ptx", ptx)), c,
                "skewed.ptx:" + bulk + ")");
    }

    @Test
    void oversizedClustersAndDroppedArrivalsAreRefusedByName() {
        AllPaths.refuses("""
                __global__ void __cluster_dims__(4, 4, 1) pair(int *out) { out[threadIdx.x] = 1; }
                """, "__cluster_dims__ of 16 blocks: a cluster holds at most 8 blocks");
        AllPaths.refuses(HEADERS + """
                __global__ void k(int *out)
                {
                    __shared__ barrier bar;
                    auto t = cuda::device::barrier_arrive_tx(bar, 2, 64);
                }
                """, "an arrival that counts for 2 threads is not supported");
        String head = """
                .version 8.0
                .target sm_90
                .address_size 64
                .visible .entry k(.param .u64 p)
                {
                    .reg .b64 %rd<3>;
                    .reg .b16 %rs<2>;
                    .shared .align 128 .b8 s[64];
                    .shared .align 8 .b64 bar;
                    ld.param.u64 %rd1, [p];
                """;
        refusedPtx(head + "    mbarrier.arrive_drop.shared.b64 %rd2, [bar];\n    ret;\n}\n", 11,
                "(arrive_drop, pending_count) are not supported");
        refusedPtx("""
                .version 8.0
                .target sm_90
                .address_size 64
                .visible .entry k(.param .u64 p)
                .reqnctapercluster 4, 4, 1
                {
                    ret;
                }
                """, 5, "a cluster of 16 blocks: a cluster holds at most 8 blocks");
    }

    /** nvcc's sm_90 PTX of a kernel with {@code __cluster_dims__(2, 1, 1)} keeps its cluster shape. */
    @Test
    void aKernelsClusterDimensionsComeThroughPtx() {
        String ptx = Nvcc.ptx("""
                __global__ void __cluster_dims__(2, 1, 1) pair(int *out) { out[threadIdx.x] = 1; }
                """, SM90, List.of());
        io.cudawasm.kernels.wasm.WasmKernel k = KernelCompiler.compile(CompileRequest.of("pair.ptx", ptx)).wasm()
                .kernels().get(0);
        assertEquals(new io.cudawasm.kernels.kir.ClusterDims(2, 1, 1), k.clusterDims());
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
