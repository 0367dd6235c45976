package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.exact;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;

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
        return s;
    }
}
