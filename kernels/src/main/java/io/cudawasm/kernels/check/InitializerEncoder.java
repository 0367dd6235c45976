package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.BitField;
import io.cudawasm.kernels.types.StructMember;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Encodes the constant initializer of a {@code __constant__}/{@code __device__} variable as bytes. */
final class InitializerEncoder {
    private final FunctionContext ctx;
    private final String variable;

    InitializerEncoder(Checker checker, String variable) {
        this.ctx = checker.constantContext();
        this.variable = variable;
    }

    byte[] encode(Initializer init, CType type) {
        ByteBuffer buf = ByteBuffer.allocate(type.size()).order(ByteOrder.LITTLE_ENDIAN);
        write(buf, 0, init, type);
        return buf.array();
    }

    private void write(ByteBuffer buf, int offset, Initializer init, CType type) {
        if (type instanceof ArrayType a) {
            List<Initializer> items = init instanceof Initializer.Braced b ? b.elements() : List.of(init);
            if (items.size() > a.length()) {
                throw CompileException.at(init.pos(), "excess elements in the initializer of '" + variable + "'");
            }
            int size = a.element().size();
            for (int i = 0; i < items.size(); i++) {
                write(buf, offset + i * size, items.get(i), a.element());
            }
            return;
        }
        if (type instanceof StructType s) {
            if (!(init instanceof Initializer.Braced b)) {
                throw CompileException.at(init.pos(), "struct '" + variable + "' needs a braced initializer");
            }
            List<StructMember> members = s.declaredMembers();
            if (b.elements().size() > members.size()) {
                throw CompileException.at(init.pos(), "excess elements in the initializer of '" + variable + "'");
            }
            for (int i = 0; i < b.elements().size(); i++) {
                if (members.get(i) instanceof BitField bf) {
                    writeBits(buf, offset + bf.unit().offset(), b.elements().get(i), bf);
                    continue;
                }
                Field f = (Field) members.get(i);
                write(buf, offset + f.offset(), b.elements().get(i), f.type());
            }
            return;
        }
        KExpr v = constant(init, type);
        if (v instanceof KExpr.IntConst c) {
                switch (type.size()) {
                    case 1 -> buf.put(offset, (byte) c.value());
                    case 2 -> buf.putShort(offset, (short) c.value());
                    case 4 -> buf.putInt(offset, (int) c.value());
                    default -> buf.putLong(offset, c.value());
                }
        } else if (v instanceof KExpr.FloatConst f) {
                if (type.size() == 4) {
                    buf.putFloat(offset, (float) f.value());
                } else {
                    buf.putDouble(offset, f.value());
                }
        }
    }

    /** Packs a bit-field's value into its storage unit's bytes. */
    private void writeBits(ByteBuffer buf, int unitOffset, Initializer init, BitField f) {
        KExpr.IntConst c = (KExpr.IntConst) constant(init, f.declared());
        int size = f.unit().type().size();
        long unit = 0;
        for (int i = 0; i < size; i++) {
            unit |= (buf.get(unitOffset + i) & 0xFFL) << (8 * i);
        }
        long mask = f.width() == 64 ? -1L : (1L << f.width()) - 1;
        unit = unit & ~(mask << f.bitOffset()) | (c.value() & mask) << f.bitOffset();
        for (int i = 0; i < size; i++) {
            buf.put(unitOffset + i, (byte) (unit >>> (8 * i)));
        }
    }

    /** The constant value of a scalar initializer, converted to {@code type}. */
    private KExpr constant(Initializer init, CType type) {
        Initializer item = init;
        while (item instanceof Initializer.Braced b && b.elements().size() == 1) {
            item = b.elements().get(0);
        }
        if (!(item instanceof Initializer.Single single)) {
            throw CompileException.at(init.pos(), "invalid initializer for a scalar in '" + variable + "'");
        }
        if (type instanceof PointerType) {
            throw CompileException.at(init.pos(), "pointer initializers of __device__/__constant__ variables are "
                    + "not supported");
        }
        ScalarType st = (ScalarType) type;
        KExpr v = ctx.exprs.convert(ctx.exprs.rvalue(single.value()), st, single.pos(), false);
        if (!(v instanceof KExpr.IntConst) && !(v instanceof KExpr.FloatConst)) {
            throw CompileException.at(single.pos(), "initializer of '" + variable
                    + "' is not a constant expression");
        }
        return v;
    }
}
