package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How the values of a thread loop's body depend on {@code threadIdx.x}: an integer is <em>affine</em>
 * when, for every thread of one row of the block (fixed {@code threadIdx.y} and {@code .z}), its 32 bits
 * are {@code base + coeff * threadIdx.x} modulo 2^32, with {@code base} an expression the thread loop
 * does not change and {@code coeff} a constant; a pointer is affine when it is an invariant pointer plus
 * affine indices. Addition, subtraction, multiplication by a constant and left shifts by a constant are
 * ring operations modulo 2^32, so the form holds whatever the C types do on overflow; whether an index
 * wraps is a question the emitter asks at run time, once per row, with the row's first and last thread.
 *
 * <p>Locals count as affine when the body assigns them once, at its top level (code that always runs),
 * from an affine value, before any statement reads them.
 *
 * <p>PTX computes addresses as integers: {@code cvta} of a pointer parameter, {@code mul.wide.s32} of a
 * 32-bit index, {@code add.s64}, then a 64-bit (or, for shared memory, 32-bit) register used as the
 * address. Such an integer made a pointer is affine too ({@link #pointer}): a 64-bit integer is read as
 * an invariant pointer (converted to an integer) plus terms, each a 32-bit affine index extended to 64
 * bits by its own signedness times a constant stride, or a 64-bit invariant; a 32-bit integer made a
 * pointer is one term of stride 1 from address 0. The emitter's row checks are the same as for pointer
 * arithmetic: no 32-bit index wraps over the row, and the whole 64-bit address lies in the memory at
 * the row's first and last thread (a 64-bit invariant wraps modulo 2^64 in the checks as in the
 * general code, and the row's span is far below 2^64, so the two ends still bound every thread).
 */
final class ThreadAffine {
    /** An integer: its 32 bits are {@code base + coeff * threadIdx.x} (mod 2^32); {@code base} is invariant. */
    record Form(KExpr base, long coeff) {
        boolean invariant() {
            return coeff == 0;
        }
    }

    /** One pointer addition: {@code stride} bytes per unit of the index, extended by its type's signedness. */
    record Term(Form index, int stride, boolean signed) {}

    /** A pointer: the invariant {@code root} plus the terms, in bytes. */
    record Pointer(KExpr root, List<Term> terms) {
        /** Bytes per thread: the sum of the terms' coefficients times their strides. */
        long coeff() {
            long c = 0;
            for (Term t : terms) {
                c += t.index().coeff() * t.stride();
            }
            return c;
        }
    }

    /** Coefficients beyond this are not tracked (their products could overflow a long). */
    private static final long MAX_COEFF = 1L << 24;

    private final Predicate<KLocal> invariantLocal;
    private final Map<KLocal, Form> intLocals = new HashMap<>();
    private final Map<KLocal, Pointer> pointerLocals = new HashMap<>();
    /** 64-bit integer locals holding an address as an integer ({@link #wide}); the root may be {@link #ZERO}. */
    private final Map<KLocal, Pointer> wideLocals = new HashMap<>();

    /** The root of an address made from integers alone: address 0. */
    static final KExpr ZERO = new KExpr.NullPtr(new PointerType(ScalarType.UCHAR));

    private ThreadAffine(Predicate<KLocal> invariantLocal) {
        this.invariantLocal = invariantLocal;
    }

    /**
     * The affine forms of {@code body}'s values. {@code invariantLocal} tells the locals whose value the
     * thread loop does not change (registers the body never assigns); {@code candidate} the locals that
     * may become affine (plain registers of the thread, not kept across regions).
     */
    static ThreadAffine of(KBlock body, Predicate<KLocal> invariantLocal, Predicate<KLocal> candidate) {
        // locals assigned only at the top level (code that always runs); region fission may repeat an
        // assignment (tid = threadIdx.x at the start of each region), so several equal ones are allowed
        Set<KLocal> nested = new HashSet<>();
        List<KStmt> flat = flatten(body);
        Set<KStmt> top = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        top.addAll(flat);
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign as && !top.contains(s)) {
                nested.add(as.target());
            }
        });
        Set<KLocal> excluded = new HashSet<>(nested);
        while (true) {
            ThreadAffine a = new ThreadAffine(invariantLocal);
            KLocal conflict = a.assignForms(flat, l -> candidate.test(l) && !excluded.contains(l));
            if (conflict == null) {
                return a;
            }
            excluded.add(conflict); // its assignments differ: not affine, nor what was computed from it
        }
    }

    /** Records the forms of the body's candidate locals in order; returns a local assigned differing forms, or null. */
    private KLocal assignForms(List<KStmt> flat, Predicate<KLocal> candidate) {
        Set<KLocal> read = new HashSet<>();
        Set<KLocal> failed = new HashSet<>();
        for (KStmt s : flat) {
            if (s instanceof KStmt.Assign as && candidate.test(as.target()) && !failed.contains(as.target())) {
                KLocal l = as.target();
                Object form = is32BitInteger(l.type()) ? form(as.value())
                        : l.type() instanceof PointerType ? pointer(as.value())
                        : Low32Locals.isWide(l.type()) ? wide(as.value()) : null;
                Object before = intLocals.containsKey(l) ? intLocals.get(l)
                        : pointerLocals.containsKey(l) ? pointerLocals.get(l) : wideLocals.get(l);
                boolean first = before == null && !read.contains(l);
                if (form != null && (first || form.equals(before))) {
                    if (form instanceof Form f) {
                        intLocals.put(l, f);
                    } else if (l.type() instanceof PointerType) {
                        pointerLocals.put(l, (Pointer) form);
                    } else {
                        wideLocals.put(l, (Pointer) form);
                    }
                } else if (before != null) {
                    return l;
                } else {
                    failed.add(l); // read before its first assignment, or not affine: stays unknown
                }
            }
            KirWalk.expressions(new KBlock(List.of(s)), e -> {
                if (e instanceof KExpr.LocalGet g) {
                    read.add(g.local());
                }
            });
        }
        return null;
    }

    /** The statements of a block that always run, in order: nested blocks flattened. */
    static List<KStmt> flatten(KBlock b) {
        List<KStmt> out = new ArrayList<>();
        flatten(b, out);
        return out;
    }

    private static void flatten(KBlock b, List<KStmt> out) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Nested n) {
                flatten(n.block(), out);
            } else {
                out.add(s);
            }
        }
    }

    /** Pointer locals of the body with an affine value. */
    Map<KLocal, Pointer> pointerLocals() {
        return pointerLocals;
    }

    static boolean is32BitInteger(CType t) {
        return t instanceof ScalarType s && s.kind().isInteger() && s.size() == 4;
    }

    /** Whether an index of type {@code t} is extended by its sign. */
    static boolean signed(CType t) {
        return t instanceof ScalarType s && s.kind().isSigned();
    }

    /** The form of a 32-bit integer expression, or null when it is not affine (or may trap). */
    Form form(KExpr e) {
        if (!is32BitInteger(e.type())) {
            return null;
        }
        if (e instanceof KExpr.IntConst) {
            return new Form(e, 0);
        }
        if (e instanceof KExpr.Special s) {
            return switch (s.reg()) {
                case TID_X -> new Form(new KExpr.IntConst(ScalarType.UINT, 0), 1);
                // threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z)
                case LINEAR_TID -> new Form(mul(special(SpecialReg.NTID_X), add(special(SpecialReg.TID_Y),
                        mul(special(SpecialReg.NTID_Y), special(SpecialReg.TID_Z)))), 1);
                case LANE_ID, WARP_ID -> null;
                default -> new Form(e, 0);
            };
        }
        if (e instanceof KExpr.LocalGet g) {
            if (invariantLocal.test(g.local())) {
                return new Form(e, 0);
            }
            return intLocals.get(g.local());
        }
        if (e instanceof KExpr.Convert c && Low32Locals.isWide(c.operand().type())) {
            Pointer w = wide(c.operand());
            return w == null ? null : low32(w, c.type());
        }
        if (e instanceof KExpr.Convert c) {
            Form f = form(c.operand());
            return f == null ? null : new Form(new KExpr.Convert(c.type(), f.base()), f.coeff());
        }
        if (e instanceof KExpr.Binary b && !b.op().isComparison() && !b.op().isLogical()) {
            Form l = form(b.left());
            Form r = form(b.right());
            if (l == null || r == null) {
                return null;
            }
            if (l.invariant() && r.invariant()) {
                return safe(b) ? new Form(new KExpr.Binary(b.op(), l.base(), r.base(), b.type()), 0) : null;
            }
            return switch (b.op()) {
                case ADD -> combine(b, l, r, l.coeff() + r.coeff());
                case SUB -> combine(b, l, r, l.coeff() - r.coeff());
                case MUL -> r.base() instanceof KExpr.IntConst k && r.invariant()
                        ? scaled(b, l, k.value())
                        : l.base() instanceof KExpr.IntConst k && l.invariant() ? scaled(b, r, k.value()) : null;
                case SHL -> r.base() instanceof KExpr.IntConst k && r.invariant() && k.value() >= 0 && k.value() < 24
                        ? scaled(b, l, 1L << k.value()) : null;
                default -> null;
            };
        }
        if (e instanceof KExpr.Select s) {
            Form c = condition(s.condition());
            Form t = form(s.ifTrue());
            Form f = form(s.ifFalse());
            return c != null && t != null && f != null && t.invariant() && f.invariant()
                    ? new Form(new KExpr.Select(c.base(), t.base(), f.base(), s.type()), 0) : null;
        }
        return null;
    }

    /**
     * An invariant, side-effect-free condition (a comparison or logic of invariant values) as a form, its
     * base written with the values of the affine locals it reads (so it can be evaluated before the loop).
     */
    private Form condition(KExpr e) {
        if (e instanceof KExpr.Binary b && (b.op().isComparison() || b.op().isLogical())) {
            Form l = b.op().isLogical() ? condition(b.left()) : form(b.left());
            Form r = b.op().isLogical() ? condition(b.right()) : form(b.right());
            return l != null && r != null && l.invariant() && r.invariant()
                    ? new Form(new KExpr.Binary(b.op(), l.base(), r.base(), b.type()), 0) : null;
        }
        if (e instanceof KExpr.Unary u && u.op() == KExpr.UnaryOp.NOT) {
            Form f = condition(u.operand());
            return f != null ? new Form(new KExpr.Unary(KExpr.UnaryOp.NOT, f.base(), u.type()), 0) : null;
        }
        Form f = form(e);
        return f != null && f.invariant() ? f : null;
    }

    /** A comparison or logical expression of invariant values, to evaluate once per row; null when it is not one. */
    KExpr invariantCondition(KExpr e) {
        Form f = condition(e);
        return f == null ? null : f.base();
    }

    private static Form combine(KExpr.Binary b, Form l, Form r, long coeff) {
        if (Math.abs(coeff) > MAX_COEFF) {
            return null;
        }
        return new Form(new KExpr.Binary(b.op(), l.base(), r.base(), b.type()), coeff);
    }

    private static Form scaled(KExpr.Binary b, Form f, long k) {
        long coeff = f.coeff() * k;
        if (Math.abs(k) > MAX_COEFF || Math.abs(coeff) > MAX_COEFF) {
            return null;
        }
        KExpr base = b.op() == KExpr.BinaryOp.SHL ? new KExpr.Binary(KExpr.BinaryOp.SHL, f.base(), b.right(), b.type())
                : new KExpr.Binary(KExpr.BinaryOp.MUL, f.base(), new KExpr.IntConst((ScalarType) b.type(), k), b.type());
        return new Form(base, coeff);
    }

    /** An operation of invariant operands that cannot trap: no division unless by a constant other than 0 and -1. */
    private static boolean safe(KExpr.Binary b) {
        if (b.op() == KExpr.BinaryOp.DIV || b.op() == KExpr.BinaryOp.REM) {
            return b.right() instanceof KExpr.IntConst k && k.value() != 0 && k.value() != -1;
        }
        return true;
    }

    private static KExpr special(SpecialReg r) {
        return new KExpr.Special(r);
    }

    private static KExpr add(KExpr a, KExpr b) {
        return new KExpr.Binary(KExpr.BinaryOp.ADD, a, b, ScalarType.UINT);
    }

    private static KExpr mul(KExpr a, KExpr b) {
        return new KExpr.Binary(KExpr.BinaryOp.MUL, a, b, ScalarType.UINT);
    }

    /**
     * The form of a pointer expression: an invariant pointer (a register the loop does not change, a
     * {@code __shared__}/{@code __device__} variable) plus 32-bit indices, through pointer conversions.
     */
    Pointer pointer(KExpr e) {
        if (e instanceof KExpr.LocalGet g) {
            if (invariantLocal.test(g.local())) {
                return new Pointer(e, List.of());
            }
            return pointerLocals.get(g.local());
        }
        if (e instanceof KExpr.GlobalAddr) {
            return new Pointer(e, List.of());
        }
        if (e instanceof KExpr.Convert c && c.operand().type() instanceof PointerType) {
            return pointer(c.operand());
        }
        if (e instanceof KExpr.Convert c && Low32Locals.isWide(c.operand().type())) {
            return wide(c.operand());
        }
        if (e instanceof KExpr.Convert c && is32BitInteger(c.operand().type())) {
            // extended by its signedness and then an address, as the emitter converts it
            Form index = form(c.operand());
            return index == null ? null : new Pointer(ZERO, List.of(new Term(index, 1, signed(c.operand().type()))));
        }
        if (e instanceof KExpr.PtrAdd p) {
            if (madeFromInteger(p.pointer())) {
                // the general code checks such a pointer before adding to it, which the row would not
                return null;
            }
            Pointer inner = pointer(p.pointer());
            Form index = form(p.index());
            int stride = ((PointerType) p.type()).stride();
            if (inner == null || index == null || stride <= 0 || stride > 1 << 20) {
                return null;
            }
            List<Term> terms = new ArrayList<>(inner.terms());
            terms.add(new Term(index, stride, signed(p.index().type())));
            Pointer out = new Pointer(inner.root(), List.copyOf(terms));
            return Math.abs(out.coeff()) > MAX_COEFF ? null : out;
        }
        return null;
    }

    /** An integer made a pointer (through conversions between pointer types). */
    private static boolean madeFromInteger(KExpr e) {
        while (e instanceof KExpr.Convert c && c.operand().type() instanceof PointerType) {
            e = c.operand();
        }
        return e instanceof KExpr.Convert c && c.type() instanceof PointerType;
    }

    /**
     * A 64-bit integer expression as an address: an invariant pointer converted to an integer (or
     * {@link #ZERO}) plus terms, each a 32-bit affine index extended by its signedness, or a 64-bit
     * invariant, times a positive constant stride; the sum modulo 2^64, as the integer is. Null when
     * it is not of that shape. A pointer converted to an integer must be a plain invariant one (no
     * additions): a pointer sum is checked where it is made, which the row would not repeat.
     */
    Pointer wide(KExpr e) {
        if (!Low32Locals.isWide(e.type())) {
            return null;
        }
        if (e instanceof KExpr.IntConst) {
            return new Pointer(ZERO, List.of(new Term(new Form(e, 0), 1, true)));
        }
        if (e instanceof KExpr.LocalGet g) {
            if (invariantLocal.test(g.local())) {
                return new Pointer(ZERO, List.of(new Term(new Form(e, 0), 1, true)));
            }
            return wideLocals.get(g.local());
        }
        if (e instanceof KExpr.Convert c) {
            CType from = c.operand().type();
            if (from instanceof PointerType) {
                Pointer p = pointer(c.operand());
                return p != null && p.terms().isEmpty() ? p : null;
            }
            if (Low32Locals.isWide(from)) {
                return wide(c.operand()); // the same 64 bits, signed or not
            }
            Form index = is32BitInteger(from) ? form(c.operand()) : null;
            return index == null ? null : new Pointer(ZERO, List.of(new Term(index, 1, signed(from))));
        }
        if (e instanceof KExpr.Binary b && b.op() == KExpr.BinaryOp.ADD) {
            Pointer l = wide(b.left());
            Pointer r = wide(b.right());
            if (l == null || r == null || l.root() != ZERO && r.root() != ZERO) {
                return null;
            }
            List<Term> terms = new ArrayList<>(l.terms());
            terms.addAll(r.terms());
            Pointer out = new Pointer(l.root() != ZERO ? l.root() : r.root(), List.copyOf(terms));
            return Math.abs(out.coeff()) > MAX_COEFF ? null : out;
        }
        if (e instanceof KExpr.Binary b && (b.op() == KExpr.BinaryOp.MUL || b.op() == KExpr.BinaryOp.SHL)) {
            KExpr other;
            long k;
            if (b.op() == KExpr.BinaryOp.SHL) {
                if (!(b.right() instanceof KExpr.IntConst c) || c.value() < 0 || c.value() >= 21) {
                    return null;
                }
                other = b.left();
                k = 1L << c.value();
            } else if (b.right() instanceof KExpr.IntConst c) {
                other = b.left();
                k = c.value();
            } else if (b.left() instanceof KExpr.IntConst c) {
                other = b.right();
                k = c.value();
            } else {
                return null;
            }
            Pointer p = wide(other);
            if (p == null || p.root() != ZERO || k <= 0 || k > 1 << 20) {
                return null;
            }
            List<Term> terms = new ArrayList<>();
            for (Term t : p.terms()) {
                long stride = t.stride() * k;
                if (stride > 1 << 20) {
                    return null;
                }
                terms.add(new Term(t.index(), (int) stride, t.signed()));
            }
            Pointer out = new Pointer(ZERO, List.copyOf(terms));
            return Math.abs(out.coeff()) > MAX_COEFF ? null : out;
        }
        return null;
    }

    /** The low 32 bits of an address as integer ({@link #wide}), as a form of type {@code t}: ring arithmetic. */
    private static Form low32(Pointer p, CType t) {
        if (Math.abs(p.coeff()) > MAX_COEFF) {
            return null;
        }
        KExpr base = p.root() == ZERO ? new KExpr.IntConst(ScalarType.UINT, 0)
                : new KExpr.Convert(ScalarType.UINT, p.root());
        for (Term term : p.terms()) {
            KExpr index = term.index().base();
            KExpr low = index.type().equals(ScalarType.UINT) ? index : new KExpr.Convert(ScalarType.UINT, index);
            base = new KExpr.Binary(KExpr.BinaryOp.ADD, base, new KExpr.Binary(KExpr.BinaryOp.MUL, low,
                    new KExpr.IntConst(ScalarType.UINT, term.stride()), ScalarType.UINT), ScalarType.UINT);
        }
        return new Form(t.equals(ScalarType.UINT) ? base : new KExpr.Convert(t, base), p.coeff());
    }

    /** Whether an integer type is unsigned (comparisons and extensions follow it). */
    static boolean unsigned(CType t) {
        return t instanceof ScalarType s && (s.kind().isUnsigned() || s.kind() == ScalarKind.BOOL);
    }
}
