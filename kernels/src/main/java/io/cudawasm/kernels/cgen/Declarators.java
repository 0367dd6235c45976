package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;

/** C declarations and type names (declarators), with address-space qualifiers where the dialect has them. */
public final class Declarators {
    private Declarators() {}

    /**
     * Declares {@code name} (a declarator; "" for a type name in a cast) of type {@code type}.
     *
     * @param objectSpace where the declared object lives (null: no qualifier, e.g. a private local)
     * @param targetSpace for a pointer, where it points (null: the dialect's default for pointers in memory)
     */
    public static String declare(Dialect d, CType type, String name, AddressSpace objectSpace, AddressSpace targetSpace) {
        return declare(d, type, name, objectSpace == null ? "" : d.qualifier(objectSpace), targetSpace);
    }

    /** A type name for casts, e.g. {@code __global float *} or {@code __local float (*)[16]}. */
    public static String typeName(Dialect d, CType type, AddressSpace targetSpace) {
        return declare(d, type, "", "", targetSpace).strip();
    }

    private static String declare(Dialect d, CType type, String name, String qualifiers, AddressSpace targetSpace) {
        if (type instanceof ArrayType a) {
            return declare(d, a.element(), name + "[" + (a.isIncomplete() ? "" : Long.toString(a.length())) + "]",
                    qualifiers, targetSpace);
        }
        if (type instanceof PointerType p) {
            String self = qualifiers.isBlank() ? "" : " " + qualifiers.strip() + " ";
            String inner = "*" + self + name;
            if (p.pointee() instanceof ArrayType) {
                inner = "(" + inner + ")";
            }
            AddressSpace target = targetSpace != null ? targetSpace : d.pointerInMemorySpace();
            String targetQualifiers = d.qualifier(target) + (p.constPointee() ? "const " : "")
                    + (p.volatilePointee() ? "volatile " : "");
            return declare(d, p.pointee(), inner, targetQualifiers, null);
        }
        String base;
        if (type instanceof ScalarType s) {
            base = d.scalar(s.kind());
        } else if (type instanceof StructType s) {
            base = d.struct(s);
        } else {
            base = "void";
        }
        return qualifiers + base + (name.isEmpty() ? "" : name.startsWith("*") || name.startsWith("(") ? " " + name
                : " " + name);
    }
}
