package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.kernels.abi.TensorMapAbi.Swizzle;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.TensorMapSpec;
import io.cudawasm.runtime.launch.TensorMapText;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Swizzled tensor maps ({@code CU_TENSOR_MAP_SWIZZLE_32B/64B/128B}) against Java references: the
 * kernels find each element of the box in shared memory with CUDA's pattern written out (the 16-byte
 * chunk index XOR-ed with the 128-byte line index, bits 4.. with bits 7..), on the CUDA source path
 * ({@code cde::cp_async_bulk_tensor_*}) and through nvcc's PTX ({@code cp.async.bulk.tensor}); loads,
 * stores back through the map and bulk reductions all see the same layout.
 */
class SwizzledTensorMapTest {
    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);
    private static final String HEADERS = """
            #include <cuda.h>
            #include <cuda/barrier>
            using barrier = cuda::barrier<cuda::thread_scope_block>;
            namespace cde = cuda::device::experimental;
            // the byte of a box (rows of rowBytes, one after the other) in swizzled shared memory
            __device__ unsigned swizzled(unsigned offset, unsigned bits)
            {
                return offset ^ (((offset >> 7) & ((1u << bits) - 1)) << 4);
            }
            """;
    /** A 70 x 21 float tensor in rows of 80 floats. */
    private static final int W = 70;
    private static final int H = 21;
    private static final int PITCH = 80;
    private static final int ROWS = 8;

    private static float[] tensor(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[PITCH * H];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(-1000, 1000) / 4.0f;
        }
        return a;
    }

    /** A map whose box rows fill the swizzle's span: 8, 16 or 32 floats by 8 rows. */
    private static TensorMapSpec map(Swizzle s) {
        return new TensorMapSpec(4, new long[] {W, H}, new long[] {PITCH * 4}, new int[] {s.span() / 4, ROWS})
                .withSwizzle(s);
    }

    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "", SM90);
    }

    /** Boxes loaded with every swizzle, read back element by element at the swizzled places; outside reads zero. */
    @Test
    void loadedBoxesLieAtTheirSwizzledPlaces() {
        String src = HEADERS + """
                __global__ void tiles(const __grid_constant__ CUtensorMap map, float *out, int boxW, int bits)
                {
                    __shared__ __align__(1024) float tile[256];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    int x = (int)blockIdx.x * boxW - 4;
                    int y = (int)blockIdx.y * 8 - 3;
                    barrier::arrival_token token;
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(tile, &map, x, y, bar);
                        token = cuda::device::barrier_arrive_tx(bar, 1, boxW * 8 * sizeof(float));
                    } else {
                        token = bar.arrive();
                    }
                    bar.wait(std::move(token));
                    int block = blockIdx.y * gridDim.x + blockIdx.x;
                    for (int i = threadIdx.x; i < boxW * 8; i += blockDim.x) {
                        unsigned at = swizzled((unsigned)i * 4, (unsigned)bits);
                        out[block * boxW * 8 + i] = *(const float *)((const char *)tile + at);
                    }
                }
                """;
        for (Swizzle s : new Swizzle[] {Swizzle.B32, Swizzle.B64, Swizzle.B128}) {
            float[] t = tensor(s.ordinal());
            int boxW = s.span() / 4;
            int gx = (W + 4 + boxW - 1) / boxW;
            int gy = (H + 3 + 7) / 8;
            float[] expected = new float[gx * gy * boxW * 8];
            for (int by = 0; by < gy; by++) {
                for (int bx = 0; bx < gx; bx++) {
                    for (int i = 0; i < boxW * 8; i++) {
                        int x = bx * boxW - 4 + i % boxW;
                        int y = by * 8 - 3 + i / boxW;
                        expected[(by * gx + bx) * boxW * 8 + i] = x >= 0 && x < W && y >= 0 && y < H ? t[y * PITCH + x] : 0;
                    }
                }
            }
            check(CaseBuilder.of("tensor_swizzle_load_" + s.label(), "tiles.cu", src).kernel("tiles")
                    .launch(new Dim3(gx, gy, 1), Dim3.of(64)).tensorMap("tensor", t, null, map(s))
                    .out("out", new float[expected.length], expected).scalar(boxW).scalar(s.ordinal()).build());
        }
    }

    /** Changed in place at the swizzled places and stored back through the map: inside changes, outside and padding stay. */
    @Test
    void storesBackReadTheSwizzledLayout() {
        String src = HEADERS + """
                __global__ void scale(const __grid_constant__ CUtensorMap map, int boxW, int bits)
                {
                    __shared__ __align__(1024) float tile[256];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    int x = (int)blockIdx.x * boxW;
                    int y = (int)blockIdx.y * 8;
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(tile, &map, x, y, bar);
                    }
                    bar.arrive_and_wait();
                    for (int i = threadIdx.x; i < boxW * 8; i += blockDim.x) {
                        float *e = (float *)((char *)tile + swizzled((unsigned)i * 4, (unsigned)bits));
                        *e = *e * 2.0f + (float)(i % boxW) - (float)(i / boxW);
                    }
                    cde::fence_proxy_async_shared_cta();
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_shared_to_global(&map, x, y, tile);
                        cde::cp_async_bulk_commit_group();
                        cde::cp_async_bulk_wait_group_read<0>();
                    }
                }
                """;
        for (Swizzle s : new Swizzle[] {Swizzle.B32, Swizzle.B64, Swizzle.B128}) {
            float[] t = tensor(10 + s.ordinal());
            int boxW = s.span() / 4;
            int gx = (W + boxW - 1) / boxW;
            int gy = (H + 7) / 8;
            float[] expected = t.clone();
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    expected[y * PITCH + x] = t[y * PITCH + x] * 2.0f + x % boxW - y % 8;
                }
            }
            check(CaseBuilder.of("tensor_swizzle_store_" + s.label(), "scale.cu", src).kernel("scale")
                    .launch(new Dim3(gx, gy, 1), Dim3.of(64)).tensorMap("tensor", t, expected, map(s))
                    .scalar(boxW).scalar(s.ordinal()).build());
        }
    }

    /** A bulk reduction of a swizzled map reads its source box in the swizzled layout (inline PTX). */
    @Test
    void reductionsReadTheSwizzledLayout() {
        String src = HEADERS + """
                __global__ void add(const __grid_constant__ CUtensorMap map, int boxW, int bits)
                {
                    __shared__ __align__(1024) float tile[256];
                    for (int i = threadIdx.x; i < boxW * 8; i += blockDim.x) {
                        *(float *)((char *)tile + swizzled((unsigned)i * 4, (unsigned)bits)) = (float)(i % boxW * 8 + i / boxW);
                    }
                    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                        int x = (int)blockIdx.x * boxW - 2;
                        int y = (int)blockIdx.y * 8 - 1;
                        asm volatile("cp.reduce.async.bulk.tensor.2d.global.shared::cta.add.tile.bulk_group"
                                     " [%0, {%1, %2}], [%3];\\n\\tcp.async.bulk.commit_group;\\n\\t"
                                     "cp.async.bulk.wait_group.read 0;" :: "l"(&map), "r"(x), "r"(y), "r"(s) : "memory");
                    }
                }
                """;
        Swizzle s = Swizzle.B128;
        float[] t = tensor(20);
        int boxW = s.span() / 4;
        int gx = (W + 2 + boxW - 1) / boxW;
        int gy = (H + 1 + 7) / 8;
        float[] expected = t.clone();
        for (int by = 0; by < gy; by++) {
            for (int bx = 0; bx < gx; bx++) {
                for (int i = 0; i < boxW * 8; i++) {
                    int x = bx * boxW - 2 + i % boxW;
                    int y = by * 8 - 1 + i / boxW;
                    if (x >= 0 && x < W && y >= 0 && y < H) {
                        expected[y * PITCH + x] += i % boxW * 8 + i / boxW;
                    }
                }
            }
        }
        check(CaseBuilder.of("tensor_swizzle_reduce", "add.cu", src).kernel("add").launch(new Dim3(gx, gy, 1),
                Dim3.of(64)).tensorMap("tensor", t, expected, map(s)).scalar(boxW).scalar(s.ordinal()).build());
    }

    /** A destination that is 128-byte but not 1024-byte aligned stops a 128B-swizzled copy at its line. */
    @Test
    void aSharedAddressOffTheSwizzlesRepeatStopsTheKernel() {
        String src = HEADERS + """
                __global__ void skewed(const __grid_constant__ CUtensorMap map, float *out)
                {
                    __shared__ __align__(1024) float tile[512];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(&tile[32], &map, 0, 0, bar);
                    }
                    bar.arrive_and_wait();
                    out[threadIdx.x] = tile[32 + threadIdx.x];
                }
                """;
        KernelCase c = CaseBuilder.of("tensor_swizzle_misaligned", "skewed.cu", src).kernel("skewed")
                .launch(Dim3.of(1), Dim3.of(32)).tensorMap("tensor", tensor(30), null, map(Swizzle.B128))
                .out("out", new float[32], null).build();
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), AllPaths.compile(c.request()), c.launch());
        assertNotNull(r.failure(), "the kernel ran to its end");
        assertTrue(r.failure().getMessage().contains("skewed.cu:17"), r.failure().getMessage());
        assertTrue(r.failure().getMessage().contains(TensorMapAbi.SWIZZLE), r.failure().getMessage());
        // the same with the 32B swizzle, whose repeat is 256 bytes: 128 bytes in is off it too
        KernelCase c32 = CaseBuilder.of("tensor_swizzle_misaligned32", "skewed.cu", src).kernel("skewed")
                .launch(Dim3.of(1), Dim3.of(32)).tensorMap("tensor", tensor(31), null, map(Swizzle.B32))
                .out("out", new float[32], null).build();
        CheckedRun.BackendRun r32 = CheckedRun.run(KernelHarness.backend(2), AllPaths.compile(c32.request()),
                c32.launch());
        assertNotNull(r32.failure(), "the kernel ran to its end");
        assertTrue(r32.failure().getMessage().contains(TensorMapAbi.SWIZZLE), r32.failure().getMessage());
    }

    @Test
    void boxRowsWiderThanTheSpanAreRefusedWhereTheMapIsMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TensorMapSpec(4,
                new long[] {W, H}, new long[] {PITCH * 4}, new int[] {16, 8}).withSwizzle(Swizzle.B32));
        assertTrue(e.getMessage().contains("does not fit the 32B swizzle"), e.getMessage());
        // the text form takes the swizzle after the strides (or the box)
        TensorMapText text = TensorMapText.parse("tensormap:f32:64x16:32x8:128B/random:1024");
        assertEquals(Swizzle.B128, text.spec().swizzle());
        assertEquals(TensorMapAbi.Kind.FLOAT, text.spec().kind());
        TensorMapText strided = TensorMapText.parse("tensormap:i32:40x16:16x8:192:64b/iota:768");
        assertEquals(Swizzle.B64, strided.spec().swizzle());
        assertEquals(192, strided.spec().strides()[0]);
        assertEquals(TensorMapAbi.Kind.SIGNED, strided.spec().kind());
        assertEquals(Swizzle.NONE, TensorMapText.parse("tensormap:u32:64:32/iota:64").spec().swizzle());
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> TensorMapText.parse("tensormap:f32:64x16:32x8:32B/random:1024"));
        assertTrue(wide.getMessage().contains("does not fit the 32B swizzle"), wide.getMessage());
    }
}
