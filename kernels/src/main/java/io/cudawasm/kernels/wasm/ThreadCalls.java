package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.ThreadsAbi;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;

/**
 * What makes threads wait for each other, as calls to the host's {@code __cw_threads}
 * ({@link ThreadsAbi}) in the independent-threads variant, where a function runs for one thread:
 * block, warp and tile barriers, block reductions, warp shuffles and votes, and the host-kept
 * {@code cuda::barrier} objects. {@link Intrinsic#INDEPENDENT_THREADS} is the variant's constant,
 * so the built-in headers' code for the other variant is never reached in this one, and theirs
 * for this one is never reached elsewhere (emitted as a constant there).
 */
final class ThreadCalls {
    private final FunctionEmitter f;
    private final CodeWriter w;
    private final WasmEmitter module;
    private final boolean independent;

    ThreadCalls(FunctionEmitter f, CodeWriter w, WasmEmitter module) {
        this.f = f;
        this.w = w;
        this.module = module;
        this.independent = module.options().independentThreads();
    }

    static boolean handles(Intrinsic op) {
        return switch (op) {
            case INDEPENDENT_THREADS, THREAD_BARRIER_INIT, THREAD_BARRIER_ARRIVE, THREAD_BARRIER_WAIT, NAMED_BARRIER -> true;
            default -> false;
        };
    }

    ValType intrinsic(KExpr.IntrinsicCall i) {
        if (i.op() == Intrinsic.INDEPENDENT_THREADS) {
            w.i32Const(independent ? 1 : 0);
            return ValType.I32;
        }
        if (!independent) {
            w.i32Const(0); // under INDEPENDENT_THREADS: never reached in this variant
            return ValType.I32;
        }
        int op = switch (i.op()) {
            case THREAD_BARRIER_INIT -> ThreadsAbi.BARRIER_INIT;
            case THREAD_BARRIER_ARRIVE -> ThreadsAbi.BARRIER_ARRIVE;
            case NAMED_BARRIER -> ThreadsAbi.NAMED_BARRIER;
            default -> ThreadsAbi.BARRIER_WAIT;
        };
        w.i32Const(op);
        f.emit(i.args().get(0));
        widen(f.emit(i.args().get(1)));
        if (i.args().size() > 2) {
            f.emit(i.args().get(2));
        } else {
            w.i32Const(0);
        }
        call();
        w.op(0xA7, "i32.wrap_i64");
        return ValType.I32;
    }

    /** A barrier: the host returns when the threads it names have all arrived. */
    void barrier(KStmt.Barrier b) {
        int op = switch (b.kind()) {
            case BLOCK -> ThreadsAbi.BLOCK_SYNC;
            case WARP -> ThreadsAbi.WARP_SYNC;
            case TILE -> ThreadsAbi.TILE_SYNC;
            case GRID, CLUSTER -> throw CompileException.at(b.pos(), (b.kind() == BarrierKind.GRID ? "grid.sync()"
                    : "cluster.sync()") + " in a kernel that runs with independent threads (a host thread per CUDA"
                    + " thread) is not supported");
        };
        w.i32Const(op);
        if (b.mask() == null) {
            w.i32Const(-1);
        } else {
            f.emit(b.mask());
        }
        w.i64Const(0);
        w.i32Const(line(b.pos()));
        call();
        w.drop();
    }

    /** A block reduction, a warp vote or a warp shuffle: the host gives the result once every thread has given its value. */
    ValType collective(KExpr e) {
        if (e instanceof KExpr.BlockReduce r) {
            w.i32Const(ThreadsAbi.BLOCK_REDUCE | r.mode().ordinal() << 8);
            w.i32Const(0);
            widen(f.emit(r.predicate()));
            w.i32Const(0);
            call();
            w.op(0xA7, "i32.wrap_i64");
            return ValType.I32;
        }
        if (e instanceof KExpr.WarpVote v) {
            w.i32Const(ThreadsAbi.VOTE | v.mode().ordinal() << 8);
            mask(v.mask());
            if (v.predicate() == null) {
                w.i64Const(0);
            } else {
                widen(f.emit(v.predicate()));
            }
            w.i32Const(0);
            call();
            w.op(0xA7, "i32.wrap_i64");
            return ValType.I32;
        }
        KExpr.WarpShuffle s = (KExpr.WarpShuffle) e;
        // op: the mode, and the width from bit 16 (a value: it need not be constant)
        if (s.width() == null) {
            w.i32Const(ThreadsAbi.SHUFFLE | s.mode().ordinal() << 8 | 32 << 16);
        } else {
            f.emit(s.width());
            w.i32Const(16);
            w.op(0x74, "i32.shl");
            w.i32Const(ThreadsAbi.SHUFFLE | s.mode().ordinal() << 8);
            w.op(0x72, "i32.or");
        }
        mask(s.mask());
        ValType t = f.emit(s.value());
        toBits(t);
        f.emit(s.lane());
        call();
        return fromBits(t);
    }

    private void mask(KExpr mask) {
        if (mask == null) {
            w.i32Const(-1);
        } else {
            f.emit(mask);
        }
    }

    /** The last argument, the collective's place, and the call. */
    private void call() {
        w.i32Const(module.newSite());
        w.call(module.threadsFunction(), "env." + ThreadsAbi.IMPORT_NAME);
    }

    /** An i32 operand as the host call's i64 (zero-extended: counts, phases and predicates are unsigned). */
    private void widen(ValType t) {
        if (t == ValType.I32) {
            w.op(0xAD, "i64.extend_i32_u");
        }
    }

    private void toBits(ValType t) {
        switch (t) {
            case I32 -> w.op(0xAD, "i64.extend_i32_u");
            case F32 -> {
                w.op(0xBC, "i32.reinterpret_f32");
                w.op(0xAD, "i64.extend_i32_u");
            }
            case F64 -> w.op(0xBD, "i64.reinterpret_f64");
            default -> { }
        }
    }

    private ValType fromBits(ValType t) {
        switch (t) {
            case I32 -> w.op(0xA7, "i32.wrap_i64");
            case F32 -> {
                w.op(0xA7, "i32.wrap_i64");
                w.op(0xBE, "f32.reinterpret_i32");
            }
            case F64 -> w.op(0xBF, "f64.reinterpret_i64");
            default -> { }
        }
        return t;
    }

    private int line(SourcePos pos) {
        return pos == null ? 0 : pos.line();
    }
}
