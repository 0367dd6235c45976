package io.cudawasm.bench.suite;

import java.util.Locale;

/**
 * Problem sizes of the throughput benchmarks. S fits in a CPU's L2 cache (launch costs dominate), M in
 * its last-level cache, L in neither (memory bandwidth dominates on a CPU; a GPU is just getting busy).
 *
 * @param elements elements of a 1D kernel (vectors)
 * @param matrix   edge of a square matrix for the matrix kernels
 */
public enum SuiteSize {
    S(1 << 16, 64),
    M(1 << 20, 256),
    L(1 << 24, 512);

    private final int elements;
    private final int matrix;

    SuiteSize(int elements, int matrix) {
        this.elements = elements;
        this.matrix = matrix;
    }

    public int elements() {
        return elements;
    }

    public int matrix() {
        return matrix;
    }

    public static SuiteSize parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
