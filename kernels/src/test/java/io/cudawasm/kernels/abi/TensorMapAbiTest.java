package io.cudawasm.kernels.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.abi.TensorMapAbi.Kind;
import io.cudawasm.kernels.abi.TensorMapAbi.Swizzle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The map's bytes: the data type and the swizzle where the device copy reads them, and CUDA's swizzle pattern. */
class TensorMapAbiTest {
    @Test
    void theDataTypeAndTheSwizzleLandInTheirWords() {
        ByteBuffer b = ByteBuffer.wrap(TensorMapAbi.encode(0x1000, 4, Kind.SIGNED, Swizzle.B64, new long[] {64, 8},
                new long[] {256}, new int[] {16, 8})).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Kind.SIGNED.ordinal(), b.getInt(TensorMapAbi.DATA_TYPE));
        assertEquals(2, b.getInt(TensorMapAbi.FLAGS) & TensorMapAbi.SWIZZLE_MASK, "CU_TENSOR_MAP_SWIZZLE_64B is 2");
        // a map made the old way has neither (it copies, but does not reduce)
        ByteBuffer old = ByteBuffer.wrap(TensorMapAbi.encode(0x1000, 4, new long[] {64}, new long[0], new int[] {16}))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, old.getInt(TensorMapAbi.DATA_TYPE));
        assertEquals(0, old.getInt(TensorMapAbi.FLAGS));
    }

    /** Chunk c of 128-byte line r lands at chunk c ^ (r mod 8) (128B), c ^ (r mod 4) (64B), c ^ (r mod 2) (32B). */
    @Test
    void theSwizzleXorsTheChunkWithTheLine() {
        for (long offset = 0; offset < 4096; offset += 4) {
            long line = offset >> 7;
            long chunk = (offset >> 4) & 7;
            for (Swizzle s : Swizzle.values()) {
                long mask = s.repeat() / 128 - 1; // 0, 1, 3, 7
                long expected = (offset & ~0x7FL) | ((chunk ^ (line & mask)) << 4) | (offset & 15);
                assertEquals(expected, TensorMapAbi.swizzle(offset, s), s + " at " + offset);
            }
        }
        assertEquals(256, Swizzle.B32.repeat());
        assertEquals(1024, Swizzle.B128.repeat());
        assertEquals(Swizzle.B128, Swizzle.ofLabel("128b").orElseThrow());
    }
}
