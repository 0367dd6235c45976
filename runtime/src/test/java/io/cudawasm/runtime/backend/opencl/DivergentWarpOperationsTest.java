package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.check.Tolerance;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.testing.KernelHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Warp operations inside divergent code on PoCL, in this JVM: the emulation's work-group barriers
 * must be reached by every work-item, or PoCL crashes the process (the first kernel here did,
 * before the OpenCL emitter moved collectives to uniform points). Results CUDA defines are
 * compared with the Java reference or with the WebAssembly path, which runs the same SIMT model.
 */
class DivergentWarpOperationsTest {

    private static int[] ints(byte[] b) {
        int[] out = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    private static int[] random(int n, long seed, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(bound);
        }
        return a;
    }

    @Test
    void shuffleInsideABranchNoLongerCrashesPocl() {
        // issue 16's reproducer: lanes 0..7 read lanes 16..23, which are not in the branch
        KernelCase c = CaseBuilder.of("divergent_shuffle", "k.cu", """
                __global__ void k(int *out) {
                    int v = threadIdx.x + 100;
                    if (threadIdx.x < 8) v += __shfl_down_sync(0xffu, v, 16);
                    out[threadIdx.x] = v;
                }
                """).kernel("k").launch(Dim3.of(1), Dim3.of(32)).out("out", new int[32], null).build();
        for (int attempt = 0; attempt < 5; attempt++) {
            CheckedRun.BackendRun run = CheckedRun.run(OpenClTestDevice.backend(), c.compile(), c.launch());
            assertNull(run.failure());
            int[] out = ints(run.outputs().get("out"));
            for (int lane = 8; lane < 32; lane++) {
                assertEquals(lane + 100, out[lane], "lane " + lane + " took no part in the shuffle");
            }
        }
    }

    /** Nested loops with per-lane trip counts, break, continue and an early return around votes. */
    @Test
    void nestedDivergentLoopsMatchTheWasmPath() {
        String src = """
                __global__ void nested(const int* in, int* out)
                {
                    int t = blockIdx.x * blockDim.x + threadIdx.x;
                    int lane = threadIdx.x & 31;
                    int v = in[t];
                    int acc = 0;
                    for (int i = 0; i < (v & 7); i++) {
                        if (i == 5) break;
                        if ((i + lane) & 1) continue;
                        acc += __popc(__activemask()) * 100;
                        int j = 0;
                        while (j < (lane & 3)) {
                            acc += __popc(__ballot_sync(__activemask(), (v >> j) & 1));
                            j++;
                        }
                        if (lane < 16) {
                            unsigned m = __activemask();
                            acc += __shfl_sync(m, acc, __ffs(m) - 1) & 0xff; // from the first active lane
                        }
                    }
                    out[t * 3] = acc;
                    if (v > 80) return;
                    out[t * 3 + 1] = __popc(__activemask());
                    if (lane & 2) out[t * 3 + 2] = __any_sync(__activemask(), v < 10);
                }
                """;
        for (long seed = 1; seed <= 3; seed++) {
            int n = 2 * 96;
            int[] in = random(n, seed, 100);
            KernelCase c = CaseBuilder.of("nested_divergence_" + seed, "nested.cu", src).kernel("nested")
                    .launch(Dim3.of(2), Dim3.of(96)).in("in", in).out("out", new int[n * 3], nestedReference(in))
                    .build();
            CheckedRun.Result r = CheckedRun.check(OpenClTestDevice.backend(), KernelHarness.backend(2), c.compile(),
                    c.launch(), Tolerance.exact());
            List<BufferComparison> problems = new java.util.ArrayList<>(r.comparisons());
            problems.addAll(c.againstReference(r.first()));
            problems.addAll(c.againstReference(r.second()));
            problems.removeIf(BufferComparison::passed);
            assertTrue(r.first().failure() == null && r.second().failure() == null && problems.isEmpty(),
                    () -> r.format() + problems.stream().map(BufferComparison::format).toList());
        }
    }

    /** The nested kernel lane by lane, warps in lock step (masks as the SIMT model keeps them). */
    private static int[] nestedReference(int[] in) {
        int[] out = new int[in.length * 3];
        for (int warp = 0; warp < in.length; warp += 32) {
            int[] v = java.util.Arrays.copyOfRange(in, warp, warp + 32);
            int[] acc = new int[32];
            for (int i = 0; i < 5; i++) {
                int active = 0;
                for (int l = 0; l < 32; l++) {
                    if ((v[l] & 7) > i && ((i + l) & 1) == 0) {
                        active |= 1 << l;
                    }
                }
                for (int l = 0; l < 32; l++) {
                    if ((active >> l & 1) != 0) {
                        acc[l] += Integer.bitCount(active) * 100;
                    }
                }
                for (int j = 0; j < 3; j++) {
                    int looping = 0;
                    int ballot = 0;
                    for (int l = 0; l < 32; l++) {
                        if ((active >> l & 1) != 0 && (l & 3) > j) {
                            looping |= 1 << l;
                            ballot |= ((v[l] >> j) & 1) << l;
                        }
                    }
                    for (int l = 0; l < 32; l++) {
                        if ((looping >> l & 1) != 0) {
                            acc[l] += Integer.bitCount(ballot);
                        }
                    }
                }
                int low = active & 0xFFFF;
                if (low != 0) {
                    int first = acc[Integer.numberOfTrailingZeros(low)];
                    for (int l = 0; l < 16; l++) {
                        if ((low >> l & 1) != 0) {
                            acc[l] += first & 0xff;
                        }
                    }
                }
            }
            int alive = 0;
            for (int l = 0; l < 32; l++) {
                if (v[l] <= 80) {
                    alive |= 1 << l;
                }
            }
            int anySmall = 0;
            for (int l = 0; l < 32; l++) {
                if ((alive >> l & 1) != 0 && (l & 2) != 0 && v[l] < 10) {
                    anySmall = 1;
                }
            }
            for (int l = 0; l < 32; l++) {
                int t = warp + l;
                out[t * 3] = acc[l];
                if ((alive >> l & 1) != 0) {
                    out[t * 3 + 1] = Integer.bitCount(alive);
                    if ((l & 2) != 0) {
                        out[t * 3 + 2] = anySmall;
                    }
                }
            }
        }
        return out;
    }

    /** A divergent shuffle reduction whose every read CUDA defines, against Java. */
    @Test
    void reductionInsideABranchIsExact() {
        int n = 4 * 64;
        int[] in = random(n, 7, 1000);
        int[] expected = new int[n];
        for (int t = 0; t < n; t++) {
            int lane = t & 31;
            int base = t - lane;
            if (lane < 16) {
                for (int l = 0; l < 16; l++) {
                    expected[t] += in[base + l]; // a butterfly leaves the sum in every lane
                }
            } else {
                expected[t] = -in[t];
            }
        }
        KernelCase c = CaseBuilder.of("branch_butterfly", "b.cu", """
                __global__ void b(const int* in, int* out)
                {
                    int t = blockIdx.x * blockDim.x + threadIdx.x;
                    int x = in[t];
                    if ((threadIdx.x & 31) < 16) {
                        for (int k = 1; k < 16; k <<= 1) x += __shfl_xor_sync(0x0000ffffu, x, k);
                    } else {
                        x = -x;
                    }
                    out[t] = x;
                }
                """).kernel("b").launch(Dim3.of(4), Dim3.of(64)).in("in", in).out("out", new int[n], expected).build();
        CheckedRun.BackendRun run = CheckedRun.run(OpenClTestDevice.backend(), c.compile(), c.launch());
        assertNull(run.failure());
        List<BufferComparison> problems = c.againstReference(run).stream().filter(x -> !x.passed()).toList();
        assertTrue(problems.isEmpty(), () -> problems.get(0).format());
    }

    /**
     * The CUDA samples' reduce6 ending: a shared-memory tree down to 64 values, then a shuffle loop
     * inside {@code if (tid < 32)}, a loop steered by block-wide votes. While the votes counted in a
     * kernel-scope {@code __local} int, PoCL 3.1 on two threads ended the loop early for some
     * work-groups in about one launch in four (block sums of 8 or 128 of the 256 values); the
     * counter is a kernel argument now. Twenty launches, every block checked.
     */
    @Test
    void treeThenDivergentShuffleLoopSumsEveryBlock() {
        int blocks = 64;
        int n = blocks * 256;
        for (long seed = 1; seed <= 20; seed++) {
            int[] in = random(n, seed, 100);
            int[] sums = new int[blocks];
            for (int i = 0; i < n; i++) {
                sums[i / 256] += in[i];
            }
            KernelCase c = CaseBuilder.of("reduce6_tail_" + seed, "r6.cu", """
                    __global__ void r6(const int *in, int *out) {
                        __shared__ int sdata[256];
                        unsigned int tid = threadIdx.x;
                        int sum = in[blockIdx.x * 256 + tid];
                        sdata[tid] = sum;
                        __syncthreads();
                        for (unsigned int s = 128; s > 32; s >>= 1) {
                            if (tid < s) sdata[tid] = sum = sum + sdata[tid + s];
                            __syncthreads();
                        }
                        if (tid < 32) {
                            sum += sdata[tid + 32];
                            for (int offset = 16; offset > 0; offset /= 2)
                                sum += __shfl_down_sync(0xffffffff, sum, offset);
                        }
                        if (tid == 0) out[blockIdx.x] = sum;
                    }
                    """).kernel("r6").launch(Dim3.of(blocks), Dim3.of(256)).in("in", in)
                    .out("out", new int[blocks], sums).build();
            assertExactOnOpenCl(c, c.compile(), "launch " + seed);
        }
    }

    /**
     * The corpus's ballot reduction in divergent code (two divergent loops of ballots, steered by
     * block-wide votes) came out wrong in about 1 launch in 25 on PoCL 3.1 while the votes counted
     * in a kernel-scope {@code __local} int; forty launches, every block checked.
     */
    @Test
    void ballotLoopsInDivergentCodeAreExactLaunchAfterLaunch() {
        KernelCase c = DeviceSemanticsCases.all().stream()
                .filter(k -> k.name().equals("ballot_reduction_in_divergent_code")).findFirst().orElseThrow();
        var compiled = c.compile();
        for (int launch = 1; launch <= 40; launch++) {
            assertExactOnOpenCl(c, compiled, "launch " + launch);
        }
    }

    /** One launch of {@code c} on PoCL: no failure, every output equal to the Java reference. */
    private static void assertExactOnOpenCl(KernelCase c, CompileResult compiled, String label) {
        CheckedRun.BackendRun run = CheckedRun.run(OpenClTestDevice.backend(), compiled, c.launch());
        assertNull(run.failure(), label);
        List<BufferComparison> problems = c.againstReference(run).stream().filter(x -> !x.passed()).toList();
        assertTrue(problems.isEmpty(), () -> label + ": " + problems.get(0).format());
    }

    /** A trap in one lane of a divergent branch fails the launch; the other lanes still reach the shuffle. */
    @Test
    void trapInsideADivergentBranchFailsTheLaunchCleanly() {
        int[] in = new int[64];
        in[45] = 12345; // lane 13: in the branch with the shuffle
        KernelCase c = CaseBuilder.of("branch_trap", "trap.cu", """
                __global__ void k(const int* in, int* out)
                {
                    int v = in[threadIdx.x];
                    if ((threadIdx.x & 31) < 8) {
                        v += 1;
                    } else {
                        if (v == 12345) __trap();
                        v += __shfl_down_sync(0xffffff00u, v, 4, 8);
                    }
                    out[threadIdx.x] = v;
                }
                """).kernel("k").launch(Dim3.of(1), Dim3.of(64)).in("in", in).out("out", new int[64], null).build();
        CheckedRun.BackendRun run = CheckedRun.run(OpenClTestDevice.backend(), c.compile(), c.launch());
        assertNotNull(run.failure(), "the trap must fail the launch");
        assertEquals(LaunchFailure.TRAP, run.failure().failure());
        assertTrue(run.failure().getMessage().contains("trap.cu:7"), run.failure().getMessage());
    }
}
