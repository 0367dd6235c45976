package io.cudawasm.bench;

/** Plain-Java loops of the benchmarked algorithms, the baselines the kernels are measured against. */
final class JavaBaselines {
    private JavaBaselines() {}

    /** {@code y = alpha * x + y}; returns an element so the work cannot be dropped. */
    static float saxpy(float alpha, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] = alpha * x[i] + y[i];
        }
        return y[y.length / 2];
    }

    /** The textbook triple loop, {@code c = a * b} for n x n matrices; returns an element of c. */
    static float matmul(float[] a, float[] b, float[] c, int n) {
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                float sum = 0.0f;
                for (int k = 0; k < n; k++) {
                    sum += a[row * n + k] * b[k * n + col];
                }
                c[row * n + col] = sum;
            }
        }
        return c[n];
    }
}
