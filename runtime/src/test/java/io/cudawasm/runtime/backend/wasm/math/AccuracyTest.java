package io.cudawasm.runtime.backend.wasm.math;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Measures every host function against a BigDecimal reference on edge values and seeded random inputs, through the
 * registered {@link RawHandle} (so the registry wiring is exercised too), and asserts CUDA's documented bound in
 * CUDA's own measure: the distance in ulps to the correctly rounded result. The real-valued error |result - exact|
 * in ulps of the exact value is measured alongside and written, with the worst inputs, to
 * {@code target/math-accuracy.md}.
 *
 * <p>Double functions get edge values plus N random inputs against BigDecimal; float functions get N/4 against
 * BigDecimal plus 4N against an independently verified double reference. {@code -Dmath.samples=N} sets N (default
 * 1200).
 */
class AccuracyTest {

    private static final int SAMPLES = Integer.getInteger("math.samples", 1200);
    private static final Map<String, String> REPORT = new TreeMap<>();

    record Outcome(long ulps, double real, String input, String detail) {
    }

    static Stream<AccuracySpec> specs() {
        return AccuracySpecs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void withinCudaBound(AccuracySpec spec) {
        MathFunction fn = DeviceMath.lookup(spec.name()).orElseThrow(() -> new AssertionError("missing " + spec.name()));
        Ulps.Format format = fn.result() == ValueKind.F32 ? Ulps.Format.FLOAT : Ulps.Format.DOUBLE;
        SplittableRandom rnd = new SplittableRandom(spec.name().hashCode() * 0x9E3779B97F4A7C15L);
        boolean batch = format == Ulps.Format.FLOAT && spec.fast() != null;
        int exactSamples = Math.max(50, (batch ? SAMPLES / 4 : SAMPLES) / spec.weight());
        List<double[]> inputs = spec.inputs().generate(rnd, exactSamples);
        Outcome[] outcomes = new Outcome[inputs.size()];
        IntStream.range(0, inputs.size()).parallel().forEach(i -> outcomes[i] = measure(spec, fn, format, inputs.get(i)));
        Outcome[] fastOutcomes = new Outcome[0];
        int fastCount = 0;
        if (batch) {
            List<double[]> more = spec.inputs().generate(rnd.split(), 4 * SAMPLES / spec.weight());
            fastCount = more.size();
            fastOutcomes = more.stream().map(a -> measureFast(spec, fn, a)).toArray(Outcome[]::new);
        }
        Outcome worst = worstByUlps(outcomes, fastOutcomes);
        Outcome worstReal = outcomes[0];
        for (Outcome o : outcomes) {
            if (o.real() > worstReal.real()) {
                worstReal = o;
            }
        }
        double fastReal = 0.0;
        for (Outcome o : fastOutcomes) {
            fastReal = Math.max(fastReal, o.real());
        }
        double bound = Math.min(fn.ulpBound(), spec.claimed());
        String counts = batch ? inputs.size() + " + " + fastCount : String.valueOf(inputs.size());
        String fastText = batch ? String.format(Locale.ROOT, " (%.3f)", fastReal) : "";
        REPORT.put(spec.name(), String.format(Locale.ROOT, "| %s | %s | %s | %d | %.3f%s | %s |", spec.name(),
                boundText(fn.ulpBound()), counts, worst.ulps(), worstReal.real(), fastText, worstReal.input()));
        assertTrue(worst.ulps() <= bound, () -> String.format(Locale.ROOT,
                "%s: %d ulps from the correctly rounded result (bound %s) at %s -> %s", spec.name(), worst.ulps(),
                boundText(bound), worst.input(), worst.detail()));
    }

    private static Outcome worstByUlps(Outcome[] a, Outcome[] b) {
        Outcome w = a[0];
        for (Outcome[] arr : List.of(a, b)) {
            for (Outcome o : arr) {
                if (o.ulps() > w.ulps()) {
                    w = o;
                }
            }
        }
        return w;
    }

    /**
     * Float result against a double reference y within about one double ulp of the exact value: the correctly rounded
     * float is (float) y except within 2^-29 ulp of a midpoint, where the distance can be misjudged by one. That
     * cannot push a result already within the bound across it, because both candidates border the midpoint.
     */
    private static Outcome measureFast(AccuracySpec spec, MathFunction fn, double[] args) {
        long[] raw = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            raw[i] = Float.floatToRawIntBits((float) args[i]);
        }
        float result = Float.intBitsToFloat((int) fn.handle().apply(raw));
        double y = spec.fast().apply(args);
        String input = describe(args);
        if (Double.isNaN(y) != Float.isNaN(result)) {
            fail(spec.name() + input + ": got " + result + ", double reference " + y);
        }
        if (Double.isNaN(y)) {
            return new Outcome(0, 0.0, input, "NaN");
        }
        float rounded = (float) y;
        long ulps = Ulps.ulpDistance(result, rounded, Ulps.Format.FLOAT);
        double real;
        if (Float.isInfinite(result) && result == rounded) {
            real = 0.0;
        } else {
            double r = Float.isInfinite(result) ? Math.copySign(0x1p128, result) : result;
            double yy = Math.abs(y) > 0x1p128 ? Math.copySign(0x1p128, y) : y;
            int e = Math.max(Math.getExponent(yy), -126);
            real = Math.abs(r - yy) / Math.scalb(1.0, e - 23);
        }
        return new Outcome(ulps, real, input, "got " + Float.toHexString(result) + ", double reference "
                + Double.toHexString(y));
    }

    private static String describe(double[] args) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < args.length; i++) {
            sb.append(Float.toHexString((float) args[i])).append(i + 1 < args.length ? ", " : ")");
        }
        return sb.toString();
    }

    private static String boundText(double b) {
        return Double.isInfinite(b) ? "none" : String.valueOf((long) b);
    }

    private static Outcome measure(AccuracySpec spec, MathFunction fn, Ulps.Format format, double[] args) {
        long[] raw = new long[args.length];
        BigDecimal[] exactArgs = new BigDecimal[args.length];
        StringBuilder input = new StringBuilder("(");
        for (int i = 0; i < args.length; i++) {
            ValueKind k = fn.params().get(i);
            if (k == ValueKind.F32) {
                raw[i] = Float.floatToRawIntBits((float) args[i]);
                input.append(Float.toHexString((float) args[i]));
            } else if (k == ValueKind.F64) {
                raw[i] = Double.doubleToRawLongBits(args[i]);
                input.append(Double.toHexString(args[i]));
            } else {
                raw[i] = (int) args[i];
                input.append((int) args[i]);
            }
            exactArgs[i] = k == ValueKind.I32 ? BigDecimal.valueOf((int) args[i]) : new BigDecimal(args[i]);
            input.append(i + 1 < args.length ? ", " : ")");
        }
        long bits = fn.handle().apply(raw);
        double result = format == Ulps.Format.FLOAT ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
        BigDecimal exact;
        try {
            exact = spec.reference().apply(format == Ulps.Format.FLOAT ? BigRef.FLOAT : BigRef.DOUBLE, exactArgs);
        } catch (ArithmeticException e) {
            throw new AssertionError(spec.name() + input + ": reference failed", e);
        }
        if (exact == null) {
            if (!Double.isNaN(result)) {
                fail(spec.name() + input + " should be NaN but is " + result);
            }
            return new Outcome(0, 0.0, input.toString(), "NaN");
        }
        if (Double.isNaN(result)) {
            fail(spec.name() + input + " is NaN; expected about " + exact.round(BigRef.work(20)));
        }
        double rounded = Ulps.roundToFormat(exact, format);
        long ulps = Ulps.ulpDistance(result, rounded, format);
        double real = Ulps.realError(result, exact, format);
        String detail = "got " + hex(result, format) + ", correctly rounded " + hex(rounded, format) + ", exact "
                + exact.round(BigRef.work(25));
        return new Outcome(ulps, real, input.toString(), detail);
    }

    private static String hex(double v, Ulps.Format f) {
        return f == Ulps.Format.FLOAT ? Float.toHexString((float) v) : Double.toHexString(v);
    }

    @AfterAll
    static void writeReport() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("| function | CUDA bound (ulp) | inputs (BigDecimal ref + double ref) | max ulps from correctly rounded"
                + " | max error vs exact, ulp (vs double ref) | worst input (real error) |\n|---|---|---|---|---|---|\n");
        for (String line : REPORT.values()) {
            sb.append(line).append('\n');
        }
        Path dir = Path.of("target");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("math-accuracy.md"), sb.toString());
    }
}
