package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;

/**
 * C conversions in WebAssembly. Float-to-integer conversions saturate and map NaN to zero
 * (trunc_sat), which is what CUDA's cvt.rzi does, instead of trapping.
 */
final class Conversions {
    private Conversions() {}

    /**
     * True for a conversion of an unsigned 64-bit integer to float or double, which
     * {@link #unsignedLongToFloating} emits instead of {@code f32/f64.convert_i64_u}: Chicory 1.7.5
     * rounds those two opcodes wrongly for values from 2^63 (up, and ties down).
     */
    static boolean isUnsignedLongToFloating(CType from, CType to) {
        ScalarKind f = kindOf(from);
        ScalarKind t = kindOf(to);
        return f != null && t != null && f.is64BitInteger() && f.isUnsigned() && t.isFloating();
    }

    /**
     * An unsigned 64-bit value (on the stack) to float or double with signed conversions only:
     * below 2^63 it converts as is; from 2^63 it is halved keeping the lost bit as a sticky bit
     * (so the one rounding of the signed conversion is the right one) and doubled exactly.
     */
    static ValType unsignedLongToFloating(FunctionEmitter f, CodeWriter w, CType to) {
        boolean single = kindOf(to) == ScalarKind.FLOAT;
        int x = f.scratchLocal(ValType.I64);
        f.setLocal(x);
        f.getLocal(x);
        w.i64Const(1);
        w.op(0x88, "i64.shr_u");
        f.getLocal(x);
        w.i64Const(1);
        w.op(0x83, "i64.and");
        w.op(0x84, "i64.or");
        if (single) {
            w.op(0xB4, "f32.convert_i64_s");
            w.f32Const(2f);
            w.op(0x94, "f32.mul");
        } else {
            w.op(0xB9, "f64.convert_i64_s");
            w.f64Const(2.0);
            w.op(0xA2, "f64.mul");
        }
        f.getLocal(x);
        w.op(single ? 0xB4 : 0xB9, single ? "f32.convert_i64_s" : "f64.convert_i64_s");
        f.getLocal(x);
        w.i64Const(0);
        w.op(0x53, "i64.lt_s");
        w.op(0x1B, "select");
        f.releaseLocal(ValType.I64, x);
        return single ? ValType.F32 : ValType.F64;
    }

    private static ScalarKind kindOf(CType t) {
        return t instanceof ScalarType s ? s.kind() : null; // null: a pointer (unsigned 32-bit here)
    }

    static ValType emit(CodeWriter w, CType from, CType to, ValType ft) {
        ScalarKind f = kindOf(from);
        ScalarKind t = kindOf(to);
        ValType tt = FunctionEmitter.valType(to);
        if (t == ScalarKind.BOOL) {
            toBool(w, ft);
            return ValType.I32;
        }
        if (to instanceof PointerType) {
            if (ft == ValType.I64) {
                w.op(0xA7, "i32.wrap_i64");
            }
            return ValType.I32;
        }
        if (t.isFloating()) {
            if (f != null && f.isFloating()) {
                if (f == ScalarKind.FLOAT && t == ScalarKind.DOUBLE) {
                    w.op(0xBB, "f64.promote_f32");
                } else if (f == ScalarKind.DOUBLE && t == ScalarKind.FLOAT) {
                    w.op(0xB6, "f32.demote_f64");
                }
                return tt;
            }
            boolean u = f == null || f.isUnsigned() || f == ScalarKind.BOOL;
            if (t == ScalarKind.FLOAT) {
                if (ft == ValType.I64) {
                    w.op(u ? 0xB5 : 0xB4, u ? "f32.convert_i64_u" : "f32.convert_i64_s");
                } else {
                    w.op(u ? 0xB3 : 0xB2, u ? "f32.convert_i32_u" : "f32.convert_i32_s");
                }
            } else {
                if (ft == ValType.I64) {
                    w.op(u ? 0xBA : 0xB9, u ? "f64.convert_i64_u" : "f64.convert_i64_s");
                } else {
                    w.op(u ? 0xB8 : 0xB7, u ? "f64.convert_i32_u" : "f64.convert_i32_s");
                }
            }
            return tt;
        }
        // to an integer
        if (f != null && f.isFloating()) {
            boolean u = t.isUnsigned();
            boolean src64 = f == ScalarKind.DOUBLE;
            if (tt == ValType.I64) {
                int sub = (src64 ? 6 : 4) + (u ? 1 : 0);
                w.prefixed(sub, "i64.trunc_sat_" + (src64 ? "f64" : "f32") + (u ? "_u" : "_s"));
            } else {
                boolean narrowUnsigned = u && t.size() < 4;
                int sub = (src64 ? 2 : 0) + (u && !narrowUnsigned ? 1 : 0);
                w.prefixed(sub, "i32.trunc_sat_" + (src64 ? "f64" : "f32") + (u && !narrowUnsigned ? "_u" : "_s"));
                normalizeNarrow(w, t);
            }
            return tt;
        }
        if (ft == ValType.I64 && tt == ValType.I32) {
            w.op(0xA7, "i32.wrap_i64");
            normalizeNarrow(w, t);
            return tt;
        }
        if (ft == ValType.I32 && tt == ValType.I64) {
            boolean signed = f != null && f.isSigned();
            w.op(signed ? 0xAC : 0xAD, signed ? "i64.extend_i32_s" : "i64.extend_i32_u");
            return tt;
        }
        if (tt == ValType.I32 && t.size() < 4 && f != t) {
            normalizeNarrow(w, t);
        }
        return tt;
    }

    /** Brings an i32 into the range of a type narrower than 32 bits. */
    static void normalizeNarrow(CodeWriter w, ScalarKind t) {
        switch (t) {
            case CHAR, SCHAR -> w.op(0xC0, "i32.extend8_s");
            case UCHAR -> {
                w.i32Const(0xFF);
                w.op(0x71, "i32.and");
            }
            case SHORT -> w.op(0xC1, "i32.extend16_s");
            case USHORT -> {
                w.i32Const(0xFFFF);
                w.op(0x71, "i32.and");
            }
            default -> { }
        }
    }

    private static void toBool(CodeWriter w, ValType ft) {
        switch (ft) {
            case I32 -> {
                w.op(0x45, "i32.eqz");
                w.op(0x45, "i32.eqz");
            }
            case I64 -> {
                w.op(0x50, "i64.eqz");
                w.op(0x45, "i32.eqz");
            }
            case F32 -> {
                w.f32Const(0f);
                w.op(0x5C, "f32.ne");
            }
            case F64 -> {
                w.f64Const(0.0);
                w.op(0x62, "f64.ne");
            }
        }
    }
}
