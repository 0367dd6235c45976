package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.BlockCopyAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;
import io.cudawasm.kernels.abi.VectorTreeAbi;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.wasm.FunctionEmitter.Base;
import io.cudawasm.kernels.wasm.FunctionEmitter.Chain;
import io.cudawasm.kernels.wasm.FunctionEmitter.FastRow;
import io.cudawasm.kernels.wasm.FunctionEmitter.Folded;
import java.util.ArrayList;
import java.util.List;

/**
 * The host rows of a function's thread loops: the fast rows whose passing threads the host runs in one
 * call (vector rows, accumulating rows, block copies, vector trees, grid rows) or one
 * {@code memory.copy} moves, planned from the kernel IR and emitted into the {@link FunctionEmitter}'s
 * code around the threads' own loop, which still runs whatever the host refuses.
 */
final class HostRowEmitter {
    private final FunctionEmitter fe;
    private final CodeWriter w;

    HostRowEmitter(FunctionEmitter fe, CodeWriter w) {
        this.fe = fe;
        this.w = w;
    }

    // the function's locals and labels, as FunctionEmitter's own code writes them

    private void get(int local) {
        fe.get(local);
    }

    private void set(int local) {
        fe.set(local);
    }

    private void tee(int local) {
        fe.tee(local);
    }

    private int addLocal(ValType t, String name) {
        return fe.addLocal(t, name);
    }

    private String label(String base) {
        return fe.label(base);
    }

    private ValType expr(KExpr e) {
        return fe.expr(e);
    }

    /**
     * A fast row whose every passing thread copies one element from one affine pointer to another with
     * the element's size as both strides ({@code dst[tid] = src[tid]}): {@code dst}/{@code src} are
     * the pointers' forms, with the accesses' immediates, and {@code size} the element's bytes.
     */
    record RowCopy(RowAccess dst, RowAccess src, int size) {}

    /**
     * The row's body as a copy of one element per thread, or null. Its store ends the body as
     * {@link #rowStore} allows. The loaded and stored types are one arithmetic type (not a pointer, whose
     * load checks it): the copy moves the bytes a load and a store of that type move.
     */
    RowCopy rowCopy(FastRow row) {
        RowStore rs = rowStore(row);
        if (rs == null || !(rs.store().value() instanceof KExpr.Load load)) {
            return null;
        }
        KStmt.Store store = rs.store();
        // a pointer's load checks its 8 bytes (a set high half traps): only numbers move as plain bytes
        CType t = ((PointerType) store.address().type()).pointee();
        if (!(t instanceof ScalarType) || !t.equals(load.type()) || t.size() <= 0) {
            return null;
        }
        RowAccess d = rowAccess(store.address(), row, t.size());
        RowAccess s = rowAccess(load.address(), row, t.size());
        return d == null || s == null ? null : new RowCopy(d, s, t.size());
    }

    /** The store that ends a row's body, and the registers the body assigns before it. */
    private record RowStore(KStmt.Store store, java.util.Set<KLocal> assigned) {}

    /**
     * The row's body as register assignments and then one store, or null. The assignments may only use
     * values that cannot trap for any thread of the row (the row's checks cover its affine pointers)
     * and read no register the body assigns later or itself (so each thread's values depend on its
     * threadIdx.x alone, and the last thread leaves what the whole row leaves): then the row's threads
     * but the last may run as one host or bulk operation, the last thread running as before.
     */
    private RowStore rowStore(FastRow row) {
        if (row == null) {
            return null;
        }
        List<KStmt> statements = rowStatements(row);
        if (statements.isEmpty() || !(statements.get(statements.size() - 1) instanceof KStmt.Store store)) {
            return null;
        }
        java.util.Set<KLocal> targets = assignedIn(statements);
        return independentAssignments(statements.subList(0, statements.size() - 1), row, targets)
                ? new RowStore(store, targets) : null;
    }

    /** The row's body as {@link FunctionEmitter#block} emits it: an address temporary forwarded into the store after it. */
    private List<KStmt> rowStatements(FastRow row) {
        List<KStmt> all = row.body.statements();
        List<KStmt> statements = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i + 1 < all.size() && fe.forwardable(all.get(i), all.get(i + 1))) {
                statements.add(fe.forward((KStmt.Assign) all.get(i), all.get(i + 1)));
                i++;
            } else {
                statements.add(all.get(i));
            }
        }
        return statements;
    }

    /** The locals the statements assign at their top level. */
    private static java.util.Set<KLocal> assignedIn(List<KStmt> statements) {
        java.util.Set<KLocal> targets = new java.util.HashSet<>();
        for (KStmt st : statements) {
            if (st instanceof KStmt.Assign a) {
                targets.add(a.target());
            }
        }
        return targets;
    }

    /**
     * Whether {@code prefix} is register assignments only, each of a value that cannot trap for any
     * thread of the row and reads none of {@code targets} (what the row's body assigns) before the
     * prefix assigns it: then each thread's values depend on its threadIdx.x alone.
     */
    private boolean independentAssignments(List<KStmt> prefix, FastRow row, java.util.Set<KLocal> targets) {
        java.util.Set<KLocal> earlier = new java.util.HashSet<>();
        for (KStmt st : prefix) {
            if (!(st instanceof KStmt.Assign a) || !fe.registers.containsKey(a.target()) || a.target().needsMemory()
                    || fe.low32.contains(a.target()) || !rowTrapFree(a.value(), row)) {
                return false;
            }
            boolean[] carried = {false};
            KirWalk.expression(a.value(), e -> carried[0] |= e instanceof KExpr.LocalGet g
                    && targets.contains(g.local()) && !earlier.contains(g.local()));
            if (carried[0]) {
                return false;
            }
            earlier.add(a.target());
        }
        return true;
    }

    /** An access of a row through one of its hoisted pointers, the element size its stride. */
    private record RowAccess(ThreadAffine.Pointer pointer, long offset) {}

    /** The access at {@code address} as a hoisted pointer of the row whose stride is {@code size}, or null. */
    private RowAccess rowAccess(KExpr address, FastRow row, int size) {
        Folded f = fe.fold(address);
        ThreadAffine.Pointer p = f.kind() == Base.EXPR ? row.affine.pointer(f.base()) : null;
        return p != null && row.chains.containsKey(p) && p.coeff() == size ? new RowAccess(p, f.offset()) : null;
    }

    /**
     * A fast row whose every passing thread stores one {@code float} computed from {@code float}s at
     * consecutive addresses and row-wide values ({@link VectorRowAbi}): the program, the destination,
     * the sources and the row-wide values (registers the body does not assign, and constants).
     */
    record RowVector(long program, RowAccess dst, List<RowAccess> sources, List<KExpr> uniforms) {}

    /** Rows of more threads than this call the host: on shorter ones the call costs more than it can save. */
    private static final int VECTOR_ROW_MIN_THREADS = 16;

    /** The row as a {@link RowVector}, or null; its store ends the body as {@link #rowStore} allows. */
    RowVector rowVector(FastRow row) {
        RowStore rs = fe.module.vectorRowFunction() < 0 ? null : rowStore(row);
        if (rs == null || !ScalarType.FLOAT.equals(((PointerType) rs.store().address().type()).pointee())) {
            return null;
        }
        RowAccess dst = rowAccess(rs.store().address(), row, 4);
        List<RowAccess> sources = new ArrayList<>();
        List<KExpr> uniforms = new ArrayList<>();
        List<Integer> symbols = new ArrayList<>();
        java.util.function.ToIntFunction<KExpr.Load> load = l -> {
            RowAccess a = rowAccess(l.address(), row, 4);
            int k = a == null ? -1 : slot(sources, a, VectorRowAbi.MAX_LOADS);
            return k < 0 ? -1 : VectorRowAbi.LOAD0 + k;
        };
        if (dst == null || !vectorSymbols(rs.store().value(), load, rs.assigned(), uniforms, symbols)) {
            return null;
        }
        return new RowVector(vectorProgram(symbols), dst, sources, uniforms);
    }

    /** Symbols packed four bits each, the first lowest, ended by {@link VectorRowAbi#END}. */
    private static long vectorProgram(List<Integer> symbols) {
        long program = VectorRowAbi.END;
        for (int i = symbols.size() - 1; i >= 0; i--) {
            program = program << 4 | symbols.get(i);
        }
        return program;
    }

    /**
     * Appends {@code e} in postfix to {@code out}; false where it is not a vector row's value.
     * {@code load} gives a load's symbol, or -1 where the row cannot hand it over.
     */
    private boolean vectorSymbols(KExpr e, java.util.function.ToIntFunction<KExpr.Load> load,
            java.util.Set<KLocal> assigned, List<KExpr> uniforms, List<Integer> out) {
        if (!ScalarType.FLOAT.equals(e.type()) || out.size() >= VectorRowAbi.MAX_SYMBOLS) {
            return false;
        }
        if (e instanceof KExpr.Load l) {
            int symbol = load.applyAsInt(l);
            return symbol >= 0 && out.add(symbol);
        }
        if (e instanceof KExpr.FloatConst || e instanceof KExpr.LocalGet g && uniformRegister(g.local(), assigned)) {
            int k = slot(uniforms, e, VectorRowAbi.MAX_UNIFORMS);
            return k >= 0 && out.add(VectorRowAbi.UNIFORM0 + k);
        }
        if (e instanceof KExpr.Binary b && ScalarType.FLOAT.equals(b.left().type())
                && ScalarType.FLOAT.equals(b.right().type())) {
            int op = switch (b.op()) {
                case ADD -> VectorRowAbi.ADD;
                case SUB -> VectorRowAbi.SUB;
                case MUL -> VectorRowAbi.MUL;
                case DIV -> VectorRowAbi.DIV;
                default -> -1;
            };
            return op >= 0 && vectorSymbols(b.left(), load, assigned, uniforms, out)
                    && vectorSymbols(b.right(), load, assigned, uniforms, out)
                    && out.size() < VectorRowAbi.MAX_SYMBOLS && out.add(op);
        }
        return false;
    }

    /** The index of {@code value} in {@code slots}, added if new; -1 when it is new and they are full. */
    private static <T> int slot(List<T> slots, T value, int max) {
        int k = slots.indexOf(value);
        if (k < 0 && slots.size() < max) {
            slots.add(value);
            k = slots.size() - 1;
        }
        return k;
    }

    /** {@link FunctionEmitter#trapFree}, or a pointer value the row computes from its hoisted, checked pointers. */
    private boolean rowTrapFree(KExpr e, FastRow row) {
        if (e instanceof KExpr.PtrAdd p) {
            Folded f = fe.fold(p);
            ThreadAffine.Pointer form = f.kind() == Base.EXPR && f.base() == p ? row.affine.pointer(p) : null;
            if (form != null && row.chains.containsKey(form)) {
                return true;
            }
        }
        return fe.trapFree(e);
    }

    /**
     * The passing threads of a copy row but the last as one {@code memory.copy}, then {@code tx} at the
     * last (which the loop runs as one thread, leaving the registers and row state the loop leaves);
     * {@code tx} at the first, and the loop as before, unless the copy is certainly the same as the
     * threads' own loads and stores one by one. That needs both ranges wholly within the memory (so
     * nothing traps, where the loop would trap part way), and the destination not within the source
     * above its start (a forward copy element by element then reads only bytes it has not written, as
     * {@code memory.copy}, which moves as if through a buffer, does). The checks are in 64 bits: from
     * the row values, every thread's address is then below 2^31, the same as the loop's 32-bit ones.
     */
    void bulkCopy(FastRow row, RowCopy copy, int lo, int hi) {
        int tx = fe.threadCounters[0];
        int size = copy.size();
        int dst = addLocal(ValType.I64, "copy_dst");
        int src = addLocal(ValType.I64, "copy_src");
        int bytes = addLocal(ValType.I64, "copy_bytes");
        int end = addLocal(ValType.I64, "copy_end");
        int ok = addLocal(ValType.I32, "copy_ok");
        // bytes of the whole row, and of all threads but the last
        get(hi);
        get(lo);
        w.op(0x6B, "i32.sub");
        w.op(0xAC, "i64.extend_i32_s");
        w.i64Const(size);
        w.op(0x7E, "i64.mul");
        set(bytes);
        w.memorySize();
        w.op(0xAD, "i64.extend_i32_u");
        w.i64Const(16);
        w.op(0x86, "i64.shl");
        set(end);
        rowAddress(row, copy.dst(), lo);
        set(dst);
        rowAddress(row, copy.src(), lo);
        set(src);
        // more than one thread
        get(bytes);
        w.i64Const(size);
        w.op(0x55, "i64.gt_s");
        for (int into : new int[] {dst, src}) {
            get(into);
            w.i64Const(KernelAbi.GUARD_BYTES);
            w.op(0x59, "i64.ge_s");
            w.op(0x71, "i32.and");
            get(into);
            get(bytes);
            w.op(0x7C, "i64.add");
            get(end);
            w.op(0x57, "i64.le_s");
            w.op(0x71, "i32.and");
        }
        // no overlap, or the destination at or below the source
        get(dst);
        get(src);
        w.op(0x57, "i64.le_s");
        get(dst);
        get(src);
        get(bytes);
        w.op(0x7C, "i64.add");
        w.op(0x59, "i64.ge_s");
        w.op(0x72, "i32.or");
        w.op(0x71, "i32.and");
        set(ok);
        get(ok);
        w.ifThen(label("bulk"), null);
        get(dst);
        w.op(0xA7, "i32.wrap_i64");
        get(src);
        w.op(0xA7, "i32.wrap_i64");
        get(bytes);
        w.i64Const(size);
        w.op(0x7D, "i64.sub");
        w.op(0xA7, "i32.wrap_i64");
        w.memoryCopy();
        get(hi);
        w.i32Const(1);
        w.op(0x6B, "i32.sub");
        set(tx);
        w.elseBranch();
        get(lo);
        set(tx);
        w.end();
    }

    /**
     * Hands the passing threads of a vector row but the last to the host ({@link VectorRowAbi}) and sets
     * {@code tx} past those it ran; the loop runs the rest (at least the last thread, which leaves the
     * registers and row state the loop leaves). Addresses go in 64 bits: the host refuses any range
     * outside the memory, and the loop then traps where the threads one by one would.
     */
    void vectorRow(FastRow row, RowVector vector, int lo, int hi) {
        int tx = fe.threadCounters[0];
        get(hi);
        get(lo);
        w.op(0x6B, "i32.sub");
        w.i32Const(VECTOR_ROW_MIN_THREADS);
        w.op(0x4A, "i32.gt_s");
        w.ifThen(label("vector"), null);
        w.i64Const(vector.program());
        get(hi);
        get(lo);
        w.op(0x6B, "i32.sub");
        w.i32Const(1);
        w.op(0x6B, "i32.sub");
        rowAddress(row, vector.dst(), lo);
        for (int k = 0; k < VectorRowAbi.MAX_LOADS; k++) {
            if (k < vector.sources().size()) {
                rowAddress(row, vector.sources().get(k), lo);
            } else {
                w.i64Const(0);
            }
        }
        uniformArguments(vector.uniforms());
        w.call(fe.module.vectorRowFunction(), "env." + VectorRowAbi.IMPORT_NAME);
        get(lo);
        w.op(0x6A, "i32.add");
        set(tx);
        w.end();
    }

    /**
     * A fast row whose every passing thread adds one {@code float} term per trip of a counted loop to a
     * value of its own ({@link VectorAccumulateAbi}): {@code while (k < bound) { acc = acc + term } step
     * { k = k + 1 }} after register assignments that set {@code k} to the constant {@code start}. Either
     * {@code acc} lives in the thread's frame across a barrier (the body's only frame slot, loaded before
     * and stored after it: {@code initial} and {@code out} null), or the assignments set it to
     * {@code initial} (a row-wide value) and the body ends storing it through {@code out}.
     */
    record RowAccumulate(long program, List<KStmt> prefix, KLocal counter, long start, KExpr bound, KLocal acc,
            KExpr initial, RowAccess out, List<SteppedSource> sources, List<KExpr> uniforms) {}

    /**
     * A source of an accumulating row: {@code root} plus {@code terms}, plus the {@code offset} immediate;
     * its lane stride (bytes per thread) 4, or 0 for a float every thread reads.
     */
    record SteppedSource(KExpr root, List<SteppedTerm> terms, long offset) {
        long lane() {
            long bytes = 0;
            for (SteppedTerm t : terms) {
                bytes += t.lane() * t.stride();
            }
            return bytes;
        }
    }

    /**
     * One pointer addition of a {@link SteppedSource}: its 32-bit index is {@code base + lane * threadIdx.x
     * + step * trip} modulo 2^32 ({@code base} and {@code step}, null for none, evaluated before the row),
     * extended by {@code signed} and times {@code stride} bytes; {@code rowStep * threadIdx.y} more where
     * the index is split across a block's rows ({@link #acrossRows}: {@code base} then at row 0).
     */
    private record SteppedTerm(KExpr base, long lane, KExpr step, KExpr rowStep, int stride, boolean signed) {}

    /** Rows of fewer threads than this run as before: the call and the vector set-up cost more than they save. */
    private static final int ACCUMULATE_MIN_THREADS = 8;

    /**
     * The row as a {@link RowAccumulate}, or null. {@code load} and {@code written} are the frame slots
     * a thread of the row loads before its body and stores after it (empty outside fissioned regions).
     */
    RowAccumulate rowAccumulate(FastRow row, java.util.Collection<KLocal> load, List<KLocal> written) {
        if (row == null || fe.module.vectorAccumulateFunction() < 0) {
            return null;
        }
        List<KStmt> statements = rowStatements(row);
        int at = 0;
        while (at < statements.size() && statements.get(at) instanceof KStmt.Assign) {
            at++;
        }
        AccumulateLoop shape = at == statements.size() || !(statements.get(at) instanceof KStmt.Loop loop) ? null
                : accumulateLoop(loop);
        if (shape == null) {
            return null;
        }
        KLocal k = shape.counter();
        KLocal acc = shape.acc();
        List<KStmt> prefix = statements.subList(0, at);
        List<KStmt> rest = statements.subList(at + 1, statements.size());
        java.util.Set<KLocal> targets = assignedIn(statements);
        targets.add(acc);
        targets.add(k);
        if (!independentAssignments(prefix, row, targets)) {
            return null;
        }
        KExpr start = lastAssigned(prefix, k);
        ThreadAffine.Form bound = row.affine.form(shape.bound());
        if (!(start instanceof KExpr.IntConst first) || bound == null || !bound.invariant()) {
            return null;
        }
        KExpr initial = null;
        RowAccess out = null;
        if (rest.isEmpty()) {
            // acc is the one frame slot: loaded before the body, stored after it, not set in between
            if (fe.frameSize <= 0 || written.size() != 1 || written.get(0) != acc || load.size() != 1
                    || !load.contains(acc) || lastAssigned(prefix, acc) != null) {
                return null;
            }
        } else {
            initial = lastAssigned(prefix, acc);
            if (!load.isEmpty() || !written.isEmpty() || rest.size() != 1
                    || !(rest.get(0) instanceof KStmt.Store store) || !(store.value() instanceof KExpr.LocalGet g)
                    || g.local() != acc || !ScalarType.FLOAT.equals(((PointerType) store.address().type()).pointee())
                    || !(initial instanceof KExpr.FloatConst || initial instanceof KExpr.LocalGet ig
                            && uniformRegister(ig.local(), targets))) {
                return null;
            }
            out = rowAccess(store.address(), row, 4);
            if (out == null) {
                return null;
            }
        }
        List<SteppedSource> sources = new ArrayList<>();
        List<KExpr> uniforms = new ArrayList<>();
        List<Integer> symbols = new ArrayList<>();
        java.util.function.ToIntFunction<KExpr.Load> loadSymbol = l -> {
            SteppedSource s = steppedSource(l.address(), row, k, first.value());
            int slot = s == null || s.lane() != 0 && s.lane() != 4 ? -1 : slot(sources, s, VectorRowAbi.MAX_LOADS);
            return slot < 0 ? -1 : (s.lane() == 0 ? VectorAccumulateAbi.BROADCAST0 : VectorRowAbi.LOAD0) + slot;
        };
        if (!vectorSymbols(shape.term(), loadSymbol, targets, uniforms, symbols)) {
            return null;
        }
        return new RowAccumulate(vectorProgram(symbols), List.copyOf(prefix), k, first.value(), bound.base(), acc,
                initial, out, sources, uniforms);
    }

    /** An accumulating row's loop: {@code while (counter < bound) { acc = acc + term } step { counter = counter + 1 }}. */
    private record AccumulateLoop(KLocal counter, KExpr bound, KLocal acc, KExpr term) {}

    /** The loop as an {@link AccumulateLoop} of {@code int} counter and {@code float} register, or null. */
    AccumulateLoop accumulateLoop(KStmt.Loop loop) {
        if (fe.module.vectorAccumulateFunction() < 0 || loop.doWhile()
                || !(loop.condition() instanceof KExpr.Binary test) || test.op() != KExpr.BinaryOp.LT
                || !(test.left() instanceof KExpr.LocalGet counterGet) || !FunctionEmitter.plain(test.right())
                || !ScalarType.INT.equals(counterGet.local().type()) || !ScalarType.INT.equals(test.right().type())) {
            return null;
        }
        KLocal k = counterGet.local();
        if (loop.step().statements().size() != 1 || !(loop.step().statements().get(0) instanceof KStmt.Assign inc)
                || inc.target() != k || !(inc.value() instanceof KExpr.Binary plus) || plus.op() != KExpr.BinaryOp.ADD
                || !(plus.left() instanceof KExpr.LocalGet pk) || pk.local() != k
                || !(plus.right() instanceof KExpr.IntConst one) || one.value() != 1
                || loop.body().statements().size() != 1 || !(loop.body().statements().get(0) instanceof KStmt.Assign sum)
                || !(sum.value() instanceof KExpr.Binary add) || add.op() != KExpr.BinaryOp.ADD
                || !(add.left() instanceof KExpr.LocalGet accGet) || accGet.local() != sum.target()) {
            return null;
        }
        KLocal acc = sum.target();
        if (!ScalarType.FLOAT.equals(acc.type()) || !fe.registers.containsKey(acc) || fe.low32.contains(acc)
                || !fe.registers.containsKey(k) || fe.low32.contains(k) || k.needsMemory()) {
            return null;
        }
        return new AccumulateLoop(k, test.right(), acc, add.right());
    }

    /** The value the last assignment to {@code local} in {@code prefix} gives it, or null when none does. */
    private static KExpr lastAssigned(List<KStmt> prefix, KLocal local) {
        KExpr value = null;
        for (KStmt st : prefix) {
            if (st instanceof KStmt.Assign a && a.target() == local) {
                value = a.value();
            }
        }
        return value;
    }

    /** A register whose value is the same for every thread of a row whose body assigns {@code assigned}. */
    private boolean uniformRegister(KLocal l, java.util.Set<KLocal> assigned) {
        return fe.registers.containsKey(l) && !l.needsMemory() && !l.isThreadContext() && !fe.low32.contains(l)
                && !assigned.contains(l);
    }

    /**
     * A load's address as a {@link SteppedSource} of counter {@code k} (which starts at {@code start}),
     * or null: a chain of pointer additions to a pointer the row does not change with {@code k}, each
     * index affine in threadIdx.x and stepping with {@code k}, and an immediate below the guard (so the
     * host's check that every address lies at or above it also shows the 32-bit sum did not wrap).
     */
    private SteppedSource steppedSource(KExpr address, FastRow row, KLocal k, long start) {
        Folded f = fe.fold(address);
        if (f.kind() != Base.EXPR || !(f.base() instanceof KExpr.PtrAdd top) || f.offset() >= KernelAbi.GUARD_BYTES) {
            return null;
        }
        Chain chain = Chain.of(top);
        ThreadAffine.Pointer root = chain.root() instanceof KExpr.GlobalAddr || chain.root() instanceof KExpr.LocalGet
                ? row.affine.pointer(chain.root()) : null;
        if (root == null || CounterSteps.reads(chain.root(), k)) {
            return null;
        }
        List<SteppedTerm> terms = new ArrayList<>();
        for (ThreadAffine.Term t : root.terms()) {
            terms.add(new SteppedTerm(t.index().base(), t.index().coeff(), null, null, t.stride(), t.signed()));
        }
        java.util.function.UnaryOperator<KExpr> invariant = e -> {
            ThreadAffine.Form form = row.affine.form(e);
            return form != null && form.invariant() ? form.base() : null;
        };
        for (KExpr.PtrAdd p : chain.adds()) {
            CounterSteps.Split split = CounterSteps.split(p.index(), k, start, invariant);
            ThreadAffine.Form form = split == null ? null : row.affine.form(split.atStart());
            int stride = ((PointerType) p.type()).stride();
            if (form == null || stride <= 0 || stride > 1 << 20) {
                return null;
            }
            terms.add(new SteppedTerm(form.base(), form.coeff(), split.step(), null, stride,
                    ThreadAffine.signed(p.index().type())));
        }
        return new SteppedSource(root.root(), terms, f.offset());
    }

    /**
     * Hands the passing threads of an accumulating row to the host ({@link VectorAccumulateAbi}) and sets
     * {@code tx} past those it ran. {@code rowState} holds the row's first frame pointer where the
     * accumulator is a frame slot.
     *
     * <p>Unlike the other rows, all threads go to the host, the last one included (a tile's row of 16
     * threads is one vector, and its last thread run by the loop cost as much as the other 15): when the
     * host ran them all, the registers the body assigns are set to what the last thread leaves
     * ({@link #accumulatedRegisters}); {@code tx} is then {@code hi} and the row's loop does not run.
     */
    void vectorAccumulate(FastRow row, RowAccumulate acc, int lo, int hi, int[] rowState) {
        int tx = fe.threadCounters[0];
        get(hi);
        get(lo);
        w.op(0x6B, "i32.sub");
        w.i32Const(ACCUMULATE_MIN_THREADS);
        w.op(0x4E, "i32.ge_s");
        w.ifThen(label("accumulate"), null);
        int lo64 = addLocal(ValType.I64, "acc_lo");
        int last64 = addLocal(ValType.I64, "acc_last");
        get(lo);
        w.op(0xAC, "i64.extend_i32_s");
        set(lo64);
        get(hi);
        w.op(0xAC, "i64.extend_i32_s");
        w.i64Const(1);
        w.op(0x7D, "i64.sub");
        set(last64);
        AccumulateCall call = accumulateCall(acc, acc.sources(), lo64, last64, -1);
        int count = addLocal(ValType.I32, "acc_count");
        get(hi);
        get(lo);
        w.op(0x6B, "i32.sub");
        set(count);
        get(call.wraps());
        w.op(0x45, "i32.eqz");
        w.ifThen(label("accumulate_call"), null);
        callAccumulate(acc, call, count, -1, () -> {
            if (acc.out() == null) {
                // the accumulator's frame slot at thread lo, read and written in place
                frameSlotAddress(rowState[0], lo64, acc.acc());
                frameSlotAddress(rowState[0], lo64, acc.acc());
            } else {
                w.i64Const(-1);
                rowAddress(row, acc.out(), lo);
            }
        }, () -> w.i64Const(0));
        int done = addLocal(ValType.I32, "acc_done");
        tee(done);
        get(count);
        w.op(0x46, "i32.eq");
        w.ifThen(label("accumulated"), null);
        // the registers the last thread leaves: its frame slot or its stored value holds the accumulator
        get(hi);
        w.i32Const(1);
        w.op(0x6B, "i32.sub");
        set(tx);
        FastRow outer = fe.fast;
        fe.fast = row;
        accumulatedRegisters(acc, () -> {
            if (acc.out() == null) {
                get(rowState[0]);
                get(tx);
                w.i32Const(fe.frameSize);
                w.op(0x6C, "i32.mul");
                w.op(0x6A, "i32.add");
                fe.loadScalar(ScalarType.FLOAT, fe.frameSlots.get(acc.acc()));
            } else {
                rowAddress(row, acc.out(), tx);
                w.op(0xA7, "i32.wrap_i64");
                fe.loadScalar(ScalarType.FLOAT, 0);
            }
        });
        fe.fast = outer;
        get(hi);
        set(tx);
        w.elseBranch();
        get(lo);
        get(done);
        w.op(0x6A, "i32.add");
        set(tx);
        w.end();
        w.end();
        w.end();
    }

    /**
     * The rows of a block as one accumulating call, before its {@code threadIdx.y} loop: where every row
     * is the same fast row with no guard (all threads pass) and its accumulator is a frame slot, the
     * sources' addresses are also linear in {@code threadIdx.y} (each index split at it, as at the loop
     * counter), and the host runs the rows side by side, so that their add chains overlap (a row of 16
     * threads is one vector, whose 16 dependent adds cost more than all else it does). Leaves an i32
     * local that is 1 when the host ran the whole block at this {@code threadIdx.z}: then the registers,
     * thread counters, {@code fp} and {@code linear} are as the rows' loops leave them, and the caller
     * skips those loops. {@code sources} are {@link #blockSources}.
     */
    Integer blockAccumulate(RowAccumulate acc, List<SteppedSource> sources) {
        int bdx = fe.blockDims[0];
        int bdy = fe.blockDims[1];
        BlockCall block = openBlockCall("block_accumulated", "block_accumulate", ACCUMULATE_MIN_THREADS);
        int all = block.done();
        int threads = block.threads();
        int zero = block.zero();
        int lastX = block.lastX();
        int lastY = block.lastY();
        AccumulateCall call = accumulateCall(acc, sources, zero, lastX, lastY);
        get(call.wraps());
        w.op(0x45, "i32.eqz");
        w.ifThen(label("block_accumulate_call"), null);
        callAccumulate(acc, call, bdx, bdy, () -> {
            frameSlotAddress(fe.fpLocal, zero, acc.acc());
            frameSlotAddress(fe.fpLocal, zero, acc.acc());
        }, () -> {
            get(bdx);
            w.op(0xAC, "i64.extend_i32_s");
            w.i64Const(fe.frameSize);
            w.op(0x7E, "i64.mul");
        });
        get(threads);
        w.op(0x46, "i32.eq");
        w.ifThen(label("block_accumulated"), null);
        blockRan(threads, all, () -> accumulatedRegisters(acc, () -> {
            get(fe.fpLocal);
            get(threads);
            w.i32Const(1);
            w.op(0x6B, "i32.sub");
            w.i32Const(fe.frameSize);
            w.op(0x6C, "i32.mul");
            w.op(0x6A, "i32.add");
            fe.loadScalar(ScalarType.FLOAT, fe.frameSlots.get(acc.acc()));
        }));
        w.end();
        w.end();
        w.end();
        return all;
    }

    /**
     * The sources of a block-wide accumulating call ({@link #blockAccumulate}), split at
     * {@code threadIdx.y}; null when the rows do not have the shape it needs.
     */
    List<SteppedSource> blockSources(FastRow row, RowAccumulate acc, boolean limited) {
        if (acc == null || row.guard != null || limited || acc.out() != null || fe.frameSize <= 0
                || CounterSteps.reads(acc.bound(), HostRowShapes.ROW_COUNTER) || !acc.prefix().stream()
                        .allMatch(s -> s instanceof KStmt.Assign a && fe.trapFree(a.value()))) {
            return null;
        }
        List<SteppedSource> sources = new ArrayList<>();
        for (SteppedSource s : acc.sources()) {
            SteppedSource rows = acrossRows(s);
            if (rows == null) {
                return null;
            }
            sources.add(rows);
        }
        return sources;
    }

    /**
     * {@code source} with each index split at {@code threadIdx.y} as well (its base at row 0 and a step
     * per row), or null where an index is not linear in it or a step per trip depends on it.
     */
    private SteppedSource acrossRows(SteppedSource source) {
        if (CounterSteps.reads(source.root(), HostRowShapes.ROW_COUNTER)) {
            return null;
        }
        java.util.function.UnaryOperator<KExpr> invariant = e -> CounterSteps.reads(e, HostRowShapes.ROW_COUNTER)
                || CounterSteps.reads(e, x -> x instanceof KExpr.Special s && s.reg() == SpecialReg.TID_X) ? null : e;
        List<SteppedTerm> terms = new ArrayList<>();
        for (SteppedTerm t : source.terms()) {
            CounterSteps.Split split = CounterSteps.split(t.base(), HostRowShapes.ROW_COUNTER, 0, invariant);
            if (split == null || t.step() != null && CounterSteps.reads(t.step(), HostRowShapes.ROW_COUNTER)) {
                return null;
            }
            terms.add(new SteppedTerm(split.atStart(), t.lane(), t.step(), split.step(), t.stride(), t.signed()));
        }
        return new SteppedSource(source.root(), terms, source.offset());
    }

    /**
     * A block's stores for {@code env.__cw_block_copy} ({@link BlockCopyAbi}): every row of the block is
     * the same fast row of {@code assignments} (registers, trap-free) and {@code stores}, each of
     * {@code size} bytes.
     */
    record BlockCopies(List<KStmt> assignments, List<CopyStore> stores, int size) {}

    /**
     * One store of a {@link BlockCopies}: to {@code dst}, from {@code src} (null: the constant alone)
     * for the threads where {@code uniforms} hold and {@code xBounds} bound threadIdx.x and
     * {@code yBounds} threadIdx.y, the constant's bits {@code fill} for the others. Both addresses are
     * split at threadIdx.y ({@link #acrossRows}) with {@code size} bytes per thread.
     */
    private record CopyStore(SteppedSource dst, SteppedSource src, long fill, List<KExpr> uniforms,
            List<RowGuard.Bound> xBounds, List<RowGuard.Bound> yBounds) {}

    /** Blocks of fewer threads than this run their rows: the call's set-up costs more than it saves. */
    private static final int BLOCK_COPY_MIN_THREADS = 16;

    /**
     * The rows as {@link BlockCopies}, or null. Each store's value is a load of its own type through an
     * address with {@code size} bytes per thread, a constant, or {@code c ? load : constant} (either way
     * round) where {@code c} is a conjunction of conditions the block does not change and of bounds on
     * threadIdx.x or threadIdx.y ({@link RowGuard#terms}, {@link HostRowShapes#rowBounds}). {@code load} and
     * {@code written} are the frame slots a thread loads and stores (none allowed: a thread's own
     * effect); {@code limited}: the x loop stops early ({@link ThreadRange}), which a block call would not.
     */
    BlockCopies blockCopies(FastRow row, java.util.Collection<KLocal> load, List<KLocal> written,
            boolean limited) {
        // a row of one plain copy is one memory.copy already (bulkCopy), whose set-up costs less: the 16M
        // reduction's loads, one row of 256 floats a block, took 1.2x the time as block copies
        if (row == null || fe.module.blockCopyFunction() < 0 || row.guard != null || limited || !load.isEmpty()
                || !written.isEmpty() || rowCopy(row) != null) {
            return null;
        }
        List<KStmt> statements = rowStatements(row);
        List<KStmt> assignments = new ArrayList<>();
        List<KStmt.Store> stores = new ArrayList<>();
        for (KStmt st : statements) {
            if (st instanceof KStmt.Assign a && fe.trapFree(a.value())) {
                assignments.add(a);
            } else if (st instanceof KStmt.Store store) {
                stores.add(store);
            } else {
                return null;
            }
        }
        if (stores.isEmpty() || stores.size() > BlockCopyAbi.MAX_STORES
                || !independentAssignments(assignments, row, assignedIn(statements))) {
            return null;
        }
        int size = ((PointerType) stores.get(0).address().type()).pointee().size();
        List<CopyStore> copies = new ArrayList<>();
        for (KStmt.Store store : stores) {
            CopyStore copy = copyStore(store, row, size);
            if (copy == null) {
                return null;
            }
            copies.add(copy);
        }
        return new BlockCopies(assignments, copies, size);
    }

    /** One store as a {@link CopyStore} of {@code size} bytes, or null. */
    private CopyStore copyStore(KStmt.Store store, FastRow row, int size) {
        CType t = ((PointerType) store.address().type()).pointee();
        if (!(t instanceof ScalarType) || t.size() != size || size != 1 && size != 2 && size != 4 && size != 8) {
            return null;
        }
        KExpr value = store.value();
        // a narrow integer's select is an int's, converted back: (short)(c ? (int)load<short> : 4660)
        boolean narrowed = value instanceof KExpr.Convert c && t.isInteger() && c.operand().type().isInteger()
                && c.operand().type().size() >= size;
        if (narrowed) {
            value = ((KExpr.Convert) value).operand();
        }
        KExpr.Load load = null;
        KExpr constant = value;
        KExpr condition = null;
        boolean negate = false;
        if (value instanceof KExpr.Select sel) {
            negate = HostRowShapes.ownLoad(sel.ifFalse(), t, narrowed) != null;
            load = HostRowShapes.ownLoad(negate ? sel.ifFalse() : sel.ifTrue(), t, narrowed);
            constant = negate ? sel.ifTrue() : sel.ifFalse();
            condition = sel.condition();
        } else if (HostRowShapes.ownLoad(value, t, narrowed) != null) {
            load = HostRowShapes.ownLoad(value, t, narrowed);
            constant = null;
        }
        Long fill = constant == null ? Long.valueOf(0)
                : narrowed && constant instanceof KExpr.IntConst k ? Long.valueOf(k.value()) : HostRowShapes.constantBits(constant, t);
        if (fill == null || value instanceof KExpr.Select && load == null) {
            return null;
        }
        List<KExpr> uniforms = new ArrayList<>();
        List<RowGuard.Bound> xBounds = new ArrayList<>();
        List<RowGuard.Bound> yBounds = new ArrayList<>();
        List<KExpr> rowConditions = new ArrayList<>();
        if (condition != null && !RowGuard.terms(condition, negate, row.affine, xBounds, rowConditions)) {
            return null;
        }
        for (RowGuard.Bound b : xBounds) {
            if (CounterSteps.reads(b.lhs().base(), HostRowShapes.ROW_COUNTER) || CounterSteps.reads(b.value(), HostRowShapes.ROW_COUNTER)) {
                return null; // a row's range of threadIdx.x would depend on the row
            }
        }
        for (KExpr c : rowConditions) {
            if (!HostRowShapes.rowBounds(c, false, yBounds, uniforms)) {
                return null;
            }
        }
        SteppedSource dst = blockAddress(store.address(), row, size);
        SteppedSource src = load == null ? null : blockAddress(load.address(), row, size);
        return dst == null || load != null && src == null ? null
                : new CopyStore(dst, src, fill, uniforms, xBounds, yBounds);
    }

    /**
     * An address of a block copy, split at threadIdx.y, with {@code size} bytes per thread of a row; or
     * null ({@link #steppedSource} with no counter, {@link #acrossRows}).
     */
    private SteppedSource blockAddress(KExpr address, FastRow row, int size) {
        SteppedSource s = steppedSource(address, row, null, 0);
        return s == null || s.lane() != size ? null : acrossRows(s);
    }

    /**
     * Hands the block's rows to the host ({@link BlockCopyAbi}) before its threadIdx.y loop; returns the
     * i32 local that is non-zero when the host ran them all, and then sets what the rows' loops leave
     * ({@link #blockRan}). The stores' addresses are checked as an accumulating call's sources
     * ({@link #sourceArguments}: no index wraps over the block) and each store's box comes from its
     * bounds ({@link FunctionEmitter#threadRange}; none of their indices may wrap either).
     */
    Integer blockCopy(BlockCopies copies) {
        int bdx = fe.blockDims[0];
        int bdy = fe.blockDims[1];
        BlockCall block = openBlockCall("block_copied", "block_copy", BLOCK_COPY_MIN_THREADS);
        int all = block.done();
        int threads = block.threads();
        int zero = block.zero();
        int lastX = block.lastX();
        int lastY = block.lastY();
        int wraps = addLocal(ValType.I32, "copy_wraps");
        w.i32Const(0);
        set(wraps);
        List<SteppedSource> addresses = new ArrayList<>();
        for (CopyStore c : copies.stores()) {
            addresses.add(c.dst());
            if (c.src() != null) {
                addresses.add(c.src());
            }
        }
        SourceArguments args = sourceArguments(addresses, zero, lastX, -1, lastY, wraps);
        int[] boxes = new int[copies.stores().size()];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = copyBox(copies.stores().get(i), wraps);
        }
        get(wraps);
        w.op(0x45, "i32.eqz");
        w.ifThen(label("block_copy_call"), null);
        get(bdx);
        get(bdy);
        w.i32Const(copies.size());
        int a = 0;
        for (int i = 0; i < BlockCopyAbi.MAX_STORES; i++) {
            CopyStore c = i < boxes.length ? copies.stores().get(i) : null;
            if (c == null) {
                for (int k = 0; k < 6; k++) {
                    w.i64Const(0);
                }
                continue;
            }
            get(args.addresses()[a]);
            get(args.rowSteps()[a++]);
            if (c.src() == null) {
                w.i64Const(0);
                w.i64Const(0);
            } else {
                get(args.addresses()[a]);
                get(args.rowSteps()[a++]);
            }
            get(boxes[i]);
            w.i64Const(c.fill());
        }
        w.call(fe.module.blockCopyFunction(), "env." + BlockCopyAbi.IMPORT_NAME);
        get(threads);
        w.op(0x46, "i32.eq");
        w.ifThen(label("block_copied"), null);
        blockRan(threads, all, () -> fe.block(new KBlock(copies.assignments())));
        w.end();
        w.end();
        w.end();
        return all;
    }

    /** The locals a block-wide host call starts with ({@link #openBlockCall}). */
    private record BlockCall(int done, int threads, int zero, int lastX, int lastY) {}

    /**
     * The start of a block-wide host call: an i32 local {@code done} (0, named {@code name}), the block's
     * threads of one {@code threadIdx.z} in {@code threads}, and, opened for the caller to close (its
     * label from {@code ifLabel}), {@code if (threads >= minThreads)} with i64 locals {@code zero},
     * {@code lastX = blockDim.x - 1} and {@code lastY = blockDim.y - 1} set.
     */
    private BlockCall openBlockCall(String name, String ifLabel, int minThreads) {
        int done = addLocal(ValType.I32, name);
        w.i32Const(0);
        set(done);
        int threads = addLocal(ValType.I32, "block_threads");
        get(fe.blockDims[0]);
        get(fe.blockDims[1]);
        w.op(0x6C, "i32.mul");
        tee(threads);
        w.i32Const(minThreads);
        w.op(0x4E, "i32.ge_s");
        w.ifThen(label(ifLabel), null);
        int zero = addLocal(ValType.I64, "block_zero");
        int lastX = addLocal(ValType.I64, "block_last_x");
        int lastY = addLocal(ValType.I64, "block_last_y");
        w.i64Const(0);
        set(zero);
        lastIndex(fe.blockDims[0], lastX);
        lastIndex(fe.blockDims[1], lastY);
        return new BlockCall(done, threads, zero, lastX, lastY);
    }

    /** {@code last = dim - 1} as an i64, {@code dim} an i32 local. */
    private void lastIndex(int dim, int last) {
        get(dim);
        w.op(0xAC, "i64.extend_i32_s");
        w.i64Const(1);
        w.op(0x7D, "i64.sub");
        set(last);
    }

    /**
     * A store's box as {@link BlockCopyAbi#box} packs it, in a new i64 local: its bounds' ranges of
     * threadIdx.x and threadIdx.y, the x range empty where a uniform condition fails, or the whole block
     * for a plain copy; an empty box for a constant alone.
     */
    private int copyBox(CopyStore c, int wraps) {
        int box = addLocal(ValType.I64, "copy_box");
        if (c.src() == null) {
            w.i64Const(0);
            set(box);
            return box;
        }
        int[] x = fe.threadRange(fe.blockDims[0], c.uniforms(), c.xBounds(), wraps);
        int[] y = fe.threadRange(fe.blockDims[1], List.of(), c.yBounds(), wraps);
        int[] parts = {x[0], x[1], y[0], y[1]};
        for (int k = 0; k < 4; k++) {
            get(parts[k]);
            if (k > 0) {
                w.i64Const(16L * k);
                w.op(0x86, "i64.shl");
                w.op(0x84, "i64.or");
            }
        }
        set(box);
        return box;
    }

    /**
     * What the rows' loops leave once a block-wide call ran every thread: the registers of the last
     * thread, set by {@code lastThread} with {@code tx}, {@code ty} and {@code linear} at it; then
     * {@code fp} and {@code linear} past the block's {@code threads}, {@code tx} and {@code ty} at the
     * ends of their loops, and {@code done} set to 1.
     */
    private void blockRan(int threads, int done, Runnable lastThread) {
        get(fe.blockDims[0]);
        w.i32Const(1);
        w.op(0x6B, "i32.sub");
        set(fe.threadCounters[0]);
        get(fe.blockDims[1]);
        w.i32Const(1);
        w.op(0x6B, "i32.sub");
        set(fe.threadCounters[1]);
        if (fe.tracksLinear) {
            get(fe.linearLocal);
            get(threads);
            w.op(0x6A, "i32.add");
            w.i32Const(1);
            w.op(0x6B, "i32.sub");
            set(fe.linearLocal);
        }
        lastThread.run();
        if (fe.tracksLinear) {
            get(fe.linearLocal);
            w.i32Const(1);
            w.op(0x6A, "i32.add");
            set(fe.linearLocal);
        }
        if (fe.frameSize > 0) {
            get(fe.fpLocal);
            get(threads);
            w.i32Const(fe.frameSize);
            w.op(0x6C, "i32.mul");
            w.op(0x6A, "i32.add");
            set(fe.fpLocal);
        }
        get(fe.blockDims[0]);
        set(fe.threadCounters[0]);
        get(fe.blockDims[1]);
        set(fe.threadCounters[1]);
        w.i32Const(1);
        set(done);
    }

    /**
     * A block-level loop {@code while (s > 0) { thread loop } step { s = s >> 1 }} (or {@code s / 2})
     * whose thread loop is a vector row of the threads {@code threadIdx.x < s} ({@link VectorTreeAbi}):
     * the counter, the row's program and row-wide values, and its destination and sources split at the
     * counter ({@code dst + dstStep * s}), the destination first.
     */
    private record VectorTree(KLocal counter, RowVector vector, List<SteppedSource> accesses) {}

    /** The loop as a {@link VectorTree}, or null. */
    private VectorTree vectorTree(KStmt.Loop l) {
        if (fe.module.vectorTreeFunction() < 0 || l.doWhile() || !(l.condition() instanceof KExpr.Binary test)
                || test.op() != KExpr.BinaryOp.GT || !(test.left() instanceof KExpr.LocalGet g)
                || !(test.right() instanceof KExpr.IntConst zero) || zero.value() != 0) {
            return null;
        }
        KLocal s = g.local();
        List<KStmt> body = ThreadAffine.flatten(l.body());
        if (!fe.registers.containsKey(s) || s.needsMemory() || s.isThreadContext() || fe.low32.contains(s)
                || !ThreadAffine.is32BitInteger(s.type()) || !HostRowShapes.halves(l.step(), s) || body.size() != 1
                || !(body.get(0) instanceof KStmt.ThreadLoop t)) {
            return null;
        }
        // the thread loop's registers die with it (none flows out, none is the counter), it has no frame slots
        java.util.Set<KLocal> assigned = FunctionEmitter.assigned(t.body());
        if (assigned.contains(s) || assigned.stream().anyMatch(x -> fe.flowing.contains(x) || x.isThreadContext())
                || !FunctionEmitter.exposure(t.body(), KLocal::isThreadContext).both().isEmpty()) {
            return null;
        }
        FastRow row = fe.planFastRow(t.body());
        RowVector vector = row == null ? null : rowVector(row);
        if (vector == null || row.guard == null || !row.guard.invariants().isEmpty() || row.guard.bounds().size() != 1
                || vector.uniforms().stream().anyMatch(u -> CounterSteps.reads(u, s))) {
            return null;
        }
        RowGuard.Bound bound = row.guard.bounds().get(0);
        if (bound.op() != KExpr.BinaryOp.LT || !HostRowShapes.zeroConstant(bound.lhs().base())
                || !(HostRowShapes.stripIntConversions(bound.value()) instanceof KExpr.LocalGet limit) || limit.local() != s) {
            return null;
        }
        List<SteppedSource> accesses = new ArrayList<>();
        for (RowAccess a : java.util.stream.Stream.concat(java.util.stream.Stream.of(vector.dst()),
                vector.sources().stream()).toList()) {
            SteppedSource split = atCounter(a, s);
            if (split == null) {
                return null;
            }
            accesses.add(split);
        }
        return new VectorTree(s, vector, accesses);
    }

    /**
     * A fast row's access with each index split at the counter {@code s} (its value at {@code s = 0}
     * and a step per unit of {@code s}), or null where an index is not linear in it, the pointer's
     * root reads it, or the immediate is not below the guard.
     */
    private SteppedSource atCounter(RowAccess a, KLocal s) {
        ThreadAffine.Pointer p = a.pointer();
        if (CounterSteps.reads(p.root(), s) || a.offset() < 0 || a.offset() >= KernelAbi.GUARD_BYTES) {
            return null;
        }
        java.util.function.UnaryOperator<KExpr> invariant = e -> CounterSteps.reads(e, s) ? null : e;
        List<SteppedTerm> terms = new ArrayList<>();
        for (ThreadAffine.Term term : p.terms()) {
            CounterSteps.Split split = CounterSteps.split(term.index().base(), s, 0, invariant);
            if (split == null) {
                return null;
            }
            terms.add(new SteppedTerm(split.atStart(), term.index().coeff(), split.step(), null, term.stride(),
                    term.signed()));
        }
        return new SteppedSource(p.root(), terms, a.offset());
    }

    /**
     * The loop, or where it is a {@link VectorTree}, first one host call for the whole loop in a block
     * of one row ({@code blockDim.y = blockDim.z = 1}, as the tree's indices assume): when the host ran
     * it, the counter is 0, as the loop leaves it, and the loop is skipped. Its addresses are checked
     * as an accumulating call's sources are ({@link #sourceArguments}: no index wraps for any thread
     * and any counter value from 0 to its start).
     */
    void treeOrLoop(KStmt.Loop l) {
        VectorTree tree = vectorTree(l);
        if (tree == null) {
            fe.loop(l);
            return;
        }
        int done = addLocal(ValType.I32, "tree_done");
        w.i32Const(0);
        set(done);
        get(fe.blockDims[1]);
        get(fe.blockDims[2]);
        w.op(0x6C, "i32.mul");
        w.i32Const(1);
        w.op(0x46, "i32.eq");
        w.ifThen(label("tree"), null);
        int start = addLocal(ValType.I64, "tree_start");
        get(fe.registers.get(tree.counter()));
        fe.widen(ThreadAffine.unsigned(tree.counter().type()));
        set(start);
        int zero = addLocal(ValType.I64, "tree_zero");
        int lastX = addLocal(ValType.I64, "tree_last_x");
        w.i64Const(0);
        set(zero);
        lastIndex(fe.blockDims[0], lastX);
        int wraps = addLocal(ValType.I32, "tree_wraps");
        w.i32Const(0);
        set(wraps);
        SourceArguments args = sourceArguments(tree.accesses(), zero, lastX, start, -1, wraps);
        get(wraps);
        w.op(0x45, "i32.eqz");
        w.ifThen(label("tree_call"), null);
        w.i64Const(tree.vector().program());
        get(fe.blockDims[0]);
        get(start);
        for (int k = 0; k <= VectorRowAbi.MAX_LOADS; k++) {
            if (k < args.addresses().length) {
                get(args.addresses()[k]);
                get(args.steps()[k]);
            } else {
                w.i64Const(0);
                w.i64Const(0);
            }
        }
        uniformArguments(tree.vector().uniforms());
        w.call(fe.module.vectorTreeFunction(), "env." + VectorTreeAbi.IMPORT_NAME);
        set(done);
        w.end();
        w.end();
        get(done);
        w.ifThen(label("tree_done"), null);
        w.i32Const(0);
        set(fe.registers.get(tree.counter()));
        w.elseBranch();
        fe.loop(l);
        w.end();
    }

    /**
     * A kernel without barriers whose body is one vector row ({@link #rowVector}) with addresses and
     * guard linear in the thread's global index {@code g = blockIdx.x * blockDim.x + threadIdx.x}
     * (saxpy's {@code if (i < n) y[i] = a * x[i] + y[i]}): the row's threads of a runner call's
     * consecutive blocks are then one row, which one vector row call takes whole
     * ({@link #gridCall}). Each index and bound split at {@code blockIdx.x} (its value in block 0, its
     * step per block, which must be {@code blockDim.x} times its step per thread at run time).
     */
    record GridRow(RowVector vector, List<SteppedSource> accesses, List<SteppedTerm> perBlock,
            List<RowGuard.Bound> bounds, List<KExpr> invariants) {}

    /** The i64 local holding the global thread index below which a grid row ran every thread, or -1. */
    private int gridDone = -1;

    /** The kernel's body as a {@link GridRow}, or null. */
    GridRow gridRow(FastRow row) {
        RowVector vector = row == null ? null : rowVector(row);
        if (vector == null || vector.uniforms().stream().anyMatch(HostRowShapes::readsBlock)) {
            return null;
        }
        java.util.function.UnaryOperator<KExpr> invariant = e -> HostRowShapes.readsBlock(e) ? null : e;
        List<RowGuard.Bound> bounds = new ArrayList<>();
        List<KExpr> invariants = row.guard == null ? List.of() : row.guard.invariants();
        if (invariants.stream().anyMatch(HostRowShapes::readsBlock)) {
            return null;
        }
        List<SteppedTerm> perBlock = new ArrayList<>();
        for (RowGuard.Bound b : row.guard == null ? List.<RowGuard.Bound>of() : row.guard.bounds()) {
            CounterSteps.Split split = CounterSteps.split(b.lhs().base(), HostRowShapes.BLOCK_COUNTER, 0, invariant);
            if (split == null || HostRowShapes.readsBlock(split.atStart()) || HostRowShapes.readsBlock(b.value())) {
                return null;
            }
            bounds.add(new RowGuard.Bound(new ThreadAffine.Form(split.atStart(), 1), b.op(), b.value(), b.unsigned()));
            perBlock.add(new SteppedTerm(split.atStart(), 1, split.step(), null, 1, !b.unsigned()));
        }
        List<SteppedSource> accesses = new ArrayList<>();
        for (RowAccess a : java.util.stream.Stream.concat(java.util.stream.Stream.of(vector.dst()),
                vector.sources().stream()).toList()) {
            ThreadAffine.Pointer p = a.pointer();
            if (HostRowShapes.readsBlock(p.root()) || a.offset() < 0 || a.offset() >= KernelAbi.GUARD_BYTES) {
                return null;
            }
            List<SteppedTerm> terms = new ArrayList<>();
            for (ThreadAffine.Term t : p.terms()) {
                CounterSteps.Split split = CounterSteps.split(t.index().base(), HostRowShapes.BLOCK_COUNTER, 0, invariant);
                if (split == null || HostRowShapes.readsBlock(split.atStart())) {
                    return null;
                }
                terms.add(new SteppedTerm(split.atStart(), t.index().coeff(), null, null, t.stride(), t.signed()));
                perBlock.add(new SteppedTerm(split.atStart(), t.index().coeff(), split.step(), null, t.stride(),
                        t.signed()));
            }
            accesses.add(new SteppedSource(p.root(), terms, a.offset()));
        }
        return new GridRow(vector, accesses, perBlock, bounds, invariants);
    }

    /**
     * Before the block loop of a runner call: where the grid and the block are one-dimensional and each
     * index steps by {@code blockDim.x} times its per-thread step from one block to the next (checked
     * here), the passing threads of all the call's blocks are one row {@code [glo, ghi)} of global
     * indices; one {@code env.__cw_vector_row} call takes it, the loop's bound and wrap checks made
     * over the whole range. The blocks before the first thread the host did not run are skipped
     * ({@code bid} moves past them; their threads passed and were run, or did not pass), and the rows
     * of the block that holds it start there ({@link #skipGridDone}). Anything amiss leaves the block
     * loop as it was.
     */
    void gridCall(GridRow grid, int bid, int end) {
        int bdx = fe.blockDims[0];
        gridDone = addLocal(ValType.I64, "grid_done");
        w.i64Const(0);
        set(gridDone);
        // one-dimensional grid and block
        get(fe.specials.get(SpecialReg.NCTAID_Y));
        get(fe.specials.get(SpecialReg.NCTAID_Z));
        w.op(0x6C, "i32.mul");
        get(fe.blockDims[1]);
        w.op(0x6C, "i32.mul");
        get(fe.blockDims[2]);
        w.op(0x6C, "i32.mul");
        w.i32Const(1);
        w.op(0x46, "i32.eq");
        w.ifThen(label("grid"), null);
        int wild = addLocal(ValType.I32, "grid_wild");
        w.i32Const(0);
        set(wild);
        int dim = addLocal(ValType.I64, "grid_dim");
        get(bdx);
        w.op(0xAC, "i64.extend_i32_s");
        set(dim);
        // every index and bound steps by blockDim.x times its per-thread step from block to block
        for (SteppedTerm t : grid.perBlock()) {
            if (t.step() == null) {
                w.i64Const(t.lane());
                get(dim);
                w.op(0x7E, "i64.mul");
                fe.flagNonZero(wild);
                continue;
            }
            expr(t.step());
            w.op(0xAC, "i64.extend_i32_s");
            w.i64Const(t.lane());
            get(dim);
            w.op(0x7E, "i64.mul");
            w.op(0x7D, "i64.sub");
            w.i64Const(0xFFFF_FFFFL);
            w.op(0x83, "i64.and"); // the step is an i32: equal modulo 2^32
            fe.flagNonZero(wild);
        }
        // the global indices of the call's blocks, narrowed to the passing ones
        int lo = addLocal(ValType.I64, "grid_lo");
        int hi = addLocal(ValType.I64, "grid_hi");
        get(bid);
        w.op(0xAC, "i64.extend_i32_s");
        get(dim);
        w.op(0x7E, "i64.mul");
        set(lo);
        get(end);
        w.op(0xAC, "i64.extend_i32_s");
        get(dim);
        w.op(0x7E, "i64.mul");
        set(hi);
        for (KExpr c : grid.invariants()) {
            get(lo);
            get(hi);
            fe.condition(c);
            w.select();
            set(hi);
        }
        int end64 = addLocal(ValType.I64, "grid_end");
        get(hi);
        set(end64);
        for (RowGuard.Bound b : grid.bounds()) {
            fe.narrowToBound(b, end64, Long.MAX_VALUE, lo, hi, wild); // no known bound on the end: always checked
        }
        int last = addLocal(ValType.I64, "grid_last");
        get(hi);
        w.i64Const(1);
        w.op(0x7D, "i64.sub");
        set(last);
        SourceArguments args = sourceArguments(grid.accesses(), lo, last, -1, -1, wild);
        // more than a vector's worth, at most 2^30 threads, nothing amiss
        get(hi);
        get(lo);
        w.op(0x7D, "i64.sub");
        w.i64Const(VECTOR_ROW_MIN_THREADS);
        w.op(0x55, "i64.gt_s");
        get(hi);
        get(lo);
        w.op(0x7D, "i64.sub");
        w.i64Const(1L << 30);
        w.op(0x57, "i64.le_s");
        w.op(0x71, "i32.and");
        get(wild);
        w.op(0x45, "i32.eqz");
        w.op(0x71, "i32.and");
        w.ifThen(label("grid_call"), null);
        w.i64Const(grid.vector().program());
        get(hi);
        get(lo);
        w.op(0x7D, "i64.sub");
        w.op(0xA7, "i32.wrap_i64");
        for (int k = 0; k <= VectorRowAbi.MAX_LOADS; k++) {
            if (k < args.addresses().length) {
                get(args.addresses()[k]);
            } else {
                w.i64Const(0);
            }
        }
        uniformArguments(grid.vector().uniforms());
        w.call(fe.module.vectorRowFunction(), "env." + VectorRowAbi.IMPORT_NAME);
        w.op(0xAD, "i64.extend_i32_u");
        get(lo);
        w.op(0x7C, "i64.add");
        set(gridDone);
        // the first block with a thread left to run
        get(gridDone);
        get(dim);
        w.op(0x80, "i64.div_u");
        w.op(0xA7, "i32.wrap_i64");
        set(bid);
        w.end();
        w.end();
    }

    /** {@code lo = clamp(gridDone - blockIdx.x * blockDim.x, lo, hi)}: a row's threads the grid row ran. */
    void skipGridDone(int lo, int hi) {
        if (gridDone < 0) {
            return; // no grid row in this function
        }
        int first = addLocal(ValType.I64, "grid_first");
        get(gridDone);
        get(fe.specials.get(SpecialReg.CTAID_X));
        w.op(0xAD, "i64.extend_i32_u");
        get(fe.blockDims[0]);
        w.op(0xAC, "i64.extend_i32_s");
        w.op(0x7E, "i64.mul");
        w.op(0x7D, "i64.sub");
        set(first);
        for (int bound : new int[] {lo, hi}) {
            int b64 = addLocal(ValType.I64, "grid_row_bound");
            get(bound);
            w.op(0xAC, "i64.extend_i32_s");
            set(b64);
            if (bound == lo) {
                fe.maxInto(first, b64, 0);
            } else {
                fe.minInto(first, b64, 0);
            }
        }
        get(first);
        w.op(0xA7, "i32.wrap_i64");
        set(lo);
    }

    /**
     * The locals an accumulating call's sources are passed in: each source's address at the first
     * thread, row and trip, its bytes per trip and per row; {@code trips}; and {@code wraps}, non-zero
     * when an index would wrap in its type somewhere (then there is no call).
     */
    private record AccumulateCall(int trips, int[] addresses, int[] steps, int[] rowSteps, int wraps) {}

    /**
     * Emits the trips and the sources' arguments ({@link #sourceArguments}) of a call covering threads
     * {@code firstX..lastX} (i64 locals) of rows 0 to {@code lastY} (an i64 local; -1: one row).
     */
    private AccumulateCall accumulateCall(RowAccumulate acc, List<SteppedSource> sources, int firstX, int lastX,
            int lastY) {
        int trips = addLocal(ValType.I64, "acc_trips");
        int lastTrip = addLocal(ValType.I64, "acc_last_trip");
        int wraps = addLocal(ValType.I32, "acc_wraps");
        int zero = addLocal(ValType.I64, "acc_zero");
        int most = addLocal(ValType.I64, "acc_most");
        // trips = clamp(bound - start, 0, 2^31 - 1): the host refuses none and too many
        expr(acc.bound());
        w.op(0xAC, "i64.extend_i32_s");
        w.i64Const(acc.start());
        w.op(0x7D, "i64.sub");
        set(trips);
        w.i64Const(0);
        set(zero);
        w.i64Const(Integer.MAX_VALUE);
        set(most);
        fe.maxInto(trips, zero, 0);
        fe.minInto(trips, most, 0);
        get(trips);
        w.i64Const(1);
        w.op(0x7D, "i64.sub");
        set(lastTrip);
        w.i32Const(0);
        set(wraps);
        SourceArguments args = sourceArguments(sources, firstX, lastX, lastTrip, lastY, wraps);
        return new AccumulateCall(trips, args.addresses(), args.steps(), args.rowSteps(), wraps);
    }

    /** The locals of {@link #sourceArguments}: each source's address at the first thread, row and trip, its bytes per trip and per row. */
    private record SourceArguments(int[] addresses, int[] steps, int[] rowSteps) {}

    /**
     * Emits the arguments of stepped sources over threads {@code firstX..lastX} (i64 locals) of rows 0
     * to {@code lastY} (an i64 local; -1: one row, the sources' terms have no row step) and trips 0 to
     * {@code lastTrip} (an i64 local; -1: none, no term steps), setting {@code wraps} where an index
     * would wrap in its type somewhere. Each index is checked at its lowest and highest value over the
     * threads, rows and trips (a linear function: at corners): none may wrap in its type (the general
     * code extends each index as it is), so the 64-bit addresses passed are the true ones, which the
     * host checks against the memory.
     */
    private SourceArguments sourceArguments(List<SteppedSource> sources, int firstX, int lastX, int lastTrip, int lastY,
            int wraps) {
        int n = sources.size();
        int[] addresses = new int[n];
        int[] steps = new int[n];
        int[] rowSteps = new int[n];
        for (int s = 0; s < n; s++) {
            SteppedSource source = sources.get(s);
            addresses[s] = addLocal(ValType.I64, "acc_src");
            steps[s] = addLocal(ValType.I64, "acc_step");
            rowSteps[s] = addLocal(ValType.I64, "acc_row_step");
            expr(source.root());
            fe.widen(true);
            w.i64Const(source.offset());
            w.op(0x7C, "i64.add");
            set(addresses[s]);
            w.i64Const(0);
            set(steps[s]);
            w.i64Const(0);
            set(rowSteps[s]);
            for (SteppedTerm t : source.terms()) {
                int index = addLocal(ValType.I64, "acc_index");
                int step = stepLocal(t.step(), "acc_index_step");
                int rowStep = stepLocal(t.rowStep(), "acc_index_row_step");
                if (expr(t.base()) == ValType.I64) {
                    w.op(0xA7, "i32.wrap_i64");
                }
                fe.widen(!t.signed());
                set(index);
                // the index's lowest and highest value over the threads, trips and rows: the lane's term at
                // the end its constant sign picks, the others' from their products at the last trip and row,
                // min(p, 0) as p & (p >> 63) and max(p, 0) as p - min(p, 0) (Chicory makes a comparison a call)
                int[] lows = new int[2];
                int[] spans = new int[2];
                int[][] factors = {{step, lastTrip}, {rowStep, lastY}};
                for (int f = 0; f < 2; f++) {
                    spans[f] = addLocal(ValType.I64, "acc_span");
                    lows[f] = addLocal(ValType.I64, "acc_span_low");
                    get(factors[f][0]);
                    if (factors[f][1] < 0) {
                        w.i64Const(0);
                    } else {
                        get(factors[f][1]);
                    }
                    w.op(0x7E, "i64.mul");
                    tee(spans[f]);
                    get(spans[f]);
                    w.i64Const(63);
                    w.op(0x87, "i64.shr_s");
                    w.op(0x83, "i64.and");
                    set(lows[f]);
                }
                for (boolean lowest : new boolean[] {true, false}) {
                    get(index);
                    get(t.lane() >= 0 == lowest ? firstX : lastX);
                    w.i64Const(t.lane());
                    w.op(0x7E, "i64.mul");
                    w.op(0x7C, "i64.add");
                    for (int f = 0; f < 2; f++) {
                        if (lowest) {
                            get(lows[f]);
                        } else {
                            get(spans[f]);
                            get(lows[f]);
                            w.op(0x7D, "i64.sub");
                        }
                        w.op(0x7C, "i64.add");
                    }
                    fe.flagOutsideType(t.signed(), wraps);
                }
                // the source at the first thread, row and trip, and its bytes per trip and per row
                get(addresses[s]);
                get(index);
                get(firstX);
                w.i64Const(t.lane());
                w.op(0x7E, "i64.mul");
                w.op(0x7C, "i64.add");
                w.i64Const(t.stride());
                w.op(0x7E, "i64.mul");
                w.op(0x7C, "i64.add");
                set(addresses[s]);
                for (int[] into : new int[][] {{steps[s], step}, {rowSteps[s], rowStep}}) {
                    get(into[0]);
                    get(into[1]);
                    w.i64Const(t.stride());
                    w.op(0x7E, "i64.mul");
                    w.op(0x7C, "i64.add");
                    set(into[0]);
                }
            }
        }
        return new SourceArguments(addresses, steps, rowSteps);
    }

    /** A new i64 local holding {@code step} (an i32 expression, sign-extended: any value congruent modulo 2^32 would do), or 0. */
    private int stepLocal(KExpr step, String name) {
        int local = addLocal(ValType.I64, name);
        if (step == null) {
            w.i64Const(0);
        } else {
            expr(step);
            w.op(0xAC, "i64.extend_i32_s");
        }
        set(local);
        return local;
    }

    /** The i64 address of the accumulator's frame slot of the thread {@code threads} (an i64 local) after {@code fp}'s. */
    private void frameSlotAddress(int fp, int threads, KLocal slot) {
        get(fp);
        fe.widen(true);
        get(threads);
        w.i64Const(fe.frameSize);
        w.op(0x7E, "i64.mul");
        w.op(0x7C, "i64.add");
        w.i64Const(fe.frameSlots.get(slot));
        w.op(0x7C, "i64.add");
    }

    /**
     * The call itself, its result on the stack: {@code count} threads (an i32 local) in {@code rows} rows
     * (an i32 local, or -1 for one), {@code inOut} pushing {@code in} and {@code out}, {@code rowStride}
     * the bytes between rows' accumulators.
     */
    private void callAccumulate(RowAccumulate acc, AccumulateCall call, int count, int rows, Runnable inOut,
            Runnable rowStride) {
        w.i64Const(acc.program());
        get(count);
        if (rows < 0) {
            w.i32Const(1);
        } else {
            get(rows);
        }
        get(call.trips());
        w.op(0xA7, "i32.wrap_i64");
        inOut.run();
        w.i32Const(acc.out() == null ? fe.frameSize : 4);
        rowStride.run();
        if (acc.out() == null) {
            w.f32Const(0);
        } else {
            expr(acc.initial());
        }
        for (int s = 0; s < VectorRowAbi.MAX_LOADS; s++) {
            if (s < call.addresses().length) {
                get(call.addresses()[s]);
                get(call.steps()[s]);
                get(call.rowSteps()[s]);
            } else {
                w.i64Const(0);
                w.i64Const(0);
                w.i64Const(0);
            }
        }
        uniformArguments(acc.uniforms());
        w.call(fe.module.vectorAccumulateFunction(), "env." + VectorAccumulateAbi.IMPORT_NAME);
    }

    /**
     * The registers an accumulating row's last thread leaves, with {@code tx} (and {@code ty}) set to it:
     * the assignments before the loop evaluated for it (they depend on its thread index alone), the
     * counter at the loop's bound (the host ran at least one trip) and the accumulator as
     * {@code storedValue} reads it back from where the host stored it.
     */
    private void accumulatedRegisters(RowAccumulate acc, Runnable storedValue) {
        fe.block(new KBlock(acc.prefix()));
        expr(acc.bound());
        set(fe.registers.get(acc.counter()));
        storedValue.run();
        set(fe.registers.get(acc.acc()));
    }

    /** A vector call's row-wide value arguments: {@code uniforms}, then zeros up to {@link VectorRowAbi#MAX_UNIFORMS}. */
    private void uniformArguments(List<KExpr> uniforms) {
        for (int k = 0; k < VectorRowAbi.MAX_UNIFORMS; k++) {
            if (k < uniforms.size()) {
                expr(uniforms.get(k));
            } else {
                w.f32Const(0);
            }
        }
    }

    /** The 64-bit address of thread {@code lo}'s access through a row's hoisted pointer. */
    private void rowAddress(FastRow row, RowAccess access, int lo) {
        get(row.bases.get(access.pointer()));
        fe.widen(true);
        get(lo);
        w.op(0xAC, "i64.extend_i32_s");
        w.i64Const(access.pointer().coeff());
        w.op(0x7E, "i64.mul");
        w.op(0x7C, "i64.add");
        w.i64Const(access.offset());
        w.op(0x7C, "i64.add");
    }
}
