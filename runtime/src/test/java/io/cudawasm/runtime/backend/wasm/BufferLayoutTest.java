package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Large buffers start at staggered addresses (no two of the last eight at the same position modulo
 * 1 MiB, 128 KiB apart at least), so streams over buffers of power-of-two sizes do not fall on the
 * same cache sets and memory banks; small ones stay packed. Kernels see nothing of it.
 */
class BufferLayoutTest {
    @Test
    void largeBuffersAreStaggeredAndSmallOnesPacked() {
        try (KernelHarness h = KernelHarness.of("""
                __global__ void add(const float* x, float* y, int n) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) y[i] += x[i];
                }
                """, 2)) {
            int n = (int) (WasmSession.STAGGER_FROM / 4);
            Set<Long> starts = new HashSet<>();
            DeviceBuffer[] large = new DeviceBuffer[3];
            for (int i = 0; i < large.length; i++) {
                large[i] = h.session().allocate(4L * n);
                long mod = large[i].address() % (1 << 20);
                assertEquals(0, mod % (128 << 10), "a multiple of 128 KiB: " + mod);
                assertTrue(starts.add(mod), "a position modulo 1 MiB of its own: " + mod);
            }
            DeviceBuffer small = h.session().allocate(1000);
            DeviceBuffer next = h.session().allocate(1000);
            assertEquals(1024, next.address() - small.address(), "small buffers are packed (256-byte aligned)");
            float[] x = new float[n];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = i % 97;
                y[i] = 0.5f;
            }
            h.session().write(large[0], 0, io.cudawasm.runtime.testing.HostArrays.bytes(x));
            h.session().write(large[2], 0, io.cudawasm.runtime.testing.HostArrays.bytes(y));
            h.launch("add", Dim3.of(n / 256), Dim3.of(256), large[0], large[2], n);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = 0.5f + i % 97;
            }
            assertArrayEquals(expected, h.floats(large[2]));
        }
    }
}
