package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hand-written PTX (resources ptx/*.ptx) for the memory, atomic, warp, barrier, approximate-math
 * and control-flow families, on the Wasm path, against Java references.
 */
class PtxParallelAndMemoryTest {
    private static final long M = 0xFFFF_FFFFL;

    private static KernelHarness harness(String file) {
        return KernelHarness.of(CompileRequest.of(file, PtxIntegerAndBitsTest.resource(file)), 2);
    }

    /** ld.param (pointers, a by-value struct, a float), global .nc vector loads, shared, local, const, generic. */
    @Test
    void loadsAndStoresPerStateSpace() {
        int threads = 64;
        int[] in = PtxCorpus.ints(threads * 4, 3, 1 << 30);
        byte[] struct = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(1000).putInt(3).putLong(1L << 40)
                .array();
        int[] out;
        try (KernelHarness h = harness("memory.ptx")) {
            DeviceBuffer input = h.buffer(in);
            DeviceBuffer output = h.buffer(new int[threads * 10]);
            h.launch("memory", Dim3.of(1), Dim3.of(threads), input, output, struct, 0.5f);
            out = h.ints(output);
        }
        int[] table = {10, 20, 30, 40};
        for (int t = 0; t < threads; t++) {
            int nb = (t + 1) % threads;
            int k = t & 3;
            long wide = (in[t * 4 + 1] & M) + (1L << 40);
            int[] want = {in[nb * 4 + 2], in[nb * 4 + 3], in[t * 4 + 3 - k], table[k] + 1000, 3 * t,
                Float.floatToRawIntBits((float) (in[t * 4] & M) * 0.5f), (int) wide, (int) (wide >>> 32), in[t * 4 + 1], 0};
            assertArrayEquals(want, Arrays.copyOfRange(out, t * 10, t * 10 + 10), "thread " + t);
        }
    }

    /** atom (add, min, max, exch, cas, and, or, inc; u32, f32, u64) and red on global and shared memory. */
    @Test
    void atomicsOnGlobalAndSharedMemory() {
        int blocks = 4;
        int threads = 128;
        int total = blocks * threads;
        int[] ints;
        int[] tickets;
        float[] floats;
        long[] longs;
        try (KernelHarness h = harness("atomics.ptx")) {
            DeviceBuffer i = h.buffer(new int[] {0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 0, -1, 0, 0, 0, 0});
            DeviceBuffer tk = h.buffer(new int[total]);
            DeviceBuffer f = h.buffer(new float[1]);
            DeviceBuffer l = h.buffer(new long[1]);
            h.launch("atomics", Dim3.of(blocks), Dim3.of(threads), i, tk, f, l);
            ints = h.ints(i);
            tickets = h.ints(tk);
            floats = h.floats(f);
            longs = h.longs(l);
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        long sum = 0;
        for (int g = 0; g < total; g++) {
            int v = (g * 7919) % 1000 - 500;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += g;
        }
        assertEquals(total, ints[0], "atom.add");
        assertEquals(min, ints[1], "atom.min.s32");
        assertEquals(max, ints[2], "atom.max.s32");
        assertTrue(ints[3] >= 0 && ints[3] < total, "atom.exch leaves one thread's value: " + ints[3]);
        assertEquals(1, ints[4], "exactly one atom.cas succeeds");
        assertTrue(ints[5] >= 1 && ints[5] <= total, "atom.cas stored the winner's value: " + ints[5]);
        assertEquals(0, ints[6], "atom.and");
        assertEquals(0x7FFF_FFFF, ints[7], "atom.or");
        assertEquals(total % 101, ints[8], "atom.inc wraps to 0 past its limit");
        assertEquals((int) sum, ints[9], "red.add");
        assertEquals(blocks * (threads * (threads - 1) / 2), ints[10], "atom.shared.add totals, read after bar.sync");
        Arrays.sort(tickets);
        for (int g = 0; g < total; g++) {
            assertEquals(g, tickets[g], "every atom.add return value handed out once");
        }
        assertEquals(total * 0.5f, floats[0], "atom.add.f32");
        assertEquals((long) total << 33, longs[0], "atom.add.u64");
    }

    /** shfl.sync idx/up/down/bfly, vote.sync ballot/all/any and activemask, over two warps of two blocks. */
    @Test
    void warpShufflesAndVotes() {
        int blocks = 2;
        int threads = 64;
        int total = blocks * threads;
        int[] v = PtxCorpus.ints(total, 4, 100);
        int[] out;
        try (KernelHarness h = harness("warp.ptx")) {
            DeviceBuffer input = h.buffer(v);
            DeviceBuffer output = h.buffer(new int[total * 8]);
            h.launch("warp", Dim3.of(blocks), Dim3.of(threads), input, output);
            out = h.ints(output);
        }
        for (int g = 0; g < total; g++) {
            int lane = g & 31;
            int base = g - lane;
            int ballot = 0;
            for (int l = 0; l < 32; l++) {
                ballot |= (v[base + l] & 1) << l;
            }
            int[] want = {v[base + 5], lane >= 1 ? v[g - 1] : v[g], lane + 2 <= 31 ? v[g + 2] : v[g], v[base + (lane ^ 3)],
                ballot, ballot == -1 ? 1 : 0, ballot != 0 ? 1 : 0, -1};
            assertArrayEquals(want, Arrays.copyOfRange(out, g * 8, g * 8 + 8), "thread " + g);
        }
    }

    /**
     * The approximate instructions within the error the PTX ISA documents for them (relative to
     * the exact value in double): ex2.approx 2 ulp; lg2.approx 2^-22.6 absolute (or 1 ulp of a
     * larger result); sin/cos.approx 2^-20.5 absolute in [-100pi, 100pi]; rsqrt.approx 2 ulp;
     * rcp.approx and sqrt.approx 1 ulp; div.approx and div.full 2 ulp; tanh.approx 2^-10.987
     * relative. The CPU path computes them with the accurate functions, far inside these bounds.
     */
    @Test
    void approximateMathWithinDocumentedBounds() {
        int threads = 128;
        float[] x = new float[threads];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < threads; i++) {
            x[i] = (float) (r.nextDouble() * 100 - 50);
        }
        x[0] = 1;
        x[1] = -1;
        x[2] = 0.5f;
        x[3] = 1e-3f;
        float[] out;
        try (KernelHarness h = harness("approx.ptx")) {
            DeviceBuffer input = h.buffer(x);
            DeviceBuffer output = h.buffer(new float[threads * 10]);
            h.launch("approx", Dim3.of(1), Dim3.of(threads), input, output);
            out = h.floats(output);
        }
        for (int t = 0; t < threads; t++) {
            double v = x[t];
            double a = (float) (Math.abs(x[t]) + 0.001f);
            String at = "x = " + x[t];
            ulps(Math.pow(2, v), out[t * 10], 2, "ex2.approx " + at);
            double lg = Math.log(a) / Math.log(2);
            assertTrue(Math.abs(out[t * 10 + 1] - lg) <= Math.max(Math.pow(2, -22.6), Math.ulp((float) lg)),
                    "lg2.approx " + at + ": " + out[t * 10 + 1] + " vs " + lg);
            assertTrue(Math.abs(out[t * 10 + 2] - Math.sin(v)) <= Math.pow(2, -20.5), "sin.approx " + at);
            assertTrue(Math.abs(out[t * 10 + 3] - Math.cos(v)) <= Math.pow(2, -20.5), "cos.approx " + at);
            ulps(1 / Math.sqrt(a), out[t * 10 + 4], 2, "rsqrt.approx " + at);
            ulps(1 / v, out[t * 10 + 5], 1, "rcp.approx " + at);
            ulps(Math.sqrt(a), out[t * 10 + 6], 1, "sqrt.approx " + at);
            ulps(v / 3, out[t * 10 + 7], 2, "div.approx " + at);
            double th = Math.tanh(v);
            assertTrue(Math.abs(out[t * 10 + 8] - th) <= Math.pow(2, -10.987) * Math.abs(th), "tanh.approx " + at);
            ulps(v / 3, out[t * 10 + 9], 2, "div.full " + at);
        }
    }

    private static void ulps(double exact, float got, int n, String what) {
        double err = Math.abs(got - exact) / Math.ulp((float) exact);
        assertTrue(err <= n, what + ": " + got + " vs " + exact + " (" + err + " ulp, bound " + n + ")");
    }

    /** Early exit, a loop with two exits, nested if/else, nested loops with a break out of both, predication. */
    @Test
    void controlFlowShapes() {
        int threads = 128;
        int n = 100;
        int[] v = PtxCorpus.ints(threads, 6, 601);
        for (int i = 0; i < threads; i++) {
            v[i] -= 300;
        }
        int[] fixed = {0, 1, -1, 100, 101, -100, -101, 27, 15, -16};
        System.arraycopy(fixed, 0, v, 0, fixed.length);
        int[] out;
        try (KernelHarness h = harness("control.ptx")) {
            DeviceBuffer input = h.buffer(v);
            DeviceBuffer output = h.buffer(new int[threads * 4]);
            h.launch("control", Dim3.of(1), Dim3.of(threads), input, output, n);
            out = h.ints(output);
        }
        for (int t = 0; t < threads; t++) {
            int[] want = t >= n ? new int[4] : control(v[t], t);
            assertArrayEquals(want, Arrays.copyOfRange(out, t * 4, t * 4 + 4), "thread " + t + " v = " + v[t]);
        }
    }

    private static int[] control(int v, int tid) {
        int x = Math.abs(v) % 1000 + 1;
        int steps = 0;
        while (x != 1 && steps < 100) {
            x = (x & 1) != 0 ? 3 * x + 1 : x >>> 1;
            steps++;
        }
        int cls = v < 0 ? (v < -100 ? -2 : -1) : v == 0 ? 0 : v > 100 ? 2 : 1;
        int limit = (v & 15) + 1;
        int sum = 0;
        outer:
        for (int i = 0; i < limit; i++) {
            int j = 0;
            do {
                sum += i ^ j;
                if (sum > 150) {
                    break outer;
                }
                j++;
            } while (j <= i);
        }
        int r = v;
        if (tid >= 16) {
            r = r * 5 + 3;
            r -= 1;
        } else {
            r ^= 255;
        }
        return new int[] {steps, cls, sum, r};
    }
}
