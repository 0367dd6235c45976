package io.cudawasm.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buffer table the GPU sessions share: ownership by session tag, and byte ranges. */
class BufferTableTest {

    @Test
    void handsBackItsOwnHandlesAndRefusesOtherSessionsBuffers() {
        BufferTable<String> first = new BufferTable<>();
        BufferTable<String> second = new BufferTable<>();
        DeviceBuffer a = first.add("a", 16);
        DeviceBuffer b = first.add("b", 32);
        DeviceBuffer foreign = second.add("x", 16);
        assertEquals("a", first.handle(a));
        assertEquals("b", first.handle(b));
        assertEquals(32, b.size());
        assertEquals(a.id(), foreign.id(), "ids restart per session; the tag tells them apart");
        var e = assertThrows(IllegalArgumentException.class, () -> first.handle(foreign));
        assertTrue(e.getMessage().contains("does not belong to this session"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> first.handle(new DeviceBuffer(7, a.address(), 16)));
        assertEquals(List.of("a", "b"), List.copyOf(first.handles()));
        first.clear();
        assertThrows(IllegalArgumentException.class, () -> first.handle(a));
    }

    @Test
    void rangesMustLieInsideTheBuffer() {
        DeviceBuffer b = new BufferTable<String>().add("b", 16);
        BufferTable.checkRange(b, 0, 16);
        BufferTable.checkRange(b, 16, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> BufferTable.checkRange(b, 8, 9));
        assertEquals("range [8, 17) is outside buffer 1 of 16 bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BufferTable.checkRange(b, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> BufferTable.checkRange(b, 0, -1));
    }
}
