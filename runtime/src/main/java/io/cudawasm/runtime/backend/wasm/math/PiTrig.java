package io.cudawasm.runtime.backend.wasm.math;

import static io.cudawasm.runtime.backend.wasm.math.DdElementary.PI;
import static io.cudawasm.runtime.backend.wasm.math.DdElementary.cosKernel;
import static io.cudawasm.runtime.backend.wasm.math.DdElementary.sinKernel;

/**
 * sin(pi x) and cos(pi x). The reduction {@code x - 2 rint(x/2)} is exact in binary floating point, so unlike
 * sin(PI * x) there is no error from the rounded pi; the reduced argument is mapped to [0, 1/4] with exact
 * subtractions and evaluated in double-double, giving correctly rounded results except in rare hard cases.
 */
final class PiTrig {

    private PiTrig() {
    }

    static double sinpi(double x) {
        if (!Double.isFinite(x)) {
            return Double.NaN;
        }
        if (x == 0.0) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 0x1p-900) {
            // sin(pi x) = pi x to far below an ulp; scaling keeps the low half of the product meaningful.
            return PI.mul(x * 0x1p200).value() * 0x1p-200;
        }
        double v = sinpiReduced(reduce(x)).value();
        return v == 0.0 ? Math.copySign(0.0, x) : v;
    }

    static double cospi(double x) {
        if (!Double.isFinite(x)) {
            return Double.NaN;
        }
        double v = cospiReduced(reduce(x)).value();
        return v == 0.0 ? 0.0 : v;
    }

    /** |sin(pi x)| in double-double, for non-integer x (used by the reflection formula of the gamma function). */
    static DoubleDouble sinpiAbs(double x) {
        DoubleDouble s = sinpiReduced(reduce(x));
        return s.hi() < 0.0 ? s.negate() : s;
    }

    /** x reduced modulo 2 into [-1, 1]; exact for every finite double. */
    private static double reduce(double x) {
        if (Math.abs(x) < 1.0) {
            return x;
        }
        return x - 2.0 * Math.rint(x * 0.5);
    }

    private static DoubleDouble sinpiReduced(double r) {
        double a = Math.abs(r);
        DoubleDouble v;
        if (a <= 0.25) {
            v = sinKernel(PI.mul(a));
        } else if (a <= 0.75) {
            v = cosKernel(PI.mul(a - 0.5)); // sin(pi (1/2 + t)) = cos(pi t)
        } else {
            v = sinKernel(PI.mul(1.0 - a)); // sin(pi (1 - t)) = sin(pi t)
        }
        return r < 0.0 ? v.negate() : v;
    }

    private static DoubleDouble cospiReduced(double r) {
        double a = Math.abs(r);
        if (a <= 0.25) {
            return cosKernel(PI.mul(a));
        } else if (a <= 0.75) {
            return sinKernel(PI.mul(a - 0.5)).negate(); // cos(pi (1/2 + t)) = -sin(pi t)
        } else {
            return cosKernel(PI.mul(1.0 - a)).negate(); // cos(pi (1 - t)) = -cos(pi t)
        }
    }
}
