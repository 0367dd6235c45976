package io.cudawasm.runtime.backend.check;

import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.launch.Dim3;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every kernel of {@link KernelLibrary} as a {@link KernelCase} with a plain-Java reference of the
 * same algorithm. The references compute in the kernel's order without fused multiply-adds, so a
 * back end that keeps contraction off (Wasm, OpenCL with FP_CONTRACT OFF, CUDA with -fmad=false)
 * matches them bit for bit.
 */
public final class BundledKernelCases {
    private BundledKernelCases() {}

    public static List<KernelCase> all() {
        return List.of(vectorAdd(), saxpy(), elementwise2d(), matmulNaive(), gemmPolybench(), particles(), doublePoly());
    }

    private static String source(String name) {
        return KernelLibrary.source(name).orElseThrow();
    }

    private static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    static KernelCase vectorAdd() {
        int n = 50_001;
        float[] a = randomFloats(n, 1);
        float[] b = randomFloats(n, 2);
        float[] c = new float[n];
        for (int i = 0; i < n; i++) {
            c[i] = a[i] + b[i];
        }
        return CaseBuilder.of("vector_add", "vector_add.cu", source("vector_add")).kernel("vectorAdd")
                .launch(Dim3.of((n + 255) / 256), Dim3.of(256)).in("A", a).in("B", b).out("C", new float[n], c)
                .scalar(n).build();
    }

    public static KernelCase saxpy() {
        int n = 100_000;
        float[] x = randomFloats(n, 3);
        float[] y = randomFloats(n, 4);
        float a = 2.5f;
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = a * x[i] + y[i];
        }
        return CaseBuilder.of("saxpy", "saxpy.cu", source("saxpy")).kernel("saxpy")
                .launch(Dim3.of((n + 255) / 256), Dim3.of(256)).scalar(n).scalar(a).in("x", x).out("y", y, expected)
                .build();
    }

    static KernelCase elementwise2d() {
        int width = 300;
        int height = 77;
        int pitch = 320;
        float[] in = randomFloats(pitch * height, 5);
        float scale = 3.0f;
        float shift = 0.25f;
        float lo = -1.5f;
        float hi = 2.0f;
        float[] expected = new float[pitch * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = in[y * pitch + x] * scale + shift;
                expected[y * pitch + x] = Math.min(Math.max(v, lo), hi);
            }
        }
        return CaseBuilder.of("elementwise_2d", "elementwise_2d.cu", source("elementwise_2d")).kernel("scale_shift_2d")
                .launch(new Dim3((width + 15) / 16, (height + 15) / 16, 1), new Dim3(16, 16, 1)).in("in", in)
                .out("out", new float[pitch * height], expected).scalar(width).scalar(height).scalar(pitch)
                .scalar(scale).scalar(shift).scalar(lo).scalar(hi).build();
    }

    static KernelCase matmulNaive() {
        int m = 67;
        int n = 45;
        int k = 33;
        float[] a = randomFloats(m * k, 6);
        float[] b = randomFloats(k * n, 7);
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
        return CaseBuilder.of("matmul_naive", "matmul_naive.cu", source("matmul_naive")).kernel("matmul")
                .launch(new Dim3((n + 15) / 16, (m + 15) / 16, 1), new Dim3(16, 16, 1)).in("A", a).in("B", b)
                .out("C", new float[m * n], expected).scalar(m).scalar(n).scalar(k).build();
    }

    static KernelCase gemmPolybench() {
        int ni = 48;
        int nj = 40;
        int nk = 36;
        float alpha = 1.5f;
        float beta = 0.75f;
        float[] a = randomFloats(ni * nk, 8);
        float[] b = randomFloats(nk * nj, 9);
        float[] c = randomFloats(ni * nj, 10);
        float[] expected = c.clone();
        for (int i = 0; i < ni; i++) {
            for (int j = 0; j < nj; j++) {
                expected[i * nj + j] *= beta;
                for (int q = 0; q < nk; q++) {
                    expected[i * nj + j] += alpha * a[i * nk + q] * b[q * nj + j];
                }
            }
        }
        return CaseBuilder.of("gemm_polybench", "gemm_polybench.cu", source("gemm_polybench"))
                .defines(Map.of("NI", Integer.toString(ni), "NJ", Integer.toString(nj), "NK", Integer.toString(nk)))
                .kernel("gemm_kernel").launch(new Dim3((nj + 31) / 32, (ni + 7) / 8, 1), new Dim3(32, 8, 1))
                .scalar(alpha).scalar(beta).in("a", a).in("b", b).out("c", c, expected).build();
    }

    static KernelCase particles() {
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
        ByteBuffer out = ByteBuffer.allocate(n * 32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float x = ps.getFloat(i * 32);
            float y = ps.getFloat(i * 32 + 4);
            float z = ps.getFloat(i * 32 + 8);
            float vx = ps.getFloat(i * 32 + 12);
            float vy = ps.getFloat(i * 32 + 16);
            float vz = ps.getFloat(i * 32 + 20);
            float mass = ps.getFloat(i * 32 + 24);
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
            float[] fields = {x, y, z, vx, vy, vz, mass};
            for (int f = 0; f < 7; f++) {
                out.putFloat(i * 32 + f * 4, fields[f]);
            }
            out.putInt(i * 32 + 28, bounces);
        }
        byte[] prm = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(gravity).putFloat(drag)
                .putFloat(restitution).putFloat(dt).array();
        // compared as 32-bit words: float fields bit for bit, the bounce counter exactly
        return CaseBuilder.of("particles", "particles.cu", source("particles")).kernel("update_particles")
                .launch(Dim3.of((n + 127) / 128), Dim3.of(128)).outBytes("particles", input, ElementType.I32, out.array())
                .scalar(n).struct(prm).scalar(steps).build();
    }

    static KernelCase doublePoly() {
        int n = 20_000;
        double[] x = new double[n];
        SplittableRandom r = new SplittableRandom(12);
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble() * 8 - 4;
        }
        double[] coeffs = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125, 0.015625, -0.0078125};
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            double p = coeffs[7];
            for (int k = 6; k >= 0; --k) {
                p = p * x[i] + coeffs[k];
            }
            expected[i] = Math.sqrt(Math.abs(p)) + x[i] / 3.0;
        }
        return CaseBuilder.of("double_poly", "double_poly.cu", source("double_poly")).kernel("double_poly")
                .launch(Dim3.of((n + 255) / 256), Dim3.of(256)).in("x", x).out("y", new double[n], expected)
                .scalar((long) n).build();
    }
}
