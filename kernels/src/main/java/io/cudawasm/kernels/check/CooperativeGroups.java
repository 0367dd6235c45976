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
 * The cooperative-groups types kernels use instead of raw thread indices. A block value carries no
 * data at run time, a tile (up to 1024 threads) only its place among its parent's tiles (meta group
 * rank and size, as CUDA's {@code thread_block_tile<N>} keeps them): every other member is lowered
 * from the group's kind and tile size. A coalesced group carries its lanes as a warp mask (hidden fields,
 * {@link CoalescedGroups}); a {@code thread_group} carries its kind too, since any group converts
 * to one ({@link ThreadGroups}).
 */
final class CooperativeGroups {
    private CooperativeGroups() {}

    static final String COALESCED = "coalesced_group";
    /** Hidden fields of a coalesced group ({@code cw_} names are not reachable from the source). */
    static final String MASK = "cw_mask";
    static final String META_RANK = "cw_meta_rank";
    static final String META_SIZE = "cw_meta_size";
    /** A thread_group's kind: CUDA's group ids ({@link ThreadGroups}). */
    static final String KIND = "cw_kind";
    static final String THREAD_GROUP = "thread_group";
    /** The largest tile CUDA allows (a whole block of 1024 threads). */
    static final int MAX_TILE = 1024;

    /** A group kind; {@code tileSize} 0 unless a thread_block_tile. */
    record GroupKind(String kind, int tileSize) {}

    private static final Map<String, StructType> TYPES = new HashMap<>();
    static final StructType TILE_MEMORY = new StructType("cg::block_tile_memory", false, 4);

    static {
        TILE_MEMORY.define(List.of(new Field("_unused", ScalarType.INT, 0)));
    }
    private static final Map<StructType, GroupKind> KINDS = new HashMap<>();

    static synchronized StructType groupType(String kind, int tileSize) {
        String name = tileSize > 0 ? "thread_block_tile<" + tileSize + ">" : kind;
        return TYPES.computeIfAbsent(name, n -> {
            StructType s = new StructType("cg::" + n, false, 4);
            if (kind.equals(COALESCED)) {
                // the lanes of the group, and its place among the groups a partition made
                s.define(List.of(new Field(MASK, ScalarType.UINT, 0), new Field(META_RANK, ScalarType.UINT, 4),
                        new Field(META_SIZE, ScalarType.UINT, 8)));
            } else if (kind.equals(THREAD_GROUP)) {
                // the coalesced fields, and which kind of group the value holds
                s.define(List.of(new Field(MASK, ScalarType.UINT, 0), new Field(META_RANK, ScalarType.UINT, 4),
                        new Field(META_SIZE, ScalarType.UINT, 8), new Field(KIND, ScalarType.UINT, 12)));
            } else if (tileSize > 0) {
                // the tile's place among its parent's tiles, as CUDA's thread_block_tile<N> keeps it
                s.define(List.of(new Field(META_RANK, ScalarType.UINT, 0), new Field(META_SIZE, ScalarType.UINT, 4)));
            } else {
                s.define(List.of(new Field("_unused", ScalarType.INT, 0)));
            }
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
            case "block_tile_memory" -> {
                // the scratch CUDA's tiles of more than 32 threads need before sm_80: accepted and
                // unused (a tile's collectives here need no memory of the user's)
                return TILE_MEMORY;
            }
            case "thread_block", "grid_group", "cluster_group", THREAD_GROUP, COALESCED -> {
                return groupType(name, 0);
            }
            case "thread_block_tile" -> {
                // thread_block_tile<N> or <N, ParentT>: the parent type changes nothing here
                if (use.args().isEmpty() || use.args().size() > 2 || !(use.args().get(0) instanceof TypeSyntax.ValueArg v)) {
                    throw CompileException.at(use.pos(), "thread_block_tile needs one constant size argument");
                }
                long n = ctx.exprs.constantInteger(v.value(), "tile size");
                if (n <= 0 || n > MAX_TILE || Long.bitCount(n) != 1) {
                    throw CompileException.at(use.pos(), "thread_block_tile size must be a power of two up to "
                            + MAX_TILE + ", is " + n);
                }
                return groupType("thread_block_tile", (int) n);
            }
            default -> {
                return null;
            }
        }
    }
}
