package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.types.CType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Template parameter bindings of one instantiation (empty outside templates). */
record TemplateEnv(Map<String, CType> types, Map<String, KExpr> values, java.util.Set<String> constTypes) {
    static final TemplateEnv EMPTY = new TemplateEnv(Map.of(), Map.of());

    /**
     * @param constTypes type parameters deduced from a pointer to const ({@code T*} from
     *     {@code const int*} binds {@code T = const int}): pointers to them point to const
     */
    TemplateEnv {
        types = Map.copyOf(types);
        values = Map.copyOf(values);
        constTypes = java.util.Set.copyOf(constTypes);
    }

    TemplateEnv(Map<String, CType> types, Map<String, KExpr> values) {
        this(types, values, java.util.Set.of());
    }

    boolean isEmpty() {
        return types.isEmpty() && values.isEmpty();
    }

    /** The arguments in declaration order, for names like {@code reduce<float, 256>}. */
    static String describe(Map<String, Object> ordered) {
        StringBuilder sb = new StringBuilder("<");
        for (Object v : new LinkedHashMap<>(ordered).values()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(v instanceof CType t ? t.display()
                    : v instanceof KExpr.IntConst c && c.type().kind() == io.cudawasm.kernels.types.ScalarKind.BOOL
                            ? (c.value() != 0 ? "true" : "false")
                    : v instanceof KExpr.IntConst c ? Long.toString(c.value()) : String.valueOf(v));
        }
        return sb.append('>').toString();
    }
}
