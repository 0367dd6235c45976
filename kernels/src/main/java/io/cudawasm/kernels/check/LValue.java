package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.BitField;
import io.cudawasm.kernels.types.CType;

/** Something that can be assigned: a register local, or memory at an address. */
sealed interface LValue {
    CType type();

    boolean isConst();

    record OfLocal(KLocal local, boolean isConst) implements LValue {
        @Override
        public CType type() {
            return local.type();
        }
    }

    /** Memory at {@code address}, whose pointee type is the value's type. */
    record OfMemory(KExpr address, CType type, boolean isConst) implements LValue {}

    /** A bit-field: some bits of the storage unit at {@code unitAddress}. */
    record OfBitField(KExpr unitAddress, BitField field, boolean isConst, SourcePos pos) implements LValue {
        @Override
        public CType type() {
            return field.declared();
        }
    }
}
