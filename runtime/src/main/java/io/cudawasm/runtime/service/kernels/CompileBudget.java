package io.cudawasm.runtime.service.kernels;

import io.cudawasm.kernels.CompileRequest;
import java.util.Map;

/** The heap a compile is allowed to reserve from the compile pool's budget, from its input size. */
final class CompileBudget {
    /** Fixed part of every compile (symbol tables, built-in headers, Chicory's validation). */
    static final long BASE_BYTES = 8L << 20;
    /** Heap per byte of source: tokens, AST, KIR and the emitted module together stay below this. */
    static final long BYTES_PER_SOURCE_BYTE = 256;

    private CompileBudget() {}

    static long heapBytes(CompileRequest r) {
        long text = utf16Bytes(r.source());
        for (String h : r.headers().values()) {
            text += utf16Bytes(h);
        }
        for (Map.Entry<String, String> d : r.defines().entrySet()) {
            text += utf16Bytes(d.getKey()) + utf16Bytes(d.getValue());
        }
        return BASE_BYTES + BYTES_PER_SOURCE_BYTE * text;
    }

    /** A stored entry: bounded by its stored request, which is the source it was compiled from. */
    static long heapBytes(Map<String, byte[]> artifacts) {
        byte[] request = artifacts.get(KernelArtifacts.REQUEST);
        return BASE_BYTES + BYTES_PER_SOURCE_BYTE * (request == null ? 0 : request.length);
    }

    private static long utf16Bytes(String s) {
        return s == null ? 0 : (long) s.length() * 2;
    }
}
