package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.exact;
import static io.cudawasm.runtime.samples.PublicSamplesRun.floats;
import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;
import static io.cudawasm.runtime.samples.PublicSamplesRun.relativeL1;

import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rest of {@link SampleCatalog}: the reduction sample's kernels, quasi-random generators, smaller kernels. */
final class SampleCatalogExtra {
    private SampleCatalogExtra() {}

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        String reduction = "2_Concepts_and_Techniques/reduction/reduction_kernel.cu";
        s.add(new Sample(reduction, "reduce0<float>, reduce3<float>, reduce6<float, 256, true>, cg_reduce<float>", r -> {
            int n = 1 << 16;
            float[] in = floats(gen("random:65536:31", ElementType.F32));
            double sum = 0;
            for (float v : in) {
                sum += v;
            }
            // the sample's shapes: reduce0 one element per thread, reduce3+ two, reduce6 a grid-stride loop
            Object[][] launches = {
                {"reduce0<float>", "256", 256 * 4},
                {"reduce3<float>", "128", 256 * 4},
                {"reduce6<float, 256, true>", "64", 256 * 4},
                {"cg_reduce<float>", "256", 256 * 4},
            };
            for (Object[] l : launches) {
                String k = (String) l[0];
                Map<String, byte[]> o = r.run(reduction, k, (String) l[1], "256", (Integer) l[2],
                        List.of("random:65536:31", "zeros:256", Integer.toString(n)), List.of("g_odata"), "--instantiate", k);
                double got = 0;
                for (float v : floats(o.get("g_odata"))) {
                    got += v;
                }
                relativeL1(k, new double[] {sum}, new float[] {(float) got}, 1e-6);
            }
        }));
        s.add(new Sample("0_Introduction/matrixMul_nvrtc/matrixMul_kernel.cu", "matrixMulCUDA_block16", r -> {
            int w = 64;
            float[] a = floats(gen("random:4096:32", ElementType.F32));
            float[] b = floats(gen("random:4096:33", ElementType.F32));
            Map<String, byte[]> o = r.run("0_Introduction/matrixMul_nvrtc/matrixMul_kernel.cu", "matrixMulCUDA_block16",
                    "4,4", "16,16", 0, List.of("zeros:4096", "random:4096:32", "random:4096:33", "64", "64"), List.of("C"));
            double[] c = new double[w * w];
            for (int i = 0; i < w; i++) {
                for (int j = 0; j < w; j++) {
                    for (int k = 0; k < w; k++) {
                        c[i * w + j] += (double) a[i * w + k] * b[k * w + j];
                    }
                }
            }
            relativeL1("C", c, floats(o.get("C")), 1e-6);
        }));
        s.add(new Sample("0_Introduction/simpleMultiGPU/simpleMultiGPU.cu", "reduceKernel", r -> {
            int n = 1 << 16;
            float[] in = floats(gen("random:65536:34", ElementType.F32));
            Map<String, byte[]> o = r.run("0_Introduction/simpleMultiGPU/simpleMultiGPU.cu", "reduceKernel", "32", "256",
                    0, List.of("zeros:8192", "random:65536:34", Integer.toString(n)), List.of("d_Result"));
            float[] e = new float[8192];
            for (int t = 0; t < 8192; t++) {
                float sum = 0;
                for (int pos = t; pos < n; pos += 8192) {
                    sum += in[pos];
                }
                e[t] = sum;
            }
            exact("d_Result", e, floats(o.get("d_Result")));
        }));
        s.add(new Sample("5_Domain_Specific/recursiveGaussian/recursiveGaussian_cuda.cu", "d_transpose", r -> {
            int w = 200;
            int h = 120;
            int[] in = ints(gen("iota:24000", ElementType.U32));
            Map<String, byte[]> o = r.run("5_Domain_Specific/recursiveGaussian/recursiveGaussian_cuda.cu", "d_transpose",
                    "13,8", "16,16", 0, List.of("zeros:24000", "iota:24000", Integer.toString(w), Integer.toString(h)),
                    List.of("odata"));
            int[] e = new int[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    e[x * h + y] = in[y * w + x];
                }
            }
            exact("odata", e, ints(o.get("odata")));
        }));
        s.add(new Sample("5_Domain_Specific/quasirandomGenerator/quasirandomGenerator_kernel.cu", "inverseCNDKernel", r -> {
            int n = 4096;
            Map<String, byte[]> o = r.run("5_Domain_Specific/quasirandomGenerator/quasirandomGenerator_kernel.cu",
                    "inverseCNDKernel", "16", "128", 0, List.of("zeros:4096", "null", Integer.toString(n)),
                    List.of("d_Output"));
            double[] e = new double[n];
            long distance = 0xFFFFFFFFL / (n + 1);
            for (int pos = 0; pos < n; pos++) {
                e[pos] = inverseNormal((pos + 1) * distance / 4294967296.0);
            }
            relativeL1("d_Output", e, floats(o.get("d_Output")), 1e-5);
        }));
        s.add(new Sample("5_Domain_Specific/SobolQRNG/sobol_gpu.cu", "sobolGPU_kernel", r -> {
            int n = 10000;
            int[] v = ints(gen("random:32:35:0:4294967295", ElementType.U32));
            Map<String, byte[]> o = r.run("5_Domain_Specific/SobolQRNG/sobol_gpu.cu", "sobolGPU_kernel", "8,1", "64", 0,
                    List.of(Integer.toString(n), "1", "random:32:35:0:4294967295", "zeros:" + n), List.of("d_output"));
            float[] e = new float[n];
            for (int i = 0; i < n; i++) {
                int g = i ^ (i >>> 1);
                int x = 0;
                for (int k = 0; k < 32; k++) {
                    if ((g >>> k & 1) != 0) {
                        x ^= v[k];
                    }
                }
                e[i] = (float) (Integer.toUnsignedLong(x) * Math.scalb(1.0, -32));
            }
            float[] got = floats(o.get("d_output"));
            for (int i = 0; i < n; i++) {
                if (Math.abs(got[i] - e[i]) > 1e-6f) {
                    throw new Mismatch("d_output[" + i + "] = " + got[i] + ", expected " + e[i]);
                }
            }
        }));
        return s;
    }

    /** The inverse of the standard normal distribution, by Newton's method on {@link SampleCatalog#cnd}. */
    static double inverseNormal(double p) {
        double x = 0;
        for (int i = 0; i < 100; i++) {
            double err = SampleCatalog.cnd(x) - p;
            double pdf = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            double step = err / pdf;
            x -= step;
            if (Math.abs(step) < 1e-14) {
                break;
            }
        }
        return x;
    }
}
