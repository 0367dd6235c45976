package io.cudawasm.runtime.blocks;

/** The block-semantics test kernels (CUDA C), shared by the back-end tests. */
final class BlockKernels {
    private BlockKernels() {}

    static final String REVERSE = """
            __global__ void staticReverse(int* d, int n) {
                __shared__ int s[64];
                int t = threadIdx.x;
                int* block = d + blockIdx.x * n;
                s[t] = block[t];
                __syncthreads();
                block[t] = s[n - t - 1];
            }
            __global__ void dynamicReverse(int* d, int n) {
                extern __shared__ int s[];
                int t = threadIdx.x;
                int* block = d + blockIdx.x * n;
                s[t] = block[t];
                __syncthreads();
                block[t] = s[n - t - 1];
            }
            """;

    static final String TRANSPOSE = """
            #define TILE_DIM 32
            #define BLOCK_ROWS 8
            __global__ void transpose(float* odata, const float* idata, int width, int height) {
                __shared__ float tile[TILE_DIM][TILE_DIM + 1];
                int x = blockIdx.x * TILE_DIM + threadIdx.x;
                int y = blockIdx.y * TILE_DIM + threadIdx.y;
                for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
                    tile[threadIdx.y + j][threadIdx.x] = idata[(y + j) * width + x];
                __syncthreads();
                x = blockIdx.y * TILE_DIM + threadIdx.x;
                y = blockIdx.x * TILE_DIM + threadIdx.y;
                for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
                    odata[(y + j) * height + x] = tile[threadIdx.x][threadIdx.y + j];
            }
            """;

    static final String TILED_MATMUL = """
            #define TILE 16
            __global__ void matmulTiled(const float* A, const float* B, float* C, int M, int N, int K) {
                __shared__ float As[TILE][TILE];
                __shared__ float Bs[TILE][TILE];
                int row = blockIdx.y * TILE + threadIdx.y;
                int col = blockIdx.x * TILE + threadIdx.x;
                float sum = 0.0f;
                for (int t = 0; t < K / TILE; ++t) {
                    As[threadIdx.y][threadIdx.x] = A[row * K + t * TILE + threadIdx.x];
                    Bs[threadIdx.y][threadIdx.x] = B[(t * TILE + threadIdx.y) * N + col];
                    __syncthreads();
                    for (int k = 0; k < TILE; ++k)
                        sum += As[threadIdx.y][k] * Bs[k][threadIdx.x];
                    __syncthreads();
                }
                C[row * N + col] = sum;
            }
            """;

    static final String REDUCE = """
            __global__ void reduceSum(const int* in, int* out) {
                extern __shared__ int sdata[];
                unsigned tid = threadIdx.x;
                sdata[tid] = in[blockIdx.x * blockDim.x + tid];
                __syncthreads();
                for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
                    if (tid < s) sdata[tid] += sdata[tid + s];
                    __syncthreads();
                }
                if (tid == 0) out[blockIdx.x] = sdata[0];
            }
            """;

    /** Guarded tree steps in a 2D block with a value carried across the barriers (per-thread context). */
    static final String ROW_REDUCE = """
            __global__ void rowReduce(const int* in, int* sums, int* out) {
                __shared__ int s[4][33];
                int x = threadIdx.x, y = threadIdx.y;
                int mine = in[y * 32 + x] * 3 + y;
                s[y][x] = in[y * 32 + x];
                __syncthreads();
                for (int st = 16; st > 0; st >>= 1) {
                    if (threadIdx.x < st) s[y][x] += s[y][x + st];
                    __syncthreads();
                }
                if (threadIdx.x == 0) sums[y] = s[y][0];
                if (threadIdx.x == 40) sums[y] = -1;
                __syncthreads();
                out[y * 32 + x] = mine + s[y][0];
            }
            """;

    static final String WARP = """
            __global__ void warpReduce(const int* in, int* sums) {
                int g = blockIdx.x * blockDim.x + threadIdx.x;
                int v = in[g];
                for (int o = 16; o > 0; o >>= 1)
                    v += __shfl_down_sync(0xffffffff, v, o);
                if ((threadIdx.x & 31) == 0) sums[g / 32] = v;
            }
            __global__ void warpScan(const int* in, int* scan, int* bcast) {
                int g = blockIdx.x * blockDim.x + threadIdx.x;
                int lane = threadIdx.x & 31;
                int v = in[g];
                for (int o = 1; o < 32; o <<= 1) {
                    int n = __shfl_up_sync(0xffffffff, v, o);
                    if (lane >= o) v += n;
                }
                scan[g] = v;
                int x = in[g];
                bcast[g] = __shfl_sync(0xffffffff, x, 31 - lane) + __shfl_xor_sync(0xffffffff, x, 5);
            }
            """;

    static final String HISTOGRAM = """
            __global__ void histogram256(const unsigned char* data, int n, unsigned int* hist) {
                __shared__ unsigned int local[256];
                local[threadIdx.x] = 0;
                __syncthreads();
                for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
                    atomicAdd(&local[data[i]], 1u);
                __syncthreads();
                atomicAdd(&hist[threadIdx.x], local[threadIdx.x]);
            }
            """;

    static final String BITONIC = """
            __global__ void bitonicSort(int* data) {
                __shared__ int s[512];
                unsigned t = threadIdx.x;
                int* base = data + blockIdx.x * 512;
                s[t] = base[t];
                __syncthreads();
                for (unsigned k = 2; k <= 512; k <<= 1) {
                    for (unsigned j = k >> 1; j > 0; j >>= 1) {
                        unsigned ixj = t ^ j;
                        if (ixj > t) {
                            if ((t & k) == 0) {
                                if (s[t] > s[ixj]) { int tmp = s[t]; s[t] = s[ixj]; s[ixj] = tmp; }
                            } else {
                                if (s[t] < s[ixj]) { int tmp = s[t]; s[t] = s[ixj]; s[ixj] = tmp; }
                            }
                        }
                        __syncthreads();
                    }
                }
                base[t] = s[t];
            }
            """;

    static final String ATOMICS = """
            __global__ void atomics(int* ints, unsigned long long* longs, float* floats, double* doubles, int* slots) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                atomicAdd(&ints[0], 1);
                atomicSub(&ints[1], 1);
                atomicAdd((unsigned*)&ints[2], (unsigned)i);
                atomicMax(&ints[3], 1000 + i);
                atomicMin(&ints[4], -1000 - i);
                atomicInc((unsigned*)&ints[5], 16u);
                atomicDec((unsigned*)&ints[6], 16u);
                atomicAnd(&ints[7], ~(1 << (i % 8)));
                atomicOr(&ints[8], 1 << (i % 7));
                atomicXor(&ints[9], i);
                atomicExch(&ints[10], i);
                int old = ints[11], assumed;
                do {
                    assumed = old;
                    old = atomicCAS(&ints[11], assumed, assumed + 1);
                } while (old != assumed);
                slots[atomicAdd(&ints[12], 1)] = i;
                atomicAdd(&longs[0], 3000000000ULL);
                unsigned long long o = longs[1], a;
                do {
                    a = o;
                    o = atomicCAS(&longs[1], a, a + 1);
                } while (o != a);
                atomicAdd(&floats[0], 0.5f);
                atomicExch(&floats[1], (i % 2) ? 0.25f : -0.25f);
                atomicAdd(&doubles[0], 0.25);
            }
            """;

    static final String CONVOLUTION = """
            #define R 2
            __constant__ float c_kernel[2 * R + 1];
            __global__ void rowConvolution(float* dst, const float* src, int w, int h) {
                __shared__ float tile[8][32 + 2 * R];
                int x = blockIdx.x * 32 + threadIdx.x;
                int y = blockIdx.y * 8 + threadIdx.y;
                tile[threadIdx.y][threadIdx.x + R] = src[y * w + x];
                if (threadIdx.x < R) {
                    tile[threadIdx.y][threadIdx.x] = src[y * w + max(x - R, 0)];
                    tile[threadIdx.y][threadIdx.x + 32 + R] = src[y * w + min(x + 32, w - 1)];
                }
                __syncthreads();
                float sum = 0;
                #pragma unroll
                for (int k = -R; k <= R; k++)
                    sum += tile[threadIdx.y][threadIdx.x + R + k] * c_kernel[R + k];
                dst[y * w + x] = sum;
            }
            __global__ void columnConvolution(float* dst, const float* src, int w, int h) {
                int x = blockIdx.x * 32 + threadIdx.x;
                int y = blockIdx.y * 8 + threadIdx.y;
                float sum = 0;
                for (int k = -R; k <= R; k++)
                    sum += src[min(max(y + k, 0), h - 1) * w + x] * c_kernel[R + k];
                dst[y * w + x] = sum;
            }
            """;

    static final String TEMPLATES = """
            template <typename T, int BLOCK>
            __global__ void blockSum(const T* in, T* out) {
                __shared__ T s[BLOCK];
                int t = threadIdx.x;
                s[t] = in[blockIdx.x * BLOCK + t];
                __syncthreads();
                for (int stride = BLOCK / 2; stride > 0; stride /= 2) {
                    if (t < stride) s[t] += s[t + stride];
                    __syncthreads();
                }
                if (t == 0) out[blockIdx.x] = s[0];
            }
            """;

    static final String GROUPS = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;
            __global__ void groupReduce(const int* in, int* sums, int* votes, int* counts) {
                cg::thread_block block = cg::this_thread_block();
                cg::thread_block_tile<32> tile = cg::tiled_partition<32>(block);
                int g = blockIdx.x * blockDim.x + block.thread_rank();
                int v = in[g];
                int sum = v;
                for (int o = tile.size() / 2; o > 0; o /= 2)
                    sum += tile.shfl_down(sum, o);
                if (tile.thread_rank() == 0) sums[g / 32] = sum;
                unsigned b = tile.ballot(v > 25);
                votes[2 * g] = (int)b;
                votes[2 * g + 1] = tile.all(v >= 0) + 2 * tile.any(v > 48);
                block.sync();
                int even = v % 2 == 0;
                int c = __syncthreads_count(even);
                int a = __syncthreads_and(even);
                int o = __syncthreads_or(even);
                cg::sync(block);
                if (block.thread_rank() == 0) {
                    counts[blockIdx.x * 3] = c;
                    counts[blockIdx.x * 3 + 1] = a;
                    counts[blockIdx.x * 3 + 2] = o;
                }
            }
            """;

    static final String VECTORS = """
            __device__ float4 exchange(float4 mine, float4* buf) {
                buf[threadIdx.x] = mine;
                __syncthreads();
                return buf[(threadIdx.x + 1) % blockDim.x];
            }
            __global__ void rotateVectors(const float4* in, float4* out) {
                __shared__ float4 buf[128];
                float4 v = in[threadIdx.x];
                float4 o = exchange(v, buf);
                float2 xy = make_float2(o.x, o.y);
                out[threadIdx.x] = make_float4(xy.x + xy.y, xy.y * 2.0f, o.z, o.w + 1.0f);
            }
            """;

    static final String EARLY_EXIT = """
            __global__ void partialBlock(const int* in, int* out, int n) {
                __shared__ int s[256];
                int t = threadIdx.x;
                if (t >= n) return;
                s[t] = in[t];
                __syncthreads();
                int acc = 0;
                for (int round = 0; ; round++) {
                    if (round == 7) break;
                    __syncthreads();
                    acc++;
                }
                out[t] = s[(t + 1) % n] + acc;
            }
            """;

    static final String DIVERGENT = """
            __global__ void divergent(int* d) {
                __shared__ int s[64];
                if (threadIdx.x < 32) {
                    s[threadIdx.x] = 1;
                    __syncthreads();
                }
                d[threadIdx.x] = s[threadIdx.x % 32];
            }
            """;
}
