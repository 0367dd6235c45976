package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Integer ranges of a function's index expressions, so the address checks can be left out where an
 * offset cannot leave [-2^31, 2^31): thread indices are below 1024, and what a kernel computes from
 * them with constants (a shared-memory tile's {@code tile[threadIdx.y][k]}, a tree reduction's
 * {@code s[tid + stride]}) stays small. Flow-insensitive, like {@link Provenance}: a local's range
 * joins the ranges of every value assigned to it, widened to unknown if it keeps growing; one
 * pattern is recognized to bound loop counters, a loop {@code while (k < B) {…} step {k = k + c}}
 * whose body leaves {@code k} alone. Arithmetic that may overflow its C type gives unknown.
 */
final class IndexRanges {
    /** An inclusive range of values. */
    record Range(long lo, long hi) {
        Range join(Range o) {
            return new Range(Math.min(lo, o.lo), Math.max(hi, o.hi));
        }

        boolean within(long min, long max) {
            return lo >= min && hi <= max;
        }
    }

    /** Assignments that may widen a local this many times before it is taken as unknown. */
    private static final int WIDENINGS = 8;
    /** blockDim.x and .y are at most 1024, .z at most 64; thread indices are below them. */
    private static final Range THREAD_INDEX = new Range(0, 1023);
    private static final Range BLOCK_SIZE = new Range(1, 1024);

    private final Map<KLocal, Range> ranges = new HashMap<>();
    /** Locals whose range is unknown (assigned something unbounded, or widened too often). */
    private final Set<KLocal> unknown = new HashSet<>();
    /** The step assignments of counting loops, with the loop's bound. */
    private final Map<KStmt.Assign, CountingLoop> countingSteps = new HashMap<>();

    private record CountingLoop(KLocal counter, KExpr bound, boolean inclusive, long step) {}

    private IndexRanges() {}

    static IndexRanges of(KFunction fn) {
        IndexRanges r = new IndexRanges();
        r.unknown.addAll(fn.params());
        for (KLocal l : fn.locals()) {
            if (l.needsMemory()) {
                r.unknown.add(l); // may be written through a pointer
            }
        }
        r.findCountingLoops(fn.body());
        Map<KLocal, Integer> widenings = new HashMap<>();
        boolean changed = true;
        while (changed) {
            boolean[] any = {false};
            KirWalk.statements(fn.body(), s -> {
                if (!(s instanceof KStmt.Assign a) || r.unknown.contains(a.target())) {
                    return;
                }
                Range value = r.assigned(a);
                Range before = r.ranges.get(a.target());
                Range after = value == null ? null : before == null ? value : before.join(value);
                if (after == null || widenings.merge(a.target(), 1, Integer::sum) > WIDENINGS
                        && !after.equals(before)) {
                    r.unknown.add(a.target());
                    r.ranges.remove(a.target());
                    any[0] = true;
                } else if (!after.equals(before)) {
                    r.ranges.put(a.target(), after);
                    any[0] = true;
                }
            });
            changed = any[0];
        }
        return r;
    }

    /** The range of an assignment's value; for a counting loop's step, bounded by the loop's test. */
    private Range assigned(KStmt.Assign a) {
        CountingLoop loop = countingSteps.get(a);
        if (loop != null) {
            Range counter = ranges.get(loop.counter());
            Range bound = of(loop.bound());
            if (counter == null || bound == null) {
                return null;
            }
            // the step runs only after a test that passed: counter < bound (or <=) before it
            long last = loop.inclusive() ? bound.hi() : bound.hi() - 1;
            return fit(new Range(counter.lo() + loop.step(), Math.max(counter.lo(), last) + loop.step()), a.target().type());
        }
        return of(a.value());
    }

    /**
     * Finds {@code while (k < B) { body } step { k = k + c }} with c positive and no other assignment
     * to {@code k} in the loop.
     */
    private void findCountingLoops(KBlock body) {
        KirWalk.statements(body, s -> {
            if (!(s instanceof KStmt.Loop l) || l.doWhile() || !(l.condition() instanceof KExpr.Binary c)
                    || !(c.left() instanceof KExpr.LocalGet g)) {
                return;
            }
            boolean inclusive = c.op() == KExpr.BinaryOp.LE;
            if (c.op() != KExpr.BinaryOp.LT && !inclusive) {
                return;
            }
            KLocal k = g.local();
            KStmt.Assign step = null;
            int assignments = 0;
            for (KBlock part : new KBlock[] {l.body(), l.step()}) {
                int[] count = {0};
                KirWalk.statements(part, t -> {
                    if (t instanceof KStmt.Assign a && a.target() == k) {
                        count[0]++;
                    }
                });
                assignments += count[0];
            }
            for (KStmt t : l.step().statements()) {
                if (t instanceof KStmt.Assign a && a.target() == k && a.value() instanceof KExpr.Binary add
                        && add.op() == KExpr.BinaryOp.ADD && add.left() instanceof KExpr.LocalGet self
                        && self.local() == k && add.right() instanceof KExpr.IntConst inc && inc.value() > 0
                        && inc.value() <= 1 << 20) {
                    step = a;
                }
            }
            if (step != null && assignments == 1) {
                long inc = ((KExpr.IntConst) ((KExpr.Binary) step.value()).right()).value();
                countingSteps.put(step, new CountingLoop(k, c.right(), inclusive, inc));
            }
        });
    }

    /** The range of an integer expression, or null when unknown. */
    Range of(KExpr e) {
        if (e instanceof KExpr.IntConst c) {
            return new Range(c.value(), c.value());
        }
        if (e instanceof KExpr.Special s) {
            return switch (s.reg()) {
                case TID_X, TID_Y, TID_Z, LINEAR_TID -> THREAD_INDEX;
                case NTID_X, NTID_Y, NTID_Z -> BLOCK_SIZE;
                case LANE_ID, WARP_ID -> new Range(0, 31);
                default -> null;
            };
        }
        if (e instanceof KExpr.LocalGet g) {
            return unknown.contains(g.local()) ? null : ranges.get(g.local());
        }
        if (e instanceof KExpr.Convert c) {
            Range r = c.operand().type() instanceof ScalarType s && s.isInteger() ? of(c.operand()) : null;
            return r == null ? null : fit(r, c.type());
        }
        if (e instanceof KExpr.Binary b && b.type() instanceof ScalarType t && t.isInteger()) {
            Range l = of(b.left());
            Range r = of(b.right());
            if (l == null || r == null) {
                return null;
            }
            Range out = switch (b.op()) {
                case ADD -> new Range(l.lo() + r.lo(), l.hi() + r.hi());
                case SUB -> new Range(l.lo() - r.hi(), l.hi() - r.lo());
                case MUL -> product(l, r);
                case SHL -> r.within(0, 30) ? product(l, new Range(1L << r.lo(), 1L << r.hi())) : null;
                case SHR -> r.within(0, 62) && l.lo() >= 0 ? new Range(l.lo() >> r.hi(), l.hi() >> r.lo()) : null;
                case DIV -> r.lo() > 0 && l.lo() >= 0 ? new Range(l.lo() / r.hi(), l.hi() / r.lo()) : null;
                case REM -> r.lo() > 0 && l.lo() >= 0 ? new Range(0, Math.min(l.hi(), r.hi() - 1)) : null;
                case AND -> l.lo() >= 0 || r.lo() >= 0 ? new Range(0, Math.min(l.lo() >= 0 ? l.hi() : Long.MAX_VALUE,
                        r.lo() >= 0 ? r.hi() : Long.MAX_VALUE)) : null;
                default -> null;
            };
            return out == null ? null : fit(out, t);
        }
        if (e instanceof KExpr.Select s) {
            Range a = of(s.ifTrue());
            Range b = of(s.ifFalse());
            return a == null || b == null ? null : a.join(b);
        }
        return null;
    }

    private static Range product(Range a, Range b) {
        if (!a.within(-(1L << 31), 1L << 31) || !b.within(-(1L << 31), 1L << 31)) {
            return null;
        }
        long p1 = a.lo() * b.lo();
        long p2 = a.lo() * b.hi();
        long p3 = a.hi() * b.lo();
        long p4 = a.hi() * b.hi();
        return new Range(Math.min(Math.min(p1, p2), Math.min(p3, p4)), Math.max(Math.max(p1, p2), Math.max(p3, p4)));
    }

    /**
     * The range, when every value of it is representable in {@code t} (C arithmetic would wrap
     * otherwise) and within ±2^62 (so sums and products of ranges never overflow a long here).
     */
    private static Range fit(Range r, CType t) {
        if (!(t instanceof ScalarType s) || !s.isInteger() || !r.within(-(1L << 62), 1L << 62)) {
            return null;
        }
        int bits = s.size() * 8;
        boolean unsigned = s.kind().isUnsigned() || s.kind() == io.cudawasm.kernels.types.ScalarKind.BOOL;
        long min = unsigned ? 0 : bits >= 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
        long max = bits >= 64 ? Long.MAX_VALUE : unsigned ? (1L << bits) - 1 : (1L << (bits - 1)) - 1;
        return r.within(min, max) ? r : null;
    }
}
