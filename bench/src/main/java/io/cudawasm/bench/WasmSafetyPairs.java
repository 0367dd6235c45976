package io.cudawasm.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The address checks' cost as paired launches: {@link WasmSafetyBench}'s {@code unchecked} and
 * {@code checked} sessions of one kernel live in one JVM and launch alternately (ABBA), and each
 * pair's time ratio is kept. On a machine shared with other work the load drifts between JMH's
 * separate trials by more than the checks cost; inside a pair it hardly changes, so the median
 * ratio is the steadier figure. Not a JMH benchmark: {@code java -cp bench/target/benchmarks.jar
 * io.cudawasm.bench.WasmSafetyPairs [PAIRS [KERNEL...]]} (default 40 pairs of saxpy, saxpy-ptx,
 * tiled and reduce, after 10 pairs of warm-up).
 */
public final class WasmSafetyPairs {
    private WasmSafetyPairs() {}

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String[] kernels = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"saxpy", "saxpy-ptx", "tiled", "reduce"};
        for (String kernel : kernels) {
            WasmSafetyBench unchecked = state(kernel, "unchecked");
            WasmSafetyBench checked = state(kernel, "checked");
            for (int i = 0; i < 10; i++) {
                unchecked.launch();
                checked.launch();
            }
            double[] a = new double[pairs];
            double[] b = new double[pairs];
            double[] ratio = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                boolean uncheckedFirst = i % 2 == 0;
                WasmSafetyBench first = uncheckedFirst ? unchecked : checked;
                WasmSafetyBench second = uncheckedFirst ? checked : unchecked;
                double t1 = time(first);
                double t2 = time(second);
                a[i] = uncheckedFirst ? t1 : t2;
                b[i] = uncheckedFirst ? t2 : t1;
                ratio[i] = b[i] / a[i];
            }
            unchecked.tearDown();
            checked.tearDown();
            Arrays.sort(a);
            Arrays.sort(b);
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "%-10s unchecked median %8.1f ms  checked median %8.1f ms  "
                    + "checked/unchecked per pair: median %.3f (quartiles %.3f..%.3f)%n", kernel, a[pairs / 2],
                    b[pairs / 2], ratio[pairs / 2], ratio[pairs / 4], ratio[3 * pairs / 4]);
        }
    }

    private static WasmSafetyBench state(String kernel, String variant) throws Exception {
        WasmSafetyBench s = new WasmSafetyBench();
        s.kernel = kernel;
        s.variant = variant;
        s.setUp();
        return s;
    }

    private static double time(WasmSafetyBench s) {
        long start = System.nanoTime();
        s.launch();
        return (System.nanoTime() - start) / 1e6;
    }
}
