package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cuts long straight-line code at the top level of a kernel body into several regions, for the CPU
 * path: a block barrier goes in wherever the code since the last one grows past {@link #BUDGET}.
 *
 * <p>Why: each region becomes one WebAssembly function and Chicory turns each function into one JVM
 * method. nvcc unrolls {@code #pragma unroll} loops completely, so the region after a barrier in a
 * PTX kernel can be thousands of instructions: past 64 KiB of bytecode Chicory cannot compile the
 * function at all and interprets it (a 17-tap convolution with 32 steps per thread ran 100 times
 * slower than from its CUDA source), and past 8,000 bytecodes HotSpot does not compile the method
 * unless told to ({@code -XX:-DontCompileHugeMethods}). Cut into regions of moderate size, every
 * function is compiled; the values that live across a cut are kept per thread, as across any
 * barrier.
 *
 * <p>Why a barrier is allowed there: the top level of a kernel body is reached by every thread that
 * has not returned (region fission keeps returned threads out of later regions), and on the CPU
 * path a barrier only fixes one of the orders in which CUDA may run the threads anyway: all
 * threads finish the code before the cut before any runs the code after it. A data-race-free
 * kernel computes the same result; only code inside branches and loops is never cut.
 */
public final class LongRegionSplit {
    /**
     * The weight of top-level code between two barriers (about one unit per KIR node, more for
     * what the Wasm emitter expands: see {@link #weight}) above which a barrier is inserted.
     * Chosen so a region's JVM method stays well below HotSpot's 8,000-byte limit.
     */
    static final int BUDGET = 600;

    private LongRegionSplit() {}

    /** The body with barriers inserted, or {@code body} itself when no run of statements is too long. */
    public static KBlock apply(KBlock body) {
        return apply(body, BUDGET);
    }

    static KBlock apply(KBlock body, int budget) {
        if (spinsOnCompareAndSwap(body)) {
            return body;
        }
        List<KStmt> out = new ArrayList<>();
        int run = 0;
        boolean cut = false;
        for (KStmt s : body.statements()) {
            if (s instanceof KStmt.Barrier || Collectives.contains(s, Map.<KFunction, Boolean>of())) {
                out.add(s);
                run = 0; // regions end inside it (or at it)
                continue;
            }
            int w = weight(s);
            // a statement heavier than the budget (a long branch or loop) cannot be cut here: a cut
            // before it would only split off what precedes it, so it joins the current run
            if (run > 0 && run + w > budget && w <= budget) {
                out.add(new KStmt.Barrier(BarrierKind.BLOCK, null));
                cut = true;
                run = 0;
            }
            out.add(s);
            run += w;
        }
        return cut ? new KBlock(out) : body;
    }

    /**
     * Whether the kernel may take a spin lock (a loop around an atomic compare-and-swap, as the device
     * heap's malloc has when nvcc inlines it): a cut between taking and releasing the lock would
     * leave the block's other threads spinning before the cut while the holder waits after it. Such
     * kernels are not cut (a data race here is the point, so the reordering argument above fails).
     */
    private static boolean spinsOnCompareAndSwap(KBlock body) {
        boolean[] found = {false};
        KirWalk.statements(body, s -> {
            if (!found[0] && s instanceof KStmt.Loop loop) {
                KirWalk.expressions(loop.body(), e -> found[0] |= e instanceof KExpr.Atomic a
                        && a.op() == io.cudawasm.kernels.kir.AtomicOp.CAS);
            }
        });
        return found[0];
    }

    /**
     * Roughly what a statement costs in emitted code: one per expression and statement node, more
     * for memory accesses (address arithmetic and checks) and much more for the inline exact
     * single-precision fma the Wasm emitter expands.
     */
    static int weight(KStmt s) {
        KBlock b = new KBlock(List.of(s));
        long[] w = {KirSize.of(b)};
        KirWalk.statements(b, x -> w[0] += x instanceof KStmt.Store ? 5 : 0);
        KirWalk.expressions(b, e -> {
            if (e instanceof KExpr.Load) {
                w[0] += 5;
            } else if (e instanceof KExpr.Math m) {
                w[0] += m.fn() == MathFn.FMA && m.type() == ScalarType.FLOAT ? 40 : 8;
            }
        });
        return (int) Math.min(Integer.MAX_VALUE, w[0]);
    }
}
