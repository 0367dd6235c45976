package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel IR types for PTX variables and parameters. PTX declares most memory as bytes with an
 * alignment ({@code .align 16 .b8 buf[2048]}); that becomes an array of a unit of the alignment's
 * size ({@code uint4[128]}) so the layout keeps the alignment. Byte-array parameters become structs
 * of that many bytes. The structs made here are listed in the module.
 */
final class StorageTypes {
    private final List<StructType> structs = new ArrayList<>();
    private final Map<String, StructType> byteStructs = new HashMap<>();
    private StructType uint4;

    List<StructType> structs() {
        return structs;
    }

    /** The type of a variable in global, constant, shared or local memory. */
    CType variableType(PtxVariable v) {
        ScalarType elem = v.type().kir();
        if (v.type() == PtxType.PRED) {
            throw CompileException.at(v.pos(), "a predicate variable cannot live in memory");
        }
        int vector = Math.max(1, v.vector());
        long count = v.count() == 0 ? (v.vector() > 0 ? vector : 0) : v.count() < 0 ? -1 : v.count() * vector;
        int align = v.alignment();
        if (count == 0 && align <= elem.size()) {
            return elem;
        }
        long elems = count == 0 ? 1 : count;
        if (align <= elem.size()) {
            return new ArrayType(elem, elems);
        }
        CType unit = unit(align);
        if (elems < 0) {
            return new ArrayType(unit != null ? unit : elem, -1);
        }
        long bytes = elems * elem.size();
        if (unit != null && bytes % align == 0) {
            return new ArrayType(unit, bytes / align);
        }
        return bytes(bytes, align);
    }

    /** The type of a {@code .param}: its scalar type, or a struct of its bytes for arrays. */
    CType paramType(PtxVariable v) {
        if (!v.isArray() && v.vector() == 0) {
            return v.type().kir();
        }
        if (v.count() < 0) {
            throw CompileException.at(v.pos(), "a parameter cannot be an unsized array");
        }
        return bytes(v.size(), v.alignment());
    }

    /** A struct of {@code size} bytes aligned to {@code align}: {@code struct ptx_bytes16_a4}. */
    StructType bytes(long size, int align) {
        String name = "ptx_bytes" + size + "_a" + align;
        StructType s = byteStructs.get(name);
        if (s == null) {
            s = new StructType(name, false, align);
            s.define(List.of(new Field("bytes", new ArrayType(ScalarType.UCHAR, size), 0)));
            byteStructs.put(name, s);
            structs.add(s);
        }
        return s;
    }

    private CType unit(int align) {
        return switch (align) {
            case 2 -> ScalarType.USHORT;
            case 4 -> ScalarType.UINT;
            case 8 -> ScalarType.ULONGLONG;
            case 16 -> {
                if (uint4 == null) {
                    uint4 = StructType.vector("uint4", ScalarKind.UINT, 4, 16);
                }
                yield uint4;
            }
            default -> null;
        };
    }

    /** The initial bytes of a variable (little-endian), or null without an initializer. */
    /** {@code functionIndices}: the values of function addresses, which tables of function pointers hold. */
    static byte[] initialBytes(PtxVariable v, Map<String, Long> functionIndices) {
        if (v.init().isEmpty()) {
            return null;
        }
        long size = v.size();
        int elemBytes = v.type().bytes();
        if (v.init().size() * (long) elemBytes > Math.max(size, elemBytes)) {
            throw CompileException.at(v.init().get(0).pos(), "too many initializers for '" + v.name() + "'");
        }
        ByteBuffer b = ByteBuffer.allocate((int) Math.max(size, elemBytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (PtxLiteral lit : v.init()) {
            if (lit instanceof PtxLiteral.Address a && functionIndices.containsKey(a.name()) && v.type().bytes() == 8) {
                b.putLong(functionIndices.get(a.name()));
                continue;
            }
            if (lit instanceof PtxLiteral.Address a) {
                throw CompileException.at(a.pos(), "unsupported PTX feature: an address ('" + a.name()
                        + "') in a variable initializer");
            }
            put(b, v.type(), lit);
        }
        return b.array();
    }

    private static void put(ByteBuffer b, PtxType t, PtxLiteral lit) {
        if (t == PtxType.F32) {
            float f = lit instanceof PtxLiteral.Float fl ? (fl.single() ? Float.intBitsToFloat((int) fl.bits())
                    : (float) fl.value()) : (float) ((PtxLiteral.Int) lit).value();
            b.putFloat(f);
            return;
        }
        if (t == PtxType.F64) {
            double d = lit instanceof PtxLiteral.Float fl ? fl.value() : (double) ((PtxLiteral.Int) lit).value();
            b.putDouble(d);
            return;
        }
        long v = lit instanceof PtxLiteral.Int i ? i.value() : ((PtxLiteral.Float) lit).bits();
        switch (t.bytes()) {
            case 1 -> b.put((byte) v);
            case 2 -> b.putShort((short) v);
            case 4 -> b.putInt((int) v);
            default -> b.putLong(v);
        }
    }
}
