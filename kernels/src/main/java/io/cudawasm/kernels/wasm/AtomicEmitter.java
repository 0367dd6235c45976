package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;

/**
 * CUDA atomics with the threads proposal's instructions. Operations WebAssembly lacks (float
 * add, min/max, CUDA's wrapping inc/dec) become compare-and-swap loops, which stay correct while
 * other workers touch the same word.
 */
final class AtomicEmitter {
    private final FunctionEmitter f;
    private final CodeWriter w;

    AtomicEmitter(FunctionEmitter f, CodeWriter w) {
        this.f = f;
        this.w = w;
    }

    ValType atomic(KExpr.Atomic a, Runnable address) {
        ScalarType t = (ScalarType) a.type();
        boolean wide = t.size() == 8;
        boolean floating = t.kind().isFloating();
        ValType it = wide ? ValType.I64 : ValType.I32;
        String p = wide ? "i64" : "i32";
        int align = wide ? 3 : 2;
        if (a.op() == AtomicOp.LOAD) {
            // a sequentially consistent read (Chicory: a VarHandle volatile get), never hoisted out of a spin
            // loop; the host hears of it first, so a thread that spins on it lets the other blocks run
            int addr = f.scratchLocal(ValType.I32);
            address.run();
            f.setLocal(addr);
            f.spinHint(addr);
            f.getLocal(addr);
            f.releaseLocal(ValType.I32, addr);
            w.atomic(wide ? 0x11 : 0x10, p + ".atomic.load", align, 0);
            if (floating) {
                w.op(wide ? 0xBF : 0xBE, wide ? "f64.reinterpret_i64" : "f32.reinterpret_i32");
                return wide ? ValType.F64 : ValType.F32;
            }
            return it;
        }
        if (!floating) {
            Integer rmw = switch (a.op()) {
                case ADD -> wide ? 0x1F : 0x1E;
                case SUB -> wide ? 0x26 : 0x25;
                case AND -> wide ? 0x2D : 0x2C;
                case OR -> wide ? 0x34 : 0x33;
                case XOR -> wide ? 0x3B : 0x3A;
                case EXCH -> wide ? 0x42 : 0x41;
                default -> null;
            };
            if (rmw != null) {
                address.run();
                f.emit(a.value());
                w.atomic(rmw, p + ".atomic.rmw." + rmwName(a.op()), align, 0);
                return it;
            }
            if (a.op() == AtomicOp.CAS) {
                address.run();
                f.emit(a.compare());
                f.emit(a.value());
                w.atomic(wide ? 0x49 : 0x48, p + ".atomic.rmw.cmpxchg", align, 0);
                return it;
            }
        } else if (a.op() == AtomicOp.EXCH) {
            address.run();
            f.emit(a.value());
            w.op(wide ? 0xBD : 0xBC, wide ? "i64.reinterpret_f64" : "i32.reinterpret_f32");
            w.atomic(wide ? 0x42 : 0x41, p + ".atomic.rmw.xchg", align, 0);
            w.op(wide ? 0xBF : 0xBE, wide ? "f64.reinterpret_i64" : "f32.reinterpret_i32");
            return wide ? ValType.F64 : ValType.F32;
        }
        return casLoop(a, t, address);
    }

    private static String rmwName(AtomicOp op) {
        return switch (op) {
            case EXCH -> "xchg";
            default -> op.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** old = load; loop { new = f(old); seen = cmpxchg(addr, old, new); if seen != old { old = seen; retry } } */
    private ValType casLoop(KExpr.Atomic a, ScalarType t, Runnable address) {
        boolean wide = t.size() == 8;
        boolean floating = t.kind().isFloating();
        ValType it = wide ? ValType.I64 : ValType.I32;
        ValType vt = FunctionEmitter.valType(t);
        String p = wide ? "i64" : "i32";
        int align = wide ? 3 : 2;
        int addr = f.scratchLocal(ValType.I32);
        int value = f.scratchLocal(vt);
        int old = f.scratchLocal(it);
        int seen = f.scratchLocal(it);
        address.run();
        f.setLocal(addr);
        f.emit(a.value());
        f.setLocal(value);
        f.getLocal(addr);
        w.atomic(wide ? 0x11 : 0x10, p + ".atomic.load", align, 0);
        f.setLocal(old);
        String retry = f.newLabel("cas");
        w.loop(retry);
        f.getLocal(addr);
        f.getLocal(old);
        computeNew(a.op(), t, old, value);
        w.atomic(wide ? 0x49 : 0x48, p + ".atomic.rmw.cmpxchg", align, 0);
        f.teeLocal(seen);
        f.getLocal(old);
        w.op(wide ? 0x52 : 0x47, p + ".ne");
        w.ifThen(f.newLabel("cas_retry"), null);
        f.getLocal(seen);
        f.setLocal(old);
        w.br(retry);
        w.end();
        w.end();
        f.getLocal(old);
        if (floating) {
            w.op(wide ? 0xBF : 0xBE, wide ? "f64.reinterpret_i64" : "f32.reinterpret_i32");
        }
        f.releaseLocal(it, seen);
        f.releaseLocal(it, old);
        f.releaseLocal(vt, value);
        f.releaseLocal(ValType.I32, addr);
        return vt;
    }

    /** Pushes the new bits computed from the old bits (in local {@code old}) and the operand. */
    private void computeNew(AtomicOp op, ScalarType t, int old, int value) {
        boolean wide = t.size() == 8;
        boolean floating = t.kind().isFloating();
        boolean unsigned = t.kind().isUnsigned();
        String p = wide ? "i64" : "i32";
        if (floating) {
            f.getLocal(old);
            w.op(wide ? 0xBF : 0xBE, wide ? "f64.reinterpret_i64" : "f32.reinterpret_i32");
            f.getLocal(value);
            switch (op) {
                case ADD -> w.op(wide ? 0xA0 : 0x92, (wide ? "f64" : "f32") + ".add");
                case SUB -> w.op(wide ? 0xA1 : 0x93, (wide ? "f64" : "f32") + ".sub");
                default -> throw new IllegalStateException(op + " on floating point");
            }
            w.op(wide ? 0xBD : 0xBC, wide ? "i64.reinterpret_f64" : "i32.reinterpret_f32");
            return;
        }
        switch (op) {
            case MIN, MAX -> {
                f.getLocal(old);
                f.getLocal(value);
                f.getLocal(old);
                f.getLocal(value);
                boolean min = op == AtomicOp.MIN;
                if (wide) {
                    w.op(min ? (unsigned ? 0x54 : 0x53) : (unsigned ? 0x56 : 0x55),
                            p + (min ? ".lt" : ".gt") + (unsigned ? "_u" : "_s"));
                } else {
                    w.op(min ? (unsigned ? 0x49 : 0x48) : (unsigned ? 0x4B : 0x4A),
                            p + (min ? ".lt" : ".gt") + (unsigned ? "_u" : "_s"));
                }
                w.select();
            }
            case INC -> {
                // ((old >= value) ? 0 : old + 1), unsigned
                w.i32Const(0);
                f.getLocal(old);
                w.i32Const(1);
                w.op(0x6A, "i32.add");
                f.getLocal(old);
                f.getLocal(value);
                w.op(0x49, "i32.lt_u");
                w.op(0x45, "i32.eqz");
                w.select();
            }
            case DEC -> {
                // ((old == 0) | (old > value)) ? value : old - 1, unsigned
                f.getLocal(value);
                f.getLocal(old);
                w.i32Const(1);
                w.op(0x6B, "i32.sub");
                f.getLocal(old);
                w.op(0x45, "i32.eqz");
                f.getLocal(old);
                f.getLocal(value);
                w.op(0x4B, "i32.gt_u");
                w.op(0x72, "i32.or");
                w.select();
            }
            default -> throw new IllegalStateException(op + " needs no loop");
        }
        if (ScalarKind.BOOL == t.kind()) {
            throw new IllegalStateException("atomic on bool");
        }
    }
}
