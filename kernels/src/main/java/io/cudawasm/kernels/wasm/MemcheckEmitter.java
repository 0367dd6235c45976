package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.AccessSite;
import io.cudawasm.kernels.abi.MemcheckAbi;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.StructType;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks of a memcheck module ({@link WasmOptions#memcheck}) around one function's accesses:
 * each load, store, struct copy and atomic computes its address whole, checks that its bytes lie
 * within the bounds of the allocation its pointer came from ({@link Provenance}), or of some live
 * allocation when that is unknown, and otherwise reports a violation to the host
 * ({@link MemcheckAbi#VIOLATION_NAME}) with the access's site, thread and block, and skips the
 * access (a skipped read yields zero).
 */
final class MemcheckEmitter {
    private final FunctionEmitter f;
    private final CodeWriter w;
    private final WasmEmitter module;
    private final KFunction fn;
    private final Provenance provenance;
    /** The site of the access being emitted, which an address fault inside it reports; -1 outside one. */
    private int siteId = -1;

    MemcheckEmitter(FunctionEmitter f, CodeWriter w, WasmEmitter module, KFunction fn, Provenance provenance) {
        this.f = f;
        this.w = w;
        this.module = module;
        this.fn = fn;
        this.provenance = provenance;
    }

    Provenance provenance() {
        return provenance;
    }

    /**
     * Reports a failed address check (the address in local {@code address} of type {@code type}
     * does not fit the address space) as a violation of the access being emitted, or as pointer
     * arithmetic of its own; the caller then traps.
     */
    void reportAddressFault(int address, ValType type, SourcePos pos) {
        int id = siteId >= 0 ? siteId : site(AccessSite.Access.POINTER, 0, pos, Provenance.Origin.UNKNOWN);
        w.i32Const(id);
        f.getLocal(address);
        if (type == ValType.I32) {
            w.op(0xAD, "i64.extend_i32_u");
        }
        w.i32Const(0);
        w.i32Const(0);
        threadAndBlock();
        w.call(module.violationFunction(), "env." + MemcheckAbi.VIOLATION_NAME);
    }

    /** Registers an access site of a memcheck module; returns its index. */
    private int site(AccessSite.Access access, int bytes, SourcePos pos, Provenance.Origin origin) {
        return module.addSite(new AccessSite(fn.sourceName(), access, bytes, pos == null ? null : pos.fileName(),
                pos == null ? 0 : pos.line(), pos == null ? 0 : pos.column(), origin.region(),
                origin.global() != null ? module.variableName(origin.global()) : origin.name(),
                origin.kind() == Provenance.Kind.PARAM ? origin.parameter() : -1));
    }

    /**
     * The bounds a memcheck access is checked against: locals holding start and end (scratch ones are
     * released after the access; a parameter's are kept for the whole function).
     */
    private record Bounds(int start, int end, boolean scratch) {}

    /** memcheck: the bounds of the kernel parameters' buffers, read from the memcheck table once per call. */
    private final Map<Integer, Bounds> parameterBounds = new HashMap<>();

    /** Reads the bounds of every parameter the accesses in {@code scope} use into locals (on entry: globals are slow). */
    void cacheParameterBounds(KBlock scope) {
        java.util.Set<Integer> used = new java.util.TreeSet<>();
        java.util.function.Consumer<KExpr> note = address -> {
            Provenance.Origin o = provenance.origin(address);
            if (o.kind() == Provenance.Kind.PARAM) {
                used.add(o.parameter());
            }
        };
        KirWalk.statements(scope, st -> {
            if (st instanceof KStmt.Store store) {
                note.accept(store.address());
            }
        });
        KirWalk.expressions(scope, e -> {
            if (e instanceof KExpr.Load l) {
                note.accept(l.address());
            } else if (e instanceof KExpr.Atomic a) {
                note.accept(a.address());
            }
        });
        for (int p : used) {
            Bounds b = new Bounds(f.newLocal(ValType.I32, "start" + p), f.newLocal(ValType.I32, "end" + p), false);
            w.globalGet(WasmEmitter.G_MEMCHECK_TABLE, "memcheck_table");
            w.memory(0x28, "i32.load", 2, MemcheckAbi.TABLE_PARAMS + 8L * p);
            f.setLocal(b.start());
            w.globalGet(WasmEmitter.G_MEMCHECK_TABLE, "memcheck_table");
            w.memory(0x28, "i32.load", 2, MemcheckAbi.TABLE_PARAMS + 8L * p + 4);
            f.setLocal(b.end());
            parameterBounds.put(p, b);
        }
    }

    /** Emits the bounds of an origin into two new scratch locals; null for an unknown origin. */
    private Bounds bounds(Provenance.Origin o) {
        if (o.kind() == Provenance.Kind.UNKNOWN || o.kind() == Provenance.Kind.NONE) {
            return null;
        }
        Bounds cached = o.kind() == Provenance.Kind.PARAM ? parameterBounds.get(o.parameter()) : null;
        if (cached != null) {
            return cached;
        }
        Bounds b = new Bounds(f.scratchLocal(ValType.I32), f.scratchLocal(ValType.I32), true);
        switch (o.kind()) {
            case PARAM -> {
                w.globalGet(WasmEmitter.G_MEMCHECK_TABLE, "memcheck_table");
                w.memory(0x28, "i32.load", 2, MemcheckAbi.TABLE_PARAMS + 8L * o.parameter());
                f.setLocal(b.start());
                w.globalGet(WasmEmitter.G_MEMCHECK_TABLE, "memcheck_table");
                w.memory(0x28, "i32.load", 2, MemcheckAbi.TABLE_PARAMS + 8L * o.parameter() + 4);
                f.setLocal(b.end());
            }
            case SHARED, DYNAMIC_SHARED -> {
                f.sharedBase();
                w.i32Const(module.sharedOffset(o.global()));
                w.op(0x6A, "i32.add");
                f.teeLocal(b.start());
                if (o.kind() == Provenance.Kind.SHARED) {
                    w.i32Const(o.global().size());
                } else {
                    w.globalGet(WasmEmitter.G_MEMCHECK_TABLE, "memcheck_table");
                    w.memory(0x28, "i32.load", 2, MemcheckAbi.TABLE_DYNAMIC_SHARED);
                }
                w.op(0x6A, "i32.add");
                f.setLocal(b.end());
            }
            case STATIC -> {
                w.i32Const(module.staticOffset(o.global()));
                f.setLocal(b.start());
                w.i32Const(module.staticOffset(o.global()) + Math.max(1, o.global().size()));
                f.setLocal(b.end());
            }
            case LOCAL -> {
                f.localAddressOf(o.local());
                f.teeLocal(b.start());
                w.i32Const(o.local().type().size());
                w.op(0x6A, "i32.add");
                f.setLocal(b.end());
            }
            default -> throw new IllegalStateException(o.kind().name());
        }
        return b;
    }

    private void release(Bounds b) {
        if (b != null && b.scratch()) {
            f.releaseLocal(ValType.I32, b.end());
            f.releaseLocal(ValType.I32, b.start());
        }
    }

    /** Pushes 1 when {@code bytes} bytes at the address in local {@code a} lie within the bounds, else 0. */
    private void inBounds(int a, int bytes, Bounds b) {
        if (b == null) {
            f.getLocal(a);
            w.i32Const(bytes);
            w.call(module.insideFunction(), WasmEmitter.INSIDE_NAME);
            return;
        }
        f.getLocal(a);
        f.getLocal(b.start());
        w.op(0x4F, "i32.ge_u");
        f.getLocal(a);
        w.op(0xAD, "i64.extend_i32_u");
        w.i64Const(bytes);
        w.op(0x7C, "i64.add");
        f.getLocal(b.end());
        w.op(0xAD, "i64.extend_i32_u");
        w.op(0x58, "i64.le_u");
        w.op(0x71, "i32.and");
    }

    /** Calls the host's violation report for the access at the address in local {@code a}. */
    private void reportViolation(int id, int a, Bounds b) {
        w.i32Const(id);
        f.getLocal(a);
        w.op(0xAD, "i64.extend_i32_u");
        if (b == null) {
            w.i32Const(0);
            w.i32Const(0);
        } else {
            f.getLocal(b.start());
            f.getLocal(b.end());
        }
        threadAndBlock();
        w.call(module.violationFunction(), "env." + MemcheckAbi.VIOLATION_NAME);
    }

    /** threadIdx and blockIdx for a violation report; -1 where unknown. */
    private void threadAndBlock() {
        SpecialReg[] regs = {SpecialReg.TID_X, SpecialReg.TID_Y, SpecialReg.TID_Z, SpecialReg.CTAID_X,
            SpecialReg.CTAID_Y, SpecialReg.CTAID_Z};
        for (int i = 0; i < regs.length; i++) {
            Integer idx = f.specialLocal(regs[i]);
            if (idx == null || i < 3 && !f.threadKnown()) {
                w.i32Const(-1);
            } else {
                f.getLocal(idx);
            }
        }
    }

    /**
     * The address of a checked access, computed whole into a new scratch local with the access's site
     * current, so an address fault inside it is reported against the access.
     */
    private int checkedAddressOf(KExpr address, int id) {
        int outer = siteId;
        siteId = id;
        int a = f.scratchLocal(ValType.I32);
        f.emitAddressOf(address);
        f.setLocal(a);
        siteId = outer;
        return a;
    }

    private static void zero(CodeWriter w, ValType t) {
        switch (t) {
            case I32 -> w.i32Const(0);
            case I64 -> w.i64Const(0);
            case F32 -> w.f32Const(0);
            case F64 -> w.f64Const(0);
        }
    }

    ValType checkedLoad(KExpr.Load l, CType t) {
        ValType vt = FunctionEmitter.valType(t);
        int bytes = t instanceof PointerType ? 8 : t.size();
        Provenance.Origin o = provenance.origin(l.address()).atAccess();
        int id = site(AccessSite.Access.READ, bytes, f.sitePos(), o);
        int a = checkedAddressOf(l.address(), id);
        Bounds b = bounds(o);
        inBounds(a, bytes, b);
        w.ifThen(f.newLabel("mc"), vt);
        f.getLocal(a);
        f.loadScalar(t, 0);
        w.elseBranch();
        reportViolation(id, a, b);
        zero(w, vt);
        w.end();
        release(b);
        f.releaseLocal(ValType.I32, a);
        return vt;
    }

    void checkedStore(KExpr address, KExpr value, CType t) {
        boolean whole = t instanceof StructType || t instanceof ArrayType;
        int bytes = t instanceof PointerType ? 8 : t.size();
        Provenance.Origin o = provenance.origin(address).atAccess();
        int id = site(AccessSite.Access.WRITE, bytes, f.sitePos(), o);
        int a = checkedAddressOf(address, id);
        Bounds b = bounds(o);
        inBounds(a, bytes, b);
        w.ifThen(f.newLabel("mc"), null);
        if (!whole) {
            f.getLocal(a);
            f.emit(value);
            f.storeScalarAt(t, 0);
        } else if (value instanceof KExpr.Load l) {
            checkedCopy(() -> f.getLocal(a), l, bytes);
        } else {
            f.copyStructTo(() -> f.getLocal(a), value, bytes);
        }
        w.elseBranch();
        reportViolation(id, a, b);
        w.end();
        release(b);
        f.releaseLocal(ValType.I32, a);
    }

    /** Copies a struct read from memory (a checked read of {@code bytes}) to {@code dst}. */
    void checkedCopy(Runnable dst, KExpr.Load source, int bytes) {
        Provenance.Origin o = provenance.origin(source.address()).atAccess();
        int id = site(AccessSite.Access.READ, bytes, source.pos() != null ? source.pos() : f.sitePos(), o);
        int s = checkedAddressOf(source.address(), id);
        Bounds b = bounds(o);
        inBounds(s, bytes, b);
        w.ifThen(f.newLabel("mc"), null);
        f.copyBytesTo(dst, () -> f.getLocal(s), bytes);
        w.elseBranch();
        reportViolation(id, s, b);
        w.end();
        release(b);
        f.releaseLocal(ValType.I32, s);
    }

    ValType checkedAtomic(KExpr.Atomic at) {
        ValType vt = FunctionEmitter.valType(at.type());
        int bytes = at.type().size();
        Provenance.Origin o = provenance.origin(at.address()).atAccess();
        int id = site(AccessSite.Access.ATOMIC, bytes, f.sitePos(), o);
        int a = checkedAddressOf(at.address(), id);
        Bounds b = bounds(o);
        inBounds(a, bytes, b);
        w.ifThen(f.newLabel("mc"), vt);
        new AtomicEmitter(f, w).atomic(at, () -> f.getLocal(a));
        w.elseBranch();
        reportViolation(id, a, b);
        zero(w, vt);
        w.end();
        release(b);
        f.releaseLocal(ValType.I32, a);
        return vt;
    }
}
