package io.cudawasm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * This build's Wasm path against an older one, kernel by kernel, in one JVM: every bundled kernel and
 * every case of the device-semantics corpus ({@link KernelLaunches}), launched alternately with both
 * builds' code (ABBA pairs of timed batches), so the load of a shared machine hits both alike. The
 * older build is its benchmarks jar, loaded in a class loader of its own. Also checks that both leave
 * the same bytes after the first launch.
 *
 * <pre>
 * git archive BASE | tar -x -C /tmp/base &amp;&amp; (cd /tmp/base &amp;&amp; mvn -B -o -q -pl bench -am package -DskipTests)
 * java -cp bench/target/benchmarks.jar io.cudawasm.bench.WasmBeforeAfter /tmp/base/bench/target/benchmarks.jar [PAIRS [WORKERS [CASES]]]
 * </pre>
 */
public final class WasmBeforeAfter {
    private WasmBeforeAfter() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: WasmBeforeAfter BASELINE_BENCHMARKS_JAR [PAIRS [WORKERS [CASE_REGEX]]]");
            System.exit(2);
        }
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(args.length > 3 ? args[3] : ".*");
        List<Object[]> current = KernelLaunches.prepare(workers);
        List<Object[]> baseline = baselineLaunches(Path.of(args[0]), workers);
        System.out.printf(Locale.ROOT, "%d cases, %d worker(s), %d ABBA pairs each; load average %s%n", current.size(),
                workers, pairs, loadAverage());
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %8s %s%n", "case", "before µs", "after µs", "after/before",
                "(quartiles)");
        List<Double> ratios = new ArrayList<>();
        int mismatches = 0;
        for (int i = 0; i < current.size(); i++) {
            String name = (String) current.get(i)[0];
            if (!only.matcher(name).matches()) {
                continue;
            }
            Object[] old = baseline.stream().filter(o -> o[0].equals(name)).findFirst().orElse(null);
            if (old == null) {
                System.out.printf(Locale.ROOT, "%-34s not in the baseline%n", name);
                continue;
            }
            Runnable now = (Runnable) current.get(i)[1];
            Runnable before = (Runnable) old[1];
            now.run();
            before.run();
            boolean same = Arrays.equals(output(current.get(i)), output(old));
            if (!same) {
                mismatches++;
            }
            int batch = batchSize(now, before);
            for (int w = 0; w < 10; w++) { // warm-up: both builds' code compiled by C2 before it is timed
                time(before, batch);
                time(now, batch);
            }
            double[] a = new double[pairs];
            double[] b = new double[pairs];
            double[] q = new double[pairs];
            for (int p = 0; p < pairs; p++) {
                boolean oldFirst = p % 2 == 0;
                double t1 = time(oldFirst ? before : now, batch);
                double t2 = time(oldFirst ? now : before, batch);
                a[p] = oldFirst ? t1 : t2;
                b[p] = oldFirst ? t2 : t1;
                q[p] = b[p] / a[p];
            }
            Arrays.sort(a);
            Arrays.sort(b);
            Arrays.sort(q);
            ratios.add(q[pairs / 2]);
            System.out.printf(Locale.ROOT, "%-34s %12.1f %12.1f %8.3f (%.3f .. %.3f)%s%n", name, a[pairs / 2] * 1e3,
                    b[pairs / 2] * 1e3, q[pairs / 2], q[pairs / 4], q[3 * pairs / 4], same ? "" : "  OUTPUTS DIFFER");
        }
        double logSum = 0;
        for (double r : ratios) {
            logSum += Math.log(r);
        }
        System.out.printf(Locale.ROOT, "geometric mean after/before %.3f, highest %.3f, lowest %.3f; outputs differ in %d; "
                + "load average %s%n", Math.exp(logSum / ratios.size()), ratios.stream().mapToDouble(d -> d).max().orElse(0),
                ratios.stream().mapToDouble(d -> d).min().orElse(0), mismatches, loadAverage());
        System.exit(0); // the worker pools' threads are daemons, but the sessions hold memory until exit
    }

    @SuppressWarnings("unchecked")
    private static byte[] output(Object[] c) {
        return ((Supplier<byte[]>) c[2]).get();
    }

    /** Launches per timed batch: enough for about 20 ms with the slower of the two. */
    private static int batchSize(Runnable a, Runnable b) {
        double one = Math.max(time(a, 3), time(b, 3)) / 3;
        return (int) Math.max(1, Math.min(10_000, 20.0 / Math.max(one, 1e-4)));
    }

    /** Milliseconds per launch of a batch. */
    private static double time(Runnable r, int launches) {
        long start = System.nanoTime();
        for (int i = 0; i < launches; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / 1e6 / launches;
    }

    /** {@link KernelLaunches#prepare} of the baseline build: that class defined again over the baseline's classes. */
    @SuppressWarnings("unchecked")
    private static List<Object[]> baselineLaunches(Path jar, int workers) throws Exception {
        URLClassLoader base = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        String name = KernelLaunches.class.getName();
        byte[] bytes;
        try (InputStream in = KernelLaunches.class.getResourceAsStream("KernelLaunches.class")) {
            bytes = in.readAllBytes();
        }
        ClassLoader harness = new ClassLoader(base) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (n.equals(name)) {
                    synchronized (getClassLoadingLock(n)) {
                        Class<?> c = findLoadedClass(n);
                        return c != null ? c : defineClass(n, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(n, resolve);
            }
        };
        return (List<Object[]>) harness.loadClass(name).getMethod("prepare", int.class).invoke(null, workers);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
