package io.cudawasm.runtime.backend.wasm.math;

import static io.cudawasm.runtime.backend.wasm.math.ValueKind.F32;
import static io.cudawasm.runtime.backend.wasm.math.ValueKind.F64;
import static io.cudawasm.runtime.backend.wasm.math.ValueKind.I32;
import static io.cudawasm.runtime.backend.wasm.math.ValueKind.I64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The contract with the WebAssembly back end: names, signatures, bounds, and the raw-bits calling convention. */
class RegistryTest {

    private static final List<String> NAMES = List.of(
            "rsqrt", "cbrtf", "cbrt", "rcbrtf", "rcbrt", "fdimf", "fdim", "fmaf", "fma", "fmodf", "fmod",
            "remainderf", "remainder", "expf", "exp", "exp2f", "exp2", "exp10f", "exp10", "expm1f", "expm1", "logf",
            "log", "log2f", "log2", "log10f", "log10", "log1pf", "log1p", "powf", "pow", "sinf", "sin", "cosf", "cos",
            "tanf", "tan", "asinf", "asin", "acosf", "acos", "atanf", "atan", "atan2f", "atan2", "sinhf", "sinh",
            "coshf", "cosh", "tanhf", "tanh", "asinhf", "asinh", "acoshf", "acosh", "atanhf", "atanh", "sinpif",
            "sinpi", "cospif", "cospi", "erff", "erf", "erfcf", "erfc", "hypotf", "hypot", "lgammaf", "lgamma",
            "tgammaf", "tgamma", "ldexpf", "ldexp", "scalbnf", "scalbn", "logbf", "logb", "__expf", "__exp10f",
            "__logf", "__log2f", "__log10f", "__powf", "__sinf", "__cosf", "__tanf", "__brev", "__brevll",
            "__mul64hi", "__umul64hi");

    /** CUDA 12 Programming Guide, Mathematical Functions appendix (standard functions and intrinsics tables). */
    private static final Map<String, Double> CUDA_BOUNDS = new LinkedHashMap<>();

    static {
        double none = Double.POSITIVE_INFINITY;
        Object[] table = {
            "rsqrt", 1, "cbrtf", 1, "cbrt", 1, "rcbrtf", 1, "rcbrt", 1, "fdimf", 0, "fdim", 0, "fmaf", 0, "fma", 0,
            "fmodf", 0, "fmod", 0, "remainderf", 0, "remainder", 0, "expf", 2, "exp", 1, "exp2f", 2, "exp2", 1,
            "exp10f", 2, "exp10", 1, "expm1f", 1, "expm1", 1, "logf", 1, "log", 1, "log2f", 1, "log2", 1,
            "log10f", 2, "log10", 1, "log1pf", 1, "log1p", 1, "powf", 4, "pow", 2, "sinf", 2, "sin", 2, "cosf", 2,
            "cos", 2, "tanf", 4, "tan", 2, "asinf", 2, "asin", 2, "acosf", 2, "acos", 2, "atanf", 2, "atan", 2,
            "atan2f", 3, "atan2", 2, "sinhf", 3, "sinh", 2, "coshf", 2, "cosh", 1, "tanhf", 2, "tanh", 1,
            "asinhf", 3, "asinh", 3, "acoshf", 4, "acosh", 3, "atanhf", 3, "atanh", 2, "sinpif", 1, "sinpi", 2,
            "cospif", 1, "cospi", 2, "erff", 2, "erf", 2, "erfcf", 4, "erfc", 5, "hypotf", 3, "hypot", 2,
            "lgammaf", 6, "lgamma", 4, "tgammaf", 5, "tgamma", 10, "ldexpf", 0, "ldexp", 0, "scalbnf", 0,
            "scalbn", 0, "logbf", 0, "logb", 0, "__expf", 2, "__exp10f", 2, "__logf", 3, "__log2f", 2,
            "__log10f", 3, "__powf", none, "__sinf", none, "__cosf", none, "__tanf", none, "__brev", 0,
            "__brevll", 0, "__mul64hi", 0, "__umul64hi", 0,
        };
        for (int i = 0; i < table.length; i += 2) {
            CUDA_BOUNDS.put((String) table[i], ((Number) table[i + 1]).doubleValue());
        }
    }

    @Test
    void everyNameIsRegisteredOnceAndNothingElse() {
        Set<String> registered = DeviceMath.all().stream().map(MathFunction::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(NAMES), registered);
        assertEquals(NAMES.size(), DeviceMath.all().size());
        for (String n : NAMES) {
            assertEquals(n, DeviceMath.lookup(n).orElseThrow().name());
        }
        assertTrue(DeviceMath.lookup("sqrtf").isEmpty());
        assertTrue(DeviceMath.lookup("").isEmpty());
    }

    @Test
    void signatures() {
        for (String n : NAMES) {
            MathFunction fn = DeviceMath.lookup(n).orElseThrow();
            List<ValueKind> expected = new ArrayList<>();
            ValueKind result;
            if (n.equals("__brev")) {
                expected.add(I32);
                result = I32;
            } else if (n.equals("__brevll")) {
                expected.add(I64);
                result = I64;
            } else if (n.endsWith("mul64hi")) {
                expected.add(I64);
                expected.add(I64);
                result = I64;
            } else {
                boolean single = n.startsWith("__") || (n.endsWith("f") && !n.equals("erf"));
                ValueKind k = single ? F32 : F64;
                result = k;
                int arity = Set.of("fmaf", "fma").contains(n) ? 3
                        : Set.of("fdimf", "fdim", "fmodf", "fmod", "remainderf", "remainder", "powf", "pow", "atan2f",
                        "atan2", "hypotf", "hypot", "ldexpf", "ldexp", "scalbnf", "scalbn", "__powf").contains(n) ? 2 : 1;
                for (int i = 0; i < arity; i++) {
                    expected.add(k);
                }
                if (n.startsWith("ldexp") || n.startsWith("scalbn")) {
                    expected.set(1, I32);
                }
            }
            assertEquals(expected, fn.params(), n);
            assertEquals(result, fn.result(), n);
            assertEquals(expected.size(), fn.arity(), n);
        }
    }

    @Test
    void boundsAreCudasAndDocumented() {
        for (MathFunction fn : DeviceMath.all()) {
            assertEquals(CUDA_BOUNDS.get(fn.name()), fn.ulpBound(), fn.name());
            assertTrue(fn.boundNote().length() > 10, fn.name());
            boolean integer = fn.name().startsWith("__brev") || fn.name().endsWith("mul64hi");
            assertTrue(integer || fn.boundNote().startsWith("CUDA:"), fn.name());
        }
    }

    @Test
    void f32BitsTravelInTheLow32BitsAndResultsAreSignExtended() {
        MathFunction sinf = DeviceMath.lookup("sinf").orElseThrow();
        long arg = Float.floatToRawIntBits(-1.0f) & 0xFFFFFFFFL; // zero-extended
        long garbage = arg | 0xDEADBEEF00000000L;
        long r1 = sinf.handle().apply(new long[] {arg});
        long r2 = sinf.handle().apply(new long[] {garbage});
        assertEquals(r1, r2, "upper argument bits are ignored");
        assertEquals(Float.floatToRawIntBits(DeviceMath.sinf(-1.0f)), (int) r1);
        assertEquals((long) (int) r1, r1, "32-bit results are sign-extended, like Chicory's Value.floatToLong");
        assertTrue(r1 < 0, "sin(-1) is negative, so the sign-extended bits are a negative long");

        MathFunction powf = DeviceMath.lookup("powf").orElseThrow();
        long r = powf.handle().apply(new long[] {Float.floatToRawIntBits(2.0f), Float.floatToRawIntBits(10.0f)});
        assertEquals(1024.0f, Float.intBitsToFloat((int) r));
        assertEquals((long) Float.floatToRawIntBits(1024.0f), r);

        MathFunction fmaf = DeviceMath.lookup("fmaf").orElseThrow();
        long q = fmaf.handle().apply(new long[] {Float.floatToRawIntBits(2.0f), Float.floatToRawIntBits(3.0f),
            Float.floatToRawIntBits(-7.0f)});
        assertEquals(-1.0f, Float.intBitsToFloat((int) q));
        assertEquals(0xFFFFFFFFBF800000L, q);
    }

    @Test
    void nanPayloadBitsAreAcceptedAsNaN() {
        MathFunction expf = DeviceMath.lookup("expf").orElseThrow();
        long r = expf.handle().apply(new long[] {0x7fc00001L});
        assertTrue(Float.isNaN(Float.intBitsToFloat((int) r)));
        MathFunction exp = DeviceMath.lookup("exp").orElseThrow();
        assertTrue(Double.isNaN(Double.longBitsToDouble(exp.handle().apply(new long[] {0xfff8000000000123L}))));
    }

    @Test
    void f64BitsAreRawLongBits() {
        MathFunction erf = DeviceMath.lookup("erf").orElseThrow();
        long r = erf.handle().apply(new long[] {Double.doubleToRawLongBits(-0.0)});
        assertEquals(Double.doubleToRawLongBits(-0.0), r, "signed zero survives the raw path");
        MathFunction ldexp = DeviceMath.lookup("ldexp").orElseThrow();
        assertEquals(Double.doubleToRawLongBits(0.75), ldexp.handle().apply(new long[] {
            Double.doubleToRawLongBits(3.0), -2L}));
    }

    @Test
    void i32ArgumentsAreReadFromTheLow32Bits() {
        MathFunction ldexpf = DeviceMath.lookup("ldexpf").orElseThrow();
        long x = Float.floatToRawIntBits(3.0f);
        long signExtended = ldexpf.handle().apply(new long[] {x, -1L});
        long zeroExtended = ldexpf.handle().apply(new long[] {x, 0xFFFFFFFFL});
        assertEquals(1.5f, Float.intBitsToFloat((int) signExtended));
        assertEquals(signExtended, zeroExtended);
        MathFunction brev = DeviceMath.lookup("__brev").orElseThrow();
        long b = brev.handle().apply(new long[] {1L});
        assertEquals(0xFFFFFFFF80000000L, b, "__brev(1) = 0x80000000, sign-extended");
        assertEquals(1L, brev.handle().apply(new long[] {0xFFFFFFFF80000000L}));
        assertEquals(1L, brev.handle().apply(new long[] {0x0000000080000000L}));
    }

    @Test
    void typedMethodsAgreeWithHandles() {
        assertEquals(Float.floatToRawIntBits(DeviceMath.erff(0.3f)),
                (int) DeviceMath.lookup("erff").orElseThrow().handle().apply(new long[] {Float.floatToRawIntBits(0.3f)}));
        assertEquals(Double.doubleToRawLongBits(DeviceMath.tgamma(4.5)),
                DeviceMath.lookup("tgamma").orElseThrow().handle().apply(new long[] {Double.doubleToRawLongBits(4.5)}));
        assertEquals(DeviceMath.__umul64hi(-1L, 3L),
                DeviceMath.lookup("__umul64hi").orElseThrow().handle().apply(new long[] {-1L, 3L}));
    }

    @Test
    void recordValidatesAndCopies() {
        List<ValueKind> params = new ArrayList<>(List.of(F32));
        MathFunction fn = new MathFunction("x", params, F32, a -> a[0], 1.0, "note");
        params.add(F64);
        assertEquals(List.of(F32), fn.params());
        assertThrows(UnsupportedOperationException.class, () -> fn.params().add(F32));
        assertThrows(IllegalArgumentException.class, () -> new MathFunction("x", List.of(), F32, a -> 0, -1, "n"));
        assertThrows(IllegalArgumentException.class, () -> new MathFunction("x", List.of(), F32, a -> 0, Double.NaN, "n"));
        assertThrows(NullPointerException.class, () -> new MathFunction(null, List.of(), F32, a -> 0, 0, "n"));
        assertThrows(UnsupportedOperationException.class, () -> DeviceMath.all().clear());
        assertFalse(DeviceMath.all().isEmpty());
    }
}
