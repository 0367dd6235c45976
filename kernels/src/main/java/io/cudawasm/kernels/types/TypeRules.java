package io.cudawasm.kernels.types;

/** C's conversion rules: integer promotion and the usual arithmetic conversions. */
public final class TypeRules {
    private TypeRules() {}

    public static boolean sameType(CType a, CType b) {
        if (a == b) {
            return true;
        }
        if (a instanceof ScalarType x && b instanceof ScalarType y) {
            if (x.function() != null || y.function() != null) {
                return x.function() != null && y.function() != null && x.function().sameAs(y.function());
            }
            return x.kind() == y.kind();
        }
        if (a instanceof PointerType x && b instanceof PointerType y) {
            return sameType(x.pointee(), y.pointee());
        }
        if (a instanceof ArrayType x && b instanceof ArrayType y) {
            return x.length() == y.length() && sameType(x.element(), y.element());
        }
        return a instanceof VoidType && b instanceof VoidType;
    }

    /** Integer promotion: types narrower than int (and bool) become int. */
    public static ScalarType promote(ScalarType t) {
        if (t.kind().isInteger() && t.kind().rank() < ScalarKind.INT.rank()) {
            return ScalarType.INT;
        }
        return t;
    }

    /** The common type of a binary arithmetic operation (C11 6.3.1.8). */
    public static ScalarType usualArithmetic(ScalarType a, ScalarType b) {
        if (a.kind() == ScalarKind.DOUBLE || b.kind() == ScalarKind.DOUBLE) {
            return ScalarType.DOUBLE;
        }
        if (a.kind() == ScalarKind.FLOAT || b.kind() == ScalarKind.FLOAT) {
            return ScalarType.FLOAT;
        }
        ScalarKind x = promote(a).kind();
        ScalarKind y = promote(b).kind();
        if (x == y) {
            return ScalarType.of(x);
        }
        if (x.isSigned() == y.isSigned()) {
            return ScalarType.of(x.rank() >= y.rank() ? x : y);
        }
        ScalarKind u = x.isSigned() ? y : x;
        ScalarKind s = x.isSigned() ? x : y;
        if (u.rank() >= s.rank()) {
            return ScalarType.of(u);
        }
        if (s.size() > u.size()) {
            return ScalarType.of(s);
        }
        return ScalarType.of(s.toUnsigned());
    }

    /** The type an array or function designator decays to in an rvalue context. */
    public static CType decay(CType t) {
        if (t instanceof ArrayType a) {
            return new PointerType(a.element());
        }
        return t;
    }
}
