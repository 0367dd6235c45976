package io.cudawasm.runtime.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bundled kernel on the CPU path against a plain-Java reference of the same algorithm,
 * with one and with two worker threads. The Wasm path neither contracts a*b+c into an FMA nor
 * reorders arithmetic, so the results are bit-identical to Java's.
 */
class ExampleKernelsTest {

    private static KernelHarness harness(String name, int threads) {
        return KernelHarness.of(CompileRequest.of(name + ".cu", KernelLibrary.source(name).orElseThrow()), threads);
    }

    private static KernelHarness harness(String name, int threads, Map<String, String> defines) {
        return KernelHarness.of(CompileRequest.of(name + ".cu", KernelLibrary.source(name).orElseThrow())
                .withDefines(defines), threads);
    }

    private static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void vectorAdd(int threads) {
        int n = 50_001;
        float[] a = randomFloats(n, 1);
        float[] b = randomFloats(n, 2);
        try (KernelHarness h = harness("vector_add", threads)) {
            DeviceBuffer da = h.buffer(a);
            DeviceBuffer db = h.buffer(b);
            DeviceBuffer dc = h.buffer(new float[n]);
            h.launch("vectorAdd", Dim3.of((n + 255) / 256), Dim3.of(256), da, db, dc, n);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = a[i] + b[i];
            }
            assertArrayEquals(expected, h.floats(dc));
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void saxpy(int threads) {
        int n = 100_000;
        float[] x = randomFloats(n, 3);
        float[] y = randomFloats(n, 4);
        float a = 2.5f;
        try (KernelHarness h = harness("saxpy", threads)) {
            DeviceBuffer dx = h.buffer(x);
            DeviceBuffer dy = h.buffer(y);
            h.launch("saxpy", Dim3.of((n + 255) / 256), Dim3.of(256), n, a, dx, dy);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = a * x[i] + y[i];
            }
            assertArrayEquals(expected, h.floats(dy));
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void elementwise2d(int threads) {
        int width = 300;
        int height = 77;
        int pitch = 320;
        float[] in = randomFloats(pitch * height, 5);
        float[] out = new float[pitch * height];
        float scale = 3.0f;
        float shift = 0.25f;
        float lo = -1.5f;
        float hi = 2.0f;
        try (KernelHarness h = harness("elementwise_2d", threads)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer dout = h.buffer(out);
            h.launch("scale_shift_2d", new Dim3((width + 15) / 16, (height + 15) / 16, 1), new Dim3(16, 16, 1),
                    din, dout, width, height, pitch, scale, shift, lo, hi);
            float[] expected = new float[pitch * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float v = in[y * pitch + x] * scale + shift;
                    expected[y * pitch + x] = Math.min(Math.max(v, lo), hi);
                }
            }
            assertArrayEquals(expected, h.floats(dout), "the padding columns must stay untouched, too");
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void naiveMatmul(int threads) {
        int m = 67;
        int n = 45;
        int k = 33;
        float[] a = randomFloats(m * k, 6);
        float[] b = randomFloats(k * n, 7);
        try (KernelHarness h = harness("matmul_naive", threads)) {
            DeviceBuffer da = h.buffer(a);
            DeviceBuffer db = h.buffer(b);
            DeviceBuffer dc = h.buffer(new float[m * n]);
            h.launch("matmul", new Dim3((n + 15) / 16, (m + 15) / 16, 1), new Dim3(16, 16, 1), da, db, dc, m, n, k);
            float[] expected = new float[m * n];
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    float sum = 0.0f;
                    for (int q = 0; q < k; q++) {
                        sum += a[r * k + q] * b[q * n + c];
                    }
                    expected[r * n + c] = sum;
                }
            }
            assertArrayEquals(expected, h.floats(dc));
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void polybenchGemmWithDefines(int threads) {
        int ni = 48;
        int nj = 40;
        int nk = 36;
        float alpha = 1.5f;
        float beta = 0.75f;
        float[] a = randomFloats(ni * nk, 8);
        float[] b = randomFloats(nk * nj, 9);
        float[] c = randomFloats(ni * nj, 10);
        try (KernelHarness h = harness("gemm_polybench", threads,
                Map.of("NI", Integer.toString(ni), "NJ", Integer.toString(nj), "NK", Integer.toString(nk)))) {
            DeviceBuffer da = h.buffer(a);
            DeviceBuffer db = h.buffer(b);
            DeviceBuffer dc = h.buffer(c);
            h.launch("gemm_kernel", new Dim3((nj + 31) / 32, (ni + 7) / 8, 1), new Dim3(32, 8, 1), alpha, beta, da, db, dc);
            float[] expected = c.clone();
            for (int i = 0; i < ni; i++) {
                for (int j = 0; j < nj; j++) {
                    expected[i * nj + j] *= beta;
                    for (int q = 0; q < nk; q++) {
                        expected[i * nj + j] += alpha * a[i * nk + q] * b[q * nj + j];
                    }
                }
            }
            assertArrayEquals(expected, h.floats(dc));
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void particlesWithStructsByPointerAndValue(int threads) {
        int n = 1000;
        int steps = 40;
        float gravity = 9.81f;
        float drag = 0.1f;
        float restitution = 0.8f;
        float dt = 0.01f;
        SplittableRandom r = new SplittableRandom(11);
        ByteBuffer ps = ByteBuffer.allocate(n * 32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < 7; f++) {
                ps.putFloat(i * 32 + f * 4, f == 6 ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() * 4 - 1));
            }
            ps.putInt(i * 32 + 28, 0);
        }
        byte[] input = ps.array().clone();
        ByteBuffer prm = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(gravity).putFloat(drag).putFloat(restitution).putFloat(dt);
        try (KernelHarness h = harness("particles", threads)) {
            DeviceBuffer dps = h.buffer(input);
            h.launch("update_particles", Dim3.of((n + 127) / 128), Dim3.of(128), dps, n, prm.array(), steps);
            ByteBuffer got = ByteBuffer.wrap(h.read(dps)).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
            int totalBounces = 0;
            for (int i = 0; i < n; i++) {
                float x = in.getFloat(i * 32);
                float y = in.getFloat(i * 32 + 4);
                float z = in.getFloat(i * 32 + 8);
                float vx = in.getFloat(i * 32 + 12);
                float vy = in.getFloat(i * 32 + 16);
                float vz = in.getFloat(i * 32 + 20);
                float mass = in.getFloat(i * 32 + 24);
                int bounces = 0;
                for (int s = 0; s < steps; s++) {
                    float k = 1.0f - drag * dt / mass;
                    vx *= k;
                    vy = vy * k - gravity * dt;
                    vz *= k;
                    x += vx * dt;
                    y += vy * dt;
                    z += vz * dt;
                    if (y < 0.0f) {
                        y = -y;
                        vy = -vy * restitution;
                        bounces++;
                    }
                }
                float[] expected = {x, y, z, vx, vy, vz, mass};
                for (int f = 0; f < 7; f++) {
                    assertEquals(expected[f], got.getFloat(i * 32 + f * 4), "particle " + i + " field " + f);
                }
                assertEquals(bounces, got.getInt(i * 32 + 28), "bounces of particle " + i);
                totalBounces += bounces;
            }
            org.junit.jupiter.api.Assertions.assertTrue(totalBounces > 0, "the test data must exercise the bounce");
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void doublePrecisionWithConstantMemory(int threads) {
        int n = 20_000;
        double[] x = new double[n];
        SplittableRandom r = new SplittableRandom(12);
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() * 8 - 4;
        }
        double[] coeffs = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125, 0.015625, -0.0078125};
        try (KernelHarness h = harness("double_poly", threads)) {
            DeviceBuffer dx = h.buffer(x);
            DeviceBuffer dy = h.buffer(new double[n]);
            h.launch("double_poly", Dim3.of((n + 255) / 256), Dim3.of(256), dx, dy, (long) n);
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) {
                double p = coeffs[7];
                for (int k = 6; k >= 0; --k) {
                    p = p * x[i] + coeffs[k];
                }
                expected[i] = Math.sqrt(Math.abs(p)) + x[i] / 3.0;
            }
            assertArrayEquals(expected, h.doubles(dy));
        }
    }

    @org.junit.jupiter.api.Test
    void everyBundledKernelIsCoveredHere() {
        assertEquals(List.of("vector_add", "saxpy", "elementwise_2d", "matmul_naive", "gemm_polybench", "particles",
                "double_poly"), KernelLibrary.names());
    }
}
