package io.cudawasm.runtime.data;

import io.cudawasm.kernels.types.ScalarKind;
import java.nio.ByteBuffer;
import java.util.Locale;

/** The element type of a host buffer: how to read and write one element as a number. */
public enum ElementType {
    I8(1, false, true), U8(1, false, false), I16(2, false, true), U16(2, false, false),
    I32(4, false, true), U32(4, false, false), I64(8, false, true), U64(8, false, false),
    F32(4, true, true), F64(8, true, true);

    private final int size;
    private final boolean floating;
    private final boolean signed;

    ElementType(int size, boolean floating, boolean signed) {
        this.size = size;
        this.floating = floating;
        this.signed = signed;
    }

    public int size() {
        return size;
    }

    public boolean isFloating() {
        return floating;
    }

    /** The kind a tensor map of this type records (preprocess/TensorMapHeader's reductions read it). */
    public io.cudawasm.kernels.abi.TensorMapAbi.Kind tensorMapKind() {
        return floating ? io.cudawasm.kernels.abi.TensorMapAbi.Kind.FLOAT : signed
                ? io.cudawasm.kernels.abi.TensorMapAbi.Kind.SIGNED : io.cudawasm.kernels.abi.TensorMapAbi.Kind.UNSIGNED;
    }

    public static ElementType of(ScalarKind k) {
        return switch (k) {
            case BOOL, UCHAR -> U8;
            case CHAR, SCHAR -> I8;
            case SHORT -> I16;
            case USHORT -> U16;
            case INT -> I32;
            case UINT -> U32;
            case LONG, LONGLONG -> I64;
            case ULONG, ULONGLONG -> U64;
            case FLOAT -> F32;
            case DOUBLE -> F64;
        };
    }

    /** Parses names users write: float, f32, int, int32, uint8, double, ... */
    public static ElementType parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "i8", "int8", "char", "schar" -> I8;
            case "u8", "uint8", "uchar", "byte", "bool" -> U8;
            case "i16", "int16", "short" -> I16;
            case "u16", "uint16", "ushort" -> U16;
            case "i32", "int32", "int" -> I32;
            case "u32", "uint32", "uint", "unsigned" -> U32;
            case "i64", "int64", "long", "longlong" -> I64;
            case "u64", "uint64", "ulong", "ulonglong", "size_t" -> U64;
            case "f32", "float" -> F32;
            case "f64", "double" -> F64;
            default -> throw new IllegalArgumentException("unknown element type '" + name + "'");
        };
    }

    /** The element at a byte offset as a double (integers exactly up to 2^53). */
    public double get(ByteBuffer b, int byteOffset) {
        return switch (this) {
            case I8 -> b.get(byteOffset);
            case U8 -> b.get(byteOffset) & 0xFF;
            case I16 -> b.getShort(byteOffset);
            case U16 -> b.getShort(byteOffset) & 0xFFFF;
            case I32 -> b.getInt(byteOffset);
            case U32 -> b.getInt(byteOffset) & 0xFFFF_FFFFL;
            case I64 -> b.getLong(byteOffset);
            case U64 -> unsignedToDouble(b.getLong(byteOffset));
            case F32 -> b.getFloat(byteOffset);
            case F64 -> b.getDouble(byteOffset);
        };
    }

    /** The element as a long (for exact integer output); floating values are truncated. */
    public long getLong(ByteBuffer b, int byteOffset) {
        return switch (this) {
            case I8, U8, I16, U16, I32, U32, F32, F64 -> (long) get(b, byteOffset);
            case I64, U64 -> b.getLong(byteOffset);
        };
    }

    public void put(ByteBuffer b, int byteOffset, double v) {
        switch (this) {
            case I8, U8 -> b.put(byteOffset, (byte) (long) v);
            case I16, U16 -> b.putShort(byteOffset, (short) (long) v);
            case I32, U32 -> b.putInt(byteOffset, (int) (long) v);
            case I64 -> b.putLong(byteOffset, (long) v);
            case U64 -> b.putLong(byteOffset, v >= 9.223372036854775807E18 ? (long) (v - 9.223372036854775808E18)
                    + Long.MIN_VALUE : (long) v);
            case F32 -> b.putFloat(byteOffset, (float) v);
            case F64 -> b.putDouble(byteOffset, v);
        }
    }

    /** Writes an integer exactly (no detour through double). */
    public void putLong(ByteBuffer b, int byteOffset, long v) {
        switch (this) {
            case F32 -> b.putFloat(byteOffset, v);
            case F64 -> b.putDouble(byteOffset, v);
            case I8, U8 -> b.put(byteOffset, (byte) v);
            case I16, U16 -> b.putShort(byteOffset, (short) v);
            case I32, U32 -> b.putInt(byteOffset, (int) v);
            default -> b.putLong(byteOffset, v);
        }
    }

    /** How the element is printed: integers exactly, floats with enough digits to round-trip. */
    public String format(ByteBuffer b, int byteOffset) {
        return switch (this) {
            case F32 -> Float.toString(b.getFloat(byteOffset));
            case F64 -> Double.toString(b.getDouble(byteOffset));
            case U64 -> Long.toUnsignedString(b.getLong(byteOffset));
            default -> Long.toString(getLong(b, byteOffset));
        };
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    public String cName() {
        return switch (this) {
            case I8 -> "char";
            case U8 -> "unsigned char";
            case I16 -> "short";
            case U16 -> "unsigned short";
            case I32 -> "int";
            case U32 -> "unsigned int";
            case I64 -> "long long";
            case U64 -> "unsigned long long";
            case F32 -> "float";
            case F64 -> "double";
        };
    }
}
