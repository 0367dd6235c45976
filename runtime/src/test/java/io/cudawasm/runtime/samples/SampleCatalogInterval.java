package io.cudawasm.runtime.samples;

import io.cudawasm.runtime.samples.IntervalNewtonReference.Interval;
import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The {@code interval} sample: interval Newton root finding in double precision with CUDA's
 * directed-rounding intrinsics ({@code __dadd_rd}, {@code __dmul_ru}, {@code __ddiv_rd},
 * {@code __dsqrt_ru}) and {@code nan("")}, in its three implementations (a work stack, the next
 * interval kept aside, recursion), each checked bit for bit against {@link IntervalNewtonReference}
 * and for containing the true roots. OpenCL C has no recursion: the kernel holds the recursive
 * implementation, so the OpenCL route must refuse it by name, at the recursive call.
 */
final class SampleCatalogInterval {
    static final String PATH = "2_Concepts_and_Techniques/interval/interval.cu";
    static final String KERNEL = "test_interval_newton<double>";
    /** Blocks of the sample's 64 threads launched (of its 1024: a CPU would take minutes for all). */
    private static final int BLOCKS = 64;
    /** Result slots per thread the buffer holds (the sample allocates 128; a thread finds 2 or 3). */
    private static final int DEPTH = 4;

    private SampleCatalogInterval() {}

    static List<Sample> all() {
        return List.of(new Sample(PATH, KERNEL + " (implementations 0, 1 and 2: recursive)", SampleCatalogInterval::check));
    }

    private static void check(PublicSamplesRun r) throws Mismatch, java.io.IOException {
        int threads = BLOCKS * 64;
        // the sample's starting interval: interval_gpu<double>(0.01f, 4.0f)
        Interval start = new Interval(0.01f, 4.0f);
        // the result buffer as a file of zero bytes: its size then reads the same on the PTX route, whose
        // pointer parameters do not say they point to 16-byte structs
        java.nio.file.Path buffer = PublicSamplesRun.writeFile(r.work(), "interval-buffer.bin",
                new byte[DEPTH * IntervalNewtonReference.THREADS * 16]);
        List<String> args = List.of("file:" + buffer, "zeros:" + threads,
                "struct:f64=" + start.lo() + ",f64=" + start.up());
        for (int implementation = 0; implementation < 3; implementation++) {
            List<String> all = new java.util.ArrayList<>(args);
            all.add(Integer.toString(implementation));
            if (r.route() == PublicSamplesRun.Route.OPENCL) {
                try {
                    r.run(PATH, KERNEL, Integer.toString(BLOCKS), "64", 0, all, List.of("nresults"));
                } catch (Mismatch refused) {
                    String m = refused.getMessage();
                    if (m.contains("cuda_interval.h:243:") && m.contains("recursion ('newton_interval_rec<double, 65536, 128>' "
                            + "calls itself) is not supported by OpenCL C")) {
                        return;
                    }
                    throw refused;
                }
                throw new Mismatch("the recursive kernel ran on OpenCL, which was expected to refuse it");
            }
            Map<String, byte[]> o = r.run(PATH, KERNEL, Integer.toString(BLOCKS), "64", 0, all,
                    List.of("buffer", "nresults"));
            int[] counts = PublicSamplesRun.ints(o.get("nresults"));
            ByteBuffer results = ByteBuffer.wrap(o.get("buffer")).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < threads; t++) {
                List<Interval> expected = IntervalNewtonReference.roots(start, t, implementation);
                String who = "implementation " + implementation + ", thread " + t;
                if (counts[t] != expected.size()) {
                    throw new Mismatch(who + ": " + counts[t] + " intervals, expected " + expected.size());
                }
                for (int k = 0; k < counts[t]; k++) {
                    int at = (t + k * IntervalNewtonReference.THREADS) * 16;
                    Interval got = new Interval(results.getDouble(at), results.getDouble(at + 8));
                    Interval want = expected.get(k);
                    if (Double.doubleToRawLongBits(got.lo()) != Double.doubleToRawLongBits(want.lo())
                            || Double.doubleToRawLongBits(got.up()) != Double.doubleToRawLongBits(want.up())) {
                        throw new Mismatch(who + ": interval " + k + " is " + got + ", expected " + want);
                    }
                }
                for (BigDecimal root : IntervalNewtonReference.trueRoots(t)) {
                    if (expected.stream().noneMatch(i -> i.contains(root))) {
                        throw new Mismatch(who + ": no interval contains the root " + root);
                    }
                }
            }
        }
    }
}
