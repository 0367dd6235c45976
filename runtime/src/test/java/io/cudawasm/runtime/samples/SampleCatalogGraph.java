package io.cudawasm.runtime.samples;

import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * graphConditionalNodes: the kernels of CUDA graphs with if, if/else, do-while, while (captured) and
 * switch conditional nodes. The graphs are host code, which does not run here; each kernel runs
 * alone, as a graph node would, and its result is what it prints (device printf) and the value it
 * leaves its conditional handle with ({@code graph conditional HANDLE = VALUE} after the launch),
 * computed here from the input byte: the low bit for an if, the count left for a do-while (set to 0
 * when it reaches 0, else untouched), the byte itself for a switch.
 */
final class SampleCatalogGraph {
    private SampleCatalogGraph() {}

    static final String PATH = "3_CUDA_Features/graphConditionalNodes/graphConditionalNodes.cu";
    private static final long HANDLE = 4242;

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample(PATH, "11 kernels (cudaGraphSetConditional; device printf)", r -> {
            for (int flag : new int[] {4, 7}) {
                expect(r, "ifGraphKernelA", flag, List.of("GPU: Handle set to " + (flag & 1)), (long) (flag & 1));
            }
            // a do-while body: the handle is cleared (0) when the counter reaches 0, else left as it was
            expect(r, "doWhileLoopKernel", 3, List.of("GPU: counter = 2"), null);
            expect(r, "doWhileLoopKernel", 1, List.of("GPU: counter = 0"), 0L);
            // a captured while: prints the counter, counts down while positive, and loops while it is not 0
            expect(r, "capturedWhileKernel", 2, List.of("GPU: counter = 2"), 1L);
            expect(r, "capturedWhileKernel", 0, List.of("GPU: counter = 0"), 0L);
            expect(r, "switchGraphKernelA", 2, List.of("GPU: Handle set to 2"), 2L);
            for (String k : List.of("ifGraphKernelC", "ifGraphKernelD", "doWhileEmptyKernel", "capturedWhileEmptyKernel",
                    "switchGraphKernelC", "switchGraphKernelD", "switchGraphKernelE", "switchGraphKernelF")) {
                String printed = r.printed(PATH, k, "1", "1", 0, List.of());
                // each prints one line naming the GPU and sets no conditional
                if (printed.lines().filter(l -> l.startsWith("GPU: ")).count() != 1 || printed.contains("graph conditional")) {
                    throw new Mismatch(k + ": expected one printed line and no conditional in: " + flat(printed));
                }
            }
        }));
        return s;
    }

    /** Runs a kernel that takes (char *dPtr, handle) on one byte; checks its lines and the handle's value. */
    private static void expect(PublicSamplesRun r, String kernel, int input, List<String> lines, Long value)
            throws Mismatch, IOException {
        String printed = r.printed(PATH, kernel, "1", "1", 0, List.of("const:1:" + input, Long.toString(HANDLE)));
        for (String l : lines) {
            if (!printed.lines().anyMatch(p -> p.equals(l))) {
                throw new Mismatch(kernel + "(" + input + "): no line '" + l + "' in: " + flat(printed));
            }
        }
        List<String> conditionals = printed.lines().filter(l -> l.strip().startsWith("graph conditional")).map(String::strip)
                .toList();
        List<String> wanted = value == null ? List.of() : List.of("graph conditional " + HANDLE + " = " + value);
        if (!conditionals.equals(wanted)) {
            throw new Mismatch(kernel + "(" + input + "): conditionals " + conditionals + ", expected " + wanted);
        }
    }

    private static String flat(String s) {
        return s.strip().replace('\n', '|');
    }
}
