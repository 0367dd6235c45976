package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.CoalescedGroupCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Cooperative groups' coalesced groups (issue 18, item 6) against Java references that model each
 * warp's lanes and masks: on the WebAssembly path (three inputs), on OpenCL/PoCL (twenty launches,
 * where warp collectives inside divergent code are emulated with work-group barriers and votes),
 * and through nvcc's PTX of the same source (CUDA's own implementation: {@code __fns}, its scan
 * for {@code cg::reduce}, {@code __match_any_sync}). The CUDA C the compiler emits goes through
 * nvcc too. What stays refused is refused at its file:line:column.
 */
class CoalescedGroupsTest {
    private static final int OPENCL_LAUNCHES = 20;

    @Test
    void membersInDivergentCode() {
        onEveryPath(CoalescedGroupCases::members);
    }

    @Test
    void partitions() {
        onEveryPath(CoalescedGroupCases::partitions);
    }

    @Test
    void inclusiveAndExclusiveScans() {
        onEveryPath(CoalescedGroupCases::scans);
    }

    /** Wasm with seeds 1 to 3, OpenCL with seeds 1 to 20 (one compile), PTX with seed 1. */
    private static void onEveryPath(LongFunction<KernelCase> cases) {
        List<String> problems = new ArrayList<>();
        CompileResult compiled = AllPaths.compile(cases.apply(1).request());
        for (long seed = 1; seed <= 3; seed++) {
            check("wasm seed " + seed, KernelHarness.backend(2), compiled, cases.apply(seed), problems);
        }
        for (long seed = 1; seed <= OPENCL_LAUNCHES; seed++) {
            check("opencl seed " + seed, OpenClTestDevice.backend(), compiled, cases.apply(seed), problems);
        }
        KernelCase first = cases.apply(1);
        String ptx = Nvcc.ptx(first.request().source(), AllPaths.PTX_CONFIG, List.of());
        check("ptx", KernelHarness.backend(2), AllPaths.compile(CompileRequest.of(first.name() + ".ptx", ptx)), first,
                problems);
        assertTrue(problems.isEmpty(), () -> first.name() + ":\n  " + String.join("\n  ", problems));
    }

    private static void check(String path, Backend backend, CompileResult compiled, KernelCase c, List<String> problems) {
        CheckedRun.BackendRun r = CheckedRun.run(backend, compiled, c.launch());
        if (r.failure() != null) {
            problems.add(path + ": launch failed: " + r.failure().getMessage());
            return;
        }
        for (BufferComparison b : c.againstReference(r)) {
            if (!b.passed()) {
                problems.add(path + ": " + b.format());
            }
        }
    }

    /**
     * The sm_80 warp reductions over the lanes of a branch (what nvcc's {@code cg::reduce} of a
     * coalesced group becomes at compute_80 and later: {@code redux.sync} with the group's mask).
     */
    @Test
    void warpReductionsOverAPartialMask() {
        String src = """
                __global__ void partial(const int *in, int *out, unsigned *uout)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    int v = in[i];
                #if __CUDA_ARCH__ >= 800
                    if (v % 3 != 0) {
                        unsigned m = __activemask();
                        out[3 * i] = __reduce_add_sync(m, v);
                        out[3 * i + 1] = __reduce_min_sync(m, v - 50);
                        out[3 * i + 2] = __reduce_max_sync(m, (unsigned)v * 40000000u);
                        uout[i] = __reduce_xor_sync(m, (unsigned)v * 2654435761u) ^ __reduce_and_sync(m, v | 0x40);
                    }
                #endif
                }
                """;
        int block = 80;
        int n = 2 * block;
        SplittableRandom r = new SplittableRandom(5);
        int[] in = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = r.nextInt(100);
        }
        int[] out = new int[3 * n];
        int[] uout = new int[n];
        for (int b = 0; b < 2; b++) {
            for (int w = 0; w * 32 < block; w++) {
                int base = b * block + w * 32;
                int m = CoalescedGroupCases.lanes(CoalescedGroupCases.present(block, w), in, base, v -> v % 3 != 0);
                for (int l = 0; l < 32; l++) {
                    if ((m >>> l & 1) == 0) {
                        continue;
                    }
                    int t = base + l;
                    out[3 * t] = CoalescedGroupCases.reduce(m, in, base, Integer::sum);
                    out[3 * t + 1] = CoalescedGroupCases.reduce(m, in, base, Math::min) - 50;
                    int umax = 0;
                    int xor = 0;
                    int and = -1;
                    for (int k = 0; k < 32; k++) {
                        if ((m >>> k & 1) != 0) {
                            int v = in[base + k];
                            umax = Integer.compareUnsigned(umax, v * 40000000) >= 0 ? umax : v * 40000000;
                            xor ^= v * (int) 2654435761L;
                            and &= v | 0x40;
                        }
                    }
                    out[3 * t + 2] = umax;
                    uout[t] = xor ^ and;
                }
            }
        }
        AllPaths.check(CaseBuilder.of("reduce_sync_partial_mask", "partial.cu", src).kernel("partial")
                .launch(Dim3.of(2), Dim3.of(block)).in("in", in).out("out", new int[3 * n], out)
                .out("uout", new int[n], uout).build(), java.util.EnumSet.allOf(AllPaths.Path.class), "", AllPaths.SM80);
    }

    // ------------------------------------------------------------------ atomic aggregation

    private static final String AGGREGATE = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;

            // stream compaction with one atomic per coalesced group instead of one per thread
            __global__ void compact(const int *in, int *out, int *count, int n)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i >= n) return;
                int v = in[i];
                if (v % 3 == 0) {
                    cg::coalesced_group g = cg::coalesced_threads();
                    int base;
                    if (g.thread_rank() == 0) base = atomicAdd(count, g.size());
                    base = g.shfl(base, 0);
                    out[base + g.thread_rank()] = v;
                }
            }
            """;

    /** Values 3i, 3i+1 or 3i+2: each names its thread; the multiples of 3 are the matches. */
    private static KernelCase aggregation(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] in = new int[n];
        for (int i = 0; i < n; i++) {
            boolean wholeWarp = i / 32 == 2; // one warp's group is the whole warp
            in[i] = 3 * i + (wholeWarp || r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(2));
        }
        return CaseBuilder.of("coalesced_aggregation", "compact.cu", AGGREGATE).kernel("compact")
                .launch(Dim3.of((n + 95) / 96), Dim3.of(96)).in("in", in).out("out", new int[n], null)
                .out("count", new int[1], null).scalar(n).build();
    }

    @Test
    void atomicAggregationWritesEveryMatchOnceAndEachWarpsGroupTogether() {
        int n = 1000;
        CompileResult compiled = AllPaths.compile(aggregation(1, n).request());
        String ptx = Nvcc.ptx(AGGREGATE, AllPaths.PTX_CONFIG, List.of());
        CompileResult viaPtx = AllPaths.compile(CompileRequest.of("compact.ptx", ptx));
        List<String> problems = new ArrayList<>();
        for (long seed = 1; seed <= OPENCL_LAUNCHES; seed++) {
            KernelCase c = aggregation(seed, n);
            if (seed <= 3) {
                aggregated("wasm seed " + seed, KernelHarness.backend(2), compiled, c, problems);
            }
            aggregated("opencl seed " + seed, OpenClTestDevice.backend(), compiled, c, problems);
        }
        aggregated("ptx", KernelHarness.backend(2), viaPtx, aggregation(1, n), problems);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /**
     * The order in which the groups reach the atomic is up to the device, so the output is checked
     * as CUDA defines it: the count of matches, every match exactly once, and each warp's matches
     * as one run in lane order (a group writes its members at base + rank).
     */
    private static void aggregated(String path, Backend backend, CompileResult compiled, KernelCase c,
            List<String> problems) {
        CheckedRun.BackendRun r = CheckedRun.run(backend, compiled, c.launch());
        if (r.failure() != null) {
            problems.add(path + ": launch failed: " + r.failure().getMessage());
            return;
        }
        int[] in = ints(((CheckedRun.Arg.Buffer) c.launch().args().get(0)).data());
        int n = in.length;
        List<List<Integer>> runs = new ArrayList<>();
        int matches = 0;
        for (int warp = 0; warp < n; warp += 32) {
            List<Integer> run = new ArrayList<>();
            for (int i = warp; i < Math.min(n, warp + 32); i++) {
                if (in[i] % 3 == 0) {
                    run.add(in[i]);
                }
            }
            matches += run.size();
            if (!run.isEmpty()) {
                runs.add(run);
            }
        }
        int count = ints(r.outputs().get("count"))[0];
        if (count != matches) {
            problems.add(path + ": count " + count + ", expected " + matches);
            return;
        }
        int[] out = Arrays.copyOf(ints(r.outputs().get("out")), count);
        int[] sortedOut = out.clone();
        Arrays.sort(sortedOut);
        int[] sortedIn = runs.stream().flatMap(List::stream).mapToInt(Integer::intValue).sorted().toArray();
        if (!Arrays.equals(sortedOut, sortedIn)) {
            problems.add(path + ": the output is not a permutation of the matches");
            return;
        }
        for (List<Integer> run : runs) {
            int at = indexOf(out, run.get(0));
            if (at < 0 || at + run.size() > count
                    || !Arrays.equals(Arrays.copyOfRange(out, at, at + run.size()), run.stream().mapToInt(x -> x).toArray())) {
                problems.add(path + ": the run " + run + " is not together in lane order");
                return;
            }
        }
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static int[] ints(byte[] b) {
        int[] out = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    // ------------------------------------------------------------------ CUDA C

    /**
     * The emitted CUDA C keeps the group's lanes where CUDA needs them (a coalesced group's sync is
     * {@code __syncwarp(mask)}: {@code __syncwarp()} in divergent code would wait for lanes that never
     * come), and nvcc compiles it: its PTX has a {@code bar.warp.sync} on a register, shuffles and
     * ballots on the group's mask.
     */
    @Test
    void emittedCudaNamesTheGroupsLanesAndNvccCompilesIt() {
        CudaProgram cuda = AllPaths.compile(CoalescedGroupCases.members(1).request()).cuda();
        Matcher sync = Pattern.compile("__syncwarp\\((\\w+)\\)").matcher(cuda.source());
        assertTrue(sync.find(), cuda.source());
        assertTrue(cuda.source().contains(sync.group(1) + " = (*(&(&"), "the mask is read from the group: " + cuda.source());
        assertTrue(cuda.source().contains("__activemask()"), cuda.source());
        String ptx = new PtxCompiler(null).compileWithNvcc(cuda, "compute_75");
        assertTrue(Pattern.compile("bar\\.warp\\.sync\\s+%r\\d+;").matcher(ptx).find(), ptx);
        assertTrue(ptx.contains("activemask.b32"), ptx);
        assertTrue(Pattern.compile("shfl\\.sync\\.idx\\.b32\\s+%r\\d+(\\|%p\\d+)?, %r\\d+, %r\\d+, %r\\d+, %r\\d+;")
                .matcher(ptx).find(), "a shuffle to a computed lane on the group's mask: " + ptx);
    }

    // ------------------------------------------------------------------ refused

    @Test
    void whatStaysRefusedNamesTheFeatureAtItsPosition() {
        String head = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void k(int *out) {
                    cg::coalesced_group g = cg::coalesced_threads();
                """;
        refused(head + "    out[0] = g.shfl_xor(1, 1);\n}\n", 5, 24, "'shfl_xor' is not a member of coalesced_group");
        refused(head + "    auto t = cg::tiled_partition<4>(g);\n}\n", 5, 36,
                "a coalesced group is partitioned by tiled_partition(group, size)");
        refused(head + "    auto t = cg::tiled_partition(g, 6);\n}\n", 5, 37, "tile size must be a power of two up to 32 (got 6)");
        refused(head + "    auto b = cg::binary_partition(cg::this_thread_block(), out[0] > 0);\n}\n", 5, 34,
                "'binary_partition' partitions a coalesced group or a thread_block_tile");
        refused(head + "    auto l = cg::labeled_partition(g, 1.5f);\n}\n", 5, 39,
                "labeled_partition needs an integer or pointer label, not 'float'");
        refused(head + "    out[0] = cg::inclusive_scan(cg::this_thread_block(), 1);\n}\n", 5, 32,
                "cg::inclusive_scan needs a thread_block_tile of up to 32 threads or a coalesced group, not a thread_block");
        refused(head + "    int p;\n    out[0] = __match_all_sync(~0u, out[1], p);\n}\n", 6, 44,
                "'__match_all_sync' sets its predicate through an 'int*', not 'int'");
    }

    private static void refused(String source, int line, int column, String message) {
        CompileException e = AllPaths.refuses(source, message);
        assertEquals("refused.cu", e.first().file(), e.getMessage());
        assertEquals(line, e.first().line(), e.getMessage());
        assertEquals(column, e.first().column(), e.getMessage());
    }
}
