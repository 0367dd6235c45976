package io.cudawasm.runtime.graph;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.GraphConditionalAbi;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.runtime.backend.DeviceSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Collects what kernels set with {@code cudaGraphSetConditional} around launches on any back end,
 * through the session's symbol access: {@link #beforeLaunch} empties the module's table
 * ({@link GraphConditionalAbi}), {@link #afterLaunch} reads it. The graph that would read the values
 * is host code and does not run here; the values go into the job's result for the caller to act on.
 * The table is read defensively: a kernel can overwrite it like any of its memory.
 */
public final class GraphConditionalCollector {
    private GraphConditionalCollector() {}

    /** A collector for this module, or empty when its kernels do not set graph conditionals. */
    public static Optional<GraphConditionalCollector> forModule(CompileResult compiled) {
        return setsConditionals(compiled) ? Optional.of(new GraphConditionalCollector()) : Optional.empty();
    }

    private static boolean setsConditionals(CompileResult compiled) {
        if (compiled.wasm() != null) {
            return compiled.wasm().symbol(GraphConditionalAbi.SYMBOL).isPresent();
        }
        if (compiled.kir() != null) {
            for (KGlobal g : compiled.kir().globals()) {
                if (g.name().equals(GraphConditionalAbi.SYMBOL)) {
                    return true;
                }
            }
        }
        return false;
    }

    public void beforeLaunch(DeviceSession session) {
        session.writeSymbol(GraphConditionalAbi.SYMBOL, 0, new byte[GraphConditionalAbi.WORDS * 4]);
    }

    public GraphConditionals afterLaunch(DeviceSession session) {
        return read(session.readSymbol(GraphConditionalAbi.SYMBOL));
    }

    static GraphConditionals read(byte[] table) {
        ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        long claimed = Integer.toUnsignedLong(b.getInt(0));
        long slots = Math.min(claimed, GraphConditionalAbi.SLOTS);
        Map<Long, Long> byHandle = new LinkedHashMap<>();
        for (int s = 0; s < slots; s++) {
            int at = 4 * (GraphConditionalAbi.HEADER_WORDS + s * GraphConditionalAbi.SLOT_WORDS);
            if (b.getInt(at + 12) != 1) {
                continue; // claimed by a call that raced with the launch's end, or overwritten
            }
            long handle = Integer.toUnsignedLong(b.getInt(at)) | (Integer.toUnsignedLong(b.getInt(at + 4)) << 32);
            byHandle.put(handle, Integer.toUnsignedLong(b.getInt(at + 8)));
        }
        return GraphConditionals.of(byHandle, claimed - slots);
    }
}
