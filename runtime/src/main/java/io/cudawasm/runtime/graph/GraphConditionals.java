package io.cudawasm.runtime.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph conditional values one or more launches set, one per handle (the last launch's value wins,
 * as a graph reads each condition after the kernel that set it), ordered by handle as an unsigned
 * number; {@code droppedCalls} counts the calls for handles past a launch's table.
 */
public record GraphConditionals(List<GraphConditional> values, long droppedCalls) {
    public static final GraphConditionals EMPTY = new GraphConditionals(List.of(), 0);

    public GraphConditionals {
        values = List.copyOf(values);
    }

    public boolean isEmpty() {
        return values.isEmpty() && droppedCalls == 0;
    }

    /** These values updated by a later launch's. */
    public GraphConditionals then(GraphConditionals later) {
        if (later.isEmpty()) {
            return this;
        }
        Map<Long, Long> merged = new LinkedHashMap<>();
        for (GraphConditional c : values) {
            merged.put(c.handle(), c.value());
        }
        for (GraphConditional c : later.values) {
            merged.put(c.handle(), c.value());
        }
        return of(merged, droppedCalls + later.droppedCalls);
    }

    static GraphConditionals of(Map<Long, Long> byHandle, long dropped) {
        List<GraphConditional> out = new ArrayList<>();
        byHandle.forEach((h, v) -> out.add(new GraphConditional(h, v)));
        out.sort(Comparator.comparing(GraphConditional::handle, Long::compareUnsigned));
        return new GraphConditionals(out, dropped);
    }

    /** A note for people when calls were dropped, else "". */
    public String note() {
        return droppedCalls == 0 ? "" : droppedCalls + " cudaGraphSetConditional call" + (droppedCalls == 1 ? "" : "s")
                + " for handles past the first " + io.cudawasm.kernels.abi.GraphConditionalAbi.SLOTS
                + " of a launch " + (droppedCalls == 1 ? "was" : "were") + " dropped";
    }
}
