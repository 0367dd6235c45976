package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.doubles;
import static io.cudawasm.runtime.samples.PublicSamplesRun.floats;
import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.writeFile;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Samples of {@link SampleCatalog} that synchronize their grid ({@code cg::sync(grid)}), which the
 * host code launches with cudaLaunchCooperativeKernel: the CPU path launches them cooperatively by
 * itself, from the source and from nvcc's PTX (whose own grid barrier runs on the launch's grid
 * workspace). OpenCL refuses them by name (see kernels/README.md).
 */
final class SampleCatalogGrid {
    private SampleCatalogGrid() {}

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        // one pass: every block sums a grid-stride share of the input in double, block 0 adds the
        // blocks' float sums after the grid barrier. The host takes the occupancy API's block size
        // (1024 threads, 8 KiB of double shared memory) and at most the blocks resident at once
        String reduction = "2_Concepts_and_Techniques/reductionMultiBlockCG/reductionMultiBlockCG.cu";
        s.add(new Sample(reduction, "reduceSinglePassMultiBlockCG", r -> {
            int n = 1 << 20;
            int threads = 1024;
            int blocks = 16;
            String input = "random:" + n + ":17";
            Map<String, byte[]> o = r.run(reduction, "reduceSinglePassMultiBlockCG", Integer.toString(blocks),
                    Integer.toString(threads), threads * 8, List.of(input, "zeros:" + blocks, Integer.toString(n)),
                    List.of("g_odata"));
            float[] in = floats(gen(input, ElementType.F32));
            float[] blockSums = new float[blocks];
            for (int b = 0; b < blocks; b++) {
                double sum = 0;
                for (int i = b * threads; i < n; i += blocks * threads) {
                    for (int t = 0; t < threads && i + t < n; t++) {
                        sum += in[i + t];
                    }
                }
                blockSums[b] = (float) sum;
            }
            float total = blockSums[0];
            for (int b = 1; b < blocks; b++) {
                total += blockSums[b];
            }
            float got = floats(o.get("g_odata"))[0];
            if (Math.abs(got - total) > 1e-6 * Math.abs(total)) {
                throw new Mismatch("sum " + got + ", expected " + total);
            }
        }));
        // conjugate gradient on a random symmetric, diagonally dominant tridiagonal matrix in CSR form
        // (built here as the sample describes it, with other random values), right-hand side all ones;
        // 512 threads per block, sizeof(double) * (512 / 32 + 1) bytes of shared memory
        String cg = "4_CUDA_Libraries/conjugateGradientMultiBlockCG/conjugateGradientMultiBlockCG.cu";
        s.add(new Sample(cg, "gpuConjugateGradient", r -> {
            int n = 1 << 16;
            Tridiagonal m = Tridiagonal.random(n, new Random(5));
            float tol = 1e-5f;
            Map<String, byte[]> o = r.run(cg, "gpuConjugateGradient", "16", "512", 8 * (512 / 32 + 1), List.of(
                    "file:" + writeFile(r.work(), "cg-I.bin", CaseBuilder.bytes(m.rowStart)),
                    "file:" + writeFile(r.work(), "cg-J.bin", CaseBuilder.bytes(m.column)),
                    "file:" + writeFile(r.work(), "cg-val.bin", CaseBuilder.bytes(m.value)),
                    "zeros:" + n, "zeros:" + n, "zeros:" + n, "const:" + n + ":1", "zeros:1",
                    Integer.toString(m.value.length), Integer.toString(n), Float.toString(tol)),
                    List.of("x", "dot_result"));
            checkSolution(m, o, tol);
        }));
        // the multi-GPU form of the same solver on one device (numDevices 1, rank 0: its PeerGroup, a
        // class of reference members bound to the by-value MultiDeviceData and the grid, then only
        // syncs the grid); the host array of arrival flags is never touched with one device, so null
        String multi = "4_CUDA_Libraries/conjugateGradientMultiDeviceCG/conjugateGradientMultiDeviceCG.cu";
        s.add(new Sample(multi, "multiGpuConjugateGradient", r -> {
            int n = 1 << 14;
            Tridiagonal m = Tridiagonal.random(n, new Random(8));
            float tol = 1e-5f;
            Map<String, byte[]> o = r.run(multi, "multiGpuConjugateGradient", "8", "512", 8 * (512 / 32 + 1), List.of(
                    "file:" + writeFile(r.work(), "mcg-I.bin", CaseBuilder.bytes(m.rowStart)),
                    "file:" + writeFile(r.work(), "mcg-J.bin", CaseBuilder.bytes(m.column)),
                    "file:" + writeFile(r.work(), "mcg-val.bin", CaseBuilder.bytes(m.value)),
                    "zeros:" + n, "zeros:" + n, "zeros:" + n, "zeros:" + n, "zeros:1",
                    Integer.toString(m.value.length), Integer.toString(n), Float.toString(tol),
                    "struct:u64=0,u32=1,u32=0"),
                    List.of("x", "dot_result"));
            checkSolution(m, o, tol);
        }));
        return s;
    }

    /** The kernel's final residual, and the solution it found checked by its residual and against a solve in double. */
    private static void checkSolution(Tridiagonal m, Map<String, byte[]> o, float tol) throws Mismatch {
        int n = m.diagonal.length;
        double r1 = doubles(o.get("dot_result"))[0];
        if (!(Math.sqrt(r1) < tol)) {
            throw new Mismatch("the kernel's final residual " + Math.sqrt(r1) + " is not below " + tol);
        }
        // the solution it found, checked by its residual here and against a solve in double
        float[] x = floats(o.get("x"));
        double[] ax = m.times(x);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(ax[i] - 1));
        }
        if (worst > 1e-4) {
            throw new Mismatch("|A x - b| reaches " + worst);
        }
        double[] exact = m.solve();
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[i] - exact[i]) > 1e-4 * Math.abs(exact[i])) {
                throw new Mismatch("x[" + i + "] = " + x[i] + ", expected " + exact[i]);
            }
        }
    }

    /** A symmetric tridiagonal matrix in CSR form: rows 0 and n-1 hold two entries, the others three. */
    static final class Tridiagonal {
        final int[] rowStart;
        final int[] column;
        final float[] value;
        final float[] diagonal;
        /** offDiagonal[i] couples rows i and i + 1. */
        final float[] offDiagonal;

        private Tridiagonal(int n, Random random) {
            diagonal = new float[n];
            offDiagonal = new float[n - 1];
            for (int i = 0; i < n; i++) {
                diagonal[i] = 10 + random.nextFloat();
            }
            for (int i = 0; i < n - 1; i++) {
                offDiagonal[i] = random.nextFloat();
            }
            int nz = (n - 2) * 3 + 4;
            rowStart = new int[n + 1];
            column = new int[nz];
            value = new float[nz];
            int k = 0;
            for (int i = 0; i < n; i++) {
                rowStart[i] = k;
                if (i > 0) {
                    column[k] = i - 1;
                    value[k++] = offDiagonal[i - 1];
                }
                column[k] = i;
                value[k++] = diagonal[i];
                if (i < n - 1) {
                    column[k] = i + 1;
                    value[k++] = offDiagonal[i];
                }
            }
            rowStart[n] = k;
        }

        static Tridiagonal random(int n, Random random) {
            return new Tridiagonal(n, random);
        }

        double[] times(float[] x) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                    y[i] += (double) value[k] * x[column[k]];
                }
            }
            return y;
        }

        /** A x = 1 solved directly in double (the Thomas algorithm; the matrix is diagonally dominant). */
        double[] solve() {
            int n = diagonal.length;
            double[] c = new double[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                double below = i > 0 ? offDiagonal[i - 1] : 0;
                double denominator = diagonal[i] - (i > 0 ? below * c[i - 1] : 0);
                c[i] = i < n - 1 ? offDiagonal[i] / denominator : 0;
                d[i] = (1 - (i > 0 ? below * d[i - 1] : 0)) / denominator;
            }
            double[] x = new double[n];
            for (int i = n - 1; i >= 0; i--) {
                x[i] = d[i] - (i < n - 1 ? c[i] * x[i + 1] : 0);
            }
            return x;
        }
    }
}
