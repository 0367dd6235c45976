package io.cudawasm.runtime.language;

import static io.cudawasm.runtime.backend.check.TensorCopyCases.H;
import static io.cudawasm.runtime.backend.check.TensorCopyCases.HEADERS;
import static io.cudawasm.runtime.backend.check.TensorCopyCases.PITCH;
import static io.cudawasm.runtime.backend.check.TensorCopyCases.W;
import static io.cudawasm.runtime.backend.check.TensorCopyCases.map;
import static io.cudawasm.runtime.backend.check.TensorCopyCases.pitched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.check.TensorCopyCases;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.TensorMapSpec;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * sm_90's bulk tensor copies (TMA) against Java references: {@code cde::cp_async_bulk_tensor_*}
 * from CUDA source and {@code cp.async.bulk.tensor} from the PTX nvcc makes of it (compute_90),
 * over tensor maps the launch makes ({@link TensorMapSpec}). Boxes that stick out of the tensor read
 * zeros there and store nothing there; padding between rows is never touched.
 */
class TensorCopyTest {
    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);
    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "", SM90);
    }

    private static float at(float[] t, int x, int y) {
        return x < 0 || y < 0 || x >= W || y >= H ? 0.0f : t[y * PITCH + x];
    }

    @Test
    void twoDimensionalBoxesReadZerosOutsideTheTensor() {
        KernelCase c = TensorCopyCases.load();
        check(c);
        // memcheck finds nothing wrong with the copy's reads of the map and the tensor
        CheckedRun.Launch checked = new CheckedRun.Launch(c.launch().kernel(), c.launch().config(), c.launch().args(),
                java.util.Map.of(), io.cudawasm.runtime.launch.LaunchOptions.DEFAULT.withMemcheck(true));
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), AllPaths.compile(c.request()), checked);
        assertTrue(r.failure() == null, () -> r.failure().getMessage());
        assertTrue(c.againstReference(r).stream().allMatch(io.cudawasm.runtime.backend.check.BufferComparison::passed));
    }

    /** Tiles that stick out at the right and bottom store back only what lies inside; the row padding stays. */
    @Test
    void storesBackThroughTheMapLeaveOutsideAndPaddingAlone() {
        check(TensorCopyCases.storeBack());
    }

    /** Three dimensions through a device function's {@code const CUtensorMap *}, boxes sticking out on every side. */
    @Test
    void threeDimensionalBoxesThroughAPointerToTheMap() {
        String src = HEADERS + """
                __device__ void load(int *dst, const CUtensorMap *m, int x, int y, int z, barrier &bar)
                {
                    cde::cp_async_bulk_tensor_3d_global_to_shared(dst, m, x, y, z, bar);
                }
                __global__ void boxes(const __grid_constant__ CUtensorMap map, int *out)
                {
                    __shared__ alignas(128) int box[2][4][8];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) {
                        init(&bar, blockDim.x);
                    }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        load(&box[0][0][0], &map, (int)blockIdx.x * 8 - 4, (int)blockIdx.y * 4 - 1, (int)blockIdx.z * 2 - 1,
                             bar);
                    }
                    bar.arrive_and_wait();
                    int block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
                    out[block * 64 + threadIdx.x] = (&box[0][0][0])[threadIdx.x];
                }
                """;
        int dx = 8;
        int dy = 5;
        int dz = 6;
        int[] tensor = new int[dx * dy * dz];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < tensor.length; i++) {
            tensor[i] = r.nextInt(1, 1_000_000);
        }
        Dim3 grid = new Dim3(2, 2, 4);
        int[] expected = new int[2 * 2 * 4 * 64];
        for (int bz = 0; bz < 4; bz++) {
            for (int by = 0; by < 2; by++) {
                for (int bx = 0; bx < 2; bx++) {
                    int block = (bz * 2 + by) * 2 + bx;
                    for (int t = 0; t < 64; t++) {
                        int x = bx * 8 - 4 + t % 8;
                        int y = by * 4 - 1 + t / 8 % 4;
                        int z = bz * 2 - 1 + t / 32;
                        boolean inside = x >= 0 && y >= 0 && z >= 0 && x < dx && y < dy && z < dz;
                        expected[block * 64 + t] = inside ? tensor[(z * dy + y) * dx + x] : 0;
                    }
                }
            }
        }
        TensorMapSpec spec = new TensorMapSpec(4, new long[] {dx, dy, dz}, null, new int[] {8, 4, 2});
        check(CaseBuilder.of("tensor_3d_pointer", "boxes.cu", src).kernel("boxes").launch(grid, Dim3.of(64))
                .tensorMap("tensor", tensor, null, spec).out("out", new int[expected.length], expected).build());
    }

    /** libcu++'s PTX wrapper {@code cuda::ptx::cp_async_bulk_tensor}, coordinates in an array, there and back. */
    @Test
    void cudaPtxWrapperCopiesThereAndBack() {
        String src = """
                #include <cuda.h>
                #include <cuda/ptx>
                namespace ptx = cuda::ptx;
                __global__ void negate(const __grid_constant__ CUtensorMap map)
                {
                    __shared__ alignas(128) float tile[8][16];
                    __shared__ uint64_t bar;
                    if (threadIdx.x == 0) {
                        ptx::mbarrier_init(&bar, blockDim.x);
                    }
                    __syncthreads();
                    const int32_t at[2] = {(int32_t)blockIdx.x * 16, (int32_t)blockIdx.y * 8};
                    uint64_t state;
                    if (threadIdx.x == 0) {
                        ptx::cp_async_bulk_tensor(ptx::space_cluster, ptx::space_global, &tile, &map, at, &bar);
                        state = ptx::mbarrier_arrive_expect_tx(ptx::sem_release, ptx::scope_cta, ptx::space_shared, &bar,
                                                               sizeof(tile));
                    } else {
                        state = ptx::mbarrier_arrive(&bar);
                    }
                    while (!ptx::mbarrier_try_wait(&bar, state)) {
                    }
                    float *t = &tile[0][0];
                    t[threadIdx.x] = -t[threadIdx.x];
                    ptx::fence_proxy_async(ptx::space_shared);
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        ptx::cp_async_bulk_tensor(ptx::space_global, ptx::space_shared, &map, at, &tile);
                        ptx::cp_async_bulk_commit_group();
                        ptx::cp_async_bulk_wait_group_read(ptx::n32_t<0>());
                    }
                }
                """;
        float[] tensor = pitched(8);
        float[] expected = tensor.clone();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                expected[y * PITCH + x] = -tensor[y * PITCH + x];
            }
        }
        check(CaseBuilder.of("tensor_cuda_ptx", "negate.cu", src).kernel("negate").launch(new Dim3(3, 4, 1), Dim3.of(128))
                .tensorMap("tensor", tensor, expected, map()).build());
    }

    /**
     * Hand-written PTX: a 1-D box through {@code [map, {c}]} operands, the tensor prefetches (hints),
     * and the store back in a bulk group, in the C module's own device library.
     */
    @Test
    void inlinePtxTensorCopiesThereAndBack() {
        String src = """
                #include <cuda.h>
                __global__ void shift(const __grid_constant__ CUtensorMap map, int delta)
                {
                    __shared__ __align__(128) int tile[32];
                    __shared__ __align__(8) unsigned long long bar;
                    unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                    unsigned b = (unsigned)__cvta_generic_to_shared(&bar);
                    int c = blockIdx.x * 32 - 16;
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" :: "r"(b), "r"(blockDim.x) : "memory");
                    }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        asm volatile("prefetch.tensormap [%0];\\n\\t"
                                     "cp.async.bulk.prefetch.tensor.1d.L2.global.tile [%0, {%1}];\\n\\t"
                                     "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%3], 128;\\n\\t"
                                     "cp.async.bulk.tensor.1d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
                                     " [%2], [%0, {%1}], [%3];" :: "l"(&map), "r"(c), "r"(s), "r"(b) : "memory");
                    } else {
                        asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" :: "r"(b) : "memory");
                    }
                    asm volatile("{ .reg .pred done;\\nWAIT:\\n\\tmbarrier.try_wait.parity.shared::cta.b64 done, [%0], 0;\\n\\t"
                                 "@!done bra WAIT; }" :: "r"(b) : "memory");
                    tile[threadIdx.x] += delta * (int)threadIdx.x;
                    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        asm volatile("cp.async.bulk.tensor.1d.global.shared::cta.tile.bulk_group [%0, {%1}], [%2];\\n\\t"
                                     "cp.async.bulk.commit_group;\\n\\tcp.async.bulk.wait_group.read 0;"
                                     :: "l"(&map), "r"(c), "r"(s) : "memory");
                    }
                }
                """;
        int n = 100;
        int[] data = new int[n];
        for (int i = 0; i < n; i++) {
            data[i] = i * 7 - 300;
        }
        int[] expected = data.clone();
        int blocks = 4;
        // block b covers elements b*32-16 .. b*32+15: each element inside once, the first 16 of block 0 outside
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 32; t++) {
                int i = b * 32 - 16 + t;
                if (i >= 0 && i < n) {
                    expected[i] = data[i] + 5 * t;
                }
            }
        }
        TensorMapSpec spec = new TensorMapSpec(4, new long[] {n}, null, new int[] {32});
        check(CaseBuilder.of("tensor_inline_ptx", "shift.cu", src).kernel("shift").launch(Dim3.of(blocks), Dim3.of(32))
                .tensorMap("data", data, expected, spec).scalar(5).build());
    }

    /**
     * The CUDA back end's C of a tensor-copy kernel (the header's copy, in software, over this
     * project's map layout) through nvcc for sm_90 and back onto the CPU path gives the reference
     * results: the emitter carries the copy. (The CUDA back end itself takes no tensor-map argument.)
     */
    @Test
    void theCudaCOfATensorCopyGivesTheReferenceResultsThroughItsPtx() {
        String src = HEADERS + """
                __global__ void sum(const __grid_constant__ CUtensorMap map, float *out)
                {
                    __shared__ alignas(128) float tile[8][16];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(&tile, &map, (int)blockIdx.x * 16 - 4, 20, bar);
                    }
                    bar.arrive_and_wait();
                    out[blockIdx.x * 128 + threadIdx.x] = tile[threadIdx.x / 16][threadIdx.x % 16] + 0.5f;
                }
                """;
        io.cudawasm.kernels.cuda.CudaProgram program = AllPaths.compile(CompileRequest.of("sum.cu", src)).cuda();
        String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(program, "compute_90");
        float[] tensor = pitched(7);
        try (KernelHarness h = KernelHarness.of(KernelCompiler.compile(CompileRequest.of("sum_cuda.ptx", ptx)), 2)) {
            io.cudawasm.runtime.memory.DeviceBuffer t = h.buffer(tensor);
            io.cudawasm.runtime.memory.DeviceBuffer out = h.buffer(new float[3 * 128]);
            h.launch("sum", new io.cudawasm.runtime.launch.LaunchConfig(Dim3.of(3), Dim3.of(128), 0),
                    io.cudawasm.runtime.launch.LaunchOptions.DEFAULT,
                    new io.cudawasm.runtime.launch.KernelArg.TensorMap(t, 0, map()), out);
            float[] got = h.floats(out);
            for (int b = 0; b < 3; b++) {
                for (int i = 0; i < 128; i++) {
                    assertEquals(at(tensor, b * 16 - 4 + i % 16, 20 + i / 16) + 0.5f, got[b * 128 + i], 0.0f,
                            "block " + b + " element " + i);
                }
            }
        }
    }

    /** Hand-written PTX may name the {@code .param} map itself as the copy's operand (the map is in parameter space). */
    @Test
    void handWrittenPtxNamesTheParameterMapDirectly() {
        String ptx = """
                .version 8.0
                .target sm_90
                .address_size 64
                .visible .entry rows(.param .align 64 .b8 map[128], .param .u64 out)
                {
                    .reg .b32 %r<6>;
                    .reg .b64 %rd<6>;
                    .reg .f32 %f<2>;
                    .reg .pred %p<2>;
                    .shared .align 128 .b8 tile[64];
                    .shared .align 8 .b64 bar;
                    mov.u32 %r1, %ctaid.x;
                    shl.b32 %r2, %r1, 4;
                    sub.s32 %r2, %r2, 8;
                    mov.u32 %r3, %tid.x;
                    setp.ne.u32 %p1, %r3, 0;
                    @%p1 bra WAIT;
                    mbarrier.init.shared.b64 [bar], 16;
                    cp.async.bulk.tensor.1d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [tile], [map, {%r2}], [bar];
                WAIT:
                    bar.sync 0;
                    mov.u32 %r4, tile;
                    shl.b32 %r5, %r3, 2;
                    add.s32 %r4, %r4, %r5;
                    ld.shared.f32 %f1, [%r4];
                    ld.param.u64 %rd1, [out];
                    cvta.to.global.u64 %rd2, %rd1;
                    shl.b32 %r5, %r1, 4;
                    add.s32 %r5, %r5, %r3;
                    mul.wide.u32 %rd3, %r5, 4;
                    add.s64 %rd4, %rd2, %rd3;
                    st.global.f32 [%rd4], %f1;
                    ret;
                }
                """;
        float[] data = new float[40];
        for (int i = 0; i < data.length; i++) {
            data[i] = i + 0.25f;
        }
        float[] expected = new float[4 * 16];
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t < 16; t++) {
                int i = b * 16 - 8 + t;
                expected[b * 16 + t] = i >= 0 && i < data.length ? data[i] : 0.0f;
            }
        }
        KernelCase c = CaseBuilder.of("tensor_param_ptx", CompileRequest.of("rows.ptx", ptx)).kernel("rows")
                .launch(Dim3.of(4), Dim3.of(16)).tensorMap("data", data, null,
                        new TensorMapSpec(4, new long[] {data.length}, null, new int[] {16}))
                .out("out", new float[expected.length], expected).build();
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), AllPaths.compile(c.request()), c.launch());
        assertTrue(r.failure() == null, () -> r.failure().getMessage());
        assertTrue(c.againstReference(r).stream().allMatch(io.cudawasm.runtime.backend.check.BufferComparison::passed),
                () -> c.againstReference(r).toString());
    }

    @Test
    void aMisalignedSharedDestinationStopsTheKernelAtTheCopy() {
        String src = HEADERS + """
                __global__ void skewed(const __grid_constant__ CUtensorMap map, float *out)
                {
                    __shared__ alignas(128) float tile[8][20];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(&tile[0][4], &map, 0, 0, bar);
                    }
                    bar.arrive_and_wait();
                    out[threadIdx.x] = tile[0][threadIdx.x];
                }
                """;
        KernelCase c = CaseBuilder.of("tensor_misaligned", "skewed.cu", src).kernel("skewed").launch(Dim3.of(1), Dim3.of(16))
                .tensorMap("tensor", pitched(4), null, map()).out("out", new float[16], null).build();
        stops(KernelHarness.backend(2), AllPaths.compile(c.request()), c, "skewed.cu:12", TensorMapAbi.MISALIGNED);
        String ptx = Nvcc.ptx(src, SM90, List.of());
        stops(KernelHarness.backend(2), AllPaths.compile(CompileRequest.of("skewed.ptx", ptx)), c,
                "skewed.ptx:" + lineOf(ptx, "cp.async.bulk.tensor") + ")", TensorMapAbi.MISALIGNED);
    }

    /** A map the launch did not make (plain bytes), and a copy whose dimension count is not the map's rank. */
    @Test
    void bytesThatAreNotAMapAndAWrongRankStopTheKernel() {
        String src = HEADERS + """
                __global__ void one(const __grid_constant__ CUtensorMap map, float *out)
                {
                    __shared__ alignas(128) float row[16];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_1d_global_to_shared(row, &map, 0, bar);
                    }
                    bar.arrive_and_wait();
                    out[threadIdx.x] = row[threadIdx.x];
                }
                """;
        KernelCase plain = CaseBuilder.of("tensor_not_a_map", "one.cu", src).kernel("one").launch(Dim3.of(1), Dim3.of(16))
                .struct(new byte[TensorMapAbi.BYTES]).out("out", new float[16], null).build();
        CompileResult compiled = AllPaths.compile(plain.request());
        stops(KernelHarness.backend(2), compiled, plain, "one.cu:12", "was not made by the launch");
        KernelCase twoD = CaseBuilder.of("tensor_wrong_rank", "one.cu", src).kernel("one").launch(Dim3.of(1), Dim3.of(16))
                .tensorMap("tensor", pitched(5), null, map()).out("out", new float[16], null).build();
        stops(KernelHarness.backend(2), compiled, twoD, "one.cu:12", TensorMapAbi.WRONG_RANK);
    }

    @Test
    void badMapsAreRefusedWhereTheyAreMade() {
        assertRefused(() -> new TensorMapSpec(4, new long[] {4, 4, 4, 4, 4, 4}, null, new int[] {4, 4, 4, 4, 4, 4}),
                "1 to 5 dimensions");
        assertRefused(() -> new TensorMapSpec(4, new long[] {1024, 4}, null, new int[] {260, 4}), "1 to 256 elements");
        assertRefused(() -> new TensorMapSpec(4, new long[] {10, 4}, null, new int[] {4, 4}),
                "stride 1 of a tensor map (40 bytes) must be a multiple of 16");
        assertRefused(() -> new TensorMapSpec(4, new long[] {64, 4}, null, new int[] {2, 4}), "multiple of 16 bytes");
        assertRefused(() -> new TensorMapSpec(3, new long[] {64}, null, new int[] {16}), "1, 2, 4 or 8 bytes");
        assertRefused(() -> new TensorMapSpec(4, new long[] {64, 64}, new long[] {256, 512}, new int[] {16, 16}),
                "has 1 strides");
        assertRefused(() -> new TensorMapSpec(8, new long[] {256, 256}, null, new int[] {256, 256}),
                "a block's shared memory holds at most");
        // a map that would read past its buffer stops the launch before it runs
        KernelCase tooSmall = CaseBuilder.of("tensor_past_the_end", "tiles.cu", HEADERS + """
                __global__ void k(const __grid_constant__ CUtensorMap map, float *out) { out[threadIdx.x] = 1.0f; }
                """).kernel("k").launch(Dim3.of(1), Dim3.of(16))
                .tensorMap("tensor", new float[PITCH * (H - 1)], null, map()).out("out", new float[16], null).build();
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), AllPaths.compile(tooSmall.request()),
                tooSmall.launch());
        assertNotNull(r.failure());
        assertTrue(r.failure().getMessage().contains("go past the buffer's end"), r.failure().getMessage());
        assertTrue(r.failure().getMessage().contains("argument 'map'"), r.failure().getMessage());
    }

    /** OpenCL has no tensor copies: a tensor-map argument is refused by name there. */
    @Test
    void openClRefusesTensorMapsByName() {
        KernelCase c = CaseBuilder.of("tensor_opencl", "k.cu", HEADERS + """
                __global__ void k(const __grid_constant__ CUtensorMap map, float *out) { out[threadIdx.x] = 1.0f; }
                """).kernel("k").launch(Dim3.of(1), Dim3.of(16))
                .tensorMap("tensor", pitched(6), null, map()).out("out", new float[16], null).build();
        CheckedRun.BackendRun r = CheckedRun.run(OpenClTestDevice.backend(), AllPaths.compile(c.request()), c.launch());
        assertNotNull(r.failure());
        assertTrue(r.failure().getMessage().contains("OpenCL has no bulk tensor copies"),
                r.failure().getMessage());
    }

    @Test
    void wideIm2colMulticastAndMalformedTensorCopiesAreRefusedByName() {
        String head = """
                .version 8.0
                .target sm_90
                .address_size 64
                .visible .entry k(.param .u64 p)
                {
                    .reg .b64 %rd<3>;
                    .reg .b32 %r<3>;
                    .reg .b16 %rs<2>;
                    .shared .align 128 .b8 s[64];
                    .shared .align 8 .b64 bar;
                    ld.param.u64 %rd1, [p];
                """;
        refusedPtx(head + "    cp.async.bulk.tensor.3d.shared::cluster.global.im2col::w.mbarrier::complete_tx::bytes"
                + " [s], [%rd1, {%r1, %r1, %r1}], [bar], {%rs1, %rs1};\n    ret;\n}\n", 12, "im2col::w load mode (sm_100)");
        refusedPtx(head + "    cp.async.bulk.tensor.2d.shared::cluster.global.im2col.mbarrier::complete_tx::bytes"
                + " [s], [%rd1, {%r1, %r1}], [bar], {%rs1};\n    ret;\n}\n", 12, "3 to 5 dimensions");
        refusedPtx(head + "    cp.async.bulk.tensor.4d.shared::cluster.global.im2col.mbarrier::complete_tx::bytes"
                + " [s], [%rd1, {%r1, %r1, %r1, %r1}], [bar], {%rs1};\n    ret;\n}\n", 12, "takes 2 offsets, 1 given");
        refusedPtx(head + "    cp.async.bulk.tensor.1d.shared::cluster.global.tile.mbarrier::complete_tx::bytes.multicast::cluster"
                + " [s], [%rd1, {%r1}], [bar], %rs1;\n    ret;\n}\n", 12, "multicast of a bulk tensor copy");
        refusedPtx(head + "    cp.reduce.async.bulk.tensor.1d.global.shared::cta.tile.bulk_group [%rd1, {%r1}], [s];\n"
                + "    ret;\n}\n", 12, "expects a reduction (.add, .min");
        refusedPtx(head + "    cp.reduce.async.bulk.tensor.3d.global.shared::cta.add.im2col.bulk_group"
                + " [%rd1, {%r1, %r1, %r1}], [s];\n    ret;\n}\n", 12, "takes .tile or .im2col_no_offs");
        refusedPtx(head + "    cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
                + " [s], [%rd1, {%r1}], [bar];\n    ret;\n}\n", 12, "a .2d copy takes 2 coordinates, 1 given");
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable make, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static void refusedPtx(String ptx, int line, String message) {
        CompileException e = assertThrows(CompileException.class,
                () -> KernelCompiler.compile(CompileRequest.of("tensor.ptx", ptx)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(line, e.first().line(), e.getMessage());
    }

    private static int lineOf(String text, String fragment) {
        List<String> lines = text.lines().toList();
        return 1 + java.util.stream.IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains(fragment))
                .findFirst().orElseThrow();
    }

    private static void stops(Backend backend, CompileResult compiled, KernelCase c, String where, String why) {
        CheckedRun.BackendRun r = CheckedRun.run(backend, compiled, c.launch());
        assertNotNull(r.failure(), "the kernel ran to its end");
        assertTrue(r.failure().getMessage().contains(where), r.failure().getMessage());
        assertTrue(r.failure().getMessage().contains(why), r.failure().getMessage());
    }
}
