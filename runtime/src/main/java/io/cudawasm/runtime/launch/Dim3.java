package io.cudawasm.runtime.launch;

/** CUDA's dim3: grid and block extents, each at least 1. */
public record Dim3(int x, int y, int z) {

    public Dim3 {
        if (x < 1 || y < 1 || z < 1) {
            throw new IllegalArgumentException("dimensions must be positive, got " + x + "," + y + "," + z);
        }
    }

    public static Dim3 of(int x) {
        return new Dim3(x, 1, 1);
    }

    /** Parses {@code X}, {@code X,Y} or {@code X,Y,Z} (also with 'x' as separator). */
    public static Dim3 parse(String text) {
        String[] parts = text.trim().split("\\s*[,xX]\\s*");
        if (parts.length < 1 || parts.length > 3) {
            throw new IllegalArgumentException("expected X[,Y[,Z]], got '" + text + "'");
        }
        int[] v = {1, 1, 1};
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected X[,Y[,Z]], got '" + text + "'");
            }
        }
        return new Dim3(v[0], v[1], v[2]);
    }

    public long total() {
        return (long) x * y * z;
    }

    @Override
    public String toString() {
        return x + "," + y + "," + z;
    }
}
