package io.cudawasm.runtime.backend.check;

/**
 * How closely two back ends' outputs must agree: integers (and raw bytes) always exactly; floats
 * and doubles within {@code ulps} units in the last place, with NaN equal to NaN and +0 equal to
 * -0 only when {@code ulps > 0}.
 */
public record Tolerance(int ulps) {

    public Tolerance {
        if (ulps < 0) {
            throw new IllegalArgumentException("ulps must be >= 0");
        }
    }

    /** Bit-for-bit. */
    public static Tolerance exact() {
        return new Tolerance(0);
    }

    public static Tolerance ulps(int n) {
        return new Tolerance(n);
    }

    @Override
    public String toString() {
        return ulps == 0 ? "bit-exact" : "integers exact, floats within " + ulps + " ulp";
    }
}
