package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The C reference's three algorithms ({@code cpu_reference.c}) written as plain Java over {@code float[]}
 * and split over threads the way OpenMP's static schedule splits them: what the JVM itself reaches on
 * this machine, so that {@link CpuLimits} can tell the part of the gap to C that any JVM code pays
 * (HotSpot's auto-vectorisation against gcc's) from the part the Wasm path adds.
 */
final class JavaLimits implements CpuLimits.Variant {
    private final String kernel;
    private final int threads;
    private final ExecutorService pool;
    private final float[] a;
    private final float[] b;
    private final float[] out;

    JavaLimits(String kernel, int threads) {
        this.kernel = kernel;
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads);
        switch (kernel) {
            case "saxpy" -> {
                a = HostData.floats(CpuLimits.SAXPY_N, 1);
                b = HostData.floats(CpuLimits.SAXPY_N, 2);
                out = null;
            }
            case "reduce" -> {
                a = HostData.floats(CpuLimits.REDUCE_N, 3);
                b = null;
                out = new float[CpuLimits.REDUCE_N / 256];
            }
            case "tiled" -> {
                int n = CpuLimits.MATMUL_N;
                a = HostData.floats(n * n, 4);
                b = HostData.floats(n * n, 5);
                out = new float[n * n];
            }
            default -> throw new IllegalArgumentException("unknown kernel " + kernel);
        }
    }

    @Override
    public double[] run(int launches) throws Exception {
        double[] t = new double[launches];
        for (int i = 0; i < launches; i++) {
            long start = System.nanoTime();
            parallel(switch (kernel) {
                case "saxpy" -> CpuLimits.SAXPY_N;
                case "reduce" -> CpuLimits.REDUCE_N / 256;
                default -> CpuLimits.MATMUL_N;
            });
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        return t;
    }

    /** Runs [0, n) in {@code threads} equal contiguous parts, the calling thread taking none. */
    private void parallel(int n) throws Exception {
        List<Future<?>> parts = new ArrayList<>();
        for (int p = 0; p < threads; p++) {
            int from = (int) ((long) n * p / threads);
            int to = (int) ((long) n * (p + 1) / threads);
            parts.add(pool.submit(() -> part(from, to)));
        }
        for (Future<?> f : parts) {
            f.get();
        }
    }

    private void part(int from, int to) {
        switch (kernel) {
            case "saxpy" -> {
                for (int i = from; i < to; i++) {
                    b[i] = 2.0f * a[i] + b[i];
                }
            }
            case "reduce" -> {
                float[] s = new float[256];
                for (int block = from; block < to; block++) {
                    System.arraycopy(a, block * 256, s, 0, 256);
                    for (int st = 128; st > 0; st >>= 1) {
                        for (int t = 0; t < st; t++) {
                            s[t] += s[t + st];
                        }
                    }
                    out[block] = s[0];
                }
            }
            default -> {
                int n = CpuLimits.MATMUL_N;
                for (int i = from; i < to; i++) {
                    java.util.Arrays.fill(out, i * n, (i + 1) * n, 0.0f);
                    for (int k = 0; k < n; k++) {
                        float aik = a[i * n + k];
                        for (int j = 0; j < n; j++) {
                            out[i * n + j] += aik * b[k * n + j];
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
