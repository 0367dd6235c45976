package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.BitField;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;

/** Reading and writing a bit-field as shifts and masks of its storage unit, in 64-bit arithmetic. */
final class BitFields {
    private BitFields() {}

    /**
     * The value of a bit-field, as C++ promotes it: an int when int holds every value of the field
     * (so {@code unsigned a : 3} gives a signed int), else the declared type.
     */
    static KExpr read(LValue.OfBitField b, SourcePos pos) {
        BitField f = b.field();
        KExpr wide = new KExpr.Convert(ScalarType.ULONGLONG, new KExpr.Load(b.unitAddress(), pos));
        KExpr value;
        if (f.declared().kind().isSigned()) {
            KExpr up = bin(BinaryOp.SHL, wide, ull(64 - f.bitOffset() - f.width()), ScalarType.ULONGLONG);
            value = new KExpr.Binary(BinaryOp.SHR, new KExpr.Convert(ScalarType.LONGLONG, up),
                    new KExpr.IntConst(ScalarType.LONGLONG, 64 - f.width()), ScalarType.LONGLONG);
        } else {
            value = bin(BinaryOp.AND, bin(BinaryOp.SHR, wide, ull(f.bitOffset()), ScalarType.ULONGLONG), ull(mask(f)),
                    ScalarType.ULONGLONG);
        }
        return new KExpr.Convert(valueType(f), value);
    }

    static CType valueType(BitField f) {
        boolean fitsInt = f.width() < 32 || f.width() == 32 && f.declared().kind().isSigned();
        return fitsInt && f.declared().kind() != ScalarKind.BOOL ? ScalarType.INT : f.declared();
    }

    /** The new storage unit after writing {@code value} (already of the declared type) to the field. */
    static KExpr write(LValue.OfBitField b, KExpr value, SourcePos pos) {
        BitField f = b.field();
        ScalarType unit = (ScalarType) f.unit().type();
        long m = mask(f);
        KExpr old = new KExpr.Convert(ScalarType.ULONGLONG, new KExpr.Load(b.unitAddress(), pos));
        KExpr kept = bin(BinaryOp.AND, old, ull(~(m << f.bitOffset())), ScalarType.ULONGLONG);
        KExpr bits = bin(BinaryOp.SHL, bin(BinaryOp.AND, new KExpr.Convert(ScalarType.ULONGLONG, value), ull(m),
                ScalarType.ULONGLONG), ull(f.bitOffset()), ScalarType.ULONGLONG);
        return new KExpr.Convert(unit, bin(BinaryOp.OR, kept, bits, ScalarType.ULONGLONG));
    }

    private static long mask(BitField f) {
        return f.width() == 64 ? -1L : (1L << f.width()) - 1;
    }

    private static KExpr ull(long v) {
        return new KExpr.IntConst(ScalarType.ULONGLONG, v);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b, ScalarType t) {
        return new KExpr.Binary(op, a, b, t);
    }
}
