package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.launch.Dim3;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Whole block algorithms as real kernels write them, beyond single features: a bitonic sort in shared
 * memory (barriers inside nested loops under thread-dependent branches), a warp-level inclusive scan
 * with broadcasts, and a 2D row convolution with a shared tile, halo loads and constant-memory
 * weights. Part of {@link DeviceSemanticsCases#all()}.
 */
final class BlockAlgorithmCases {
    private BlockAlgorithmCases() {}

    static List<KernelCase> all() {
        return List.of(bitonicSort(), warpScan(), rowConvolution());
    }

    static KernelCase bitonicSort() {
        String src = """
                #define N 512
                __global__ void bitonic_sort(int* data)
                {
                    __shared__ int s[N];
                    unsigned t = threadIdx.x;
                    int* base = data + blockIdx.x * N;
                    s[t] = base[t];
                    __syncthreads();
                    for (unsigned k = 2; k <= N; k <<= 1) {
                        for (unsigned j = k >> 1; j > 0; j >>= 1) {
                            unsigned partner = t ^ j;
                            if (partner > t) {
                                bool ascending = (t & k) == 0;
                                if ((s[t] > s[partner]) == ascending) {
                                    int tmp = s[t]; s[t] = s[partner]; s[partner] = tmp;
                                }
                            }
                            __syncthreads();
                        }
                    }
                    base[t] = s[t];
                }
                """;
        int blocks = 3;
        SplittableRandom r = new SplittableRandom(51);
        int[] data = new int[blocks * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextInt() >> 4;
        }
        int[] expected = data.clone();
        for (int b = 0; b < blocks; b++) {
            Arrays.sort(expected, b * 512, (b + 1) * 512);
        }
        return CaseBuilder.of("bitonic_sort", "bitonic.cu", src).kernel("bitonic_sort")
                .launch(Dim3.of(blocks), Dim3.of(512)).out("data", data, expected).build();
    }

    static KernelCase warpScan() {
        String src = """
                __global__ void warp_scan(const int* in, int* scan, int* mirror)
                {
                    int g = blockIdx.x * blockDim.x + threadIdx.x;
                    int lane = threadIdx.x & 31;
                    int v = in[g];
                    for (int o = 1; o < 32; o <<= 1) {
                        int n = __shfl_up_sync(0xffffffff, v, o);
                        if (lane >= o) v += n;
                    }
                    scan[g] = v;
                    mirror[g] = __shfl_sync(0xffffffff, in[g], 31 - lane) + __shfl_xor_sync(0xffffffff, in[g], 5);
                }
                """;
        int n = 256;
        int[] in = new int[n];
        SplittableRandom r = new SplittableRandom(52);
        for (int i = 0; i < n; i++) {
            in[i] = r.nextInt(1000) - 500;
        }
        int[] scan = new int[n];
        int[] mirror = new int[n];
        for (int i = 0; i < n; i++) {
            int warp = i & ~31;
            int lane = i & 31;
            scan[i] = (lane == 0 ? 0 : scan[i - 1]) + in[i];
            mirror[i] = in[warp + 31 - lane] + in[warp + (lane ^ 5)];
        }
        return CaseBuilder.of("warp_scan", "warp_scan.cu", src).kernel("warp_scan").launch(Dim3.of(2), Dim3.of(128))
                .in("in", in).out("scan", new int[n], scan).out("mirror", new int[n], mirror).build();
    }

    static KernelCase rowConvolution() {
        String src = """
                #define R 2
                #define TILE_W 32
                #define TILE_H 8
                __constant__ float weights[2 * R + 1];
                __global__ void row_convolution(float* dst, const float* src, int w, int h)
                {
                    __shared__ float tile[TILE_H][TILE_W + 2 * R];
                    int x = blockIdx.x * TILE_W + threadIdx.x;
                    int y = blockIdx.y * TILE_H + threadIdx.y;
                    tile[threadIdx.y][threadIdx.x + R] = src[y * w + x];
                    if (threadIdx.x < R) {
                        tile[threadIdx.y][threadIdx.x] = src[y * w + max(x - R, 0)];
                        tile[threadIdx.y][threadIdx.x + TILE_W + R] = src[y * w + min(x + TILE_W, w - 1)];
                    }
                    __syncthreads();
                    float sum = 0.0f;
                    #pragma unroll
                    for (int k = -R; k <= R; k++)
                        sum += tile[threadIdx.y][threadIdx.x + R + k] * weights[R + k];
                    dst[y * w + x] = sum;
                }
                """;
        int w = 64;
        int h = 16;
        float[] weights = {0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f};
        float[] src2d = new float[w * h];
        SplittableRandom r = new SplittableRandom(53);
        for (int i = 0; i < src2d.length; i++) {
            src2d[i] = (float) r.nextDouble(-4, 4);
        }
        float[] expected = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float sum = 0.0f;
                for (int k = -2; k <= 2; k++) {
                    int xx = Math.min(Math.max(x + k, 0), w - 1);
                    sum += src2d[y * w + xx] * weights[2 + k];
                }
                expected[y * w + x] = sum;
            }
        }
        return CaseBuilder.of("row_convolution", "row_convolution.cu", src).kernel("row_convolution")
                .launch(new Dim3(w / 32, h / 8, 1), new Dim3(32, 8, 1)).symbol("weights", CaseBuilder.bytes(weights))
                .out("dst", new float[w * h], expected).in("src", src2d).scalar(w).scalar(h).build();
    }
}
