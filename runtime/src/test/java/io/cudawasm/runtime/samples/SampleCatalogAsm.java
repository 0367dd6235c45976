package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.exact;
import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;

import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Samples of {@link SampleCatalog} that use inline PTX assembly. */
final class SampleCatalogAsm {
    private SampleCatalogAsm() {}

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        // both write each thread's lane (read with asm from %laneid) for the first 1000 elements;
        // the host launches 4 blocks of 256 threads
        for (String path : List.of("2_Concepts_and_Techniques/inlinePTX/inlinePTX.cu",
                "2_Concepts_and_Techniques/inlinePTX_nvrtc/inlinePTX_kernel.cu")) {
            s.add(new Sample(path, "sequence_gpu", r -> {
                int n = 1000;
                Map<String, byte[]> o = r.run(path, "sequence_gpu", "4", "256", 0, List.of("const:1024:-1", "1000"),
                        List.of("d_ptr"));
                int[] e = new int[1024];
                for (int i = 0; i < e.length; i++) {
                    e[i] = i < n ? i % 32 : -1;
                }
                exact("d_ptr", e, ints(o.get("d_ptr")));
            }));
        }
        // the quicksort's last stages: big_bitonicsort rounds its length up to a power of two with
        // asm bfind.u32 and sorts 3000 values with 1024 threads (1096 padding slots in backbuf);
        // bitonicsort sorts 300 values with 512 threads in shared memory
        String bitonic = "3_CUDA_Features/cdpAdvancedQuicksort/cdpBitonicSort.cu";
        s.add(new Sample(bitonic, "big_bitonicsort, bitonicsort", r -> {
            String big = "random:3000:31:0:4294967295";
            Map<String, byte[]> o = r.run(bitonic, "big_bitonicsort", "1", "1024", 0,
                    List.of(big, "zeros:3000", "zeros:1096", "0", "3000"), List.of("outdata"));
            exact("big_bitonicsort outdata", sortedUnsigned(ints(gen(big, ElementType.U32))), ints(o.get("outdata")));
            String small = "random:300:32:0:4294967295";
            Map<String, byte[]> p = r.run(bitonic, "bitonicsort", "1", "512", 0,
                    List.of(small, "zeros:300", "0", "300"), List.of("outdata"));
            exact("bitonicsort outdata", sortedUnsigned(ints(gen(small, ElementType.U32))), ints(p.get("outdata")));
        }));
        return s;
    }

    /** The values in ascending unsigned order. */
    static int[] sortedUnsigned(int[] values) {
        long[] wide = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = Integer.toUnsignedLong(values[i]);
        }
        java.util.Arrays.sort(wide);
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) wide[i];
        }
        return out;
    }
}
