package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.exact;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;

import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * newdelete: a class template deriving from a class template with pure virtual {@code push}/{@code pop},
 * placed in shared memory by placement {@code new} and called through the derived pointer. The two
 * kernels that live in one launch (the others keep a container in the device heap from one launch
 * to the next, which the runner's one-kernel runs do not carry). Half the threads push their
 * index / 2, then every thread pops: the popped values, sorted, are n/2 times -1 and then 0..n/2-1
 * (the order threads pop in is the schedule's). Reference written here. OpenCL refuses both kernels by
 * name: the block's {@code __shared__ Vector<T>*} stores a shared-memory address, which OpenCL C 1.2
 * cannot (only pointers to global memory may be stored); the run checks that refusal.
 */
final class SampleCatalogVirtual {
    private SampleCatalogVirtual() {}

    static final String PATH = "3_CUDA_Features/newdelete/newdelete.cu";

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        int n = 256;
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            expected[i] = i < n / 2 ? -1 : i - n / 2;
        }
        s.add(new Sample(PATH, "placementNew, complexVector (virtual push/pop of Vector<T> : Container<T>)", r -> {
            for (String kernel : List.of("placementNew", "complexVector")) {
                if (r.route() == PublicSamplesRun.Route.OPENCL) {
                    // the block's Vector pointer is a __shared__ variable holding a shared-memory address
                    try {
                        r.run(PATH, kernel, "1", Integer.toString(n), 0, List.of("zeros:" + n), List.of("d_result"));
                    } catch (Mismatch refused) {
                        if (refused.getMessage().contains("OpenCL C 1.2 only supports stored pointers to global memory")) {
                            continue;
                        }
                        throw refused;
                    }
                    throw new Mismatch(kernel + " ran on OpenCL, which was expected to refuse it");
                }
                Map<String, byte[]> o = r.run(PATH, kernel, "1", Integer.toString(n), 0, List.of("zeros:" + n),
                        List.of("d_result"));
                int[] got = ints(o.get("d_result"));
                Arrays.sort(got);
                exact(kernel + " d_result (sorted)", expected, got);
            }
        }));
        return s;
    }
}
