package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.launch.Dim3;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Kernels that exercise what GPU back ends must get right beyond the bundled kernels: shared
 * memory and barriers, dynamic shared memory, device functions called with pointers into
 * different memories, atomics, warp shuffles and votes, barrier reductions, cooperative groups,
 * integer intrinsics, conversions, math, vector types, control flow, symbols and templates. Each
 * has a Java reference, and every back end (the WebAssembly path included) must match it.
 */
public final class DeviceSemanticsCases {
    private DeviceSemanticsCases() {}

    public static List<KernelCase> all() {
        List<KernelCase> all = new java.util.ArrayList<>(List.of(blockSum(), pointersIntoSharedAndGlobal(), dynamicShared(), tiledMatmul(), warpShufflesAndVotes(),
                warpReduceOfPartials(), warpOpsInDivergentCode(), ballotReductionInDivergentCode(), syncthreadsReductions(), globalAtomics(), sharedAtomics(), cooperativeGroups(), integerIntrinsics(),
                bitReverseAndWideMultiply(), conversionsAndShifts(), exactMath(), transcendentalMath(), vectorTypes(),
                controlFlow(), symbols(), templateKernel()));
        all.addAll(BlockAlgorithmCases.all());
        all.addAll(CoalescedGroupCases.all());
        return List.copyOf(all);
    }

    private static int[] randomInts(int n, long seed, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(bound);
        }
        return a;
    }

    static float[] randomFloats(int n, long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + r.nextDouble() * (hi - lo));
        }
        return a;
    }

    // ------------------------------------------------------------------ shared memory and barriers

    static KernelCase blockSum() {
        String src = """
                #define BLOCK 128
                __global__ void block_sum(const int* in, int* out, int n)
                {
                    __shared__ int s[BLOCK];
                    int tid = threadIdx.x;
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    s[tid] = i < n ? in[i] : 0;
                    __syncthreads();
                    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
                        if (tid < stride) {
                            s[tid] += s[tid + stride];
                        }
                        __syncthreads();
                    }
                    if (tid == 0) {
                        out[blockIdx.x] = s[0];
                    }
                }
                """;
        int n = 1000;
        int blocks = 8;
        int[] in = randomInts(n, 21, 100);
        int[] expected = new int[blocks];
        for (int i = 0; i < n; i++) {
            expected[i / 128] += in[i];
        }
        return CaseBuilder.of("block_sum", "block_sum.cu", src).kernel("block_sum")
                .launch(Dim3.of(blocks), Dim3.of(128)).in("in", in).out("out", new int[blocks], expected).scalar(n).build();
    }

    static KernelCase pointersIntoSharedAndGlobal() {
        String src = """
                #define BLOCK 128
                __device__ float sum_pair(const float* p, int i) { return p[i] + p[i + 1]; }

                __global__ void pair_sums(const float* g, float* out, int n)
                {
                    __shared__ float tile[BLOCK + 1];
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    tile[threadIdx.x] = i < n ? g[i] : 0.0f;
                    if (threadIdx.x == 0) tile[BLOCK] = 0.0f;
                    __syncthreads();
                    if (i + 1 < n) {
                        out[2 * i] = sum_pair(g, i);
                        out[2 * i + 1] = threadIdx.x + 1 < BLOCK ? sum_pair(tile, threadIdx.x) : sum_pair(g, i);
                    }
                }
                """;
        int n = 300;
        float[] g = randomFloats(n, 22, -1, 1);
        float[] expected = new float[2 * n];
        for (int i = 0; i + 1 < n; i++) {
            expected[2 * i] = g[i] + g[i + 1];
            expected[2 * i + 1] = g[i] + g[i + 1];
        }
        return CaseBuilder.of("pointers_into_shared_and_global", "pair_sums.cu", src).kernel("pair_sums")
                .launch(Dim3.of(3), Dim3.of(128)).in("g", g).out("out", new float[2 * n], expected).scalar(n).build();
    }

    static KernelCase dynamicShared() {
        String src = """
                extern __shared__ float dyn[];
                __global__ void reverse_block(float* data)
                {
                    int t = threadIdx.x;
                    int base = blockIdx.x * blockDim.x;
                    dyn[t] = data[base + t];
                    __syncthreads();
                    data[base + t] = dyn[blockDim.x - 1 - t];
                }
                """;
        int block = 64;
        int blocks = 4;
        float[] data = randomFloats(block * blocks, 23, -10, 10);
        float[] expected = new float[data.length];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < block; t++) {
                expected[b * block + t] = data[b * block + block - 1 - t];
            }
        }
        return CaseBuilder.of("dynamic_shared", "reverse.cu", src).kernel("reverse_block")
                .launch(Dim3.of(blocks), Dim3.of(block)).sharedBytes(block * 4).out("data", data, expected).build();
    }

    /** The tiled matrix multiply of the benchmarks, on sizes that are not multiples of the tile. */
    public static final String TILED_MATMUL = """
            #define TILE 16
            __global__ void matmul_tiled(const float* A, const float* B, float* C, int M, int N, int K)
            {
                __shared__ float As[TILE][TILE];
                __shared__ float Bs[TILE][TILE];
                int tx = threadIdx.x;
                int ty = threadIdx.y;
                int row = blockIdx.y * TILE + ty;
                int col = blockIdx.x * TILE + tx;
                float sum = 0.0f;
                for (int t = 0; t < (K + TILE - 1) / TILE; t++) {
                    int ak = t * TILE + tx;
                    int bk = t * TILE + ty;
                    As[ty][tx] = row < M && ak < K ? A[row * K + ak] : 0.0f;
                    Bs[ty][tx] = bk < K && col < N ? B[bk * N + col] : 0.0f;
                    __syncthreads();
                    for (int k = 0; k < TILE; k++) {
                        sum += As[ty][k] * Bs[k][tx];
                    }
                    __syncthreads();
                }
                if (row < M && col < N) {
                    C[row * N + col] = sum;
                }
            }
            """;

    /** Java reference of {@link #TILED_MATMUL}: the same summation order, padding terms included. */
    public static float[] tiledMatmulReference(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        int tiles = (k + 15) / 16;
        for (int row = 0; row < m; row++) {
            for (int col = 0; col < n; col++) {
                float sum = 0.0f;
                for (int t = 0; t < tiles; t++) {
                    for (int q = 0; q < 16; q++) {
                        int kk = t * 16 + q;
                        float x = kk < k ? a[row * k + kk] : 0.0f;
                        float y = kk < k ? b[kk * n + col] : 0.0f;
                        sum += x * y;
                    }
                }
                c[row * n + col] = sum;
            }
        }
        return c;
    }

    static KernelCase tiledMatmul() {
        int m = 40;
        int n = 56;
        int k = 36;
        float[] a = randomFloats(m * k, 24, -1, 1);
        float[] b = randomFloats(k * n, 25, -1, 1);
        return CaseBuilder.of("tiled_matmul", "matmul_tiled.cu", TILED_MATMUL).kernel("matmul_tiled")
                .launch(new Dim3((n + 15) / 16, (m + 15) / 16, 1), new Dim3(16, 16, 1)).in("A", a).in("B", b)
                .out("C", new float[m * n], tiledMatmulReference(a, b, m, n, k)).scalar(m).scalar(n).scalar(k).build();
    }

    // ------------------------------------------------------------------ warps and block collectives

    static KernelCase warpShufflesAndVotes() {
        String src = """
                __global__ void warp_ops(const int* in, int* out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    int v = in[i];
                    int sum = v;
                    for (int off = 16; off > 0; off /= 2) sum += __shfl_down_sync(0xffffffff, sum, off);
                    int bfly = v;
                    for (int m = 1; m < 32; m *= 2) bfly += __shfl_xor_sync(0xffffffff, bfly, m);
                    int bcast = __shfl_sync(0xffffffff, v, 3);
                    int scan = v;
                    for (int d = 1; d < 32; d *= 2) {
                        int y = __shfl_up_sync(0xffffffff, scan, d);
                        if ((threadIdx.x & 31) >= d) scan += y;
                    }
                    unsigned ballot = __ballot_sync(0xffffffff, v > 50);
                    int any = __any_sync(0xffffffff, v > 90);
                    int all = __all_sync(0xffffffff, v >= 0);
                    int seg = __shfl_sync(0xffffffff, v, 5, 8);
                    out[i * 8 + 0] = sum;
                    out[i * 8 + 1] = bfly;
                    out[i * 8 + 2] = bcast;
                    out[i * 8 + 3] = scan;
                    out[i * 8 + 4] = (int)ballot;
                    out[i * 8 + 5] = any;
                    out[i * 8 + 6] = all;
                    out[i * 8 + 7] = seg;
                }
                """;
        int threads = 128;
        int[] in = randomInts(threads, 26, 100);
        int[] expected = new int[threads * 8];
        for (int w = 0; w < threads / 32; w++) {
            int[] v = java.util.Arrays.copyOfRange(in, w * 32, w * 32 + 32);
            int[] sum = v.clone();
            for (int off = 16; off > 0; off /= 2) {
                int[] s = WarpModel.shuffle(sum, 2, off, 32);
                for (int l = 0; l < 32; l++) {
                    sum[l] += s[l];
                }
            }
            int[] bfly = v.clone();
            for (int m = 1; m < 32; m *= 2) {
                int[] s = WarpModel.shuffle(bfly, 3, m, 32);
                for (int l = 0; l < 32; l++) {
                    bfly[l] += s[l];
                }
            }
            int[] scan = v.clone();
            for (int d = 1; d < 32; d *= 2) {
                int[] s = WarpModel.shuffle(scan, 1, d, 32);
                for (int l = 0; l < 32; l++) {
                    if (l >= d) {
                        scan[l] += s[l];
                    }
                }
            }
            int ballot = 0;
            boolean any = false;
            boolean all = true;
            for (int l = 0; l < 32; l++) {
                ballot |= v[l] > 50 ? 1 << l : 0;
                any |= v[l] > 90;
                all &= v[l] >= 0;
            }
            int[] seg = WarpModel.shuffle(v, 0, 5, 8);
            for (int l = 0; l < 32; l++) {
                int at = (w * 32 + l) * 8;
                int[] row = {sum[l], bfly[l], v[3], scan[l], ballot, any ? 1 : 0, all ? 1 : 0, seg[l]};
                System.arraycopy(row, 0, expected, at, 8);
            }
        }
        return CaseBuilder.of("warp_shuffles_and_votes", "warp_ops.cu", src).kernel("warp_ops")
                .launch(Dim3.of(2), Dim3.of(64)).in("in", in).out("out", new int[threads * 8], expected).build();
    }

    /**
     * The classic block reduction: every warp reduces with shuffles, warp 0 reduces the partial sums.
     * The second reduction runs in warp 0 only; OpenCL's local-memory warp emulation uses
     * work-group barriers there, which PoCL handles (see README-gpu.md on warp operations).
     */
    static KernelCase warpReduceOfPartials() {
        String src = """
                __device__ int warp_sum(int v)
                {
                    for (int o = 16; o > 0; o /= 2) v += __shfl_down_sync(0xffffffff, v, o);
                    return v;
                }

                __global__ void block_reduce(const int* in, int* out)
                {
                    __shared__ int part[32];
                    int v = in[blockIdx.x * blockDim.x + threadIdx.x];
                    int lane = threadIdx.x & 31;
                    int w = threadIdx.x >> 5;
                    v = warp_sum(v);
                    if (lane == 0) part[w] = v;
                    __syncthreads();
                    v = threadIdx.x < blockDim.x / 32 ? part[lane] : 0;
                    if (w == 0) v = warp_sum(v);
                    if (threadIdx.x == 0) out[blockIdx.x] = v;
                }
                """;
        int blocks = 3;
        int block = 256;
        int[] in = randomInts(blocks * block, 41, 1000);
        int[] expected = new int[blocks];
        for (int i = 0; i < in.length; i++) {
            expected[i / block] += in[i];
        }
        return CaseBuilder.of("warp_reduce_of_partials", "block_reduce.cu", src).kernel("block_reduce")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in).out("out", new int[blocks], expected).build();
    }

    /**
     * Warp operations inside divergent branches, as CUDA allows them: shuffles and votes among the
     * lanes of one branch, __activemask in a loop whose trip count differs per lane, and a shuffle
     * after some lanes returned. On OpenCL the emulation's barriers must still be reached by every
     * work-item (a barrier in a branch crashed PoCL); only lanes CUDA defines are compared.
     */
    static KernelCase warpOpsInDivergentCode() {
        String src = """
                __global__ void divergent_warps(const int* in, int* out)
                {
                    int t = blockIdx.x * blockDim.x + threadIdx.x;
                    int lane = threadIdx.x & 31;
                    int v = in[t];
                    int x = -1, y = -1, any = -1, all = -1, active = -1;
                    if (lane < 16) x = __shfl_down_sync(0x0000ffffu, v, 8, 16);
                    if (lane & 1) y = __shfl_xor_sync(0xaaaaaaaau, v, 2);
                    unsigned big = __ballot_sync(0xffffffffu, v > 50);
                    if (v > 50) {
                        any = __any_sync(big, v > 90);
                        all = __all_sync(big, v > 60);
                        active = (int)__activemask();
                    }
                    int count = 0;
                    for (int k = 0; k < (lane & 3); k++) count += __popc(__activemask());
                    out[t * 7 + 0] = x;
                    out[t * 7 + 1] = y;
                    out[t * 7 + 2] = any;
                    out[t * 7 + 3] = all;
                    out[t * 7 + 4] = active;
                    out[t * 7 + 5] = count;
                    if (lane >= 28) return;
                    out[t * 7 + 6] = __shfl_xor_sync(0x0fffffffu, v, 1);
                }
                """;
        int blocks = 2;
        int block = 96;
        int n = blocks * block;
        int[] in = randomInts(n, 52, 100);
        int[] expected = new int[n * 7];
        for (int t = 0; t < n; t++) {
            int lane = t & 31;
            int warp = t - lane;
            int[] row = new int[7];
            row[0] = lane < 16 ? in[warp + WarpModel.source(lane, 2, 8, 16)] : -1;
            row[1] = (lane & 1) != 0 ? in[warp + (lane ^ 2)] : -1;
            row[2] = row[3] = row[4] = -1;
            if (in[t] > 50) {
                int m = 0;
                boolean any = false;
                boolean all = true;
                for (int l = 0; l < 32; l++) {
                    int u = in[warp + l];
                    if (u > 50) {
                        m |= 1 << l;
                        any |= u > 90;
                        all &= u > 60;
                    }
                }
                row[2] = any ? 1 : 0;
                row[3] = all ? 1 : 0;
                row[4] = m;
            }
            for (int k = 0; k < (lane & 3); k++) {
                row[5] += 8 * (3 - k); // lanes with (lane & 3) > k are still looping
            }
            row[6] = lane < 28 ? in[warp + (lane ^ 1)] : 0;
            System.arraycopy(row, 0, expected, t * 7, 7);
        }
        return CaseBuilder.of("warp_ops_in_divergent_code", "divergent_warps.cu", src).kernel("divergent_warps")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in).out("out", new int[n * 7], expected).build();
    }

    /**
     * A warp reduction built from ballots (bit by bit, {@code __popc(__ballot_sync(...))}) run
     * inside divergent code: per warp over lanes 0..15 only, then over the partial sums in warp 0
     * only. On OpenCL it gave 64 of 64 wrong block sums while the emulated ballot's barriers sat
     * in the branch.
     */
    static KernelCase ballotReductionInDivergentCode() {
        String src = """
                __device__ int ballot_sum(unsigned lanes, int v)
                {
                    int total = 0;
                    for (int b = 0; b < 16; b++) total += __popc(__ballot_sync(lanes, (v >> b) & 1)) << b;
                    return total;
                }

                __global__ void ballot_reduce(const int* in, int* halves, int* sums)
                {
                    __shared__ int part[4];
                    int lane = threadIdx.x & 31;
                    int w = threadIdx.x >> 5;
                    int v = in[blockIdx.x * blockDim.x + threadIdx.x];
                    int half = 0;
                    if (lane < 16) half = ballot_sum(0x0000ffffu, v);
                    if (lane == 0) part[w] = half;
                    __syncthreads();
                    if (threadIdx.x < 32) {
                        int s = ballot_sum(0xffffffffu, lane < 4 ? part[lane] : 0);
                        if (threadIdx.x == 0) sums[blockIdx.x] = s;
                    }
                    if (lane == 0) halves[blockIdx.x * 4 + w] = half;
                }
                """;
        int blocks = 64;
        int block = 128;
        int[] in = randomInts(blocks * block, 64, 100);
        int[] halves = new int[blocks * 4];
        int[] sums = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            for (int w = 0; w < 4; w++) {
                for (int l = 0; l < 16; l++) {
                    halves[b * 4 + w] += in[b * block + w * 32 + l];
                }
                sums[b] += halves[b * 4 + w];
            }
        }
        return CaseBuilder.of("ballot_reduction_in_divergent_code", "ballot_reduce.cu", src).kernel("ballot_reduce")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in).out("halves", new int[blocks * 4], halves)
                .out("sums", new int[blocks], sums).build();
    }

    static KernelCase syncthreadsReductions() {
        String src = """
                __global__ void sync_reductions(const int* in, int* out)
                {
                    int v = in[blockIdx.x * blockDim.x + threadIdx.x];
                    int c = __syncthreads_count(v > 10);
                    int a = __syncthreads_and(v > 0);
                    int o = __syncthreads_or(v > 95);
                    if (threadIdx.x == 0) {
                        out[blockIdx.x * 3] = c;
                        out[blockIdx.x * 3 + 1] = a;
                        out[blockIdx.x * 3 + 2] = o;
                    }
                }
                """;
        int blocks = 3;
        int block = 64;
        int[] in = randomInts(blocks * block, 27, 100);
        in[block + 5] = 0; // block 1: the AND fails
        int[] expected = new int[blocks * 3];
        for (int b = 0; b < blocks; b++) {
            int count = 0;
            boolean and = true;
            boolean or = false;
            for (int t = 0; t < block; t++) {
                int v = in[b * block + t];
                count += v > 10 ? 1 : 0;
                and &= v > 0;
                or |= v > 95;
            }
            expected[b * 3] = count;
            expected[b * 3 + 1] = and ? 1 : 0;
            expected[b * 3 + 2] = or ? 1 : 0;
        }
        return CaseBuilder.of("syncthreads_count_and_or", "sync_reductions.cu", src).kernel("sync_reductions")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in)
                .out("out", new int[blocks * 3], expected).build();
    }

    static KernelCase globalAtomics() {
        String src = """
                __global__ void global_atomics(const int* in, int* hist, float* fsum, unsigned long long* wide,
                                               double* dsum, unsigned* wrap, int* mx, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) {
                        int v = in[i];
                        atomicAdd(&hist[v & 7], 1);
                        atomicAdd(fsum, (float)(v & 15));
                        atomicAdd(wide, (unsigned long long)v * 1000000007ULL);
                        atomicAdd(dsum, (double)v);
                        atomicInc(wrap, 9u);
                        atomicMax(mx, v);
                        atomicMin(mx + 3, v);
                        atomicCAS(mx + 1, 0, 7);
                        atomicExch(mx + 2, 5);
                        atomicSub(mx + 4, v);
                        atomicOr(mx + 5, 1 << (v & 15));
                    }
                }
                """;
        int n = 1000;
        int[] in = randomInts(n, 28, 100);
        int[] hist = new int[8];
        float fsum = 0;
        long wide = 0;
        double dsum = 0;
        int[] mx = {0, 0, 0, Integer.MAX_VALUE, 0, 0};
        for (int v : in) {
            hist[v & 7]++;
            fsum += v & 15;
            wide += (long) v * 1000000007L;
            dsum += v;
            mx[0] = Math.max(mx[0], v);
            mx[3] = Math.min(mx[3], v);
            mx[4] -= v;
            mx[5] |= 1 << (v & 15);
        }
        mx[1] = 7;
        mx[2] = 5;
        int[] mxInit = {0, 0, 0, Integer.MAX_VALUE, 0, 0};
        return CaseBuilder.of("global_atomics", "global_atomics.cu", src).kernel("global_atomics")
                .launch(Dim3.of(8), Dim3.of(128)).in("in", in).out("hist", new int[8], hist)
                .out("fsum", new float[1], new float[] {fsum}).out("wide", new long[1], new long[] {wide})
                .out("dsum", new double[1], new double[] {dsum}).out("wrap", new int[1], new int[] {n % 10})
                .out("mx", mxInit, mx).scalar(n).build();
    }

    static KernelCase sharedAtomics() {
        String src = """
                __global__ void shared_histogram(const int* in, int* hist, int n)
                {
                    __shared__ int local_hist[16];
                    if (threadIdx.x < 16) local_hist[threadIdx.x] = 0;
                    __syncthreads();
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) atomicAdd(&local_hist[in[i] & 15], 1);
                    __syncthreads();
                    if (threadIdx.x < 16) atomicAdd(&hist[threadIdx.x], local_hist[threadIdx.x]);
                }
                """;
        int n = 3000;
        int[] in = randomInts(n, 29, 1000);
        int[] hist = new int[16];
        for (int v : in) {
            hist[v & 15]++;
        }
        return CaseBuilder.of("shared_atomics", "shared_histogram.cu", src).kernel("shared_histogram")
                .launch(Dim3.of((n + 255) / 256), Dim3.of(256)).in("in", in).out("hist", new int[16], hist).scalar(n)
                .build();
    }

    static KernelCase cooperativeGroups() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                __device__ float warp_sum(cg::thread_block_tile<32> tile, float v)
                {
                    for (int off = tile.size() / 2; off > 0; off /= 2) {
                        v += tile.shfl_down(v, off);
                    }
                    return v;
                }

                __global__ void cg_reduce(const float* in, float* out)
                {
                    cg::thread_block block = cg::this_thread_block();
                    cg::thread_block_tile<32> tile = cg::tiled_partition<32>(block);
                    __shared__ float partial[32];
                    float v = in[blockIdx.x * blockDim.x + threadIdx.x];
                    float s = warp_sum(tile, v);
                    if (tile.thread_rank() == 0) partial[threadIdx.x / 32] = s;
                    block.sync();
                    if (threadIdx.x == 0) {
                        float t = 0.0f;
                        for (int w = 0; w < blockDim.x / 32; w++) t += partial[w];
                        out[blockIdx.x] = t;
                    }
                }
                """;
        int blocks = 3;
        int block = 128;
        float[] in = randomFloats(blocks * block, 30, -1, 1);
        float[] expected = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            float t = 0.0f;
            for (int w = 0; w < block / 32; w++) {
                float[] v = java.util.Arrays.copyOfRange(in, b * block + w * 32, b * block + w * 32 + 32);
                for (int off = 16; off > 0; off /= 2) {
                    float[] s = WarpModel.shuffle(v, 2, off, 32);
                    for (int l = 0; l < 32; l++) {
                        v[l] += s[l];
                    }
                }
                t += v[0];
            }
            expected[b] = t;
        }
        return CaseBuilder.of("cooperative_groups", "cg_reduce.cu", src).kernel("cg_reduce")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in).out("out", new float[blocks], expected).build();
    }

    // ------------------------------------------------------------------ arithmetic

    static KernelCase integerIntrinsics() {
        String src = """
                __global__ void int_intrinsics(const int* a, const int* b, int* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    int x = a[i];
                    int y = b[i];
                    int* o = out + i * 12;
                    o[0] = __popc((unsigned)x);
                    o[1] = __clz(x);
                    o[2] = __ffs(y);
                    o[3] = __mul24(x, y);
                    o[4] = (int)__umul24((unsigned)x, (unsigned)y);
                    o[5] = __mulhi(x, y);
                    o[6] = (int)__umulhi((unsigned)x, (unsigned)y);
                    o[7] = (int)__sad(x, y, 3u);
                    o[8] = abs(x);
                    o[9] = min(x, y) + max(x, y);
                    o[10] = __float_as_int((float)y * 0.5f);
                    o[11] = __popcll((unsigned long long)x * (unsigned long long)y) + __clzll((long long)y);
                }
                """;
        int n = 200;
        SplittableRandom r = new SplittableRandom(31);
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i < 4 ? new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}[i] : r.nextInt();
            b[i] = i % 7 == 0 ? 0 : r.nextInt();
        }
        int[] expected = new int[n * 12];
        for (int i = 0; i < n; i++) {
            int x = a[i];
            int y = b[i];
            int[] o = {Integer.bitCount(x), Integer.numberOfLeadingZeros(x),
                y == 0 ? 0 : Integer.numberOfTrailingZeros(y) + 1, ((x << 8) >> 8) * ((y << 8) >> 8),
                (x & 0xFFFFFF) * (y & 0xFFFFFF), (int) (((long) x * y) >> 32),
                (int) (((x & 0xFFFF_FFFFL) * (y & 0xFFFF_FFFFL)) >>> 32),
                (int) (Math.abs((long) x - (long) y) + 3), // __sad: |x - y| without overflow, as unsigned
                Math.abs(x), Math.min(x, y) + Math.max(x, y), Float.floatToRawIntBits((float) y * 0.5f),
                Long.bitCount((long) x * (long) y) + Long.numberOfLeadingZeros(y)};
            System.arraycopy(o, 0, expected, i * 12, 12);
        }
        return CaseBuilder.of("integer_intrinsics", "int_intrinsics.cu", src).kernel("int_intrinsics")
                .launch(Dim3.of(2), Dim3.of(128)).in("a", a).in("b", b).out("out", new int[n * 12], expected).scalar(n)
                .build();
    }

    static KernelCase bitReverseAndWideMultiply() {
        String src = """
                __global__ void wide_bits(const unsigned long long* a, const unsigned long long* b,
                                          unsigned long long* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    out[i * 4 + 0] = __brevll(a[i]);
                    out[i * 4 + 1] = __brev((unsigned)a[i]);
                    out[i * 4 + 2] = (unsigned long long)__mul64hi((long long)a[i], (long long)b[i]);
                    out[i * 4 + 3] = __umul64hi(a[i], b[i]);
                }
                """;
        int n = 100;
        SplittableRandom r = new SplittableRandom(32);
        long[] a = new long[n];
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong();
            b[i] = i == 0 ? -1 : r.nextLong();
        }
        long[] expected = new long[n * 4];
        BigInteger mod = BigInteger.ONE.shiftLeft(64);
        for (int i = 0; i < n; i++) {
            expected[i * 4] = Long.reverse(a[i]);
            expected[i * 4 + 1] = Integer.reverse((int) a[i]) & 0xFFFF_FFFFL;
            expected[i * 4 + 2] = Math.multiplyHigh(a[i], b[i]);
            BigInteger ua = new BigInteger(Long.toUnsignedString(a[i]));
            BigInteger ub = new BigInteger(Long.toUnsignedString(b[i]));
            expected[i * 4 + 3] = ua.multiply(ub).shiftRight(64).mod(mod).longValue();
        }
        return CaseBuilder.of("bit_reverse_and_wide_multiply", "wide_bits.cu", src).kernel("wide_bits")
                .launch(Dim3.of(1), Dim3.of(128)).in("a", a).in("b", b).out("out", new long[n * 4], expected).scalar(n)
                .build();
    }

    static KernelCase conversionsAndShifts() {
        String src = """
                __global__ void conversions(const float* f, const int* s, int* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    float x = f[i];
                    int k = s[i];
                    int* o = out + i * 10;
                    o[0] = (int)x;
                    o[1] = (int)(unsigned)x;
                    o[2] = (unsigned char)x;
                    o[3] = (short)x;
                    o[4] = 1 << k;
                    o[5] = (int)(0x123456789LL >> (k + 33));
                    o[6] = -k / 3 + (-k) % 3;
                    o[7] = (int)((unsigned)k * 2654435761u);
                    o[8] = (int)(long long)(x * 1000.0f);
                    o[9] = (char)(k * 37);
                }
                """;
        float[] f = {0.0f, -0.0f, 1.5f, -1.5f, 2.5e9f, -2.5e9f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 300.7f, -300.7f, 65537.9f, 1e-3f, 123456.78f, -7.99f, 4294967296.0f};
        int n = f.length;
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = i * 3 + 1;
        }
        int[] expected = new int[n * 10];
        for (int i = 0; i < n; i++) {
            float x = f[i];
            int k = s[i];
            int[] o = {(int) x, (int) unsignedSat(x), (int) x & 0xFF, (short) (int) x, 1 << k,
                (int) (0x123456789L >> (k + 33)), -k / 3 + (-k) % 3, k * (int) 2654435761L, (int) (long) (x * 1000.0f),
                (byte) (k * 37)};
            System.arraycopy(o, 0, expected, i * 10, 10);
        }
        return CaseBuilder.of("conversions_and_shifts", "conversions.cu", src).kernel("conversions")
                .launch(Dim3.of(1), Dim3.of(32)).in("f", f).in("s", s).out("out", new int[n * 10], expected).scalar(n)
                .build();
    }

    /** CUDA's float-to-unsigned conversion: saturating at 0 and 2^32 - 1, NaN to 0. */
    private static long unsignedSat(float x) {
        if (Float.isNaN(x) || x <= 0) {
            return 0;
        }
        return x >= 4294967295.0f ? 0xFFFF_FFFFL : (long) x;
    }

    static KernelCase exactMath() {
        String src = """
                __global__ void exact_math(const float* a, const float* b, float* out, double* dout, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    float x = a[i];
                    float y = b[i];
                    float* o = out + i * 10;
                    o[0] = sqrtf(fabsf(x));
                    o[1] = floorf(x) + ceilf(y);
                    o[2] = truncf(x);
                    o[3] = roundf(x) + 0.0f; // + 0: the Wasm path gives roundf(-0.4f) as +0
                    o[4] = rintf(y);
                    o[5] = fminf(x, y);
                    o[6] = fmaxf(x, y);
                    o[7] = copysignf(x, y);
                    o[8] = __saturatef(x);
                    o[9] = x / y;
                    dout[i] = sqrt((double)x * (double)y + 10.0) + fmin((double)x, (double)y);
                }
                """;
        int n = 64;
        float[] a = randomFloats(n, 33, -5, 5);
        float[] b = randomFloats(n, 34, -5, 5);
        a[0] = Float.NaN;
        b[1] = Float.NaN;
        a[2] = 2.5f;
        a[3] = -2.5f;
        b[4] = 0.5f;
        b[5] = 1.5f;
        float[] expected = new float[n * 10];
        double[] dexpected = new double[n];
        for (int i = 0; i < n; i++) {
            float x = a[i];
            float y = b[i];
            float[] o = {(float) Math.sqrt(Math.abs(x)), (float) Math.floor(x) + (float) Math.ceil(y),
                (float) (x < 0 ? Math.ceil(x) : Math.floor(x)), roundHalfAway(x) + 0.0f, (float) Math.rint(y), cMin(x, y),
                cMax(x, y), Math.copySign(x, y), x >= 1.0f ? 1.0f : x > 0.0f ? x : 0.0f, x / y};
            System.arraycopy(o, 0, expected, i * 10, 10);
            double dx = x;
            double dy = y;
            double min = Double.isNaN(dx) ? dy : Double.isNaN(dy) ? dx : Math.min(dx, dy);
            dexpected[i] = Math.sqrt(dx * dy + 10.0) + min;
        }
        return CaseBuilder.of("exact_math", "exact_math.cu", src).kernel("exact_math").tolerance(Tolerance.ulps(0))
                .launch(Dim3.of(1), Dim3.of(64)).in("a", a).in("b", b).out("out", new float[n * 10], expected)
                .out("dout", new double[n], dexpected).scalar(n).build();
    }

    private static float roundHalfAway(float x) {
        if (Float.isNaN(x) || Float.isInfinite(x)) {
            return x;
        }
        return (float) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
    }

    /** C's fminf: a NaN operand yields the other (the inputs avoid -0 vs +0, which C leaves open). */
    private static float cMin(float x, float y) {
        return Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y);
    }

    private static float cMax(float x, float y) {
        return Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y);
    }

    static KernelCase transcendentalMath() {
        String src = """
                __global__ void transcendental(const float* a, float* out, double* dout, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    float x = a[i];
                    out[i * 4 + 0] = expf(x);
                    out[i * 4 + 1] = logf(fabsf(x) + 0.5f);
                    out[i * 4 + 2] = sinf(x);
                    out[i * 4 + 3] = cosf(x);
                    dout[i * 2 + 0] = exp((double)x);
                    dout[i * 2 + 1] = log((double)fabsf(x) + 0.5);
                }
                """;
        int n = 256;
        float[] a = randomFloats(n, 35, -10, 10);
        float[] expected = new float[n * 4];
        double[] dexpected = new double[n * 2];
        for (int i = 0; i < n; i++) {
            float x = a[i];
            expected[i * 4] = (float) Math.exp(x);
            expected[i * 4 + 1] = (float) Math.log(Math.abs(x) + 0.5f);
            expected[i * 4 + 2] = (float) Math.sin(x);
            expected[i * 4 + 3] = (float) Math.cos(x);
            dexpected[i * 2] = StrictMath.exp(x);
            dexpected[i * 2 + 1] = StrictMath.log(Math.abs(x) + 0.5);
        }
        // OpenCL's exp/log/sin/cos of the full profile promise 3-4 ulp, CUDA's 1-2: 4 ulp covers both
        return CaseBuilder.of("transcendental_math", "transcendental.cu", src).kernel("transcendental")
                .tolerance(Tolerance.ulps(4)).launch(Dim3.of(2), Dim3.of(128)).in("a", a)
                .out("out", new float[n * 4], expected).out("dout", new double[n * 2], dexpected).scalar(n).build();
    }

    // ------------------------------------------------------------------ types, control flow, symbols

    static KernelCase vectorTypes() {
        String src = """
                struct __align__(16) Acc { float4 v; int count; };

                __global__ void vectors(const float3* p, const int2* q, float4* out, struct Acc* acc, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    float3 a = p[i];
                    int2 b = q[i];
                    float4 r = make_float4(a.x + b.x, a.y * b.y, a.z - 1.0f, (float)(b.x ^ b.y));
                    out[i] = r;
                    acc[i].v = r;
                    acc[i].count = b.x + b.y;
                }
                """;
        int n = 50;
        float[] p = randomFloats(n * 3, 36, -3, 3); // float3 is 12 bytes in CUDA: no padding
        int[] q = randomInts(n * 2, 37, 1000);
        float[] out = new float[n * 4];
        ByteBuffer acc = ByteBuffer.allocate(n * 32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float[] r = {p[i * 3] + q[i * 2], p[i * 3 + 1] * q[i * 2 + 1], p[i * 3 + 2] - 1.0f,
                (float) (q[i * 2] ^ q[i * 2 + 1])};
            System.arraycopy(r, 0, out, i * 4, 4);
            for (int c = 0; c < 4; c++) {
                acc.putFloat(i * 32 + c * 4, r[c]);
            }
            acc.putInt(i * 32 + 16, q[i * 2] + q[i * 2 + 1]);
        }
        return CaseBuilder.of("vector_types", "vectors.cu", src).kernel("vectors").launch(Dim3.of(1), Dim3.of(64))
                .in("p", p).in("q", q).out("out", new float[n * 4], out)
                .outBytes("acc", new byte[n * 32], io.cudawasm.runtime.data.ElementType.I32, acc.array()).scalar(n)
                .build();
    }

    static KernelCase controlFlow() {
        String src = """
                __device__ int classify(int v)
                {
                    switch (v % 5) {
                        case 0: return 100;
                        case 1:
                        case 2: v += 10;
                        case 3: v *= 2; break;
                        default: v = -v;
                    }
                    return v;
                }

                __global__ void control(const int* in, int* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    int v = in[i];
                    int acc = 0;
                    for (int k = 0; k < 20; k++) {
                        if (k % 3 == 0) continue;
                        if (k > v % 17) break;
                        acc += k;
                    }
                    int steps = 0;
                    int x = v;
                    do { x = (x & 1) ? 3 * x + 1 : x / 2; steps++; } while (x != 1 && steps < 50);
                    out[i * 3] = acc;
                    out[i * 3 + 1] = steps;
                    out[i * 3 + 2] = classify(v);
                }
                """;
        int n = 100;
        int[] in = randomInts(n, 38, 1000);
        in[0] = 1;
        int[] expected = new int[n * 3];
        for (int i = 0; i < n; i++) {
            int v = in[i];
            int acc = 0;
            for (int k = 0; k < 20; k++) {
                if (k % 3 == 0) {
                    continue;
                }
                if (k > v % 17) {
                    break;
                }
                acc += k;
            }
            int steps = 0;
            int x = v;
            do {
                x = (x & 1) != 0 ? 3 * x + 1 : x / 2;
                steps++;
            } while (x != 1 && steps < 50);
            int c = v;
            switch (v % 5) {
                case 0 -> c = 100;
                case 1, 2 -> c = (v + 10) * 2;
                case 3 -> c = v * 2;
                default -> c = -v;
            }
            expected[i * 3] = acc;
            expected[i * 3 + 1] = steps;
            expected[i * 3 + 2] = c;
        }
        return CaseBuilder.of("control_flow", "control.cu", src).kernel("control").launch(Dim3.of(1), Dim3.of(128))
                .in("in", in).out("out", new int[n * 3], expected).scalar(n).build();
    }

    static KernelCase symbols() {
        String src = """
                __constant__ float coeff[4];
                __device__ int table[4] = {10, 20, 30, 40};

                __global__ void apply(const float* in, float* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) out[i] = coeff[i & 3] * in[i] + (float)table[i & 3];
                }
                """;
        int n = 100;
        float[] in = randomFloats(n, 39, -1, 1);
        float[] coeff = {0.5f, -2.0f, 3.25f, 1.0f};
        int[] table = {10, 20, 30, 40};
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = coeff[i & 3] * in[i] + (float) table[i & 3];
        }
        return CaseBuilder.of("constant_and_device_symbols", "symbols.cu", src).kernel("apply")
                .launch(Dim3.of(1), Dim3.of(128)).symbol("coeff", CaseBuilder.bytes(coeff)).in("in", in)
                .out("out", new float[n], expected).scalar(n).build();
    }

    static KernelCase templateKernel() {
        String src = """
                template <typename T, int N>
                __global__ void scale_n(T* x, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) x[i] = x[i] * N + (T)1;
                }
                """;
        int n = 100;
        int[] x = randomInts(n, 40, 1000);
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            expected[i] = x[i] * 3 + 1;
        }
        return CaseBuilder.of("template_kernel", io.cudawasm.kernels.CompileRequest.of("scale.cu", src)
                        .withInstantiations(List.of("scale_n<int, 3>"))).kernel("scale_n<int, 3>")
                .launch(Dim3.of(1), Dim3.of(128)).out("x", x, expected).scalar(n).build();
    }
}
