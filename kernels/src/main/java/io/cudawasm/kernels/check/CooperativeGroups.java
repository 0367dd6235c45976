package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cooperative-groups types kernels use instead of raw thread indices. A group value carries
 * no data at run time: every member function is lowered from the group's kind (and tile size).
 */
final class CooperativeGroups {
    private CooperativeGroups() {}

    /** A group kind; {@code tileSize} 0 unless a thread_block_tile. */
    record GroupKind(String kind, int tileSize) {}

    private static final Map<String, StructType> TYPES = new HashMap<>();
    private static final Map<StructType, GroupKind> KINDS = new HashMap<>();

    static synchronized StructType groupType(String kind, int tileSize) {
        String name = tileSize > 0 ? "thread_block_tile<" + tileSize + ">" : kind;
        return TYPES.computeIfAbsent(name, n -> {
            StructType s = new StructType("cg::" + n, false, 4);
            s.define(List.of(new Field("_unused", ScalarType.INT, 0)));
            KINDS.put(s, new GroupKind(kind, tileSize));
            return s;
        });
    }

    static synchronized GroupKind kindOf(CType t) {
        return t instanceof StructType s ? KINDS.get(s) : null;
    }

    /** The type for a written cooperative-groups type name, or null when it is not one. */
    static CType type(String name, TypeSyntax.Named use, FunctionContext ctx) {
        switch (name) {
            case "thread_block", "grid_group", "thread_group", "coalesced_group" -> {
                return groupType(name, 0);
            }
            case "thread_block_tile" -> {
                if (use.args().size() != 1 || !(use.args().get(0) instanceof TypeSyntax.ValueArg v)) {
                    throw CompileException.at(use.pos(), "thread_block_tile needs one constant size argument");
                }
                long n = ctx.exprs.constantInteger(v.value(), "tile size");
                if (n <= 0 || n > 32 || Long.bitCount(n) != 1) {
                    throw CompileException.at(use.pos(), "thread_block_tile size must be a power of two up to 32, is " + n);
                }
                return groupType("thread_block_tile", (int) n);
            }
            case "block_tile_memory" -> throw CompileException.at(use.pos(), "cg::block_tile_memory (tiles larger than "
                    + "32 threads) is not supported: partition into tiles of up to 32 threads");
            default -> {
                return null;
            }
        }
    }
}
