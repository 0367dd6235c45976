package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.bytes;
import static io.cudawasm.runtime.samples.PublicSamplesRun.doubles;
import static io.cudawasm.runtime.samples.PublicSamplesRun.exact;
import static io.cudawasm.runtime.samples.PublicSamplesRun.floats;
import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;
import static io.cudawasm.runtime.samples.PublicSamplesRun.relativeL1;
import static io.cudawasm.runtime.samples.PublicSamplesRun.writeFile;

import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The public samples {@link PublicSamplesRun} runs (NVIDIA/cuda-samples), each with the launch its
 * host code makes (sizes reduced where the sample's own take minutes on a CPU) and a reference
 * written here from what the sample computes, not from its code.
 */
final class SampleCatalog {
    /** The repository and commit the paths below are in. */
    static final String REPOSITORY = "NVIDIA/cuda-samples";
    static final String COMMIT = "c94ff366aed18c797b8a85dfaac7817b0228b420";

    record Sample(String path, String name, PublicSamplesRun.Check check) {}

    private SampleCatalog() {}

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("0_Introduction/vectorAdd/vectorAdd.cu", "vectorAdd", r -> {
            int n = 50000;
            float[] a = floats(gen("random:50000:1", ElementType.F32));
            float[] b = floats(gen("random:50000:2", ElementType.F32));
            Map<String, byte[]> o = r.run("0_Introduction/vectorAdd/vectorAdd.cu", "vectorAdd", "196", "256", 0,
                    List.of("random:50000:1", "random:50000:2", "zeros:50000", "50000"), List.of("C"));
            float[] c = new float[n];
            for (int i = 0; i < n; i++) {
                c[i] = a[i] + b[i];
            }
            exact("C", c, floats(o.get("C")));
        }));
        s.add(new Sample("0_Introduction/template/template.cu", "testKernel", r -> {
            float[] in = floats(gen("random:32:3", ElementType.F32));
            Map<String, byte[]> o = r.run("0_Introduction/template/template.cu", "testKernel", "1", "32", 32 * 4,
                    List.of("random:32:3", "zeros:32"), List.of("g_odata"));
            float[] e = new float[32];
            for (int i = 0; i < 32; i++) {
                e[i] = 32f * in[i];
            }
            exact("g_odata", e, floats(o.get("g_odata")));
        }));
        s.add(new Sample("0_Introduction/simpleTemplates/simpleTemplates.cu", "testKernel<float>, testKernel<int>", r -> {
            float[] in = floats(gen("random:64:4", ElementType.F32));
            Map<String, byte[]> o = r.run("0_Introduction/simpleTemplates/simpleTemplates.cu", "testKernel<float>", "1",
                    "64", 64 * 4, List.of("random:64:4", "zeros:64"), List.of("g_odata"), "--instantiate",
                    "testKernel<float>");
            float[] e = new float[64];
            for (int i = 0; i < 64; i++) {
                e[i] = 64f * in[i];
            }
            exact("g_odata<float>", e, floats(o.get("g_odata")));
            Map<String, byte[]> oi = r.run("0_Introduction/simpleTemplates/simpleTemplates.cu", "testKernel<int>", "1",
                    "64", 64 * 4, List.of("iota:64:-20", "zeros:64"), List.of("g_odata"), "--instantiate",
                    "testKernel<int>");
            int[] ei = new int[64];
            for (int i = 0; i < 64; i++) {
                ei[i] = 64 * (i - 20);
            }
            exact("g_odata<int>", ei, ints(oi.get("g_odata")));
        }));
        s.add(new Sample("0_Introduction/matrixMul/matrixMul.cu", "MatrixMulCUDA<32>", r -> {
            int wA = 320;
            int hA = 320;
            int wB = 640;
            float[] a = floats(gen("random:102400:5", ElementType.F32));
            float[] b = floats(gen("random:204800:6", ElementType.F32));
            Map<String, byte[]> o = r.run("0_Introduction/matrixMul/matrixMul.cu", "MatrixMulCUDA<32>", "20,10", "32,32",
                    0, List.of("zeros:204800", "random:102400:5", "random:204800:6", "320", "640"), List.of("C"));
            double[] c = new double[hA * wB];
            for (int i = 0; i < hA; i++) {
                for (int j = 0; j < wB; j++) {
                    double sum = 0;
                    for (int k = 0; k < wA; k++) {
                        sum += (double) a[i * wA + k] * b[k * wB + j];
                    }
                    c[i * wB + j] = sum;
                }
            }
            relativeL1("C", c, floats(o.get("C")), 1e-6);
        }));
        s.add(new Sample("0_Introduction/simpleAtomicIntrinsics/simpleAtomicIntrinsics.cu", "testKernel", r -> {
            int n = 64 * 256;
            Map<String, byte[]> o = r.run("0_Introduction/simpleAtomicIntrinsics/simpleAtomicIntrinsics.cu",
                    "testKernel", "64", "256", 0, List.of("file:" + writeFile(r.work(), "atomics.bin",
                            io.cudawasm.runtime.backend.check.CaseBuilder.bytes(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0,
                                0xff}))), List.of("g_odata"));
            int[] g = ints(o.get("g_odata"));
            int inc = 0;
            int dec = 0;
            int and = 0xff;
            int or = 0;
            int xor = 0xff;
            for (int t = 0; t < n; t++) {
                inc = inc >= 17 ? 0 : inc + 1;
                dec = dec == 0 || dec > 137 ? 137 : dec - 1;
                and &= 2 * t + 7;
                or |= 1 << t;
                xor ^= t;
            }
            exact("g_odata", new int[] {10 * n, -10 * n}, Arrays2.head(g, 2));
            if (g[2] < 0 || g[2] >= n) {
                throw new Mismatch("atomicExch left " + g[2]);
            }
            exact("g_odata[3..6]", new int[] {n - 1, 0, inc, dec}, Arrays2.slice(g, 3, 7));
            if (g[7] < 0 || g[7] > n) {
                throw new Mismatch("atomicCAS left " + g[7]);
            }
            exact("g_odata[8..10]", new int[] {and, or, xor}, Arrays2.slice(g, 8, 11));
        }));
        s.add(new Sample("6_Performance/transpose/transpose.cu", "copySharedMem, transposeNaive, transposeCoalesced, "
                + "transposeNoBankConflicts, transposeDiagonal", r -> {
                    int n = 1024;
                    float[] in = floats(gen("iota:1048576", ElementType.F32));
                    float[] t = new float[n * n];
                    for (int y = 0; y < n; y++) {
                        for (int x = 0; x < n; x++) {
                            t[x * n + y] = in[y * n + x];
                        }
                    }
                    for (String k : List.of("transposeNaive", "transposeCoalesced", "transposeNoBankConflicts",
                            "transposeDiagonal")) {
                        Map<String, byte[]> o = r.run("6_Performance/transpose/transpose.cu", k, "32,32", "32,16", 0,
                                List.of("zeros:1048576", "iota:1048576", "1024", "1024"), List.of("odata"));
                        exact(k, t, floats(o.get("odata")));
                    }
                    Map<String, byte[]> o = r.run("6_Performance/transpose/transpose.cu", "copySharedMem", "32,32",
                            "32,16", 0, List.of("zeros:1048576", "iota:1048576", "1024", "1024"), List.of("odata"));
                    exact("copySharedMem", in, floats(o.get("odata")));
                }));
        s.add(new Sample("2_Concepts_and_Techniques/scalarProd/scalarProd.cu", "scalarProdGPU", r -> {
            int vectors = 64;
            int elements = 4096;
            float[] a = floats(gen("random:262144:7", ElementType.F32));
            float[] b = floats(gen("random:262144:8", ElementType.F32));
            Map<String, byte[]> o = r.run("2_Concepts_and_Techniques/scalarProd/scalarProd.cu", "scalarProdGPU", "128",
                    "256", 0, List.of("zeros:64", "random:262144:7", "random:262144:8", "64", "4096"), List.of("d_C"));
            double[] c = new double[vectors];
            for (int v = 0; v < vectors; v++) {
                for (int i = 0; i < elements; i++) {
                    c[v] += (double) a[v * elements + i] * b[v * elements + i];
                }
            }
            relativeL1("d_C", c, floats(o.get("d_C")), 1e-6);
        }));
        s.add(new Sample("2_Concepts_and_Techniques/threadFenceReduction/threadFenceReduction.cu",
                "reduceSinglePass<256, true>, reduceMultiPass<256, false>", r -> {
                    int n = 1 << 18;
                    float[] in = floats(gen("random:262144:9:0:1", ElementType.F32));
                    double sum = 0;
                    for (float v : in) {
                        sum += v;
                    }
                    Map<String, byte[]> o = r.run("2_Concepts_and_Techniques/threadFenceReduction/threadFenceReduction.cu",
                            "reduceSinglePass<256, true>", "64", "256", 256 * 4, List.of("random:262144:9:0:1",
                                    "zeros:64", Integer.toString(n)), List.of("g_odata"));
                    relativeL1("sum", new double[] {sum}, new float[] {floats(o.get("g_odata"))[0]}, 1e-6);
                    Map<String, byte[]> m = r.run("2_Concepts_and_Techniques/threadFenceReduction/threadFenceReduction.cu",
                            "reduceMultiPass<256,0>", "64", "256", 256 * 4, List.of("random:262144:9:0:1", "zeros:64",
                                    Integer.toString(n - 7)), List.of("g_odata"));
                    double partial = 0;
                    for (float v : floats(m.get("g_odata"))) {
                        partial += v;
                    }
                    relativeL1("partial sums", new double[] {sum - in[n - 1] - in[n - 2] - in[n - 3] - in[n - 4]
                        - in[n - 5] - in[n - 6] - in[n - 7]}, new float[] {(float) partial}, 1e-6);
                }));
        s.add(new Sample("5_Domain_Specific/BlackScholes/BlackScholes.cu", "BlackScholesGPU", r -> {
            int n = 100000;
            float[] price = floats(gen("random:100000:10:5:30", ElementType.F32));
            float[] strike = floats(gen("random:100000:11:1:100", ElementType.F32));
            float[] years = floats(gen("random:100000:12:0.25:10", ElementType.F32));
            Map<String, byte[]> o = r.run("5_Domain_Specific/BlackScholes/BlackScholes.cu", "BlackScholesGPU", "391", "128",
                    0, List.of("zeros:" + n / 2, "zeros:" + n / 2, "file:" + writeFile(r.work(), "S.bin", bytes(price)),
                            "file:" + writeFile(r.work(), "X.bin", bytes(strike)),
                            "file:" + writeFile(r.work(), "T.bin", bytes(years)), "0.02", "0.30", Integer.toString(n)),
                    List.of("d_CallResult", "d_PutResult"));
            double[] call = new double[n];
            double[] put = new double[n];
            for (int i = 0; i < n; i++) {
                double s0 = price[i];
                double x = strike[i];
                double t = years[i];
                double sqrtT = Math.sqrt(t);
                double d1 = (Math.log(s0 / x) + (0.02 + 0.5 * 0.3 * 0.3) * t) / (0.3 * sqrtT);
                double d2 = d1 - 0.3 * sqrtT;
                double expRT = Math.exp(-0.02 * t);
                call[i] = s0 * cnd(d1) - x * expRT * cnd(d2);
                put[i] = x * expRT * (1.0 - cnd(d2)) - s0 * (1.0 - cnd(d1));
            }
            relativeL1("call", call, floats(o.get("d_CallResult")), 1e-5);
            relativeL1("put", put, floats(o.get("d_PutResult")), 1e-5);
        }));
        s.add(new Sample("0_Introduction/asyncAPI/asyncAPI.cu", "increment_kernel", r -> {
            Map<String, byte[]> o = r.run("0_Introduction/asyncAPI/asyncAPI.cu", "increment_kernel", "64", "512", 0,
                    List.of("iota:32768", "26"), List.of("g_data"));
            int[] e = new int[32768];
            for (int i = 0; i < e.length; i++) {
                e[i] = i + 26;
            }
            exact("g_data", e, ints(o.get("g_data")));
        }));
        s.add(new Sample("3_CUDA_Features/cudaCompressibleMemory/saxpy.cu", "saxpy", r -> {
            float[] x = floats(gen("random:4096:13", ElementType.F32));
            float[] y = floats(gen("random:4096:14", ElementType.F32));
            Map<String, byte[]> o = r.run("3_CUDA_Features/cudaCompressibleMemory/saxpy.cu", "saxpy", "8", "64", 0,
                    List.of("1.5", "file:" + writeFile(r.work(), "x4.bin", bytes(x)),
                            "file:" + writeFile(r.work(), "y4.bin", bytes(y)), "zeros:1024", "1024"), List.of("z"));
            float[] z = new float[4096];
            for (int i = 0; i < z.length; i++) {
                z[i] = 1.5f * x[i] + y[i];
            }
            exact("z", z, floats(o.get("z")));
        }));
        s.add(new Sample("3_CUDA_Features/simpleCudaGraphs/simpleCudaGraphs.cu", "reduce, reduceFinal", r -> {
            int n = 1 << 16;
            float[] in = floats(gen("random:65536:15", ElementType.F32));
            double sum = 0;
            for (float v : in) {
                sum += v;
            }
            Map<String, byte[]> part = r.run("3_CUDA_Features/simpleCudaGraphs/simpleCudaGraphs.cu", "reduce", "32", "512",
                    0, List.of("random:65536:15", "zeros:32", Integer.toString(n), "32"), List.of("outputVec"));
            Map<String, byte[]> fin = r.run("3_CUDA_Features/simpleCudaGraphs/simpleCudaGraphs.cu", "reduceFinal", "1",
                    "512", 0, List.of("file:" + writeFile(r.work(), "partials.bin", part.get("outputVec")), "zeros:1",
                            "32"), List.of("result"));
            double got = doubles(fin.get("result"))[0];
            if (Math.abs(got - sum) > 1e-9 * Math.abs(sum)) {
                throw new Mismatch("sum " + got + ", expected " + sum);
            }
        }));
        s.addAll(SampleCatalogMore.all());
        s.addAll(SampleCatalogDeviceLibrary.all());
        s.addAll(SampleCatalogHalf.all());
        s.addAll(SampleCatalogMembers.all());
        s.addAll(SampleCatalogAsync.all());
        s.addAll(SampleCatalogVirtual.all());
        s.addAll(SampleCatalogInterval.all());
        return s;
    }

    /** The cumulative normal distribution, to double precision (Zelen and Severo 26.2.17 is not used: erfc is). */
    static double cnd(double d) {
        return 0.5 * erfc(-d / Math.sqrt(2));
    }

    /** erfc by its continued fraction / series, accurate to about 1e-13. */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 2) {
            // 1 - erf(x), erf by its Taylor series
            double sum = 0;
            double term = x;
            for (int n = 0; n < 60; n++) {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        // Lentz's continued fraction
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 200; n++) {
            double a = n / 2.0;
            d = x + a * d;
            c = x + a / c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** Small array helpers. */
    static final class Arrays2 {
        private Arrays2() {}

        static int[] head(int[] a, int n) {
            return java.util.Arrays.copyOf(a, n);
        }

        static int[] slice(int[] a, int from, int to) {
            return java.util.Arrays.copyOfRange(a, from, to);
        }
    }
}
