package io.cudawasm.kernels.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.opencl.OpenClOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rewrite that lets OpenCL run warp operations in divergent code: after it, no collective
 * (shuffle, vote, barrier reduction, barrier) sits under a per-thread mask, so the barriers of the
 * emulation are reached by every work-item.
 */
class UniformCollectivesTest {

    private static KModule kir(String source) {
        return KernelCompiler.compileForDevices(CompileRequest.of("t.cu", source)).kir();
    }

    private static Optional<KFunction> rewrite(String source) {
        KModule m = kir(source);
        return UniformCollectives.apply(m.kernels().get(0), Collectives.functions(m.functions()));
    }

    /** Collectives found under an {@code if} on one of the pass's masks (there must be none). */
    private static List<String> collectivesUnderMasks(KBlock b, boolean masked) {
        List<String> found = new ArrayList<>();
        for (KStmt s : b.statements()) {
            if (masked && (s instanceof KStmt.Barrier || Collectives.collectiveOf(s) != null)) {
                found.add(s.toString());
            }
            if (masked) {
                KirWalk.expressions(new KBlock(List.of(s)), e -> {
                    if (Collectives.isCollective(e)) {
                        found.add(e.toString());
                    }
                });
            }
            if (s instanceof KStmt.If i) {
                boolean guard = masked || i.condition() instanceof KExpr.LocalGet g && g.local().name().startsWith("cw_");
                found.addAll(collectivesUnderMasks(i.then(), guard));
                found.addAll(collectivesUnderMasks(i.otherwise(), guard));
            } else if (s instanceof KStmt.Loop l) {
                found.addAll(collectivesUnderMasks(l.body(), masked));
                found.addAll(collectivesUnderMasks(l.step(), masked));
            } else if (s instanceof KStmt.Nested n) {
                found.addAll(collectivesUnderMasks(n.block(), masked));
            }
        }
        return found;
    }

    private static int count(KBlock b, Class<?> kind) {
        int[] n = {0};
        KirWalk.expressions(b, e -> n[0] += kind.isInstance(e) ? 1 : 0);
        return n[0];
    }

    @Test
    void kernelsWhoseCollectivesEveryThreadReachesStayAsTheyAre() {
        assertTrue(rewrite("""
                __global__ void k(int* a) {
                    int v = a[threadIdx.x];
                    for (int o = 16; o > 0; o /= 2) v += __shfl_down_sync(0xffffffff, v, o);
                    __syncthreads();
                    a[threadIdx.x] = v;
                }
                """).isEmpty());
        assertTrue(rewrite("__global__ void k(int* a) { if (threadIdx.x < 3) a[threadIdx.x] = 1; }").isEmpty());
    }

    @Test
    void aShuffleInABranchMovesOutOfIt() {
        KModule m = kir("""
                __global__ void k(int *out) {
                    int v = threadIdx.x + 100;
                    if (threadIdx.x < 8) v += __shfl_down_sync(0xffu, v, 16);
                    out[threadIdx.x] = v;
                }
                """);
        KFunction original = m.kernels().get(0);
        KBlock before = original.body();
        KFunction k = UniformCollectives.apply(original, Collectives.functions(m.functions())).orElseThrow();
        assertEquals(List.of(), collectivesUnderMasks(k.body(), false));
        assertEquals(1, count(k.body(), KExpr.WarpShuffle.class));
        assertSame(before, original.body(), "the original KIR stays for the other back ends");
    }

    @Test
    void loopsWithPerLaneTripCountsEndByABlockReduction() {
        KFunction k = rewrite("""
                __global__ void k(const int* in, int* out) {
                    int lane = threadIdx.x & 31, acc = 0;
                    for (int j = 0; j < (lane & 3); j++) acc += __popc(__ballot_sync(__activemask(), in[j] > 0));
                    if (lane < 16) { if (in[lane] > 3) return; acc += __shfl_xor_sync(0xffff, acc, 1); }
                    out[threadIdx.x] = acc;
                }
                """).orElseThrow();
        assertEquals(List.of(), collectivesUnderMasks(k.body(), false));
        assertTrue(count(k.body(), KExpr.BlockReduce.class) >= 1, "the loop asks whether any thread still iterates");
        boolean[] returns = {false};
        KirWalk.statements(k.body(), s -> returns[0] |= s instanceof KStmt.Return);
        assertFalse(returns[0], "return clears the thread's masks instead of leaving the kernel");
    }

    @Test
    void divergentCollectivesInsideDeviceFunctionsAreFoundThroughInlining() {
        KFunction k = rewrite("""
                __device__ int half_sum(int v) {
                    if ((threadIdx.x & 31) < 16)
                        for (int o = 8; o > 0; o /= 2) v += __shfl_xor_sync(0xffff, v, o, 16);
                    return v;
                }
                __global__ void k(int* a) { a[threadIdx.x] = half_sum(a[threadIdx.x]); }
                """).orElseThrow();
        assertEquals(List.of(), collectivesUnderMasks(k.body(), false));
        boolean[] calls = {false};
        KirWalk.expressions(k.body(), e -> calls[0] |= e instanceof KExpr.Call);
        assertFalse(calls[0], "the device function was inlined");
    }

    @Test
    void rewrittenKernelsRecordTrapsWithoutLeavingAndKeepLocalsInMemory() {
        String src = KernelCompiler.compileForDevices(CompileRequest.of("t.cu", """
                __global__ void k(const int* in, int* out) {
                    int v = in[threadIdx.x];
                    if (v == 7) __trap();
                    out[threadIdx.x] = __shfl_xor_sync(0xffffffff, v, 1);
                }
                """)).opencl(OpenClOptions.DEFAULT).source();
        String kernel = src.substring(src.indexOf("__kernel"));
        assertTrue(kernel.contains("cw_fault(cw_status, 1, 3);"), kernel);
        assertFalse(kernel.contains("return;"), kernel);
        assertTrue(kernel.contains("volatile int v_"), kernel);
    }
}
