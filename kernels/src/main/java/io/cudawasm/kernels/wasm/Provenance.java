package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.AccessSite;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which allocation each pointer of a function was derived from, for memcheck: a kernel's pointer
 * parameter, a {@code __shared__} array, a {@code __device__}/{@code __constant__} variable or a
 * local in the thread's frame. Flow-insensitive: a local's origin joins the origins of every value
 * assigned to it, so a pointer that may come from two allocations, from memory, from a call or from
 * a plain integer has an {@link Kind#UNKNOWN} origin, and an access through it is only checked to
 * fall inside some live allocation. Integers carry origins too, because PTX does its address
 * arithmetic in 64-bit integer registers.
 */
final class Provenance {
    /** What a value was derived from. NONE: no allocation (a plain number); UNKNOWN: not known here. */
    enum Kind { NONE, PARAM, SHARED, DYNAMIC_SHARED, STATIC, LOCAL, UNKNOWN }

    /**
     * An origin: {@code local} for PARAM and LOCAL, {@code global} for SHARED, DYNAMIC_SHARED and
     * STATIC, {@code parameter} the kernel parameter's index for PARAM.
     */
    record Origin(Kind kind, KLocal local, KGlobal global, int parameter) {
        static final Origin NONE = new Origin(Kind.NONE, null, null, -1);
        static final Origin UNKNOWN = new Origin(Kind.UNKNOWN, null, null, -1);

        Origin join(Origin other) {
            if (kind == Kind.NONE) {
                return other;
            }
            if (other.kind == Kind.NONE || same(other)) {
                return this;
            }
            return UNKNOWN;
        }

        private boolean same(Origin o) {
            return kind == o.kind && local == o.local && global == o.global && parameter == o.parameter;
        }

        /** The origin of an address at an access: a number is as unknown as anything else there. */
        Origin atAccess() {
            return kind == Kind.NONE ? UNKNOWN : this;
        }

        AccessSite.Region region() {
            return switch (kind) {
                case PARAM -> AccessSite.Region.PARAMETER;
                case SHARED, DYNAMIC_SHARED -> AccessSite.Region.SHARED;
                case STATIC -> AccessSite.Region.STATIC;
                case LOCAL -> AccessSite.Region.LOCAL;
                case NONE, UNKNOWN -> AccessSite.Region.UNKNOWN;
            };
        }

        /** The source name of the parameter, array or variable (null when unknown). */
        String name() {
            if (local != null) {
                return local.name();
            }
            if (global != null) {
                return global.name().replaceAll("_\\d+$", "");
            }
            return null;
        }
    }

    private final Map<KLocal, Origin> locals = new HashMap<>();

    private Provenance() {}

    /** The origins of {@code fn}'s locals, solved to a fixpoint over its assignments. */
    static Provenance of(KFunction fn) {
        Provenance p = new Provenance();
        List<KLocal> params = fn.params();
        for (int i = 0; i < params.size(); i++) {
            KLocal l = params.get(i);
            if (fn.isKernel() && l.type() instanceof PointerType) {
                p.locals.put(l, new Origin(Kind.PARAM, l, null, i));
            } else if (carriesAddress(l.type())) {
                p.locals.put(l, Origin.UNKNOWN); // a device function's arguments come from its callers
            }
        }
        for (KLocal l : fn.locals()) {
            if (l.needsMemory() && carriesAddress(l.type())) {
                p.locals.put(l, Origin.UNKNOWN); // may be written through a pointer
            }
        }
        boolean changed = true;
        while (changed) {
            boolean[] any = {false};
            KirWalk.statements(fn.body(), s -> {
                if (s instanceof KStmt.Assign a) {
                    Origin before = p.of(a.target());
                    Origin after = before.join(p.origin(a.value()));
                    if (!after.equals(before)) {
                        p.locals.put(a.target(), after);
                        any[0] = true;
                    }
                }
            });
            changed = any[0];
        }
        return p;
    }

    private Origin of(KLocal l) {
        return locals.getOrDefault(l, Origin.NONE);
    }

    /** A pointer, or an integer wide enough to hold one. */
    private static boolean carriesAddress(CType t) {
        return t instanceof PointerType || t instanceof ScalarType s && s.isInteger() && s.size() == 8;
    }

    /** The origin of a value. */
    Origin origin(KExpr e) {
        if (e instanceof KExpr.LocalGet g) {
            return of(g.local());
        }
        if (e instanceof KExpr.ThreadSlot t) {
            return of(t.local());
        }
        if (e instanceof KExpr.LocalAddr a) {
            return new Origin(Kind.LOCAL, a.local(), null, -1);
        }
        if (e instanceof KExpr.GlobalAddr g) {
            KGlobal global = g.global();
            if (global.space() == AddressSpace.SHARED) {
                return new Origin(global.externShared() ? Kind.DYNAMIC_SHARED : Kind.SHARED, null, global, -1);
            }
            return new Origin(Kind.STATIC, null, global, -1);
        }
        if (e instanceof KExpr.PtrAdd p) {
            return origin(p.pointer());
        }
        if (e instanceof KExpr.FieldAddr f) {
            return origin(f.structPointer());
        }
        if (e instanceof KExpr.Convert c) {
            Origin o = origin(c.operand());
            if (c.type() instanceof PointerType && !(c.operand().type() instanceof PointerType)
                    && o.kind() == Kind.NONE && !(c.operand() instanceof KExpr.IntConst)) {
                return Origin.UNKNOWN; // a pointer made from a number
            }
            return o;
        }
        if (e instanceof KExpr.Binary b) {
            Origin l = origin(b.left());
            Origin r = origin(b.right());
            return switch (b.op()) {
                case ADD, SUB, AND, OR, XOR -> l.join(r);
                default -> b.op().isComparison() || l.kind() == Kind.NONE && r.kind() == Kind.NONE
                        ? Origin.NONE : Origin.UNKNOWN;
            };
        }
        if (e instanceof KExpr.Select s) {
            return origin(s.ifTrue()).join(origin(s.ifFalse()));
        }
        if (e instanceof KExpr.Unary u) {
            return u.op() != KExpr.UnaryOp.NOT && origin(u.operand()).kind() != Kind.NONE ? Origin.UNKNOWN
                    : Origin.NONE;
        }
        if (e instanceof KExpr.Load || e instanceof KExpr.Call || e instanceof KExpr.Atomic
                || e instanceof KExpr.WarpShuffle) {
            return carriesAddress(e.type()) ? Origin.UNKNOWN : Origin.NONE;
        }
        return Origin.NONE;
    }
}
