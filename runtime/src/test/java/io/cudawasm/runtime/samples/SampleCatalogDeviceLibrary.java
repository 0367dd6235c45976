package io.cudawasm.runtime.samples;

import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The samples the device library lets run: device {@code printf} (its output checked line by line on
 * standard output, in the order the runtime documents: block, thread, program order) and
 * {@code clock()} (each block's end reading after its start; the spin loop of simpleHyperQ ends).
 */
final class SampleCatalogDeviceLibrary {
    private SampleCatalogDeviceLibrary() {}

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("0_Introduction/simplePrintf/simplePrintf.cu", "testKernel (device printf)", r -> {
            r.run("0_Introduction/simplePrintf/simplePrintf.cu", "testKernel", "2,2", "2,2,2", 0, List.of("10"),
                    List.of());
            StringBuilder want = new StringBuilder();
            for (int block = 0; block < 4; block++) {
                for (int thread = 0; thread < 8; thread++) {
                    want.append('[').append(block).append(", ").append(thread).append("]:\t\tValue is:10\n");
                }
            }
            if (!r.stdout().startsWith(want.toString())) {
                throw new Mismatch("printed " + r.stdout().lines().limit(3).toList() + "…, expected "
                        + want.toString().lines().limit(3).toList() + "… (32 lines)");
            }
        }));
        for (String path : List.of("0_Introduction/clock/clock.cu", "0_Introduction/clock_nvrtc/clock_kernel.cu")) {
            s.add(new Sample(path, "timedReduction (clock())", r -> {
                int blocks = 64;
                int threads = 256;
                Map<String, byte[]> out = r.run(path, "timedReduction", Integer.toString(blocks),
                        Integer.toString(threads), 4 * 2 * threads, List.of("iota:" + 2 * threads, "zeros:" + blocks,
                                "zeros:" + 2 * blocks), List.of("output", "timer"));
                float[] min = PublicSamplesRun.floats(out.get("output"));
                ByteBuffer timer = ByteBuffer.wrap(out.get("timer")).order(ByteOrder.LITTLE_ENDIAN);
                for (int b = 0; b < blocks; b++) {
                    if (min[b] != 0f) {
                        throw new Mismatch("output[" + b + "] = " + min[b] + ", expected 0 (the minimum of 0..511)");
                    }
                    long start = timer.getLong(8 * b);
                    long end = timer.getLong(8 * (b + blocks));
                    if (end <= start) {
                        throw new Mismatch("block " + b + ": clock() read " + start + " then " + end);
                    }
                }
            }));
        }
        String hyperQ = "0_Introduction/simpleHyperQ/simpleHyperQ.cu";
        s.add(new Sample(hyperQ, "kernel_A (clock() spin), sum", r -> {
            Map<String, byte[]> spun = r.run(hyperQ, "kernel_A", "1", "1", 0, List.of("zeros:1", "1000"),
                    List.of("d_o"));
            long waited = ByteBuffer.wrap(spun.get("d_o")).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (waited < 1000) {
                throw new Mismatch("clock_block returned after " + waited + " clocks, fewer than the 1000 asked");
            }
            Map<String, byte[]> sum = r.run(hyperQ, "sum", "1", "32", 0, List.of("iota:64", "64"), List.of("d_clocks"));
            long total = ByteBuffer.wrap(sum.get("d_clocks")).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (total != 63 * 64 / 2) {
                throw new Mismatch("sum = " + total + ", expected " + 63 * 64 / 2);
            }
        }));
        String scaling = "6_Performance/cudaGraphsPerfScaling/cudaGraphPerfScaling.cu";
        s.add(new Sample(scaling, "delay (clock64()), waitWithTimeout (%globaltimer in inline PTX)", r -> {
            r.run(scaling, "delay", "1", "1", 0, List.of("1000"), List.of());
            Map<String, byte[]> waited = r.run(scaling, "waitWithTimeout", "1", "1", 0,
                    List.of("500", "zeros:1", "zeros:1", "null"), List.of("timeoutDetected", "timeElapsed"));
            long elapsed = ByteBuffer.wrap(waited.get("timeElapsed")).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (elapsed < 500 || waited.get("timeoutDetected")[0] != 1) {
                throw new Mismatch("waitWithTimeout: elapsed " + elapsed + " (at least 500), timeout flag "
                        + waited.get("timeoutDetected")[0] + " (1: no latch)");
            }
        }));
        return s;
    }
}
