package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Undoes nvcc's strength reduction of 32-bit indices in loops: where the source had
 * {@code A[row * K + t * 16 + threadIdx.x]} in {@code for (t = 0; ...; t++)}, the PTX keeps a
 * per-thread register {@code x = row * K + threadIdx.x} before the loop and adds 16 to it at the end
 * of every trip. In a loop with barriers that register is per-thread state carried from one region
 * to the next (stored and reloaded for every thread), and it hides from the Wasm emitter that the
 * address is linear in {@code threadIdx.x}, so the region's row of threads keeps a check per access.
 * Written as {@code x0 + c * (t - t0)}, with {@code x0} assigned once (and so recomputed per region
 * where it is pure, see RegionFission's rematerialization), the index is what the source had.
 *
 * <p>The shape: in a loop, a counter {@code t} assigned twice in the function, {@code t = t0} (a
 * constant) before the loop (earlier in its statement list or in those around it, up to the nearest
 * enclosing loop: code that runs every time before the loop does) and {@code t = t + 1} at the loop
 * body's (or step's) top level; a register {@code x} of 32 bits assigned twice, {@code x = e} before
 * the loop in the same sense and {@code x = x + c} in the same part of the loop as the counter's step, {@code c} a
 * constant or a register the loop does not assign, read nowhere but in the loop, and nothing between
 * the two steps reads or writes either. At every read (before both steps or after both, in the same
 * trip) {@code x = x0 + c * (t - t0)} modulo 2^32 then holds; a {@code break} or {@code continue}
 * skips both steps or neither. Registers are bit patterns in PTX, so the arithmetic is done unsigned.
 */
final class InductionVariables {
    private InductionVariables() {}

    static KBlock apply(KFunction fn, KBlock body) {
        Map<KLocal, Integer> assignments = new HashMap<>();
        Map<KLocal, Integer> reads = new HashMap<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a) {
                assignments.merge(a.target(), 1, Integer::sum);
            }
        });
        KirWalk.expressions(body, e -> {
            if (e instanceof KExpr.LocalGet g) {
                reads.merge(g.local(), 1, Integer::sum);
            }
        });
        Rewrites rewrites = new Rewrites();
        find(fn, body, List.of(), assignments, reads, rewrites);
        if (rewrites.replaced.isEmpty()) {
            return body;
        }
        return new KirRewriter() {
            @Override
            public List<KStmt> stmt(KStmt s) {
                if (rewrites.dropped.containsKey(s)) {
                    return List.of();
                }
                KStmt.Assign init = rewrites.inits.get(s);
                if (init != null) {
                    return List.of(new KStmt.Assign(init.target(), expr(init.value())));
                }
                return super.stmt(s);
            }

            @Override
            public KExpr expr(KExpr e) {
                if (e instanceof KExpr.LocalGet g && rewrites.replaced.containsKey(g.local())) {
                    // its step may be a register rewritten for an outer loop
                    return expr(rewrites.replaced.get(g.local()));
                }
                return super.expr(e);
            }
        }.block(body);
    }

    /** What to change: statements by identity, and the registers whose reads become expressions. */
    private static final class Rewrites {
        final Map<KStmt, KStmt.Assign> inits = new IdentityHashMap<>();
        final Map<KStmt, Boolean> dropped = new IdentityHashMap<>();
        final Map<KLocal, KExpr> replaced = new HashMap<>();
    }

    /** {@code target = target + step} (through conversions between 32-bit integers): its step, or null. */
    private record Step(KLocal target, KExpr step) {}

    /**
     * Looks for loops in {@code block}; {@code outer} holds the statements that run before it each time
     * it runs (views of those before it in the blocks around it, up to the nearest loop).
     */
    private static void find(KFunction fn, KBlock block, List<List<KStmt>> outer, Map<KLocal, Integer> assignments,
            Map<KLocal, Integer> reads, Rewrites rewrites) {
        List<KStmt> list = block.statements();
        for (int j = 0; j < list.size(); j++) {
            CompileBudget.current().checkpoint(null);
            KStmt s = list.get(j);
            List<KBlock> inner = children(s);
            if (!(s instanceof KStmt.Loop) && inner.isEmpty()) {
                continue;
            }
            List<List<KStmt>> before = new ArrayList<>(outer);
            before.add(list.subList(0, j));
            if (s instanceof KStmt.Loop l) {
                loop(fn, before, l, assignments, reads, rewrites);
            }
            for (KBlock b : inner) {
                // a loop's body runs again without what came before the loop
                find(fn, b, s instanceof KStmt.Loop ? List.of() : before, assignments, reads, rewrites);
            }
        }
    }

    private static List<KBlock> children(KStmt s) {
        if (s instanceof KStmt.If i) {
            return List.of(i.then(), i.otherwise());
        }
        if (s instanceof KStmt.Loop l) {
            return List.of(l.body(), l.step());
        }
        if (s instanceof KStmt.Nested n) {
            return List.of(n.block());
        }
        if (s instanceof KStmt.Switch sw) {
            return sw.cases().stream().map(KStmt.Case::body).toList();
        }
        return List.of();
    }

    private static void loop(KFunction fn, List<List<KStmt>> before, KStmt.Loop l, Map<KLocal, Integer> assignments,
            Map<KLocal, Integer> reads, Rewrites rewrites) {
        Set<KLocal> assignedInLoop = new HashSet<>();
        Map<KLocal, Integer> readsInLoop = new HashMap<>();
        KBlock whole = new KBlock(List.of(l));
        KirWalk.statements(whole, st -> {
            if (st instanceof KStmt.Assign a) {
                assignedInLoop.add(a.target());
            }
        });
        KirWalk.expressions(whole, e -> {
            if (e instanceof KExpr.LocalGet g) {
                readsInLoop.merge(g.local(), 1, Integer::sum);
            }
        });
        for (List<KStmt> part : List.of(l.body().statements(), l.step().statements())) {
            for (int a = 0; a < part.size(); a++) {
                Step counter = step(part.get(a));
                if (counter == null || !(counter.step() instanceof KExpr.IntConst one) || (int) one.value() != 1
                        || assignments.get(counter.target()) != 2) {
                    continue;
                }
                KStmt.Assign counterInit = init(before, counter.target());
                if (counterInit == null || !(counterInit.value() instanceof KExpr.IntConst t0)) {
                    continue;
                }
                for (int b = 0; b < part.size(); b++) {
                    Step derived = b == a ? null : step(part.get(b));
                    if (derived == null || derived.target() == counter.target()
                            || assignments.get(derived.target()) != 2
                            || !Objects.equals(reads.get(derived.target()), readsInLoop.get(derived.target()))
                            || derived.step() instanceof KExpr.LocalGet g && (assignedInLoop.contains(g.local())
                                    || g.local().needsMemory())
                            || !quiet(part.subList(Math.min(a, b) + 1, Math.max(a, b)), counter.target(),
                                    derived.target())) {
                        continue;
                    }
                    KStmt.Assign derivedInit = init(before, derived.target());
                    if (derivedInit == null) {
                        continue;
                    }
                    KLocal x = derived.target();
                    KLocal x0 = fn.newLocal(x.name() + "_start", x.type(), x.pos());
                    rewrites.inits.put(derivedInit, new KStmt.Assign(x0, derivedInit.value()));
                    rewrites.dropped.put(part.get(b), true);
                    KExpr trips = unsigned(new KExpr.LocalGet(counter.target()));
                    if (t0.value() != 0) {
                        trips = new KExpr.Binary(KExpr.BinaryOp.SUB, trips,
                                new KExpr.IntConst(ScalarType.UINT, t0.value() & 0xFFFF_FFFFL), ScalarType.UINT);
                    }
                    KExpr value = new KExpr.Binary(KExpr.BinaryOp.ADD, unsigned(new KExpr.LocalGet(x0)),
                            new KExpr.Binary(KExpr.BinaryOp.MUL, unsigned(derived.step()), trips, ScalarType.UINT),
                            ScalarType.UINT);
                    rewrites.replaced.put(x, x.type().equals(ScalarType.UINT) ? value
                            : new KExpr.Convert(x.type(), value));
                }
                return; // one counter per loop: the registers rewritten must not include it
            }
        }
    }

    /** The one assignment of {@code l} among {@code before} (statements that all run before the loop), or null. */
    private static KStmt.Assign init(List<List<KStmt>> before, KLocal l) {
        for (List<KStmt> part : before) {
            for (KStmt s : part) {
                if (s instanceof KStmt.Assign a && a.target() == l) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Statements between two steps: assignments of other registers that read neither stepped one. */
    private static boolean quiet(List<KStmt> between, KLocal t, KLocal x) {
        for (KStmt s : between) {
            if (!(s instanceof KStmt.Assign a) || a.target() == t || a.target() == x) {
                return false;
            }
            boolean[] reads = {false};
            KirWalk.expression(a.value(), e -> {
                if (e instanceof KExpr.LocalGet g && (g.local() == t || g.local() == x)) {
                    reads[0] = true;
                }
            });
            if (reads[0]) {
                return false;
            }
        }
        return true;
    }

    /** {@code x = x + c} of a 32-bit register in a register (conversions between 32-bit integers aside). */
    private static Step step(KStmt s) {
        if (!(s instanceof KStmt.Assign a) || !is32(a.target().type()) || a.target().needsMemory()
                || a.target().isParam()) {
            return null;
        }
        if (!(strip(a.value()) instanceof KExpr.Binary add) || add.op() != KExpr.BinaryOp.ADD || !is32(add.type())) {
            return null;
        }
        KExpr l = strip(add.left());
        KExpr r = strip(add.right());
        KExpr other = l instanceof KExpr.LocalGet g && g.local() == a.target() ? r
                : r instanceof KExpr.LocalGet g && g.local() == a.target() ? l : null;
        if (other instanceof KExpr.IntConst || other instanceof KExpr.LocalGet o && o.local() != a.target()
                && is32(o.type())) {
            return new Step(a.target(), other);
        }
        return null;
    }

    private static KExpr strip(KExpr e) {
        while (e instanceof KExpr.Convert c && is32(c.type()) && is32(c.operand().type())) {
            e = c.operand();
        }
        return e;
    }

    private static KExpr unsigned(KExpr e) {
        if (e instanceof KExpr.IntConst c) {
            return new KExpr.IntConst(ScalarType.UINT, c.value() & 0xFFFF_FFFFL);
        }
        return e.type().equals(ScalarType.UINT) ? e : new KExpr.Convert(ScalarType.UINT, e);
    }

    private static boolean is32(CType t) {
        return t instanceof ScalarType s && s.isInteger() && s.size() == 4;
    }
}
