package io.cudawasm.runtime.samples;

import io.cudawasm.runtime.testing.DirectedRoundingReference;
import io.cudawasm.runtime.testing.DirectedRoundingReference.Mode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference for the {@code interval} sample, written for this runner: the interval Newton
 * method the sample describes (find every root of {@code f(x) = (x - 1)^2 + alpha x} with
 * {@code alpha = -thread / THREADS} in a starting interval, splitting at the midpoint where a Newton
 * step gains too little), in interval arithmetic whose bounds are rounded outwards, each bound
 * rounded down or up exactly ({@link DirectedRoundingReference}). It follows the same steps, so
 * the intervals must agree bit for bit; and with directed rounding each true root, computed here to
 * 40 digits, must lie in one of them.
 */
final class IntervalNewtonReference {
    static final int THREADS = 1024 * 64;
    private static final double EPSILON = 1e-6f;
    private static final double BISECT = .99f;

    private IntervalNewtonReference() {}

    /** A closed interval; NaN bounds mean empty. */
    record Interval(double lo, double up) {
        static Interval of(double v) {
            return new Interval(v, v);
        }

        static Interval empty() {
            return new Interval(Double.NaN, Double.NaN);
        }

        boolean isEmpty() {
            return Double.isNaN(lo + up);
        }

        boolean contains(BigDecimal x) {
            return !isEmpty() && new BigDecimal(lo).compareTo(x) <= 0 && x.compareTo(new BigDecimal(up)) <= 0;
        }
    }

    // ---------------------------------------------------------------- outward-rounded arithmetic

    private static double round(String op, Mode mode, double a, double b) {
        return DirectedRoundingReference.reference(op, mode, a, b, 0);
    }

    private static double down(String op, double a, double b) {
        return round(op, Mode.DOWN, a, b);
    }

    private static double up(String op, double a, double b) {
        return round(op, Mode.UP, a, b);
    }

    /** C's fmin/fmax: a NaN operand gives the other one. */
    private static double min(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    private static Interval add(Interval x, Interval y) {
        return new Interval(down("add", x.lo, y.lo), up("add", x.up, y.up));
    }

    private static Interval sub(Interval x, Interval y) {
        return new Interval(down("add", x.lo, -y.up), up("add", x.up, -y.lo));
    }

    private static Interval mul(Interval x, Interval y) {
        double lo = min(min(down("mul", x.lo, y.lo), down("mul", x.lo, y.up)),
                min(down("mul", x.up, y.lo), down("mul", x.up, y.up)));
        double hi = max(max(up("mul", x.lo, y.lo), up("mul", x.lo, y.up)),
                max(up("mul", x.up, y.lo), up("mul", x.up, y.up)));
        return new Interval(lo, hi);
    }

    private static Interval square(Interval x) {
        if (x.lo >= 0) {
            return new Interval(down("mul", x.lo, x.lo), up("mul", x.up, x.up));
        }
        if (x.up <= 0) {
            return new Interval(down("mul", x.up, x.up), up("mul", x.lo, x.lo));
        }
        return new Interval(0, max(up("mul", x.lo, x.lo), up("mul", x.up, x.up)));
    }

    private static double width(Interval x) {
        return x.isEmpty() ? 0 : up("add", x.up, -x.lo);
    }

    private static double median(Interval x) {
        return (x.lo + x.up) * .5;
    }

    private static Interval intersect(Interval x, Interval y) {
        double l = max(x.lo, y.lo);
        double u = min(x.up, y.up);
        return l <= u ? new Interval(l, u) : Interval.empty();
    }

    /** x / y for y not containing 0: the bounds that give the extreme quotients, by the signs. */
    private static Interval divideNonZero(Interval x, Interval y) {
        double xl = y.up < 0 ? x.up : x.lo;
        double xu = y.up < 0 ? x.lo : x.up;
        double yl;
        double yu;
        if (x.up < 0) {
            yl = y.lo;
            yu = y.up;
        } else if (x.lo < 0) {
            yl = y.up < 0 ? y.up : y.lo;
            yu = yl;
        } else {
            yl = y.up;
            yu = y.lo;
        }
        return new Interval(down("div", xl, yl), up("div", xu, yu));
    }

    /** The first part of x / y (and whether a second, disjoint part exists: {@code second[0]}). */
    private static Interval dividePart1(Interval x, Interval y, boolean[] second) {
        second[0] = false;
        double inf = Double.POSITIVE_INFINITY;
        if (!(y.lo <= 0 && y.up >= 0)) {
            return divideNonZero(x, y);
        }
        if (y.lo == 0 && y.up == 0) {
            return Interval.empty();
        }
        if (x.lo == 0 && x.up == 0) {
            return x;
        }
        if (y.lo != 0 && y.up != 0) {
            // 0 inside y: two half-lines, or everything
            if (x.up < 0) {
                second[0] = true;
                return new Interval(-inf, up("div", x.up, y.up));
            }
            if (x.lo < 0) {
                return new Interval(-inf, inf);
            }
            second[0] = true;
            return new Interval(-inf, up("div", x.lo, y.lo));
        }
        if (y.up == 0) {
            // y = [lo, 0], lo < 0
            if (x.up < 0) {
                return new Interval(down("div", x.up, y.lo), inf);
            }
            return x.lo < 0 ? new Interval(-inf, inf) : new Interval(-inf, up("div", x.lo, y.lo));
        }
        // y = [0, up], up > 0
        if (x.up < 0) {
            return new Interval(-inf, up("div", x.up, y.up));
        }
        return x.lo < 0 ? new Interval(-inf, inf) : new Interval(down("div", x.lo, y.up), inf);
    }

    private static Interval dividePart2(Interval x, Interval y) {
        double inf = Double.POSITIVE_INFINITY;
        return x.up < 0 ? new Interval(down("div", x.up, y.lo), inf) : new Interval(down("div", x.lo, y.up), inf);
    }

    // ---------------------------------------------------------------- the method

    private static double alpha(int thread) {
        return -(double) thread / (double) THREADS;
    }

    private static Interval f(Interval x, int thread) {
        return add(square(sub(x, Interval.of(1))), mul(Interval.of(alpha(thread)), x));
    }

    private static Interval derivative(Interval x, int thread) {
        return add(mul(Interval.of(2), x), Interval.of(alpha(thread) - 2));
    }

    private static boolean small(Interval x, int thread) {
        return !x.isEmpty() && (width(x) <= EPSILON * Math.abs(median(x)) || width(f(x, thread)) <= EPSILON);
    }

    private static boolean bisect(Interval x, Interval x1, Interval x2) {
        double most = BISECT * width(x);
        return !x1.isEmpty() && width(x1) > most || !x2.isEmpty() && width(x2) > most;
    }

    /** One Newton step on ix: up to two parts ({@code [0]}, {@code [1]}), and whether the second exists. */
    private static Interval[] step(Interval ix, int thread, boolean[] second) {
        double x = median(ix);
        Interval q = f(Interval.of(x), thread);
        Interval d = derivative(ix, thread);
        Interval part1 = intersect(sub(Interval.of(x), dividePart1(q, d, second)), ix);
        Interval part2 = second[0] ? intersect(sub(Interval.of(x), dividePart2(q, d)), ix) : Interval.empty();
        return new Interval[] {part1, part2, Interval.of(x)};
    }

    /**
     * The intervals one thread finds, in the order the sample's {@code implementation_choice}
     * (0: a work stack, 1: the next interval kept aside, 2: recursion) stores them.
     */
    static List<Interval> roots(Interval start, int thread, int implementation) {
        List<Interval> out = new ArrayList<>();
        switch (implementation) {
            case 1 -> optimized(start, thread, out);
            case 2 -> recursive(start, thread, out);
            default -> naive(start, thread, out);
        }
        return out;
    }

    private static void naive(Interval start, int thread, List<Interval> out) {
        java.util.ArrayDeque<Interval> work = new java.util.ArrayDeque<>();
        work.push(start);
        while (!work.isEmpty()) {
            Interval ix = work.pop();
            if (small(ix, thread)) {
                out.add(ix);
                continue;
            }
            boolean[] second = new boolean[1];
            Interval[] p = step(ix, thread, second);
            Interval part1 = p[0];
            Interval part2 = p[1];
            if (bisect(ix, part1, part2)) {
                part1 = new Interval(ix.lo, p[2].lo);
                part2 = new Interval(p[2].lo, ix.up);
                second[0] = true;
            }
            if (!part1.isEmpty()) {
                work.push(part1);
            }
            if (second[0] && !part2.isEmpty()) {
                work.push(part2);
            }
        }
    }

    private static void optimized(Interval start, int thread, List<Interval> out) {
        java.util.ArrayDeque<Interval> work = new java.util.ArrayDeque<>();
        Interval ix = start;
        while (true) {
            boolean[] second = new boolean[1];
            Interval[] p = step(ix, thread, second);
            Interval part1 = p[0];
            Interval part2 = p[1];
            if (small(part1, thread)) {
                out.add(part1);
                part1 = Interval.empty();
            }
            if (second[0] && small(part2, thread)) {
                out.add(part2);
                part2 = Interval.empty();
            }
            if (bisect(ix, part1, part2)) {
                part1 = new Interval(ix.lo, p[2].lo);
                part2 = new Interval(p[2].lo, ix.up);
                second[0] = true;
            }
            if (!part1.isEmpty()) {
                ix = part1;
                if (second[0] && !part2.isEmpty()) {
                    work.push(part2);
                }
            } else if (second[0] && !part2.isEmpty()) {
                ix = part2;
            } else if (work.isEmpty()) {
                return;
            } else {
                ix = work.pop();
            }
        }
    }

    private static void recursive(Interval ix, int thread, List<Interval> out) {
        if (small(ix, thread)) {
            out.add(ix);
            return;
        }
        boolean[] second = new boolean[1];
        Interval[] p = step(ix, thread, second);
        Interval part1 = p[0];
        Interval part2 = p[1];
        if (bisect(ix, part1, part2)) {
            part1 = new Interval(ix.lo, p[2].lo);
            part2 = new Interval(p[2].lo, ix.up);
            second[0] = true;
        }
        if (second[0] && !part2.isEmpty()) {
            recursive(part2, thread, out);
        }
        if (!part1.isEmpty()) {
            recursive(part1, thread, out);
        }
    }

    /** The true roots of f for a thread, to 40 digits: x^2 - (2 - alpha) x + 1 = 0. */
    static List<BigDecimal> trueRoots(int thread) {
        MathContext mc = new MathContext(40);
        BigDecimal a = new BigDecimal(alpha(thread));
        BigDecimal b = BigDecimal.valueOf(2).subtract(a);
        BigDecimal disc = b.multiply(b).subtract(BigDecimal.valueOf(4));
        BigDecimal root = disc.signum() == 0 ? BigDecimal.ZERO : disc.sqrt(mc);
        BigDecimal two = BigDecimal.valueOf(2);
        return List.of(b.subtract(root).divide(two, mc), b.add(root).divide(two, mc));
    }
}
