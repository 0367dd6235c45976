package io.cudawasm.runtime.backend.check;

import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.TensorMapSpec;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Kernels of sm_90's bulk tensor copies ({@code cde::cp_async_bulk_tensor_*}) over a tensor map the
 * launch makes, with Java references. They run on the WebAssembly path and on CUDA (whose copies are
 * C reading the project's map, abi/TensorMapAbi); OpenCL refuses tensor maps by name, so they are kept
 * apart from the cases every back end runs.
 */
public final class TensorCopyCases {
    private TensorCopyCases() {}

    /** The includes and names the source path's tensor copies use. */
    public static final String HEADERS = """
            #include <cuda.h>
            #include <cuda/barrier>
            using barrier = cuda::barrier<cuda::thread_scope_block>;
            namespace cde = cuda::device::experimental;
            """;

    /** A 40 x 27 float tensor in rows of 48 floats: the padding between rows must stay as it is. */
    public static final int W = 40;
    public static final int H = 27;
    public static final int PITCH = 48;

    public static List<KernelCase> all() {
        return List.of(load(), storeBack(), im2colLoad());
    }

    /** The tensor's map: 16 x 8 boxes. */
    public static TensorMapSpec map() {
        return new TensorMapSpec(4, new long[] {W, H}, new long[] {PITCH * 4}, new int[] {16, 8});
    }

    /** The tensor's values (and its padding's), from {@code seed}. */
    public static float[] pitched(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[PITCH * H];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextInt(-1000, 1000) / 8;
        }
        return a;
    }

    /** 16 x 8 boxes from (-8, -5) on: the parts outside the tensor read as zeros. */
    public static KernelCase load() {
        String src = HEADERS + """
                __global__ void tma_tiles(const __grid_constant__ CUtensorMap map, float *out, int x0, int y0)
                {
                    __shared__ alignas(128) float tile[8][16];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) {
                        init(&bar, blockDim.x);
                        cde::fence_proxy_async_shared_cta();
                    }
                    __syncthreads();
                    barrier::arrival_token token;
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(&tile, &map, x0 + (int)blockIdx.x * 16,
                                y0 + (int)blockIdx.y * 8, bar);
                        token = cuda::device::barrier_arrive_tx(bar, 1, sizeof(tile));
                    } else {
                        token = bar.arrive();
                    }
                    bar.wait(std::move(token));
                    int block = blockIdx.y * gridDim.x + blockIdx.x;
                    out[block * 128 + threadIdx.x] = tile[threadIdx.x / 16][threadIdx.x % 16] * 2.0f;
                }
                """;
        float[] tensor = pitched(1);
        int x0 = -8;
        int y0 = -5;
        int gx = 4;
        int gy = 5;
        float[] expected = new float[gx * gy * 128];
        for (int by = 0; by < gy; by++) {
            for (int bx = 0; bx < gx; bx++) {
                for (int t = 0; t < 128; t++) {
                    int x = x0 + bx * 16 + t % 16;
                    int y = y0 + by * 8 + t / 16;
                    float v = x < 0 || y < 0 || x >= W || y >= H ? 0.0f : tensor[y * PITCH + x];
                    expected[(by * gx + bx) * 128 + t] = v * 2.0f;
                }
            }
        }
        return CaseBuilder.of("tma_2d_load", "tma_tiles.cu", src).kernel("tma_tiles").launch(new Dim3(gx, gy, 1),
                Dim3.of(128)).tensorMap("tensor", tensor, null, map()).out("out", new float[expected.length], expected)
                .scalar(x0).scalar(y0).build();
    }

    /** Each box loaded, changed and stored back through the map: what lies outside the tensor and the padding stay. */
    public static KernelCase storeBack() {
        String src = HEADERS + """
                __global__ void tma_scale(const __grid_constant__ CUtensorMap map, float factor)
                {
                    __shared__ alignas(128) float tile[8][16];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) {
                        init(&bar, blockDim.x);
                    }
                    __syncthreads();
                    int x = blockIdx.x * 16;
                    int y = blockIdx.y * 8;
                    barrier::arrival_token token;
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(&tile, &map, x, y, bar);
                        token = cuda::device::barrier_arrive_tx(bar, 1, sizeof(tile));
                    } else {
                        token = bar.arrive();
                    }
                    bar.wait(std::move(token));
                    float *t = &tile[0][0];
                    t[threadIdx.x] = t[threadIdx.x] * factor + 1.0f;
                    cde::fence_proxy_async_shared_cta();
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_shared_to_global(&map, x, y, &tile);
                        cde::cp_async_bulk_commit_group();
                        cde::cp_async_bulk_wait_group_read<0>();
                    }
                }
                """;
        float[] tensor = pitched(2);
        float[] expected = tensor.clone();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                expected[y * PITCH + x] = tensor[y * PITCH + x] * 3.0f + 1.0f;
            }
        }
        return CaseBuilder.of("tma_2d_store", "tma_scale.cu", src).kernel("tma_scale").launch(new Dim3(3, 4, 1),
                Dim3.of(128)).tensorMap("tensor", tensor, expected, map()).scalar(3.0f).build();
    }

    /**
     * An im2col load in inline PTX ({@code cp.async.bulk.tensor.4d...im2col}) of 16 pixels of 32
     * channels from a 4x4 image padded by one pixel on each side; the expected pixels are the example
     * of Triton's TMA im2col tutorial that was checked there on a Hopper GPU.
     */
    static KernelCase im2colLoad() {
        String src = """
                #include <cuda.h>
                __global__ void tma_im2col(const __grid_constant__ CUtensorMap map, float *out, int w, int h)
                {
                    __shared__ __align__(128) float tile[16 * 32];
                    __shared__ __align__(8) unsigned long long bar;
                    unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                    unsigned b = (unsigned)__cvta_generic_to_shared(&bar);
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" :: "r"(b), "r"(blockDim.x) : "memory");
                    }
                    __syncthreads();
                    unsigned short zero = 0;
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\\n\\t"
                                     "cp.async.bulk.tensor.4d.shared::cluster.global.im2col.mbarrier::complete_tx::bytes"
                                     " [%2], [%3, {%4, %5, %6, %7}], [%0], {%8, %8};"
                                     :: "r"(b), "r"((int)sizeof(tile)), "r"(s), "l"(&map), "r"(0), "r"(w), "r"(h), "r"(0),
                                        "h"(zero) : "memory");
                    } else {
                        asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" :: "r"(b) : "memory");
                    }
                    asm volatile("{ .reg .pred done;\\nWAIT:\\n\\tmbarrier.try_wait.parity.shared::cta.b64 done, [%0], 0;"
                                 "\\n\\t@!done bra WAIT; }" :: "r"(b) : "memory");
                    for (int i = threadIdx.x; i < 16 * 32; i += blockDim.x) {
                        out[i] = tile[i];
                    }
                }
                """;
        long[] dims = {32, 4, 4, 1};
        float[] image = new float[32 * 4 * 4];
        for (int i = 0; i < image.length; i++) {
            image[i] = i / 32 + 1; // every channel of pixel (h, w) holds h * 4 + w + 1
        }
        float[] pixels = {0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11};
        float[] expected = new float[16 * 32];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = pixels[i / 32];
        }
        TensorMapSpec map = TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(new int[] {-1, -1},
                new int[] {-1, -1}, 32, 16));
        return CaseBuilder.of("tma_im2col_load", "tma_im2col.cu", src).kernel("tma_im2col").launch(Dim3.of(1),
                Dim3.of(64)).tensorMap("tensor", image, null, map).out("out", new float[expected.length], expected)
                .scalar(-1).scalar(-1).build();
    }
}
