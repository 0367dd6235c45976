package io.cudawasm.runtime.backend.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checked mode: tolerances in ulp, and a differing back end is caught. */
class CheckedRunTest {

    @Test
    void ulpDistances() {
        assertEquals(0, UlpDistance.of(1.0f, 1.0f));
        assertEquals(1, UlpDistance.of(1.0f, Math.nextUp(1.0f)));
        assertEquals(2, UlpDistance.of(Math.nextDown(0.0f), Math.nextUp(0.0f)));
        assertEquals(0, UlpDistance.of(0.0f, -0.0f));
        assertEquals(0, UlpDistance.of(Float.NaN, Float.NaN));
        assertEquals(Long.MAX_VALUE, UlpDistance.of(Float.NaN, 1.0f));
        assertEquals(3, UlpDistance.of(2.0, Math.nextUp(Math.nextUp(Math.nextUp(2.0)))));
        assertEquals(Long.MAX_VALUE, UlpDistance.of(Double.MAX_VALUE, -Double.MAX_VALUE));
    }

    @Test
    void floatsWithinTheToleranceIntegersExactly() {
        byte[] a = CaseBuilder.bytes(new float[] {1.0f, 2.0f});
        byte[] b = CaseBuilder.bytes(new float[] {Math.nextUp(1.0f), 2.0f});
        assertFalse(BufferComparison.of("x", ElementType.F32, a, b, Tolerance.exact(), "a", "b").passed());
        BufferComparison one = BufferComparison.of("x", ElementType.F32, a, b, Tolerance.ulps(1), "a", "b");
        assertTrue(one.passed());
        assertEquals(1, one.maxUlps());
        BufferComparison ints = BufferComparison.of("n", ElementType.I32, CaseBuilder.bytes(new int[] {1, 2}),
                CaseBuilder.bytes(new int[] {1, 3}), Tolerance.ulps(100), "a", "b");
        assertEquals(1, ints.mismatches());
        assertTrue(ints.format().contains("[1] a=2 b=3"), ints.format());
    }

    /** A back end whose reads come back with one element changed: what checked mode must catch. */
    private record Skewed(Backend inner) implements Backend {
        @Override
        public String name() {
            return "skewed";
        }

        @Override
        public String device() {
            return "test";
        }

        @Override
        public DeviceSession open(CompileResult compiled) {
            DeviceSession s = inner.open(compiled);
            return new DeviceSession() {
                public DeviceBuffer allocate(long bytes) {
                    return s.allocate(bytes);
                }

                public void write(DeviceBuffer buffer, long offset, byte[] data) {
                    s.write(buffer, offset, data);
                }

                public byte[] read(DeviceBuffer buffer, long offset, int length) {
                    byte[] b = s.read(buffer, offset, length);
                    b[0] ^= 1;
                    return b;
                }

                public void writeSymbol(String symbol, long offset, byte[] data) {
                    s.writeSymbol(symbol, offset, data);
                }

                public byte[] readSymbol(String symbol) {
                    return s.readSymbol(symbol);
                }

                public LaunchStats launch(String kernel, LaunchConfig config, List<KernelArg> args,
                        LaunchOptions options) {
                    return s.launch(kernel, config, args, options);
                }

                public void close() {
                    s.close();
                }
            };
        }
    }

    @Test
    void aDifferenceBetweenBackEndsFailsTheCheck() {
        KernelCase saxpy = BundledKernelCases.saxpy();
        CompileResult compiled = saxpy.compile();
        Backend wasm = KernelHarness.backend(1);
        CheckedRun.Result same = CheckedRun.check(wasm, wasm, compiled, saxpy.launch(), Tolerance.exact());
        assertTrue(same.passed(), same.format());
        CheckedRun.Result skewed = CheckedRun.check(wasm, new Skewed(wasm), compiled, saxpy.launch(), Tolerance.ulps(0));
        assertFalse(skewed.passed());
        assertTrue(skewed.format().contains("y (100000 x f32): 1 differ"), skewed.format());
    }
}
