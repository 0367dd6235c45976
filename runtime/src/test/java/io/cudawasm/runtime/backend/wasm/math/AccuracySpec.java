package io.cudawasm.runtime.backend.wasm.math;

import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * One accuracy check: the function's name in {@link DeviceMath}, references, and an input generator.
 *
 * @param name      imported name
 * @param reference exact-argument reference at the precision of the given BigRef; null where the result is NaN
 * @param inputs    produces the argument tuples (as doubles; float arguments are float values, ints are ints)
 * @param claimed   a tighter bound this implementation promises, checked in addition to CUDA's (or +inf)
 * @param weight    relative cost: random samples are {@code samples / weight}
 * @param fast      for float functions, an independently verified double-precision reference (within about 1
 *                  double ulp, i.e. 2^-29 float ulp) used for a larger batch of inputs; null if none
 */
record AccuracySpec(String name, Reference reference, Generator inputs, double claimed, int weight,
                    FastReference fast) {

    @FunctionalInterface
    interface Reference {
        BigDecimal apply(BigRef ref, BigDecimal[] args);
    }

    @FunctionalInterface
    interface FastReference {
        double apply(double[] args);
    }

    @FunctionalInterface
    interface Generator {
        List<double[]> generate(SplittableRandom rnd, int samples);
    }

    AccuracySpec(String name, Reference reference, Generator inputs, double claimed, int weight) {
        this(name, reference, inputs, claimed, weight, null);
    }

    AccuracySpec withFast(FastReference f) {
        return new AccuracySpec(name, reference, inputs, claimed, weight, f);
    }

    AccuracySpec withFast1(DoubleUnaryOperator f) {
        return withFast(a -> f.applyAsDouble(a[0]));
    }

    @Override
    public String toString() {
        return name;
    }
}
