package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.launch.Dim3;
import java.util.List;

/**
 * Kernels that synchronize the whole grid ({@code grid.sync()}), with Java references: a cooperative
 * launch on the WebAssembly path and the CUDA back end, one NDRange per phase on OpenCL (not in
 * TornadoVM's ABI), so they are kept apart from {@link DeviceSemanticsCases}, which every back end and
 * ABI runs. Grids stay small enough to be resident at once on any GPU and on the CPU path (64 blocks
 * on two workers).
 */
public final class CooperativeCases {
    private CooperativeCases() {}

    public static List<KernelCase> all() {
        return List.of(gridPhases(), gridSumAfterSync());
    }

    /**
     * Each phase reads what threads of other blocks wrote in the phase before; without a grid
     * barrier the reads see old values. The barrier is reached in the kernel and in a device function.
     */
    static KernelCase gridPhases() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                __device__ void phase(cg::grid_group grid) { grid.sync(); }

                __global__ void grid_phases(int *a, int *b, int rounds)
                {
                    cg::grid_group grid = cg::this_grid();
                    int n = grid.size();
                    int i = grid.thread_rank();
                    a[i] = i;
                    grid.sync();
                    for (int r = 0; r < rounds; r++) {
                        b[i] = a[(i + blockDim.x + r) % n] * 3 + r;
                        phase(grid);
                        a[i] = b[i] % 1000003;
                        cg::sync(grid);
                    }
                }
                """;
        int blocks = 12;
        int block = 64;
        int rounds = 5;
        int n = blocks * block;
        int[][] ab = rotated(n, block, rounds);
        int[] a = ab[0];
        int[] b = ab[1];
        return CaseBuilder.of("grid_phases", "grid_phases.cu", src).kernel("grid_phases")
                .launch(Dim3.of(blocks), Dim3.of(block)).out("a", new int[n], a).out("b", new int[n], b)
                .scalar(rounds).build();
    }

    /**
     * The reference of the phases kernels here and in the grid tests: {@code a[i] = i}, then per round
     * {@code b[i] = a[(i + block + r) % n] * 3 + r} for all i, then {@code a[i] = b[i] % 1000003};
     * returns {a, b}.
     */
    public static int[][] rotated(int n, int block, int rounds) {
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                b[i] = a[(i + block + r) % n] * 3 + r;
            }
            for (int i = 0; i < n; i++) {
                a[i] = b[i] % 1000003;
            }
        }
        return new int[][] {a, b};
    }

    /**
     * A one-kernel reduction in the shape of the reductionMultiBlockCG sample: per-block partial sums,
     * a grid barrier, then block 0 adds the partials (in a fixed order, so the float result is exact
     * against the reference); {@code is_valid()} is true in the cooperative launch.
     */
    static KernelCase gridSumAfterSync() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                __global__ void grid_sum(const float *in, float *partial, float *out, int *valid)
                {
                    cg::grid_group grid = cg::this_grid();
                    extern __shared__ float s[];
                    unsigned tid = threadIdx.x;
                    s[tid] = in[grid.thread_rank()];
                    __syncthreads();
                    for (unsigned st = blockDim.x / 2; st > 0; st >>= 1) {
                        if (tid < st) s[tid] += s[tid + st];
                        __syncthreads();
                    }
                    if (tid == 0) partial[blockIdx.x] = s[0];
                    grid.sync();
                    if (grid.thread_rank() == 0) {
                        float t = 0.0f;
                        for (unsigned b = 0; b < gridDim.x; b++) t += partial[b];
                        out[0] = t;
                    }
                    if (tid == 0) valid[blockIdx.x] = grid.is_valid() ? 1 : 0;
                }
                """;
        int blocks = 16;
        int block = 128;
        float[] in = DeviceSemanticsCases.randomFloats(blocks * block, 41, -1, 1);
        float[] partial = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            float[] s = java.util.Arrays.copyOfRange(in, b * block, (b + 1) * block);
            for (int st = block / 2; st > 0; st >>= 1) {
                for (int t = 0; t < st; t++) {
                    s[t] += s[t + st];
                }
            }
            partial[b] = s[0];
        }
        float total = 0.0f;
        for (float p : partial) {
            total += p;
        }
        int[] valid = new int[blocks];
        java.util.Arrays.fill(valid, 1);
        return CaseBuilder.of("grid_sum_after_sync", "grid_sum.cu", src).kernel("grid_sum")
                .launch(Dim3.of(blocks), Dim3.of(block)).sharedBytes(block * 4).in("in", in)
                .out("partial", new float[blocks], partial).out("out", new float[1], new float[] {total})
                .out("valid", new int[blocks], valid).build();
    }
}
