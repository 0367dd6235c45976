package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.kir.KirPrinter;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.Index3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * PTX's thread rows run the fast way (kernels' PtxRowShapeTest shows the code) and compute exactly
 * what the general thread loop computes (each kernel also runs under memcheck, which never uses fast
 * rows); where a 64-bit address would wrap onto another one in the CPU path's 32-bit memory, the
 * row's check fails, the general loop runs, and the launch fails at the thread it always failed at,
 * with nothing written. Hand-written PTX in nvcc's shapes: resources ptx/rows.ptx.
 */
class PtxFastRowTest {
    private static final String FILE = "rows.ptx";

    private static KernelHarness harness() {
        return KernelHarness.of(CompileRequest.of(FILE, PtxIntegerAndBitsTest.resource(FILE)), 2);
    }

    /** The kernel IR of one kernel of the module. */
    private static String kir(KernelHarness h, String kernel) {
        String all = KirPrinter.print(h.compiled().kir());
        int at = all.indexOf("kernel void " + kernel + "(");
        int next = all.indexOf("\nkernel ", at + 1);
        return all.substring(at, next < 0 ? all.length() : next);
    }

    /** Runs a kernel on a copy of {@code x} normally and under memcheck; returns the normal result. */
    private static int[] both(KernelHarness h, String kernel, int[] x, Object... scalars) {
        int[][] results = new int[2][];
        for (int pass = 0; pass < 2; pass++) {
            DeviceBuffer b = h.buffer(x);
            Object[] args = new Object[scalars.length + 1];
            args[0] = b;
            System.arraycopy(scalars, 0, args, 1, scalars.length);
            h.launch(kernel, LaunchConfig.of(Dim3.of(1), Dim3.of(32)), LaunchOptions.DEFAULT.withMemcheck(pass == 1),
                    args);
            results[pass] = h.ints(b);
        }
        assertArrayEquals(results[1], results[0], kernel + ": the fast rows leave what the general loop leaves");
        return results[0];
    }

    /** The launch fails with OUT_OF_BOUNDS at thread {@code thread} of block 0, and x keeps its bytes. */
    private static void faultsAt(KernelHarness h, String kernel, int thread, Object... scalars) {
        int[] before = new int[64];
        Arrays.fill(before, -1);
        DeviceBuffer x = h.buffer(before);
        Object[] args = new Object[scalars.length + 1];
        args[0] = x;
        System.arraycopy(scalars, 0, args, 1, scalars.length);
        LaunchException e = assertThrows(LaunchException.class, () -> h.launch(kernel, Dim3.of(1), Dim3.of(32), args));
        assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
        assertNotNull(e.location(), e.getMessage());
        assertEquals(new Index3(thread, 0, 0), e.location().threadIdx(), e.getMessage());
        assertArrayEquals(before, h.ints(x), "nothing was written through a wrapped address");
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    @Test
    void wideIndicesRunTheRowsAndTheirWrapsFault() {
        try (KernelHarness h = harness()) {
            int[] x = filled(64);
            int[] expected = x.clone();
            for (int t = 3; t < 32; t++) {
                expected[t] = t;
            }
            assertArrayEquals(expected, both(h, "wrapIndex", x, 3, 0));
            expected = x.clone();
            for (int t = 5; t < 32; t++) {
                expected[t - 5] = t;
            }
            assertArrayEquals(expected, both(h, "wrapIndex", x, 5, -5));
            // thread 4 (the first past the guard) indexes 2^30: byte offset 2^32, whose low half is x[0]
            faultsAt(h, "wrapIndex", 4, 4, (1 << 30) - 4);
            // and -2^30, 2^32 before x
            faultsAt(h, "wrapIndex", 4, 4, -(1 << 30) - 4);
            // threads 0..19 lie past 2^31 anyway, thread 20 would land on x[0]: the first one faults
            faultsAt(h, "wrapIndex", 0, 0, (1 << 30) - 20);
            // no thread passes the guard: nothing is accessed, nothing faults
            assertArrayEquals(x, both(h, "wrapIndex", x, 32, (1 << 30) - 4));
        }
    }

    @Test
    void sixtyFourBitConstantsInAnAddressWrapModulo2To64AndFaultOtherwise() {
        try (KernelHarness h = harness()) {
            int[] x = filled(64);
            int[] expected = x.clone();
            for (int t = 0; t < 32; t++) {
                expected[t] = t;
            }
            // + 2^32 - 2^32: the true address is x + 4 tid
            assertArrayEquals(expected, both(h, "wrapConstant", x, -(1L << 32)));
            // + 2^32 (the low half is x + 4 tid) and + 2^33: every thread is out of the memory
            faultsAt(h, "wrapConstant", 0, 0L);
            faultsAt(h, "wrapConstant", 0, 1L << 32);
        }
    }

    @Test
    void anIndexSteppedByAnotherLoopsSteppedRegisterKeepsItsValues() {
        try (KernelHarness h = harness()) {
            String kir = kir(h, "nestedSteps");
            assertTrue(kir.contains("r7_start") && kir.contains("r5_start"), "both steps rewritten:\n" + kir);
            assertFalse(Pattern.compile("r[57]_\\d+ = ").matcher(kir).find(), "and no longer stepped:\n" + kir);
            for (int[] nm : new int[][] {{0, 5}, {3, 0}, {1, 1}, {4, 6}, {9, 2000}}) {
                int[] expected = new int[32];
                for (int tid = 0; tid < 32; tid++) {
                    int sum = 0;
                    int c = 7;
                    for (int u = 0; u < nm[0]; u++) {
                        int x = tid;
                        for (int t = 0; t < nm[1]; t++) {
                            sum += x;
                            x += c;
                        }
                        c += 3;
                    }
                    expected[tid] = sum;
                }
                assertArrayEquals(expected, both(h, "nestedSteps", new int[32], nm[0], nm[1]),
                        "n " + nm[0] + ", m " + nm[1]);
            }
        }
    }

    @Test
    void aStrengthReducedTileLoopComputesWhatItsSourceDoes() {
        try (KernelHarness h = harness()) {
            String kir = kir(h, "tileSum");
            assertTrue(kir.contains("r8_start"), "the stepped index is written from the trip count:\n" + kir);
            assertFalse(Pattern.compile("r8_\\d+ = ").matcher(kir).find(), "and no longer stepped:\n" + kir);
            int blocks = 16;
            int threads = 256;
            for (int trips : new int[] {0, 1, 3}) {
                float[] in = new float[Math.max(1, trips) * 4096];
                SplittableRandom r = new SplittableRandom(trips);
                for (int i = 0; i < in.length; i++) {
                    in[i] = (float) r.nextDouble(-1, 1);
                }
                float[] expected = new float[blocks * threads];
                for (int i = 0; i < expected.length; i++) {
                    float sum = 0.0f;
                    for (int t = 0; t < trips; t++) {
                        sum += i % threads == 0 ? 0.0f : in[i - 1 + 4096 * t];
                    }
                    expected[i] = sum;
                }
                float[][] got = new float[2][];
                for (int pass = 0; pass < 2; pass++) {
                    DeviceBuffer out = h.buffer(new float[expected.length]);
                    h.launch("tileSum", LaunchConfig.of(Dim3.of(blocks), Dim3.of(threads)),
                            LaunchOptions.DEFAULT.withMemcheck(pass == 1), h.buffer(in), out, trips);
                    got[pass] = h.floats(out);
                }
                assertArrayEquals(expected, got[0], "trips " + trips);
                assertArrayEquals(expected, got[1], "trips " + trips + ", memcheck");
            }
        }
    }
}
