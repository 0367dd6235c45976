package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.parse.Parser;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.List;

/**
 * Inheritance: a class holds each non-virtual base's subobject in a hidden leading field
 * ({@code cw_base_A}, made by the parser), so the back ends see plain structs; virtual bases are
 * hidden trailing fields reached through an offset ({@link VirtualBases}). A name a class
 * does not declare is looked for in its bases, depth first in declaration order (the first found
 * wins, where C++ would call two equally near ones ambiguous); the address of a base subobject is
 * the chain of those fields' addresses, which is also the derived-to-base pointer and reference
 * conversion.
 */
final class Inheritance {
    private Inheritance() {}

    /** A non-virtual or a virtual base's subobject. */
    static boolean isBaseField(Field f) {
        return (f.name().startsWith(Parser.BASE_FIELD) || VirtualBases.isVirtualBaseField(f))
                && f.type() instanceof StructType;
    }

    static boolean hasBases(StructType s) {
        return s.isComplete() && s.fields().stream().anyMatch(Inheritance::isBaseField);
    }

    /** The base fields leading from {@code s} to a base that declares a field so named, then that field; null if none. */
    static List<Field> pathToField(StructType s, String name) {
        if (!s.isComplete()) {
            return null;
        }
        for (Field f : s.fields()) {
            if (!isBaseField(f)) {
                continue;
            }
            StructType base = (StructType) f.type();
            java.util.Optional<Field> own = base.field(name).filter(x -> !x.name().startsWith("cw_"));
            if (own.isPresent()) {
                return new ArrayList<>(List.of(f, own.get()));
            }
            List<Field> deeper = pathToField(base, name);
            if (deeper != null) {
                deeper.add(0, f);
                return deeper;
            }
        }
        return null;
    }

    /** The base fields leading from {@code derived} to its base {@code base}; null when it is none of its bases. */
    static List<Field> pathToBase(CType derived, CType base) {
        if (!(derived instanceof StructType d) || !(base instanceof StructType) || derived == base || !d.isComplete()) {
            return null;
        }
        for (Field f : d.fields()) {
            if (!isBaseField(f)) {
                continue;
            }
            if (f.type() == base) {
                return new ArrayList<>(List.of(f));
            }
            List<Field> deeper = pathToBase(f.type(), base);
            if (deeper != null) {
                deeper.add(0, f);
                return deeper;
            }
        }
        return null;
    }

    /** The class (itself or a base) declaring member functions so named, with the base fields leading to it; null if none. */
    record MethodOwner(StructInfo info, List<Field> path) {}

    static MethodOwner methodOwner(Checker checker, StructType s, String name) {
        StructInfo own = checker.classOf(s);
        if (own != null && !own.methods(name).isEmpty()) {
            return new MethodOwner(own, List.of());
        }
        if (!s.isComplete()) {
            return null;
        }
        for (Field f : s.fields()) {
            if (isBaseField(f)) {
                MethodOwner inBase = methodOwner(checker, (StructType) f.type(), name);
                if (inBase != null) {
                    List<Field> path = new ArrayList<>();
                    path.add(f);
                    path.addAll(inBase.path());
                    return new MethodOwner(inBase.info(), path);
                }
            }
        }
        return null;
    }

    /**
     * The address of a subobject: {@code pointer} advanced along base fields (and a final member);
     * a step to a virtual base goes where the object's offset to it says (check/VirtualBases).
     */
    static KExpr address(ExpressionLowering exprs, KExpr pointer, List<Field> path) {
        KExpr p = pointer;
        for (Field f : path) {
            p = VirtualBases.isVirtualBaseField(f) ? VirtualBases.address(exprs, p, f) : exprs.fieldAddr(p, f);
        }
        return p;
    }

    /** A derived-class pointer as a pointer to its base, keeping the address space and qualifiers of {@code to}. */
    static KExpr toBasePointer(ExpressionLowering exprs, KExpr pointer, PointerType to) {
        PointerType from = (PointerType) pointer.type();
        List<Field> path = pathToBase(from.pointee(), to.pointee());
        KExpr p = address(exprs, pointer, path);
        return p.type().equals(to) ? p : new KExpr.Convert(to, p);
    }
}
