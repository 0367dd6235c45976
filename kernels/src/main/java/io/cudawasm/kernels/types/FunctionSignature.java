package io.cudawasm.kernels.types;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a function pointer points to: its return type and parameters (after adjustment: arrays
 * are pointers, qualifiers of by-value parameters dropped), with how each is passed. A function
 * pointer is a {@link ScalarType} of kind {@code ULONG} carrying one (see
 * {@link ScalarType#functionPointer}): the back ends see an 8-byte integer, the checker the signature.
 *
 * @param returnsReference the function returns a reference ({@code returnType} is then its referent)
 */
public record FunctionSignature(CType returnType, boolean returnsReference, List<Parameter> params) {

    /** A parameter: by value, or by reference (then {@code type} is the referent). */
    public record Parameter(CType type, boolean reference, boolean constReference) {
        String display() {
            return reference ? (constReference ? "const " : "") + type.display() + "&" : type.display();
        }
    }

    public FunctionSignature {
        params = List.copyOf(params);
    }

    /** The same function type (as C++ compares them: parameter and return types, not names). */
    public boolean sameAs(FunctionSignature o) {
        if (returnsReference != o.returnsReference || params.size() != o.params.size()
                || !TypeRules.sameType(returnType, o.returnType)) {
            return false;
        }
        for (int i = 0; i < params.size(); i++) {
            Parameter a = params.get(i);
            Parameter b = o.params.get(i);
            if (a.reference != b.reference || a.constReference != b.constReference
                    || !TypeRules.sameType(a.type, b.type)
                    || a.type instanceof PointerType p && b.type instanceof PointerType q
                            && p.constPointee() != q.constPointee()) {
                return false;
            }
        }
        return true;
    }

    /** C's spelling of a pointer to such a function: {@code int (*)(int, int)}. */
    public String display() {
        return returnType.display() + (returnsReference ? "&" : "") + " (*)("
                + params.stream().map(Parameter::display).collect(Collectors.joining(", ")) + ")";
    }
}
