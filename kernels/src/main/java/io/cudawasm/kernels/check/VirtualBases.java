package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.parse.Parser;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Virtual base classes without vtables. A class holds every virtual base it has, direct or
 * inherited, in a hidden trailing field ({@code cw_vbase_A}), and where nvcc keeps the vtable
 * pointer an 8-byte offset ({@code cw_voff_A}) from itself to the virtual base its object uses,
 * unless a non-virtual base already holds one. Every way to a virtual base goes through that
 * offset, so in a complete object of {@code D : B, C} (both {@code : virtual A}) the B and C
 * subobjects reach D's own A, and the A fields inside them stay unused. Whatever constructs a
 * complete object writes all its offsets first (they are constants of its class); a constructor
 * constructs the virtual bases only when its object is complete (its first virtual base is its
 * own), so each runs once, before the non-virtual bases, as in C++. Copying a complete object as
 * its own class copies the offsets, which stay right; a variable initialized from an object of its
 * class, which may be a base subobject, gets its own offsets and the virtual bases copied from where
 * the source's are, and an assignment copies members and virtual bases each from where it is; copying
 * a derived object into a class with virtual bases (slicing) is refused.
 */
final class VirtualBases {
    private VirtualBases() {}

    static boolean isVirtualBaseField(Field f) {
        return f.name().startsWith(Parser.VIRTUAL_BASE_FIELD);
    }

    static boolean hasVirtualBases(CType t) {
        return t instanceof StructType s && s.isComplete() && s.fields().stream().anyMatch(VirtualBases::isVirtualBaseField);
    }

    private static String baseName(Field vbase) {
        return vbase.name().substring(Parser.VIRTUAL_BASE_FIELD.length());
    }

    /** The address of the virtual base {@code vbase} (a field of the class {@code p} points to) of the object at p. */
    static KExpr address(ExpressionLowering exprs, KExpr p, Field vbase) {
        StructType s = (StructType) ((PointerType) p.type()).pointee();
        Field slot = s.field(Parser.VIRTUAL_BASE_OFFSET_FIELD + baseName(vbase)).orElse(null);
        if (slot != null) {
            return byteOffset(p, new KExpr.Load(exprs.fieldAddr(p, slot)), vbase.type());
        }
        for (Field f : s.fields()) {
            // the offset is held by the non-virtual base through which the class has this virtual base
            if (f.name().startsWith(Parser.BASE_FIELD) && f.type() instanceof StructType b
                    && b.field(vbase.name()).isPresent()) {
                return address(exprs, exprs.fieldAddr(p, f), b.field(vbase.name()).get());
            }
        }
        throw new IllegalStateException("no offset to virtual base " + vbase.name() + " in " + s.display());
    }

    private static KExpr byteOffset(KExpr p, KExpr bytes, CType to) {
        PointerType pt = (PointerType) p.type();
        KExpr b = new KExpr.Convert(new PointerType(ScalarType.UCHAR, pt.space(), pt.constPointee(), pt.volatilePointee()), p);
        return new KExpr.Convert(new PointerType(to, pt.space(), pt.constPointee(), pt.volatilePointee()),
                new KExpr.PtrAdd(b, bytes));
    }

    /** Whether the object at {@code p}, of a class with virtual bases, is a complete object (not a base subobject). */
    static KExpr isComplete(ExpressionLowering exprs, KExpr p) {
        StructType s = (StructType) ((PointerType) p.type()).pointee();
        Field first = s.fields().stream().filter(VirtualBases::isVirtualBaseField).findFirst().orElseThrow();
        KExpr used = new KExpr.Convert(ScalarType.ULONG, address(exprs, p, first));
        KExpr own = new KExpr.Convert(ScalarType.ULONG, exprs.fieldAddr(p, first));
        return new KExpr.Binary(KExpr.BinaryOp.EQ, used, own, ScalarType.BOOL);
    }

    /** Before a complete object of class {@code s} at {@code p} is constructed: every offset to a virtual base in it. */
    static void writeOffsets(FunctionContext ctx, KExpr p, StructType s, SourcePos pos) {
        if (!hasVirtualBases(s)) {
            return;
        }
        Map<String, Integer> where = new HashMap<>();
        for (Field f : s.fields()) {
            if (isVirtualBaseField(f)) {
                where.put(baseName(f), f.offset());
            }
        }
        writeOffsets(ctx, p, s, 0, where, pos);
        for (Field f : s.fields()) {
            if (isVirtualBaseField(f)) {
                writeOffsets(ctx, p, (StructType) f.type(), f.offset(), where, pos);
            }
        }
    }

    private static void writeOffsets(FunctionContext ctx, KExpr complete, StructType sub, int at, Map<String, Integer> where,
            SourcePos pos) {
        for (Field f : sub.fields()) {
            if (f.name().startsWith(Parser.VIRTUAL_BASE_OFFSET_FIELD)) {
                long value = where.get(f.name().substring(Parser.VIRTUAL_BASE_OFFSET_FIELD.length())) - at;
                KExpr slot = byteOffset(complete, new KExpr.IntConst(ScalarType.LONG, at + f.offset()), ScalarType.LONGLONG);
                ctx.emit(new KStmt.Store(slot, new KExpr.IntConst(ScalarType.LONGLONG, value), pos));
            } else if (f.name().startsWith(Parser.BASE_FIELD) && f.type() instanceof StructType b) {
                writeOffsets(ctx, complete, b, at + f.offset(), where, pos); // not into unused virtual bases' fields
            }
        }
    }

    /**
     * After the bytes of an object were copied from {@code source} to the complete object at
     * {@code target}: its own offsets, and its virtual bases copied from where the source's are.
     */
    static void copyVirtualBases(ExpressionLowering exprs, FunctionContext ctx, KExpr target, KExpr source, SourcePos pos) {
        StructType s = (StructType) ((PointerType) target.type()).pointee();
        writeOffsets(ctx, target, s, pos);
        for (Field f : s.fields()) {
            if (isVirtualBaseField(f)) {
                ctx.emit(new KStmt.Store(exprs.fieldAddr(target, f), new KExpr.Load(address(exprs, source, f), pos), pos));
            }
        }
    }

    /**
     * {@code *target = *source} for a class with virtual bases, either of which may be a base
     * subobject: the members of the class and its non-virtual bases (not the offsets or class ids,
     * which belong to the target's object), then each virtual base from where the source's is to
     * where the target's is.
     */
    static void assign(ExpressionLowering exprs, FunctionContext ctx, KExpr target, KExpr source, SourcePos pos) {
        StructType s = (StructType) ((PointerType) target.type()).pointee();
        assignMembers(exprs, ctx, target, source, s, pos);
        for (Field f : s.fields()) {
            if (isVirtualBaseField(f)) {
                ctx.emit(new KStmt.Store(address(exprs, target, f), new KExpr.Load(address(exprs, source, f), pos), pos));
            }
        }
    }

    private static void assignMembers(ExpressionLowering exprs, FunctionContext ctx, KExpr target, KExpr source,
            StructType s, SourcePos pos) {
        for (Field f : s.fields()) {
            if (isVirtualBaseField(f) || isOffsetField(f) || f.name().equals(Parser.VPTR_FIELD)) {
                continue;
            }
            if (f.name().startsWith(Parser.BASE_FIELD) && f.type() instanceof StructType b) {
                assignMembers(exprs, ctx, exprs.fieldAddr(target, f), exprs.fieldAddr(source, f), b, pos);
            } else {
                ctx.emit(new KStmt.Store(exprs.fieldAddr(target, f), new KExpr.Load(exprs.fieldAddr(source, f), pos), pos));
            }
        }
    }

    /** The offset of the subobject a path of base fields leads to, in a complete object of class {@code complete}. */
    static long offsetIn(StructType complete, List<Field> path) {
        long o = 0;
        for (Field f : path) {
            o = isVirtualBaseField(f) ? complete.field(f.name()).orElseThrow().offset() : o + f.offset();
        }
        return o;
    }

    /** Hidden fields that constructors leave alone (offsets are written by whatever makes the complete object). */
    static boolean isOffsetField(Field f) {
        return f.name().startsWith(Parser.VIRTUAL_BASE_OFFSET_FIELD);
    }
}
