package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.launch.FaultLocation;
import io.cudawasm.runtime.launch.Index3;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.MemoryViolation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a kernel faulted and what memcheck found, as the JSON of an error's {@code details}:
 * {@code location} ({@code kernel, file, line, column, blockIdx {x,y,z}, threadIdx {x,y,z}}, the
 * unknown ones left out) and {@code violations} (each with {@code access, bytes, address} as hex,
 * {@code bufferKind, buffer, offset, bufferBytes, location, message}).
 */
final class FaultDetails {
    private FaultDetails() {}

    static Map<String, Object> of(LaunchException e) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (e.location() != null) {
            out.put("location", location(e.location()));
        }
        if (!e.violations().isEmpty()) {
            out.put("violations", e.violations().stream().map(FaultDetails::violation).toList());
        }
        return out;
    }

    static Map<String, Object> location(FaultLocation l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", l.kernel());
        putIfKnown(m, "file", l.file());
        putIfKnown(m, "line", l.line());
        putIfKnown(m, "column", l.column());
        putIfKnown(m, "blockIdx", index(l.blockIdx()));
        putIfKnown(m, "threadIdx", index(l.threadIdx()));
        return m;
    }

    private static Map<String, Object> violation(MemoryViolation v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access", v.access().name());
        m.put("bytes", v.bytes());
        m.put("address", "0x" + Long.toHexString(v.address()));
        m.put("bufferKind", v.bufferKind().name());
        putIfKnown(m, "buffer", v.buffer());
        putIfKnown(m, "offset", v.offset());
        putIfKnown(m, "bufferBytes", v.bufferBytes());
        m.put("location", location(v.location()));
        m.put("message", v.describe());
        return m;
    }

    private static Map<String, Integer> index(Index3 i) {
        if (i == null) {
            return null;
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("x", i.x());
        m.put("y", i.y());
        m.put("z", i.z());
        return m;
    }

    private static void putIfKnown(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
