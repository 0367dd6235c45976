package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The struct types a set of functions uses, ordered so that members by value are defined first. */
public final class StructCollector {
    private final Set<StructType> seen = new LinkedHashSet<>();
    private final List<StructType> ordered = new ArrayList<>();
    private final List<CType> pending = new ArrayList<>();

    public static List<StructType> collect(List<KFunction> functions, List<KGlobal> globals) {
        StructCollector c = new StructCollector();
        for (KGlobal g : globals) {
            c.type(g.type());
        }
        for (KFunction f : functions) {
            c.type(f.returnType());
            for (KLocal l : f.params()) {
                c.type(l.type());
            }
            for (KLocal l : f.locals()) {
                c.type(l.type());
            }
            KirWalk.expressions(f.body(), e -> c.type(e.type()));
        }
        while (!c.pending.isEmpty()) {
            c.type(c.pending.remove(0));
        }
        return List.copyOf(c.ordered);
    }

    private void type(CType t) {
        if (t instanceof PointerType p) {
            pending.add(p.pointee()); // only a forward declaration is needed before this point
        } else if (t instanceof ArrayType a) {
            type(a.element());
        } else if (t instanceof StructType s && seen.add(s)) {
            for (Field f : s.fields()) {
                type(f.type());
            }
            ordered.add(s);
        }
    }
}
