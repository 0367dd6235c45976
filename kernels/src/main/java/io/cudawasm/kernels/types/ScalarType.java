package io.cudawasm.kernels.types;

import java.util.EnumMap;
import java.util.Map;

/**
 * An arithmetic type; one shared instance per kind. A device function pointer is one too: kind
 * {@code ULONG} (8 bytes, like CUDA's pointer) with the {@link FunctionSignature} it points to,
 * which only the checker reads; the back ends see an integer (the checker's function index).
 */
public record ScalarType(ScalarKind kind, FunctionSignature function) implements CType {
    private static final Map<ScalarKind, ScalarType> ALL = new EnumMap<>(ScalarKind.class);

    static {
        for (ScalarKind k : ScalarKind.values()) {
            ALL.put(k, new ScalarType(k));
        }
    }

    public static final ScalarType BOOL = of(ScalarKind.BOOL);
    public static final ScalarType CHAR = of(ScalarKind.CHAR);
    public static final ScalarType SCHAR = of(ScalarKind.SCHAR);
    public static final ScalarType UCHAR = of(ScalarKind.UCHAR);
    public static final ScalarType SHORT = of(ScalarKind.SHORT);
    public static final ScalarType USHORT = of(ScalarKind.USHORT);
    public static final ScalarType INT = of(ScalarKind.INT);
    public static final ScalarType UINT = of(ScalarKind.UINT);
    public static final ScalarType LONG = of(ScalarKind.LONG);
    public static final ScalarType ULONG = of(ScalarKind.ULONG);
    public static final ScalarType LONGLONG = of(ScalarKind.LONGLONG);
    public static final ScalarType ULONGLONG = of(ScalarKind.ULONGLONG);
    public static final ScalarType FLOAT = of(ScalarKind.FLOAT);
    public static final ScalarType DOUBLE = of(ScalarKind.DOUBLE);

    public ScalarType(ScalarKind kind) {
        this(kind, null);
    }

    /** A pointer to a device function of this signature. */
    public static ScalarType functionPointer(FunctionSignature signature) {
        return new ScalarType(ScalarKind.ULONG, signature);
    }

    public static ScalarType of(ScalarKind kind) {
        ScalarType t = ALL.get(kind);
        return t != null ? t : new ScalarType(kind);
    }

    @Override
    public int size() {
        return kind.size();
    }

    @Override
    public int align() {
        return kind.size();
    }

    @Override
    public String display() {
        return function != null ? function.display() : kind.spelling();
    }

    @Override
    public String toString() {
        return display();
    }
}
