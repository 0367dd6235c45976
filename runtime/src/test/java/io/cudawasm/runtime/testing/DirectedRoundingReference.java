package io.cudawasm.runtime.testing;

import java.math.BigDecimal;

/**
 * IEEE 754 arithmetic rounded to nearest, toward zero, down or up, computed exactly with
 * {@link BigDecimal} (sums and products exactly, quotients and roots by the sign of their exact
 * residual) and rounded by exact comparisons: the reference for CUDA's directed-rounding
 * intrinsics ({@code __dadd_rd}, {@code __fmul_ru}, ...) and for code built on them.
 */
public final class DirectedRoundingReference {
    /** CUDA's suffixes rn, rz, rd, ru in that order. */
    public enum Mode { NEAREST, ZERO, DOWN, UP }

    private DirectedRoundingReference() {}

    /** The reference: exact with BigDecimal, then rounded as the mode says. */
    public static double reference(String op, Mode mode, double a, double b, double c) {
        double nearest = switch (op) {
            case "add" -> a + b;
            case "sub" -> a - b;
            case "mul" -> a * b;
            case "div" -> a / b;
            case "rcp" -> 1.0 / a;
            case "sqrt" -> Math.sqrt(a);
            default -> Math.fma(a, b, c);
        };
        if (mode == Mode.NEAREST) {
            return nearest;
        }
        double[] operands = switch (op) {
            case "rcp", "sqrt" -> new double[] {a};
            case "fma" -> new double[] {a, b, c};
            default -> new double[] {a, b};
        };
        for (double v : operands) {
            if (!Double.isFinite(v)) {
                return nearest; // infinities and NaN: exact
            }
        }
        if (Double.isNaN(nearest) || (op.equals("div") && b == 0) || (op.equals("rcp") && a == 0)) {
            return nearest; // invalid or a division by zero: exact
        }
        switch (op) {
            case "div", "rcp", "sqrt" -> {
                double x = op.equals("rcp") ? 1.0 : a;
                double y = op.equals("rcp") ? a : b;
                if (Double.isInfinite(nearest)) {
                    return overflow(nearest > 0, mode);
                }
                // the side of the exact quotient (root): sign of x - q*y (a - q*q), times sign(y)
                BigDecimal q = new BigDecimal(nearest);
                int side = op.equals("sqrt") ? new BigDecimal(a).subtract(q.multiply(q)).signum()
                        : new BigDecimal(x).subtract(q.multiply(new BigDecimal(y))).signum() * (y > 0 ? 1 : -1);
                return stepDouble(nearest, side, mode);
            }
            default -> {
                BigDecimal exact = switch (op) {
                    case "add" -> new BigDecimal(a).add(new BigDecimal(b));
                    case "sub" -> new BigDecimal(a).subtract(new BigDecimal(b));
                    case "mul" -> new BigDecimal(a).multiply(new BigDecimal(b));
                    default -> new BigDecimal(a).multiply(new BigDecimal(b)).add(new BigDecimal(c));
                };
                if (exact.signum() == 0) {
                    if (op.equals("mul")) {
                        return nearest; // a zero factor: the sign of the product
                    }
                    // an exact zero sum: -0 toward minus infinity unless both terms are +0 (IEEE 754 6.3)
                    double p = op.equals("fma") ? a * b : a;
                    double q = switch (op) {
                        case "sub" -> -b;
                        case "fma" -> c;
                        default -> b;
                    };
                    boolean bothNegative = isNegativeZero(p) && isNegativeZero(q);
                    boolean bothPositive = isPositiveZero(p) && isPositiveZero(q);
                    if (bothNegative) {
                        return -0.0;
                    }
                    if (bothPositive) {
                        return 0.0;
                    }
                    return mode == Mode.DOWN ? -0.0 : 0.0;
                }
                return roundDouble(exact, mode);
            }
        }
    }

    private static boolean isNegativeZero(double v) {
        return v == 0 && Double.doubleToRawLongBits(v) != 0;
    }

    private static boolean isPositiveZero(double v) {
        return v == 0 && Double.doubleToRawLongBits(v) == 0;
    }

    private static double overflow(boolean positive, Mode mode) {
        boolean toInfinity = positive ? mode == Mode.UP : mode == Mode.DOWN;
        double big = toInfinity ? Double.POSITIVE_INFINITY : Double.MAX_VALUE;
        return positive ? big : -big;
    }

    /** One ulp from the nearest value where the exact value ({@code side}: its sign against it) lies on the wrong side. */
    private static double stepDouble(double nearest, int side, Mode mode) {
        boolean down = mode == Mode.DOWN || mode == Mode.ZERO && nearest > 0;
        boolean up = mode == Mode.UP || mode == Mode.ZERO && nearest < 0;
        if (down && side < 0) {
            return Math.nextDown(nearest);
        }
        if (up && side > 0) {
            return Math.nextUp(nearest);
        }
        return nearest;
    }

    /** A nonzero exact value rounded: the largest double below (smallest above) it, by exact comparisons. */
    public static double roundDouble(BigDecimal exact, Mode mode) {
        boolean positive = exact.signum() > 0;
        boolean floor = mode == Mode.DOWN || mode == Mode.ZERO && positive;
        BigDecimal max = new BigDecimal(Double.MAX_VALUE);
        if (exact.abs().compareTo(max) > 0) {
            return overflow(positive, mode);
        }
        double d = exact.doubleValue();
        if (floor) {
            while (new BigDecimal(d).compareTo(exact) > 0) {
                d = Math.nextDown(d);
            }
            while (Math.nextUp(d) <= Double.MAX_VALUE && new BigDecimal(Math.nextUp(d)).compareTo(exact) <= 0) {
                d = Math.nextUp(d);
            }
        } else {
            while (new BigDecimal(d).compareTo(exact) < 0) {
                d = Math.nextUp(d);
            }
            while (Math.nextDown(d) >= -Double.MAX_VALUE && new BigDecimal(Math.nextDown(d)).compareTo(exact) >= 0) {
                d = Math.nextDown(d);
            }
        }
        // a nonzero value rounded to zero keeps its sign
        return d == 0 ? (positive ? 0.0 : -0.0) : d;
    }

    /** Single precision: the exact value (every float operation's is a BigDecimal, or decided by a residual) rounded. */
    public static float referenceFloat(String op, Mode mode, float a, float b, float c) {
        float nearest = switch (op) {
            case "add" -> a + b;
            case "sub" -> a - b;
            case "mul" -> a * b;
            case "div" -> a / b;
            case "rcp" -> 1f / a;
            case "sqrt" -> (float) Math.sqrt(a);
            default -> Math.fma(a, b, c);
        };
        if (mode == Mode.NEAREST) {
            return nearest;
        }
        float[] operands = switch (op) {
            case "rcp", "sqrt" -> new float[] {a};
            case "fma" -> new float[] {a, b, c};
            default -> new float[] {a, b};
        };
        for (float v : operands) {
            if (!Float.isFinite(v)) {
                return nearest;
            }
        }
        if (Float.isNaN(nearest) || (op.equals("div") && b == 0) || (op.equals("rcp") && a == 0)) {
            return nearest;
        }
        BigDecimal exactValue;
        switch (op) {
            case "div", "rcp", "sqrt" -> {
                float x = op.equals("rcp") ? 1f : a;
                float y = op.equals("rcp") ? a : b;
                if (Float.isInfinite(nearest)) {
                    boolean positive = nearest > 0;
                    boolean toInfinity = positive ? mode == Mode.UP : mode == Mode.DOWN;
                    float big = toInfinity ? Float.POSITIVE_INFINITY : Float.MAX_VALUE;
                    return positive ? big : -big;
                }
                BigDecimal q = new BigDecimal(nearest);
                int side = op.equals("sqrt") ? new BigDecimal(a).subtract(q.multiply(q)).signum()
                        : new BigDecimal(x).subtract(q.multiply(new BigDecimal(y))).signum() * (y > 0 ? 1 : -1);
                boolean down = mode == Mode.DOWN || mode == Mode.ZERO && nearest > 0;
                boolean up = mode == Mode.UP || mode == Mode.ZERO && nearest < 0;
                if (down && side < 0) {
                    return Math.nextDown(nearest);
                }
                if (up && side > 0) {
                    return Math.nextUp(nearest);
                }
                return nearest;
            }
            case "add" -> exactValue = new BigDecimal(a).add(new BigDecimal(b));
            case "sub" -> exactValue = new BigDecimal(a).subtract(new BigDecimal(b));
            case "mul" -> exactValue = new BigDecimal(a).multiply(new BigDecimal(b));
            default -> exactValue = new BigDecimal(a).multiply(new BigDecimal(b)).add(new BigDecimal(c));
        }
        if (exactValue.signum() == 0) {
            if (op.equals("mul")) {
                return nearest;
            }
            float p = op.equals("fma") ? a * b : a;
            float q = switch (op) {
                case "sub" -> -b;
                case "fma" -> c;
                default -> b;
            };
            if (op.equals("fma")) {
                // here a or b is zero (else c = -a*b is nonzero): the zero product's sign
                p = Math.copySign(1f, a) * Math.copySign(1f, b) * 0f;
            }
            int pBits = Float.floatToRawIntBits(p);
            int qBits = Float.floatToRawIntBits(q);
            if (p == 0 && q == 0 && pBits == qBits) {
                return p;
            }
            return mode == Mode.DOWN ? -0f : 0f;
        }
        return roundFloat(exactValue, mode);
    }

    public static float roundFloat(BigDecimal exact, Mode mode) {
        boolean positive = exact.signum() > 0;
        boolean floor = mode == Mode.DOWN || mode == Mode.ZERO && positive;
        if (exact.abs().compareTo(new BigDecimal(Float.MAX_VALUE)) > 0) {
            boolean toInfinity = positive ? mode == Mode.UP : mode == Mode.DOWN;
            float big = toInfinity ? Float.POSITIVE_INFINITY : Float.MAX_VALUE;
            return positive ? big : -big;
        }
        float d = exact.floatValue();
        if (floor) {
            while (new BigDecimal(d).compareTo(exact) > 0) {
                d = Math.nextDown(d);
            }
            while (Math.nextUp(d) <= Float.MAX_VALUE && new BigDecimal(Math.nextUp(d)).compareTo(exact) <= 0) {
                d = Math.nextUp(d);
            }
        } else {
            while (new BigDecimal(d).compareTo(exact) < 0) {
                d = Math.nextUp(d);
            }
            while (Math.nextDown(d) >= -Float.MAX_VALUE && new BigDecimal(Math.nextDown(d)).compareTo(exact) >= 0) {
                d = Math.nextDown(d);
            }
        }
        return d == 0 ? (positive ? 0f : -0f) : d;
    }

    public static float doubleToFloat(double x, Mode mode) {
        if (mode == Mode.NEAREST || !Double.isFinite(x) || x == 0) {
            return (float) x;
        }
        return roundFloat(new BigDecimal(x), mode);
    }
}
