// Element-wise vector addition, as in NVIDIA's vectorAdd sample.
// Launch: grid ceil(n / 256), block 256.
#include <cuda_runtime.h>

__global__ void vectorAdd(const float *A, const float *B, float *C, int numElements)
{
    int i = blockDim.x * blockIdx.x + threadIdx.x;
    if (i < numElements) {
        C[i] = A[i] + B[i];
    }
}
