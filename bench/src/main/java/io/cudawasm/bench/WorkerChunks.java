package io.cudawasm.bench;

import io.cudawasm.runtime.backend.wasm.WasmBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How many consecutive blocks a Wasm worker takes at a time ({@link WasmBackend#MAX_CHUNK_PROPERTY}),
 * measured on {@link CpuLimits}' saxpy and reduction with two workers: one session per kernel, the
 * settings taking turns between batches of launches in one JVM (the property is read at each launch),
 * so that a change of load hits every setting alike.
 *
 * <p>{@code java -XX:-DontCompileHugeMethods [--add-modules=jdk.incubator.vector] -cp bench/target/benchmarks.jar io.cudawasm.bench.WorkerChunks [ROUNDS [SETTING...]]}
 * (defaults: 12 rounds, the first two a warm-up; settings 64 4096 1024).
 */
public final class WorkerChunks {
    private WorkerChunks() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        List<String> settings = args.length > 1 ? List.of(Arrays.copyOfRange(args, 1, args.length))
                : List.of("64", "4096", "1024");
        for (String kernel : List.of("reduce", "saxpy")) {
            Map<String, List<Double>> times = new LinkedHashMap<>();
            settings.forEach(c -> times.put(c, new ArrayList<>()));
            try (CpuLimits.Variant twoWorkers = CpuLimits.wasm(kernel, 2)) {
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < settings.size(); i++) {
                        String c = settings.get((i + r) % settings.size());
                        System.setProperty(WasmBackend.MAX_CHUNK_PROPERTY, c);
                        double median = CpuLimits.median(twoWorkers.run(15));
                        if (r >= 2) {
                            times.get(c).add(median);
                        }
                    }
                }
            } finally {
                System.clearProperty(WasmBackend.MAX_CHUNK_PROPERTY);
            }
            StringBuilder line = new StringBuilder(kernel + ", 2 workers, ms per launch (median of rounds, min):");
            for (String c : settings) {
                double[] t = times.get(c).stream().mapToDouble(Double::doubleValue).toArray();
                line.append(String.format(Locale.ROOT, "  %s blocks %.2f (%.2f)", c, CpuLimits.median(t),
                        Arrays.stream(t).min().orElse(Double.NaN)));
            }
            System.out.println(line);
        }
    }
}
