package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The builds a host row (block copies, vector trees, grid rows) must agree with: the vector build
 * itself, the back end whose rows stay on the kernel's own code, and the memcheck build of each
 * (which has no fast rows at all).
 */
record HostRowBuilds(KernelHarness vector, WasmBackend rowsOff, KernelHarness scalar) implements AutoCloseable {
    /** {@code source} on {@code workers} workers with host rows, and the same compiled module on a back end without. */
    static HostRowBuilds of(String source, int workers) {
        KernelHarness vector = KernelHarness.of(source, workers);
        WasmBackend rowsOff = new WasmBackend(workers, false, false);
        return new HostRowBuilds(vector, rowsOff, KernelHarness.of(vector.compiled(), rowsOff));
    }

    @Override
    public void close() {
        scalar.close();
        rowsOff.close();
        vector.close();
    }

    /**
     * Runs {@code launch} (which returns what it read back: an {@code int[]}, {@code long[]} or
     * {@code byte[]}) on {@code vector} and {@code scalar}, each with and without memcheck, and asserts
     * every result is {@code expected}.
     */
    static void agree(KernelHarness vector, KernelHarness scalar, Object expected, String at,
            BiFunction<KernelHarness, LaunchOptions, Object> launch) {
        for (KernelHarness h : List.of(vector, scalar)) {
            for (boolean memcheck : new boolean[] {false, true}) {
                Object got = launch.apply(h, LaunchOptions.DEFAULT.withMemcheck(memcheck));
                String where = at + (h == vector ? " vector" : " scalar") + (memcheck ? " memcheck" : "");
                if (expected instanceof int[] e) {
                    assertArrayEquals(e, (int[]) got, where);
                } else if (expected instanceof long[] e) {
                    assertArrayEquals(e, (long[]) got, where);
                } else {
                    assertArrayEquals((byte[]) expected, (byte[]) got, where);
                }
            }
        }
    }
}
