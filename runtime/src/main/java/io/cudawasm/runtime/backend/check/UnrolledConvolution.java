package io.cudawasm.runtime.backend.check;

/**
 * A 17-tap row convolution with a shared-memory halo and 32 result steps per thread, every loop
 * {@code #pragma unroll}: nvcc unrolls them completely, so the region after its barrier is
 * thousands of straight-line PTX instructions (issue 18, item 14). Rows at or past {@code h}
 * return before the barrier. Used by {@code UnrolledPtxTest} and {@code PtxVsSourceBench}.
 *
 * <p>Launch: grid {@code (w / COLUMNS_PER_BLOCK, ceil(h / BY))}, block {@code (BX, BY)}, arguments
 * {@code dst, src, weights (TAPS floats), w, h}; {@code w} a multiple of {@link #COLUMNS_PER_BLOCK}.
 */
public final class UnrolledConvolution {
    public static final int RADIUS = 8;
    public static final int TAPS = 2 * RADIUS + 1;
    public static final int STEPS = 32;
    public static final int BX = 16;
    public static final int BY = 4;
    public static final int COLUMNS_PER_BLOCK = STEPS * BX;
    public static final String KERNEL = "convRows";

    public static final String SOURCE = """
            #define R 8
            #define STEPS 32
            #define BX 16
            #define BY 4
            __global__ void convRows(float* dst, const float* src, const float* weights, int w, int h) {
                __shared__ float s[BY][(STEPS + 2) * BX];
                const int x0 = (blockIdx.x * STEPS - 1) * BX + threadIdx.x;
                const int y = blockIdx.y * BY + threadIdx.y;
                if (y >= h) return;
                const float* row = src + y * w;
                #pragma unroll
                for (int i = 1; i <= STEPS; i++) s[threadIdx.y][threadIdx.x + i * BX] = row[x0 + i * BX];
                s[threadIdx.y][threadIdx.x] = x0 >= 0 ? row[x0] : 0.0f;
                s[threadIdx.y][threadIdx.x + (STEPS + 1) * BX] =
                        x0 + (STEPS + 1) * BX < w ? row[x0 + (STEPS + 1) * BX] : 0.0f;
                __syncthreads();
                #pragma unroll
                for (int i = 1; i <= STEPS; i++) {
                    float sum = 0.0f;
                    #pragma unroll
                    for (int j = -R; j <= R; j++) sum += weights[R - j] * s[threadIdx.y][threadIdx.x + i * BX + j];
                    dst[y * w + x0 + i * BX] = sum;
                }
            }
            """;

    private UnrolledConvolution() {}

    /** The kernel's arithmetic in its order: zero outside the row, products added one by one. */
    public static float[] reference(float[] src, float[] weights, int w, int h) {
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float sum = 0.0f;
                for (int j = -RADIUS; j <= RADIUS; j++) {
                    int xx = x + j;
                    float v = xx >= 0 && xx < w ? src[y * w + xx] : 0.0f;
                    sum += weights[RADIUS - j] * v;
                }
                out[y * w + x] = sum;
            }
        }
        return out;
    }
}
