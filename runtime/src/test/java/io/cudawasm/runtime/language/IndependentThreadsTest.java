package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.IndependentThreadCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Independent thread scheduling on the CPU path: every CUDA thread of a block on a host thread of
 * its own, so threads may wait for each other where a block run thread by thread between barriers
 * cannot interleave them: a {@code cuda::pipeline} with producer and consumer roles (run so by
 * itself), a {@code cuda::barrier} of part of a block and a thread that spins on a flag another
 * thread of its block sets later (run so when the launch asks). Checked against Java references;
 * warp shuffles, votes and block reductions give what the usual block loops give; a block whose
 * threads all wait for each other fails as a deadlock, and the time limit stops spinning threads.
 */
class IndependentThreadsTest {
    static final String SOURCE = """
            #include <cuda/barrier>

            // Thread 0 waits for a flag that thread 1 sets.
            __global__ void handshake(int *flag, int *out)
            {
                __shared__ int data;
                if (threadIdx.x == 0) {
                    while (atomicAdd(&flag[blockIdx.x], 0) == 0) { }
                    out[blockIdx.x] = data;
                } else if (threadIdx.x == 1) {
                    data = 100 + blockIdx.x;
                    __threadfence_block();
                    atomicExch(&flag[blockIdx.x], 1);
                }
            }

            // Collectives: a warp-shuffle sum, a ballot and a block count, as the usual block loops give them.
            __global__ void collectives(const int *in, int *out)
            {
                int v = in[blockIdx.x * blockDim.x + threadIdx.x];
                int s = v;
                for (int d = 16; d > 0; d /= 2) {
                    s += __shfl_down_sync(0xffffffff, s, d);
                }
                unsigned odd = __ballot_sync(0xffffffff, v & 1);
                int evens = __syncthreads_count((v & 1) == 0);
                int lane = threadIdx.x % 32;
                int broadcast = __shfl_sync(0xffffffff, v, 5);
                out[blockIdx.x * blockDim.x + threadIdx.x] = lane == 0 ? s : lane == 1 ? (int)odd : lane == 2 ? evens
                        : broadcast;
            }

            // Named barriers (PTX bar.sync/bar.arrive with a thread count): warp 0 publishes, then only the
            // warps 1 and 2 wait for it on barrier 1 (96 threads); warp 3 goes on at once.
            __global__ void namedBarriers(int *out)
            {
                __shared__ int published[32];
                int warp = threadIdx.x / 32;
                if (warp == 0) {
                    published[threadIdx.x] = threadIdx.x * 11 + blockIdx.x;
                    asm volatile("bar.arrive 1, 96;" ::: "memory");
                    out[blockIdx.x * blockDim.x + threadIdx.x] = 0;
                } else if (warp < 3) {
                    asm volatile("bar.sync 1, 96;" ::: "memory");
                    out[blockIdx.x * blockDim.x + threadIdx.x] = published[31 - threadIdx.x % 32];
                } else {
                    out[blockIdx.x * blockDim.x + threadIdx.x] = -5;
                }
            }

            // Every thread waits at a barrier that expects twice the block: no wait can end.
            __global__ void deadlocks(int *out)
            {
                __shared__ cuda::barrier<cuda::thread_scope_block> bar;
                if (threadIdx.x == 0) {
                    init(&bar, 2 * blockDim.x);
                }
                __syncthreads();
                bar.arrive_and_wait();
                out[threadIdx.x] = 1;
            }
            """;

    private static final LaunchOptions INDEPENDENT = LaunchOptions.DEFAULT.withIndependentThreads(true);

    /** A case's run on the CPU path with independent threads (as asked, or as its kernel needs them), checked. */
    private static void passes(KernelCase c, io.cudawasm.kernels.CompileResult compiled, boolean ask) {
        CheckedRun.BackendRun run = CheckedRun.run(KernelHarness.backend(2), compiled, ask ? c.launch().withOptions(
                c.launch().options().withIndependentThreads(true).withTimeLimit(Duration.ofSeconds(60))) : c.launch());
        org.junit.jupiter.api.Assertions.assertNull(run.failure(), () -> c.name() + ": " + run.failure());
        assertTrue(c.againstReference(run).stream().allMatch(BufferComparison::passed),
                () -> c.name() + ": " + c.againstReference(run));
    }

    @Test
    void aPipelineWithProducerAndConsumerRolesRunsWithIndependentThreads() {
        KernelCase c = IndependentThreadCases.producerConsumer();
        io.cudawasm.kernels.CompileResult compiled = c.compile();
        assertTrue(compiled.wasm().kernel("producerConsumer").orElseThrow().independentThreads());
        passes(c, compiled, false); // not asked for: the roles make the kernel run so
    }

    @Test
    void aBarrierOfPartOfABlockNeedsIndependentThreadsAndWorksWithThem() {
        KernelCase c = IndependentThreadCases.partialBarrier();
        CheckedRun.BackendRun usual = CheckedRun.run(KernelHarness.backend(2), c.compile(), c.launch());
        assertTrue(usual.failure() != null && usual.failure().getMessage().contains("independent threads"),
                () -> String.valueOf(usual.failure()));
        passes(c, c.compile(), true);
    }

    /**
     * nvcc's PTX of the same kernels: libcu++'s own cuda::barrier and partitioned pipeline, as
     * mbarrier.init/arrive/try_wait on shared memory, run with independent threads as the host's
     * barrier objects (any expected count, phases and parities).
     */
    @Test
    void nvccsMbarrierCodeRunsWithIndependentThreads() {
        for (KernelCase c : IndependentThreadCases.all()) {
            String ptx = io.cudawasm.runtime.ptx.Nvcc.ptx("#pragma nv_diag_suppress static_var_with_dynamic_init\n"
                    + c.request().source(), AllPaths.SM80, java.util.List.of());
            io.cudawasm.kernels.CompileResult compiled = AllPaths.compile(io.cudawasm.kernels.CompileRequest.of(
                    c.name() + ".ptx", ptx));
            if (c.name().equals("partial_barrier")) {
                CheckedRun.BackendRun usual = CheckedRun.run(KernelHarness.backend(2), compiled, c.launch());
                assertTrue(usual.failure() != null && usual.failure().getMessage().contains("needs independent threads"),
                        () -> String.valueOf(usual.failure()));
            }
            passes(c, compiled, true);
        }
    }

    /**
     * The CUDA back end's C, where a GPU's independent threads make the headers' barrier objects real
     * (counters that arrivals count down and waiters poll, cw_barrier_*): through nvcc, its PTX runs
     * with independent threads on the CPU path and gives the references, as the GPU would run it.
     * These are the cases scripts/gpu-check.sh runs on CUDA.
     */
    @Test
    void theCudaBackEndsBarrierObjectsGiveTheReferencesThroughItsPtx() {
        for (KernelCase c : IndependentThreadCases.all()) {
            io.cudawasm.kernels.cuda.CudaProgram program = c.compile().cuda();
            assertTrue(program.source().contains("cw_barrier_arrive"), program.source());
            String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(program, "compute_80");
            passes(c, io.cudawasm.kernels.KernelCompiler.compile(io.cudawasm.kernels.CompileRequest.of(
                    c.name() + "_cuda.ptx", ptx)), true);
        }
    }

    @Test
    void aThreadMayWaitForAnotherThreadOfItsBlock() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer flag = h.buffer(new int[4]);
            DeviceBuffer out = h.buffer(new int[4]);
            LaunchConfig config = new LaunchConfig(Dim3.of(4), Dim3.of(64), 0);
            // thread by thread, thread 0 would spin before thread 1 ever ran: the time limit stops it
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("handshake", config,
                    LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(300)), flag, out));
            assertEquals(LaunchFailure.TIMEOUT, e.failure(), e.getMessage());
            h.session().write(flag, 0, new byte[16]);
            h.launch("handshake", config, INDEPENDENT, flag, out);
            assertArrayEquals(new int[] {100, 101, 102, 103}, h.ints(out));
        }
    }

    @Test
    void warpAndBlockCollectivesGiveWhatTheBlockLoopsGive() {
        int blocks = 2;
        int threads = 96;
        int[] in = new int[blocks * threads];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i * 37 + 11) % 101;
        }
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer input = h.buffer(in);
            DeviceBuffer usual = h.buffer(new int[in.length]);
            DeviceBuffer independent = h.buffer(new int[in.length]);
            LaunchConfig config = new LaunchConfig(Dim3.of(blocks), Dim3.of(threads), 0);
            h.launch("collectives", config, LaunchOptions.DEFAULT, input, usual);
            h.launch("collectives", config, INDEPENDENT, input, independent);
            int[] expected = h.ints(usual);
            // the reference of a few: warp 0 of block 0's sum, ballot and the block's even count
            int sum = 0;
            int odd = 0;
            int evens = 0;
            for (int t = 0; t < 32; t++) {
                sum += in[t];
                odd |= (in[t] & 1) << t;
            }
            for (int t = 0; t < threads; t++) {
                evens += (in[t] & 1) == 0 ? 1 : 0;
            }
            assertEquals(sum, expected[0]);
            assertEquals(odd, expected[1]);
            assertEquals(evens, expected[2]);
            assertEquals(in[5], expected[3]);
            assertArrayEquals(expected, h.ints(independent));
        }
    }

    @Test
    void ptxNamedBarriersOfPartOfTheBlockRunWithIndependentThreads() {
        int blocks = 2;
        int threads = 128;
        int[] expected = new int[blocks * threads];
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < threads; t++) {
                int warp = t / 32;
                expected[b * threads + t] = warp == 0 ? 0 : warp < 3 ? (31 - t % 32) * 11 + b : -5;
            }
        }
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[blocks * threads]);
            LaunchConfig config = new LaunchConfig(Dim3.of(blocks), Dim3.of(threads), 0);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("namedBarriers", config,
                    LaunchOptions.DEFAULT, out));
            assertTrue(e.getMessage().contains("needs independent threads"), e.getMessage());
            h.launch("namedBarriers", config, INDEPENDENT, out);
            assertArrayEquals(expected, h.ints(out));
        }
    }

    @Test
    void threadsThatAllWaitForEachOtherAreADeadlockNotAHang() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[64]);
            long started = System.nanoTime();
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("deadlocks",
                    new LaunchConfig(Dim3.of(1), Dim3.of(64), 0), INDEPENDENT.withTimeLimit(Duration.ofSeconds(30)), out));
            assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos(), "found by the time limit");
            // the session goes on
            DeviceBuffer flag = h.buffer(new int[1]);
            DeviceBuffer one = h.buffer(new int[1]);
            h.launch("handshake", new LaunchConfig(Dim3.of(1), Dim3.of(2), 0), INDEPENDENT, flag, one);
            assertArrayEquals(new int[] {100}, h.ints(one));
        }
    }
}
