package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.exact;
import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;

import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The dynamic-parallelism samples (kernels launching kernels): each checked against a reference
 * computed here. The PTX route compiles them with {@code nvcc -rdc=true}, which device-side launches need.
 */
final class SampleCatalogDynamic {
    private SampleCatalogDynamic() {}

    private static final String QUICKSORT = "3_CUDA_Features/cdpSimpleQuicksort/cdpSimpleQuicksort.cu";

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample(QUICKSORT, "cdp_simple_quicksort (a grid of one thread per partition, two children each)",
                r -> {
                    // the sample's own size (128), then a larger array with many equal keys
                    for (String data : List.of("random:128:7:0:2147483647", "mod:6000:97:13", "random:20000:3")) {
                        int n = Integer.parseInt(data.split(":")[1]);
                        int[] in = ints(gen(data, ElementType.U32));
                        Map<String, byte[]> o = r.run(QUICKSORT, "cdp_simple_quicksort", "1", "1", 0,
                                List.of(data, "0", Integer.toString(n - 1), "0"), List.of("data"));
                        long[] sorted = new long[n];
                        for (int i = 0; i < n; i++) {
                            sorted[i] = Integer.toUnsignedLong(in[i]);
                        }
                        Arrays.sort(sorted);
                        int[] e = new int[n];
                        for (int i = 0; i < n; i++) {
                            e[i] = (int) sorted[i];
                        }
                        exact("data (" + data + ")", e, ints(o.get("data")));
                    }
                }));
        return s;
    }
}
