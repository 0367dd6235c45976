package io.cudawasm.runtime.backend.check;

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

    private static final String HEADERS = """
            #include <cuda.h>
            #include <cuda/barrier>
            using barrier = cuda::barrier<cuda::thread_scope_block>;
            namespace cde = cuda::device::experimental;
            """;

    /** A 40 x 27 float tensor in rows of 48 floats: the padding between rows must stay as it is. */
    private static final int W = 40;
    private static final int H = 27;
    private static final int PITCH = 48;

    public static List<KernelCase> all() {
        return List.of(load(), storeBack());
    }

    private static TensorMapSpec map() {
        return new TensorMapSpec(4, new long[] {W, H}, new long[] {PITCH * 4}, new int[] {16, 8});
    }

    private static float[] pitched(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[PITCH * H];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextInt(-1000, 1000) / 8;
        }
        return a;
    }

    /** 16 x 8 boxes from (-8, -5) on: the parts outside the tensor read as zeros. */
    static KernelCase load() {
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
    static KernelCase storeBack() {
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
}
