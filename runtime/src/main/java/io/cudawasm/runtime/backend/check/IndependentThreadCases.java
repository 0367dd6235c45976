package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.launch.Dim3;
import java.util.List;

/**
 * Kernels whose threads wait for each other where a block run thread by thread cannot interleave
 * them, with Java references: a {@code cuda::pipeline} split into producer and consumer roles and a
 * {@code cuda::barrier} of part of a block. The CPU path runs them with independent threads (the
 * pipeline by itself, the barrier when the launch asks), CUDA natively (its C makes the barriers
 * real); OpenCL stops them. {@code scripts/gpu-check.sh} runs them on CUDA.
 */
public final class IndependentThreadCases {
    private IndependentThreadCases() {}

    static final String HEADERS = """
            #include <cuda/pipeline>
            #include <cuda/barrier>
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;
            """;

    public static List<KernelCase> all() {
        return List.of(producerConsumer(), partialBarrier());
    }

    public static final int BLOCKS = 3;
    public static final int TILES = 10;
    public static final int THREADS = 128;

    /** Warp 0 copies tile after tile into a ring of shared stages; the other warps add each tile's values, tiles behind. */
    public static KernelCase producerConsumer() {
        String src = HEADERS + """
                #define STAGES 3
                #define TILE 32
                __global__ void producerConsumer(const int *in, int tiles, int *out)
                {
                    __shared__ int ring[STAGES][TILE];
                    __shared__ cuda::pipeline_shared_state<cuda::thread_scope_block, STAGES> state;
                    auto block = cg::this_thread_block();
                    bool producer = threadIdx.x < 32;
                    auto pipe = cuda::make_pipeline(block, &state,
                            producer ? cuda::pipeline_role::producer : cuda::pipeline_role::consumer);
                    int sum = 0;
                    for (int t = 0; t < tiles; t++) {
                        if (producer) {
                            pipe.producer_acquire();
                            ring[t % STAGES][threadIdx.x] = in[(blockIdx.x * tiles + t) * TILE + threadIdx.x];
                            pipe.producer_commit();
                        } else {
                            pipe.consumer_wait();
                            sum += ring[t % STAGES][(threadIdx.x + t) % TILE];
                            pipe.consumer_release();
                        }
                    }
                    out[blockIdx.x * blockDim.x + threadIdx.x] = producer ? -1 : sum;
                }
                """;
        int[] in = new int[BLOCKS * TILES * 32];
        for (int i = 0; i < in.length; i++) {
            in[i] = i * 7 % 1000;
        }
        int[] expected = new int[BLOCKS * THREADS];
        for (int b = 0; b < BLOCKS; b++) {
            for (int t = 0; t < THREADS; t++) {
                int sum = 0;
                for (int k = 0; k < TILES; k++) {
                    sum += in[(b * TILES + k) * 32 + (t + k) % 32];
                }
                expected[b * THREADS + t] = t < 32 ? -1 : sum;
            }
        }
        return CaseBuilder.of("producer_consumer", "producer_consumer.cu", src).kernel("producerConsumer")
                .launch(Dim3.of(BLOCKS), Dim3.of(THREADS)).in("in", in).scalar(TILES)
                .out("out", new int[expected.length], expected).build();
    }

    /** Only the first 64 threads of a block of 96 take part in a cuda::barrier; the others go on without it. */
    public static KernelCase partialBarrier() {
        String src = HEADERS + """
                __global__ void partialBarrier(int *out)
                {
                    __shared__ cuda::barrier<cuda::thread_scope_block> bar;
                    __shared__ int values[64];
                    if (threadIdx.x == 0) {
                        init(&bar, 64);
                    }
                    __syncthreads();
                    if (threadIdx.x < 64) {
                        values[threadIdx.x] = threadIdx.x * 3 + blockIdx.x;
                        bar.arrive_and_wait();
                        out[blockIdx.x * blockDim.x + threadIdx.x] = values[63 - threadIdx.x];
                    } else {
                        out[blockIdx.x * blockDim.x + threadIdx.x] = 7;
                    }
                }
                """;
        int[] expected = new int[2 * 96];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 96; t++) {
                expected[b * 96 + t] = t < 64 ? (63 - t) * 3 + b : 7;
            }
        }
        return CaseBuilder.of("partial_barrier", "partial_barrier.cu", src).kernel("partialBarrier")
                .launch(Dim3.of(2), Dim3.of(96)).out("out", new int[expected.length], expected).build();
    }
}
