package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * Math functions and integer intrinsics. Operations WebAssembly has exactly (sqrt, abs, floor,
 * ceil, trunc, nearest, copysign) are emitted inline, as are those composed of them exactly
 * (fmin/fmax with C's NaN rules, round, saturate); single-precision fma is inline too
 * ({@link FusedMultiplyAdd}). Transcendental functions call host imports
 * from module "math", whose implementations and error bounds live with the runtime.
 */
final class MathEmitter {
    private final FunctionEmitter f;
    private final CodeWriter w;
    private final WasmEmitter module;

    MathEmitter(FunctionEmitter f, CodeWriter w, WasmEmitter module) {
        this.f = f;
        this.w = w;
        this.module = module;
    }

    /** The host import a math call needs, or null when emitted inline. */
    static HostImport hostImport(KExpr.Math m) {
        boolean single = m.type().kind() == ScalarKind.FLOAT;
        if (isInline(m.fn(), single)) {
            return null;
        }
        ValType t = single ? ValType.F32 : ValType.F64;
        List<ValType> params = switch (m.fn()) {
            case LDEXP, SCALBN -> List.of(t, ValType.I32);
            default -> m.fn().arity() == 1 ? List.of(t) : m.fn().arity() == 2 ? List.of(t, t) : List.of(t, t, t);
        };
        return new HostImport(m.fn().cName(single), new FuncType(params, List.of(t)));
    }

    static HostImport hostImport(KExpr.IntrinsicCall i) {
        return switch (i.op()) {
            case BREV -> new HostImport("__brev", new FuncType(List.of(ValType.I32), List.of(ValType.I32)));
            case BREVLL -> new HostImport("__brevll", new FuncType(List.of(ValType.I64), List.of(ValType.I64)));
            case MUL64HI -> new HostImport("__mul64hi", new FuncType(List.of(ValType.I64, ValType.I64), List.of(ValType.I64)));
            case UMUL64HI -> new HostImport("__umul64hi", new FuncType(List.of(ValType.I64, ValType.I64), List.of(ValType.I64)));
            default -> null;
        };
    }

    /** A function imported from the host's "math" module. */
    record HostImport(String name, FuncType type) {}

    private static boolean isInline(MathFn fn, boolean single) {
        return switch (fn) {
            case SQRT, FABS, FLOOR, CEIL, TRUNC, RINT, NEARBYINT, COPYSIGN, FMIN, FMAX, ROUND, SATURATE,
                    FAST_DIVIDE -> true;
            case RSQRT, FMA -> single;
            default -> false;
        };
    }

    ValType math(KExpr.Math m) {
        boolean single = m.type().kind() == ScalarKind.FLOAT;
        ValType t = single ? ValType.F32 : ValType.F64;
        String p = single ? "f32" : "f64";
        List<KExpr> a = m.args();
        HostImport host = hostImport(m);
        if (host != null) {
            for (KExpr arg : a) {
                f.emit(arg);
            }
            w.call(module.mathImport(host.name()), "math." + host.name());
            return t;
        }
        switch (m.fn()) {
            case SQRT -> unaryOp(a, single ? 0x91 : 0x9F, p + ".sqrt");
            case FABS -> unaryOp(a, single ? 0x8B : 0x99, p + ".abs");
            case FLOOR -> unaryOp(a, single ? 0x8E : 0x9C, p + ".floor");
            case CEIL -> unaryOp(a, single ? 0x8D : 0x9B, p + ".ceil");
            case TRUNC -> unaryOp(a, single ? 0x8F : 0x9D, p + ".trunc");
            case RINT, NEARBYINT -> unaryOp(a, single ? 0x90 : 0x9E, p + ".nearest");
            case COPYSIGN -> {
                f.emit(a.get(0));
                f.emit(a.get(1));
                w.op(single ? 0x98 : 0xA6, p + ".copysign");
            }
            case FAST_DIVIDE -> {
                f.emit(a.get(0));
                f.emit(a.get(1));
                w.op(single ? 0x95 : 0xA3, p + ".div");
            }
            case RSQRT -> {
                w.f32Const(1.0f);
                f.emit(a.get(0));
                w.op(0x91, "f32.sqrt");
                w.op(0x95, "f32.div");
            }
            case FMIN, FMAX -> minMax(a, single, m.fn() == MathFn.FMIN);
            case FMA -> FusedMultiplyAdd.emit(f, w, () -> f.emit(a.get(0)), () -> f.emit(a.get(1)),
                    () -> f.emit(a.get(2)));
            case ROUND -> round(a.get(0), single);
            case SATURATE -> saturate(a.get(0), single);
            default -> throw new IllegalStateException("no inline form of " + m.fn());
        }
        return t;
    }

    private void unaryOp(List<KExpr> a, int opcode, String mnemonic) {
        f.emit(a.get(0));
        w.op(opcode, mnemonic);
    }

    private void isNaN(int local, boolean single) {
        f.getLocal(local);
        f.getLocal(local);
        w.op(single ? 0x5C : 0x62, single ? "f32.ne" : "f64.ne");
    }

    /** C's fmin/fmax: a NaN operand yields the other operand. */
    private void minMax(List<KExpr> a, boolean single, boolean min) {
        ValType t = single ? ValType.F32 : ValType.F64;
        int x = f.scratchLocal(t);
        int y = f.scratchLocal(t);
        f.emit(a.get(0));
        f.setLocal(x);
        f.emit(a.get(1));
        f.setLocal(y);
        f.getLocal(y);
        f.getLocal(x);
        f.getLocal(x);
        f.getLocal(y);
        if (single) {
            w.op(min ? 0x96 : 0x97, min ? "f32.min" : "f32.max");
        } else {
            w.op(min ? 0xA4 : 0xA5, min ? "f64.min" : "f64.max");
        }
        isNaN(y, single);
        w.select();
        isNaN(x, single);
        w.select();
        f.releaseLocal(t, y);
        f.releaseLocal(t, x);
    }

    /** round(): half away from zero, from trunc (exact) and one comparison. */
    private void round(KExpr arg, boolean single) {
        ValType t = single ? ValType.F32 : ValType.F64;
        String p = single ? "f32" : "f64";
        int x = f.scratchLocal(t);
        int tr = f.scratchLocal(t);
        f.emit(arg);
        f.teeLocal(x);
        w.op(single ? 0x8F : 0x9D, p + ".trunc");
        f.teeLocal(tr);
        // copysign(1, x)
        constant(single, 1.0);
        f.getLocal(x);
        w.op(single ? 0x98 : 0xA6, p + ".copysign");
        constant(single, 0.0);
        // |x - trunc(x)| >= 0.5
        f.getLocal(x);
        f.getLocal(tr);
        w.op(single ? 0x93 : 0xA1, p + ".sub");
        w.op(single ? 0x8B : 0x99, p + ".abs");
        constant(single, 0.5);
        w.op(single ? 0x60 : 0x66, p + ".ge");
        w.select();
        w.op(single ? 0x92 : 0xA0, p + ".add");
        // round(-0.3) is -0.0: the sign of the argument survives a zero result
        f.getLocal(x);
        w.op(single ? 0x98 : 0xA6, p + ".copysign");
        f.releaseLocal(t, tr);
        f.releaseLocal(t, x);
    }

    /** __saturatef: clamp to [0, 1]; NaN gives 0. */
    private void saturate(KExpr arg, boolean single) {
        ValType t = single ? ValType.F32 : ValType.F64;
        String p = single ? "f32" : "f64";
        int x = f.scratchLocal(t);
        f.emit(arg);
        f.setLocal(x);
        f.getLocal(x);
        constant(single, 1.0);
        w.op(single ? 0x96 : 0xA4, p + ".min");
        constant(single, 0.0);
        f.getLocal(x);
        constant(single, 0.0);
        w.op(single ? 0x5E : 0x64, p + ".gt");
        w.select();
        f.releaseLocal(t, x);
    }

    private void constant(boolean single, double v) {
        if (single) {
            w.f32Const((float) v);
        } else {
            w.f64Const(v);
        }
    }

    ValType intrinsic(KExpr.IntrinsicCall i) {
        List<KExpr> a = i.args();
        ValType result = FunctionEmitter.valType(i.type());
        switch (i.op()) {
            case POPC -> unaryOp(a, 0x69, "i32.popcnt");
            case POPCLL -> {
                unaryOp(a, 0x7B, "i64.popcnt");
                w.op(0xA7, "i32.wrap_i64");
            }
            case CLZ -> unaryOp(a, 0x67, "i32.clz");
            case CLZLL -> {
                unaryOp(a, 0x79, "i64.clz");
                w.op(0xA7, "i32.wrap_i64");
            }
            case FFS, FFSLL -> ffs(a.get(0), i.op() == Intrinsic.FFSLL);
            case MUL24, UMUL24 -> {
                boolean signed = i.op() == Intrinsic.MUL24;
                for (KExpr arg : a) {
                    f.emit(arg);
                    if (signed) {
                        w.i32Const(8);
                        w.op(0x74, "i32.shl");
                        w.i32Const(8);
                        w.op(0x75, "i32.shr_s");
                    } else {
                        w.i32Const(0xFFFFFF);
                        w.op(0x71, "i32.and");
                    }
                }
                w.op(0x6C, "i32.mul");
            }
            case MULHI, UMULHI -> {
                boolean signed = i.op() == Intrinsic.MULHI;
                for (KExpr arg : a) {
                    f.emit(arg);
                    w.op(signed ? 0xAC : 0xAD, signed ? "i64.extend_i32_s" : "i64.extend_i32_u");
                }
                w.op(0x7E, "i64.mul");
                w.i64Const(32);
                w.op(0x88, "i64.shr_u");
                w.op(0xA7, "i32.wrap_i64");
            }
            case SAD, USAD -> sad(a, i.op() == Intrinsic.USAD);
            case IABS, LLABS -> abs(a.get(0), i.op() == Intrinsic.LLABS);
            case IMIN, IMAX -> intMinMax(a, (ScalarType) i.type(), i.op() == Intrinsic.IMIN);
            case INT_AS_FLOAT -> unaryOp(a, 0xBE, "f32.reinterpret_i32");
            case FLOAT_AS_INT -> unaryOp(a, 0xBC, "i32.reinterpret_f32");
            case LONGLONG_AS_DOUBLE -> unaryOp(a, 0xBF, "f64.reinterpret_i64");
            case DOUBLE_AS_LONGLONG -> unaryOp(a, 0xBD, "i64.reinterpret_f64");
            case DOUBLE_HI -> {
                unaryOp(a, 0xBD, "i64.reinterpret_f64");
                w.i64Const(32);
                w.op(0x88, "i64.shr_u");
                w.op(0xA7, "i32.wrap_i64");
            }
            case DOUBLE_LO -> {
                unaryOp(a, 0xBD, "i64.reinterpret_f64");
                w.op(0xA7, "i32.wrap_i64");
            }
            case HILO_TO_DOUBLE -> {
                f.emit(a.get(0));
                w.op(0xAD, "i64.extend_i32_u");
                w.i64Const(32);
                w.op(0x86, "i64.shl");
                f.emit(a.get(1));
                w.op(0xAD, "i64.extend_i32_u");
                w.op(0x84, "i64.or");
                w.op(0xBF, "f64.reinterpret_i64");
            }
            case F2I_RN, F2U_RN, F2LL_RN, F2ULL_RN -> {
                boolean single = ((ScalarType) a.get(0).type()).kind() == ScalarKind.FLOAT;
                f.emit(a.get(0));
                w.op(single ? 0x90 : 0x9E, single ? "f32.nearest" : "f64.nearest");
                boolean wide = i.op() == Intrinsic.F2LL_RN || i.op() == Intrinsic.F2ULL_RN;
                boolean u = i.op() == Intrinsic.F2U_RN || i.op() == Intrinsic.F2ULL_RN;
                int sub = (wide ? 4 : 0) + (single ? 0 : 2) + (u ? 1 : 0);
                w.prefixed(sub, (wide ? "i64" : "i32") + ".trunc_sat_" + (single ? "f32" : "f64") + (u ? "_u" : "_s"));
            }
            case ISNAN, ISINF, ISFINITE -> classify(a.get(0), i.op());
            case MAP_SHARED_RANK -> {
                // the blocks of a cluster have consecutive memory regions: (address, rank, own rank)
                // -> address + (rank - own rank) * stride
                f.emit(a.get(0));
                f.emit(a.get(1));
                f.emit(a.get(2));
                w.op(0x6B, "i32.sub");
                w.globalGet(WasmEmitter.G_CLUSTER_STRIDE, "cluster_stride");
                w.op(0x6C, "i32.mul");
                w.op(0x6A, "i32.add");
            }
            case SHARED_RANK_OF -> {
                // (address, own rank) -> (address - rank 0's shared base) / stride
                f.emit(a.get(0));
                w.globalGet(WasmEmitter.G_SHARED_BASE, "shared_base");
                f.emit(a.get(1));
                w.globalGet(WasmEmitter.G_CLUSTER_STRIDE, "cluster_stride");
                w.op(0x6C, "i32.mul");
                w.op(0x6B, "i32.sub");
                w.op(0x6B, "i32.sub");
                w.globalGet(WasmEmitter.G_CLUSTER_STRIDE, "cluster_stride");
                w.op(0x6E, "i32.div_u");
            }
            case SIGNBIT -> {
                boolean single = ((ScalarType) a.get(0).type()).kind() == ScalarKind.FLOAT;
                f.emit(a.get(0));
                if (single) {
                    w.op(0xBC, "i32.reinterpret_f32");
                    w.i32Const(31);
                    w.op(0x76, "i32.shr_u");
                } else {
                    w.op(0xBD, "i64.reinterpret_f64");
                    w.i64Const(63);
                    w.op(0x88, "i64.shr_u");
                    w.op(0xA7, "i32.wrap_i64");
                }
            }
            case BREV, BREVLL, MUL64HI, UMUL64HI -> {
                for (KExpr arg : a) {
                    f.emit(arg);
                }
                HostImport h = hostImport(i);
                w.call(module.mathImport(h.name()), "math." + h.name());
            }
        }
        return result;
    }

    private void ffs(KExpr arg, boolean wide) {
        ValType t = wide ? ValType.I64 : ValType.I32;
        int x = f.scratchLocal(t);
        f.emit(arg);
        f.teeLocal(x);
        if (wide) {
            w.op(0x7A, "i64.ctz");
            w.op(0xA7, "i32.wrap_i64");
        } else {
            w.op(0x68, "i32.ctz");
        }
        w.i32Const(1);
        w.op(0x6A, "i32.add");
        w.i32Const(0);
        f.getLocal(x);
        if (wide) {
            w.op(0x50, "i64.eqz");
        } else {
            w.op(0x45, "i32.eqz");
        }
        w.op(0x45, "i32.eqz");
        w.select();
        f.releaseLocal(t, x);
    }

    private void sad(List<KExpr> a, boolean unsigned) {
        int x = f.scratchLocal(ValType.I32);
        int y = f.scratchLocal(ValType.I32);
        f.emit(a.get(0));
        f.setLocal(x);
        f.emit(a.get(1));
        f.setLocal(y);
        f.getLocal(x);
        f.getLocal(y);
        w.op(0x6B, "i32.sub");
        f.getLocal(y);
        f.getLocal(x);
        w.op(0x6B, "i32.sub");
        f.getLocal(x);
        f.getLocal(y);
        w.op(unsigned ? 0x4B : 0x4A, unsigned ? "i32.gt_u" : "i32.gt_s");
        w.select();
        f.emit(a.get(2));
        w.op(0x6A, "i32.add");
        f.releaseLocal(ValType.I32, y);
        f.releaseLocal(ValType.I32, x);
    }

    private void abs(KExpr arg, boolean wide) {
        ValType t = wide ? ValType.I64 : ValType.I32;
        int x = f.scratchLocal(t);
        int s = f.scratchLocal(t);
        f.emit(arg);
        f.teeLocal(x);
        if (wide) {
            w.i64Const(63);
            w.op(0x87, "i64.shr_s");
            f.teeLocal(s);
            f.getLocal(x);
            w.op(0x85, "i64.xor");
            f.getLocal(s);
            w.op(0x7D, "i64.sub");
        } else {
            w.i32Const(31);
            w.op(0x75, "i32.shr_s");
            f.teeLocal(s);
            f.getLocal(x);
            w.op(0x73, "i32.xor");
            f.getLocal(s);
            w.op(0x6B, "i32.sub");
        }
        f.releaseLocal(t, s);
        f.releaseLocal(t, x);
    }

    private void intMinMax(List<KExpr> a, ScalarType type, boolean min) {
        ValType t = FunctionEmitter.valType(type);
        boolean u = type.kind().isUnsigned();
        int x = f.scratchLocal(t);
        int y = f.scratchLocal(t);
        f.emit(a.get(0));
        f.teeLocal(x);
        f.emit(a.get(1));
        f.teeLocal(y);
        f.getLocal(x);
        f.getLocal(y);
        if (t == ValType.I64) {
            w.op(min ? (u ? 0x54 : 0x53) : (u ? 0x56 : 0x55), "i64." + (min ? "lt" : "gt") + (u ? "_u" : "_s"));
        } else {
            w.op(min ? (u ? 0x49 : 0x48) : (u ? 0x4B : 0x4A), "i32." + (min ? "lt" : "gt") + (u ? "_u" : "_s"));
        }
        w.select();
        f.releaseLocal(t, y);
        f.releaseLocal(t, x);
    }

    private void classify(KExpr arg, Intrinsic op) {
        boolean single = ((ScalarType) arg.type()).kind() == ScalarKind.FLOAT;
        ValType t = single ? ValType.F32 : ValType.F64;
        String p = single ? "f32" : "f64";
        if (op == Intrinsic.ISNAN) {
            int x = f.scratchLocal(t);
            f.emit(arg);
            f.teeLocal(x);
            f.getLocal(x);
            w.op(single ? 0x5C : 0x62, p + ".ne");
            f.releaseLocal(t, x);
            return;
        }
        f.emit(arg);
        w.op(single ? 0x8B : 0x99, p + ".abs");
        constant(single, Double.POSITIVE_INFINITY);
        if (op == Intrinsic.ISINF) {
            w.op(single ? 0x5B : 0x61, p + ".eq");
        } else {
            w.op(single ? 0x5D : 0x63, p + ".lt");
        }
    }
}
