package io.cudawasm.bench.suite;

import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.benchreport.BenchResultFile.Workload;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.List;
import java.util.Locale;

/**
 * The bundled kernels the throughput benchmarks run, each with its launch geometry, its inputs and a
 * plain-Java reference of the same algorithm. {@code gemm_polybench} (sizes fixed at compile time) and
 * {@code particles} (a struct argument) are measured by the compile benchmarks only.
 *
 * <p>The workload of each kernel states the compulsory memory traffic and the floating-point operations
 * of one launch; the report divides them by the measured time to show GB/s or GFLOP/s. Stating them here
 * (not as JMH counters) keeps every back end, the plain-Java one included, on the same definition.
 */
public enum SuiteKernel {
    VECTOR_ADD("vector_add", "GB/s") {
        @Override
        Workload workload(SuiteSize size) {
            long n = size.elements();
            return workload(size, "n=" + n, n, 12 * n, n);
        }

        @Override
        public KernelProblem prepare(SuiteSize size) {
            int n = size.elements();
            float[] a = HostData.floats(n, 1);
            float[] b = HostData.floats(n, 2);
            float[] c = new float[n];
            return new KernelProblem() {
                @Override
                public BoundLaunch bind(DeviceSession s) {
                    DeviceBuffer da = upload(s, HostData.bytes(a));
                    DeviceBuffer db = upload(s, HostData.bytes(b));
                    DeviceBuffer dc = s.allocate(4L * n);
                    return new BoundLaunch(s, "vectorAdd", linear(n),
                            List.of(KernelArg.of(da), KernelArg.of(db), KernelArg.of(dc), KernelArg.of(n)));
                }

                @Override
                public Object runJava() {
                    for (int i = 0; i < n; i++) {
                        c[i] = a[i] + b[i];
                    }
                    return c;
                }
            };
        }
    },
    SAXPY("saxpy", "GB/s") {
        @Override
        Workload workload(SuiteSize size) {
            long n = size.elements();
            return workload(size, "n=" + n, n, 12 * n, 2 * n);
        }

        @Override
        public KernelProblem prepare(SuiteSize size) {
            int n = size.elements();
            float[] x = HostData.floats(n, 3);
            float[] y = HostData.floats(n, 4);
            return new KernelProblem() {
                @Override
                public BoundLaunch bind(DeviceSession s) {
                    DeviceBuffer dx = upload(s, HostData.bytes(x));
                    DeviceBuffer dy = upload(s, HostData.bytes(y));
                    return new BoundLaunch(s, "saxpy", linear(n),
                            List.of(KernelArg.of(n), KernelArg.of(2.0f), KernelArg.of(dx), KernelArg.of(dy)));
                }

                @Override
                public Object runJava() {
                    for (int i = 0; i < n; i++) {
                        y[i] = 2.0f * x[i] + y[i];
                    }
                    return y;
                }
            };
        }
    },
    ELEMENTWISE_2D("elementwise_2d", "GB/s") {
        private static final int WIDTH = 1024;

        @Override
        Workload workload(SuiteSize size) {
            long n = size.elements();
            return workload(size, WIDTH + "x" + n / WIDTH, n, 8 * n, 4 * n);
        }

        @Override
        public KernelProblem prepare(SuiteSize size) {
            int n = size.elements();
            int height = n / WIDTH;
            float[] in = HostData.floats(n, 5);
            float[] out = new float[n];
            return new KernelProblem() {
                @Override
                public BoundLaunch bind(DeviceSession s) {
                    DeviceBuffer din = upload(s, HostData.bytes(in));
                    DeviceBuffer dout = s.allocate(4L * n);
                    return new BoundLaunch(s, "scale_shift_2d",
                            LaunchConfig.of(new Dim3(WIDTH / 32, height / 8, 1), new Dim3(32, 8, 1)),
                            List.of(KernelArg.of(din), KernelArg.of(dout), KernelArg.of(WIDTH), KernelArg.of(height),
                                    KernelArg.of(WIDTH), KernelArg.of(1.5f), KernelArg.of(0.25f),
                                    KernelArg.of(-1.0f), KernelArg.of(1.0f)));
                }

                @Override
                public Object runJava() {
                    for (int i = 0; i < n; i++) {
                        out[i] = Math.min(Math.max(in[i] * 1.5f + 0.25f, -1.0f), 1.0f);
                    }
                    return out;
                }
            };
        }
    },
    MATMUL_NAIVE("matmul_naive", "GFLOP/s") {
        @Override
        Workload workload(SuiteSize size) {
            long m = size.matrix();
            return workload(size, m + "x" + m + "x" + m, m * m, 12 * m * m, 2 * m * m * m);
        }

        @Override
        public KernelProblem prepare(SuiteSize size) {
            int m = size.matrix();
            float[] a = HostData.floats(m * m, 6);
            float[] b = HostData.floats(m * m, 7);
            float[] c = new float[m * m];
            return new KernelProblem() {
                @Override
                public BoundLaunch bind(DeviceSession s) {
                    DeviceBuffer da = upload(s, HostData.bytes(a));
                    DeviceBuffer db = upload(s, HostData.bytes(b));
                    DeviceBuffer dc = s.allocate(4L * m * m);
                    return new BoundLaunch(s, "matmul",
                            LaunchConfig.of(new Dim3(m / 16, m / 16, 1), new Dim3(16, 16, 1)),
                            List.of(KernelArg.of(da), KernelArg.of(db), KernelArg.of(dc), KernelArg.of(m),
                                    KernelArg.of(m), KernelArg.of(m)));
                }

                @Override
                public Object runJava() {
                    for (int row = 0; row < m; row++) {
                        for (int col = 0; col < m; col++) {
                            float sum = 0.0f;
                            for (int k = 0; k < m; k++) {
                                sum += a[row * m + k] * b[k * m + col];
                            }
                            c[row * m + col] = sum;
                        }
                    }
                    return c;
                }
            };
        }
    },
    DOUBLE_POLY("double_poly", "GFLOP/s") {
        private final double[] coeffs = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125, 0.015625, -0.0078125};

        @Override
        Workload workload(SuiteSize size) {
            long n = size.elements();
            // Horner over 8 coefficients (7 multiply-adds), sqrt, divide, add
            return workload(size, "n=" + n + " (double)", n, 16 * n, 17 * n);
        }

        @Override
        public KernelProblem prepare(SuiteSize size) {
            int n = size.elements();
            double[] x = HostData.doubles(n, 8);
            double[] y = new double[n];
            return new KernelProblem() {
                @Override
                public BoundLaunch bind(DeviceSession s) {
                    DeviceBuffer dx = upload(s, HostData.bytes(x));
                    DeviceBuffer dy = s.allocate(8L * n);
                    return new BoundLaunch(s, "double_poly", linear(n),
                            List.of(KernelArg.of(dx), KernelArg.of(dy), KernelArg.of((long) n)));
                }

                @Override
                public Object runJava() {
                    for (int i = 0; i < n; i++) {
                        double v = x[i];
                        double r = coeffs[7];
                        for (int k = 6; k >= 0; --k) {
                            r = r * v + coeffs[k];
                        }
                        y[i] = Math.sqrt(Math.abs(r)) + v / 3.0;
                    }
                    return y;
                }
            };
        }
    };

    private final String library;
    private final String rate;

    SuiteKernel(String library, String rate) {
        this.library = library;
        this.rate = rate;
    }

    /** The name in the kernel library and in the benchmarks' {@code kernel} parameter. */
    public String libraryName() {
        return library;
    }

    public String source() {
        return KernelLibrary.source(library).orElseThrow(() -> new IllegalStateException(library + " is not bundled"));
    }

    /** The problem behind one launch at {@code size}, for the result file. */
    abstract Workload workload(SuiteSize size);

    /** Generates the inputs at {@code size}. */
    public abstract KernelProblem prepare(SuiteSize size);

    /** Every kernel and size, as the result file lists them. */
    public static List<Workload> workloads() {
        List<Workload> all = new java.util.ArrayList<>();
        for (SuiteKernel k : values()) {
            for (SuiteSize s : SuiteSize.values()) {
                all.add(k.workload(s));
            }
        }
        return all;
    }

    /** By library name ({@code saxpy}) or constant name. */
    public static SuiteKernel parse(String name) {
        for (SuiteKernel k : values()) {
            if (k.library.equals(name)) {
                return k;
            }
        }
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    Workload workload(SuiteSize size, String shape, long elements, long bytes, long flops) {
        return new Workload(library, size.name(), shape, elements, bytes, flops, rate);
    }

    static DeviceBuffer upload(DeviceSession s, byte[] data) {
        DeviceBuffer b = s.allocate(data.length);
        s.write(b, 0, data);
        return b;
    }

    /** One thread per element in blocks of 256 (every size is a multiple of 256). */
    static LaunchConfig linear(int n) {
        return LaunchConfig.of(Dim3.of(n / 256), Dim3.of(256));
    }
}
