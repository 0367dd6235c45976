package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.*;

import io.cudawasm.runtime.launch.*;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import org.junit.jupiter.api.Test;

class ScratchOobTest {
    static final String SRC = """
            __global__ void wrapWrite(int* x) { x[1 << 30] = 7; }
            __global__ void wrapRead(int* x, int* out) { out[0] = x[(size_t)1 << 40]; }
            __global__ void negWrite(int* x) { x[-(1 << 30)] = 7; }
            __global__ void nullWrite(int* x) { x[threadIdx.x] = 7; }
            __global__ void fill(int* x) { x[threadIdx.x] = 7; }
            """;

    @Test
    void run() {
        try (KernelHarness h = KernelHarness.of(SRC, 2)) {
            DeviceBuffer x = h.buffer(new int[4]);
            DeviceBuffer out = h.buffer(new int[4]);
            for (Object[] c : new Object[][] {{"wrapWrite", new Object[] {x}}, {"wrapRead", new Object[] {x, out}},
                    {"negWrite", new Object[] {x}}, {"nullWrite", new Object[] {0}}}) {
                LaunchException e = assertThrows(LaunchException.class, () -> h.launch((String) c[0], Dim3.of(1), Dim3.of(4), (Object[]) c[1]));
                System.out.println(c[0] + ": " + e.failure() + " " + e.getMessage() + " " + e.location());
            }
            h.launch("fill", Dim3.of(1), Dim3.of(4), x);
            System.out.println(java.util.Arrays.toString(h.ints(x)));
            System.out.println(h.compiled().wasm().text().substring(0, 3000));
        }
    }
}
