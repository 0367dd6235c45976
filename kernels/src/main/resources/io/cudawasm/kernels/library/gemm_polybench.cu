// PolyBench/GPU-style GEMM: C = alpha * A * B + beta * C, sizes fixed at compile time.
// Compile with -D NI=... -D NJ=... -D NK=... (defaults 512); DATA_TYPE defaults to float.
// Launch: grid (ceil(NJ / DIM_THREAD_BLOCK_X), ceil(NI / DIM_THREAD_BLOCK_Y)), block (32, 8).
#ifndef NI
#define NI 512
#endif
#ifndef NJ
#define NJ 512
#endif
#ifndef NK
#define NK 512
#endif
#ifndef DATA_TYPE
#define DATA_TYPE float
#endif
#define DIM_THREAD_BLOCK_X 32
#define DIM_THREAD_BLOCK_Y 8

typedef DATA_TYPE data_t;

__global__ void gemm_kernel(data_t alpha, data_t beta, const data_t *a, const data_t *b, data_t *c)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;

    if ((i < NI) && (j < NJ)) {
        c[i * NJ + j] *= beta;
        #pragma unroll 4
        for (int k = 0; k < NK; k++) {
            c[i * NJ + j] += alpha * a[i * NK + k] * b[k * NJ + j];
        }
    }
}
