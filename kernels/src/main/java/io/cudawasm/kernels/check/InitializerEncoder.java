package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.ArrayType;
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
            if (b.elements().size() > s.fields().size()) {
                throw CompileException.at(init.pos(), "excess elements in the initializer of '" + variable + "'");
            }
            for (int i = 0; i < b.elements().size(); i++) {
                Field f = s.fields().get(i);
                write(buf, offset + f.offset(), b.elements().get(i), f.type());
            }
            return;
        }
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
        if (v instanceof KExpr.IntConst c) {
                switch (st.size()) {
                    case 1 -> buf.put(offset, (byte) c.value());
                    case 2 -> buf.putShort(offset, (short) c.value());
                    case 4 -> buf.putInt(offset, (int) c.value());
                    default -> buf.putLong(offset, c.value());
                }
        } else if (v instanceof KExpr.FloatConst f) {
                if (st.size() == 4) {
                    buf.putFloat(offset, (float) f.value());
                } else {
                    buf.putDouble(offset, f.value());
                }
        } else {
            throw CompileException.at(single.pos(), "initializer of '" + variable
                    + "' is not a constant expression");
        }
    }
}
