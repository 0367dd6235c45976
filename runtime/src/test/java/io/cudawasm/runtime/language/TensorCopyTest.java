package io.cudawasm.runtime.language;

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
    private static final String HEADERS = """
            #include <cuda.h>
            #include <cuda/barrier>
            using barrier = cuda::barrier<cuda::thread_scope_block>;
            namespace cde = cuda::device::experimental;
            """;

    /** A 40 x 27 float tensor in rows of 48 floats (192 bytes: the padding must stay as it is). */
    private static final int W = 40;
    private static final int H = 27;
    private static final int PITCH = 48;

    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "", SM90);
    }

    private static float[] pitched(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[PITCH * H];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextInt(-1000, 1000) / 8;
        }
        return a;
    }

    private static TensorMapSpec map2d() {
        return new TensorMapSpec(4, new long[] {W, H}, new long[] {PITCH * 4}, new int[] {16, 8});
    }

    private static float at(float[] t, int x, int y) {
        return x < 0 || y < 0 || x >= W || y >= H ? 0.0f : t[y * PITCH + x];
    }

    @Test
    void twoDimensionalBoxesReadZerosOutsideTheTensor() {
        String src = HEADERS + """
                __global__ void tiles(const __grid_constant__ CUtensorMap map, float *out, int x0, int y0)
                {
                    __shared__ alignas(128) float tile[8][16];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) {
                        init(&bar, blockDim.x);
                        cde::fence_proxy_async_shared_cta();
                    }
                    __syncthreads();
                    int x = x0 + (int)blockIdx.x * 16;
                    int y = y0 + (int)blockIdx.y * 8;
                    barrier::arrival_token token;
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_2d_global_to_shared(&tile, &map, x, y, bar);
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
                    expected[(by * gx + bx) * 128 + t] = at(tensor, x0 + bx * 16 + t % 16, y0 + by * 8 + t / 16) * 2.0f;
                }
            }
        }
        check(CaseBuilder.of("tensor_2d_load", "tiles.cu", src).kernel("tiles").launch(new Dim3(gx, gy, 1), Dim3.of(128))
                .tensorMap("tensor", tensor, null, map2d()).out("out", new float[expected.length], expected)
                .scalar(x0).scalar(y0).build());
    }
}
