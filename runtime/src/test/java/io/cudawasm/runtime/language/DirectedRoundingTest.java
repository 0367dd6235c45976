package io.cudawasm.runtime.language;

import static io.cudawasm.runtime.testing.DirectedRoundingReference.doubleToFloat;
import static io.cudawasm.runtime.testing.DirectedRoundingReference.reference;
import static io.cudawasm.runtime.testing.DirectedRoundingReference.referenceFloat;
import static io.cudawasm.runtime.testing.DirectedRoundingReference.roundDouble;
import static io.cudawasm.runtime.testing.DirectedRoundingReference.roundFloat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.cuda.CudaEmitter;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.testing.DirectedRoundingReference.Mode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CUDA's directed-rounding intrinsics (issue 18: the {@code interval} sample) bit for bit on the
 * WebAssembly path, OpenCL (PoCL) and through nvcc's PTX ({@code add.rm.f64}, {@code cvt.rp.f32.s64},
 * ...), against a reference computed with {@link BigDecimal}: the exact result rounded toward minus
 * infinity, plus infinity or zero by comparing exact values, on random operands of every magnitude
 * and on the boundaries (ties, subnormals, overflow, signed zeros, NaN and infinities).
 */
class DirectedRoundingTest {
    private static final String[] MODES = {"rn", "rz", "rd", "ru"};
    private static final String[] OPS = {"add", "sub", "mul", "div", "rcp", "sqrt", "fma"};
    /** Random operand triples per test: a size that keeps the suite fast, larger on demand ({@code -Ddirected.cases=20000}). */
    private static final int RANDOM = Integer.getInteger("directed.cases", 700);

    // ---------------------------------------------------------------- double precision

    @Test
    void doublePrecisionArithmeticRoundsInEveryMode() {
        List<double[]> cases = doubleOperands(new Random(Long.getLong("directed.seed", 18)), RANDOM);
        int n = cases.size();
        double[] a = new double[n];
        double[] b = new double[n];
        double[] c = new double[n];
        long[] expected = new long[n * 28];
        for (int i = 0; i < n; i++) {
            a[i] = cases.get(i)[0];
            b[i] = cases.get(i)[1];
            c[i] = cases.get(i)[2];
            for (int op = 0; op < OPS.length; op++) {
                for (int m = 0; m < 4; m++) {
                    expected[i * 28 + op * 4 + m] = canonical(reference(OPS[op], Mode.values()[m], a[i], b[i], c[i]));
                }
            }
        }
        StringBuilder body = new StringBuilder();
        for (int op = 0; op < OPS.length; op++) {
            for (int m = 0; m < 4; m++) {
                String name = switch (OPS[op]) {
                    case "fma" -> "__fma_" + MODES[m] + "(x, y, z)";
                    case "rcp", "sqrt" -> "__d" + OPS[op] + "_" + MODES[m] + "(x)";
                    default -> "__d" + OPS[op] + "_" + MODES[m] + "(x, y)";
                };
                body.append("    o[").append(op * 4 + m).append("] = bitsOf(").append(name).append(");\n");
            }
        }
        String src = """
                __device__ long long bitsOf(double r) { return isnan(r) ? 0x7ff8000000000000LL : __double_as_longlong(r); }
                __global__ void rounded(const double* a, const double* b, const double* c, long long* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    double x = a[i], y = b[i], z = c[i];
                    long long* o = out + 28 * i;
                """ + body + "}\n";
        int blocks = (n + 63) / 64;
        AllPaths.check(CaseBuilder.of("directed_double", "directed_double.cu", src).kernel("rounded")
                .launch(Dim3.of(blocks), Dim3.of(64)).in("a", a).in("b", b).in("c", c)
                .out("out", new long[n * 28], expected).scalar(n).build());
    }

    private static long canonical(double r) {
        return Double.isNaN(r) ? 0x7ff8000000000000L : Double.doubleToRawLongBits(r);
    }

    private static List<double[]> doubleOperands(Random rnd, int randomCount) {
        List<double[]> out = new ArrayList<>();
        double min = Double.MIN_VALUE;
        double[] special = {0.0, -0.0, min, -min, 3 * min, Double.MIN_NORMAL, -Double.MIN_NORMAL,
            Double.MIN_NORMAL - min, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.NaN, 1.0, -1.0, 1.0 + Math.ulp(1.0), 3.0, 0.1, 0x1p-1022 * 1.5,
            0x1p1023, 0x1p-537, 0x1p-1000, 0x1p-968, 0x1p-969, 2.0, 0x1.fffffffffffffp-1};
        for (double x : special) {
            for (double y : special) {
                out.add(new double[] {x, y, special[rnd.nextInt(special.length)]});
            }
        }
        // ties: 1 + half an ulp, and a sum exactly between two doubles in the subnormal range
        out.add(new double[] {1.0, 0x1p-53, -0x1p-53});
        out.add(new double[] {1.0, -0x1p-54, 0x1p-54});
        out.add(new double[] {0x1p-1074, 0x1p-1, 0.0});
        out.add(new double[] {0x1p53, 1.0, 1.0});
        out.add(new double[] {0x1.0000000000001p0, 0x1.0000000000001p0, -1.0});
        out.add(new double[] {0x1p-600, 0x1p-600, 0x1p-1074});
        out.add(new double[] {0x1p-600, -0x1p-600, 0x1p-1074});
        out.add(new double[] {0x1p-540, 0x1p-540, -0x1p-1074});
        out.add(new double[] {0x1p512, 0x1p512, -Double.MAX_VALUE});
        out.add(new double[] {0x1.8p511, 0x1.8p512, -0x1p1023});
        out.add(new double[] {Double.MAX_VALUE, 2.0, -Double.MAX_VALUE});
        out.add(new double[] {Double.MAX_VALUE, 0.5, Double.MAX_VALUE * 0.75});
        out.add(new double[] {0x1.fffffffffffffp1023, 0x1.0000000000001p0, -0x1p-1074});
        out.add(new double[] {3.0, 1.0 / 3.0, -1.0});
        out.add(new double[] {0x1p-1070, 0x1p1016, 0x1p1010});
        out.add(new double[] {0x1.0000000000001p-1060, 0x1p1016, 0x1p1010});
        for (int i = 0; i < randomCount; i++) {
            double x = randomDouble(rnd);
            double y = randomDouble(rnd);
            double z = randomDouble(rnd);
            switch (i % 7) {
                case 0 -> z = -x * y; // near cancellation in fma
                case 1 -> y = -x * (1 + rnd.nextInt(5) * 0x1p-52); // cancellation in add
                case 2 -> y = Math.ulp(x) * (rnd.nextInt(9) - 4) * 0.5; // sums near ties
                case 3 -> {
                    x = Math.scalb(1.0 + rnd.nextInt(1 << 20) * 0x1p-20, -540 + rnd.nextInt(30));
                    y = Math.scalb(1.0 + rnd.nextInt(1 << 20) * 0x1p-20, -540 + rnd.nextInt(30));
                    z = rnd.nextBoolean() ? 0.0 : Math.scalb(rnd.nextDouble(), -1074 + rnd.nextInt(60));
                }
                case 4 -> {
                    x = Math.scalb(1.0 + rnd.nextInt(1 << 20) * 0x1p-20, 500 + rnd.nextInt(24));
                    y = Math.scalb(1.0 + rnd.nextInt(1 << 20) * 0x1p-20, 500 + rnd.nextInt(24));
                    z = -Math.scalb(1.0 + rnd.nextInt(1 << 20) * 0x1p-20, 1014 + rnd.nextInt(9));
                }
                default -> { }
            }
            out.add(new double[] {x, y, z});
        }
        return out;
    }

    /** Doubles of every magnitude: random bits half of the time, else modest exponents. */
    private static double randomDouble(Random rnd) {
        if (rnd.nextBoolean()) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            return Double.isNaN(d) ? 1.5 : d;
        }
        return Math.scalb(rnd.nextDouble() * (rnd.nextBoolean() ? 1 : -1), rnd.nextInt(140) - 70);
    }

    // ---------------------------------------------------------------- single precision

    @Test
    void singlePrecisionArithmeticRoundsInEveryMode() {
        Random rnd = new Random(1818);
        List<float[]> cases = new ArrayList<>();
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f, 3f, 0.1f,
            1f + Math.ulp(1f), 0x1p-24f, 0x1p100f, 0x1p-100f};
        for (float x : special) {
            for (float y : special) {
                cases.add(new float[] {x, y, special[rnd.nextInt(special.length)]});
            }
        }
        for (int i = 0; i < RANDOM; i++) {
            float x = randomFloat(rnd);
            float y = randomFloat(rnd);
            float z = randomFloat(rnd);
            switch (i % 4) {
                case 0 -> z = -x * y;
                case 1 -> y = Math.ulp(x) * (rnd.nextInt(9) - 4) * 0.5f;
                default -> { }
            }
            cases.add(new float[] {x, y, z});
        }
        int n = cases.size();
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        int[] expected = new int[n * 28];
        for (int i = 0; i < n; i++) {
            a[i] = cases.get(i)[0];
            b[i] = cases.get(i)[1];
            c[i] = cases.get(i)[2];
            for (int op = 0; op < OPS.length; op++) {
                for (int m = 0; m < 4; m++) {
                    float r = referenceFloat(OPS[op], Mode.values()[m], a[i], b[i], c[i]);
                    expected[i * 28 + op * 4 + m] = Float.isNaN(r) ? 0x7fc00000 : Float.floatToRawIntBits(r);
                }
            }
        }
        StringBuilder body = new StringBuilder();
        for (int op = 0; op < OPS.length; op++) {
            for (int m = 0; m < 4; m++) {
                String name = switch (OPS[op]) {
                    case "fma" -> "__fmaf_" + MODES[m] + "(x, y, z)";
                    case "rcp", "sqrt" -> "__f" + OPS[op] + "_" + MODES[m] + "(x)";
                    default -> "__f" + OPS[op] + "_" + MODES[m] + "(x, y)";
                };
                body.append("    o[").append(op * 4 + m).append("] = bitsOf(").append(name).append(");\n");
            }
        }
        String src = """
                __device__ int bitsOf(float r) { return isnan(r) ? 0x7fc00000 : __float_as_int(r); }
                __global__ void rounded(const float* a, const float* b, const float* c, int* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    float x = a[i], y = b[i], z = c[i];
                    int* o = out + 28 * i;
                """ + body + "}\n";
        AllPaths.check(CaseBuilder.of("directed_float", "directed_float.cu", src).kernel("rounded")
                .launch(Dim3.of((n + 63) / 64), Dim3.of(64)).in("a", a).in("b", b).in("c", c)
                .out("out", new int[n * 28], expected).scalar(n).build());
    }

    private static float randomFloat(Random rnd) {
        if (rnd.nextBoolean()) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            return Float.isNaN(f) ? 2.5f : f;
        }
        return Math.scalb(rnd.nextFloat() * (rnd.nextBoolean() ? 1 : -1), rnd.nextInt(60) - 30);
    }

    // ---------------------------------------------------------------- conversions

    @Test
    void conversionsRoundInEveryMode() {
        Random rnd = new Random(1819);
        List<Long> ints = new ArrayList<>(List.of(0L, 1L, -1L, (1L << 24) + 1, -(1L << 24) - 1, (1L << 53) + 1,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 0x7fffffffL, 0x80000000L, 0xffffffffL,
                0x8000000000000C00L, 0x80000000000007FFL, -0xffffffL, 0x1000001L, 0x7fffff7fffffffffL));
        List<Double> doubles = new ArrayList<>(List.of(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 0x1p-150,
                -0x1p-150, 0x1.8p-149, Double.MAX_VALUE, -Double.MAX_VALUE, 0x1.ffffffp127, 0x1.fffffe8p127,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0.1, -0.1, 1.0 + 0x1p-24, 1.0 + 0x1p-30));
        while (ints.size() < 200) {
            long v = rnd.nextLong() >> rnd.nextInt(64);
            ints.add(v);
        }
        while (doubles.size() < ints.size()) {
            doubles.add(randomDouble(rnd));
        }
        int n = ints.size();
        long[] l = new long[n];
        double[] d = new double[n];
        int[] floats = new int[n * 20];
        long[] wide = new long[n * 8];
        for (int i = 0; i < n; i++) {
            l[i] = ints.get(i);
            d[i] = doubles.get(i);
            BigDecimal[] sources = {null, new BigDecimal((int) l[i]), new BigDecimal(Integer.toUnsignedLong((int) l[i])),
                new BigDecimal(l[i]), new BigDecimal(Long.toUnsignedString(l[i]))};
            for (int s = 0; s < 5; s++) {
                for (int m = 0; m < 4; m++) {
                    float r;
                    if (s == 0) {
                        r = doubleToFloat(d[i], Mode.values()[m]);
                    } else if (sources[s].signum() == 0) {
                        r = 0f;
                    } else {
                        r = m == 0 ? sources[s].floatValue() : roundFloat(sources[s], Mode.values()[m]);
                    }
                    floats[i * 20 + s * 4 + m] = Float.isNaN(r) ? 0x7fc00000 : Float.floatToRawIntBits(r);
                }
            }
            for (int s = 0; s < 2; s++) {
                BigDecimal v = s == 0 ? sources[3] : sources[4];
                for (int m = 0; m < 4; m++) {
                    double r = v.signum() == 0 ? 0.0 : m == 0 ? v.doubleValue() : roundDouble(v, Mode.values()[m]);
                    wide[i * 8 + s * 4 + m] = Double.doubleToRawLongBits(r);
                }
            }
        }
        StringBuilder body = new StringBuilder();
        String[] narrow = {"__double2float_%s(x)", "__int2float_%s((int)v)", "__uint2float_%s((unsigned)v)",
            "__ll2float_%s(v)", "__ull2float_%s((unsigned long long)v)"};
        for (int s = 0; s < narrow.length; s++) {
            for (int m = 0; m < 4; m++) {
                body.append("    f[").append(s * 4 + m).append("] = fbits(").append(String.format(narrow[s], MODES[m]))
                        .append(");\n");
            }
        }
        String[] widen = {"__ll2double_%s(v)", "__ull2double_%s((unsigned long long)v)"};
        for (int s = 0; s < widen.length; s++) {
            for (int m = 0; m < 4; m++) {
                body.append("    w[").append(s * 4 + m).append("] = __double_as_longlong(")
                        .append(String.format(widen[s], MODES[m])).append(");\n");
            }
        }
        String src = """
                __device__ int fbits(float r) { return isnan(r) ? 0x7fc00000 : __float_as_int(r); }
                __global__ void convert(const double* d, const long long* l, int* floats, long long* wide, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    double x = d[i];
                    long long v = l[i];
                    int* f = floats + 20 * i;
                    long long* w = wide + 8 * i;
                """ + body + "}\n";
        AllPaths.check(CaseBuilder.of("directed_conversions", "directed_conversions.cu", src).kernel("convert")
                .launch(Dim3.of((n + 63) / 64), Dim3.of(64)).in("d", d).in("l", l)
                .out("floats", new int[n * 20], floats).out("wide", new long[n * 8], wide).scalar(n).build());
    }

    /** Floating to integer in every mode (in range: the rounding, not the saturation, is what is checked). */
    @Test
    void floatingToIntegerConversionsRoundInEveryMode() {
        Random rnd = new Random(1820);
        int n = 300;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 4) {
                case 0 -> Math.floor(rnd.nextDouble() * 2e6 - 1e6) + 0.5; // ties
                case 1 -> rnd.nextDouble() * 2e9 - 1e9;
                case 2 -> Math.scalb(rnd.nextDouble() - 0.5, rnd.nextInt(8));
                default -> Math.floor(rnd.nextDouble() * 2e6 - 1e6);
            };
        }
        x[0] = -0.5;
        x[1] = 0.5;
        x[2] = -1.5;
        x[3] = 2.5;
        String[] targets = {"int", "uint", "ll", "ull"};
        long[] expected = new long[n * 32];
        StringBuilder body = new StringBuilder();
        for (int src = 0; src < 2; src++) {
            for (int t = 0; t < 4; t++) {
                for (int m = 0; m < 4; m++) {
                    int slot = src * 16 + t * 4 + m;
                    String arg = (src == 0 ? "" : "(float)") + (t % 2 == 1 ? "fabs(v)" : "v");
                    body.append("    o[").append(slot).append("] = (long long)__").append(src == 0 ? "double" : "float")
                            .append("2").append(targets[t]).append("_").append(MODES[m]).append("(").append(arg)
                            .append(");\n");
                    for (int i = 0; i < n; i++) {
                        double v = t % 2 == 1 ? Math.abs(x[i]) : x[i];
                        if (src == 1) {
                            v = (float) v;
                        }
                        double r = switch (m) {
                            case 0 -> Math.rint(v);
                            case 1 -> v < 0 ? Math.ceil(v) : Math.floor(v);
                            case 2 -> Math.floor(v);
                            default -> Math.ceil(v);
                        };
                        long bits = (long) r;
                        // (long long) of an unsigned int result zero-extends, of an int sign-extends
                        expected[i * 32 + slot] = t == 1 ? bits & 0xFFFF_FFFFL : bits;
                    }
                }
            }
        }
        String src = """
                __global__ void toInteger(const double* x, long long* out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    double v = x[i];
                    long long* o = out + 32 * i;
                """ + body + "}\n";
        AllPaths.check(CaseBuilder.of("directed_to_integer", "directed_to_integer.cu", src).kernel("toInteger")
                .launch(Dim3.of((n + 63) / 64), Dim3.of(64)).in("x", x).out("out", new long[n * 32], expected)
                .scalar(n).build());
    }

    /** What CUDA does not have is named; nan() takes its tag only as a literal. */
    @Test
    void unknownRoundingsAndRuntimeTagsAreRefusedByName() {
        AllPaths.refuses("__global__ void k(float* a) { a[0] = __frsqrt_rd(a[1]); }",
                "unknown intrinsic '__frsqrt_rd' (CUDA has only '__frsqrt_rn')");
        AllPaths.refuses("__global__ void k(double* a, const char* t) { a[0] = nan(t); }",
                "'nan' needs a string literal as its tag");
    }

    // ---------------------------------------------------------------- the CUDA C back end

    @Test
    void cudaBackEndKeepsCudasOwnIntrinsics() {
        String src = """
                __global__ void k(const double* a, double* out, float* f)
                {
                    out[0] = __dadd_rd(a[0], a[1]);
                    out[1] = __dsqrt_ru(a[0]);
                    f[0] = __fdiv_rz((float)a[0], 3.0f);
                    f[1] = __double2float_rd(a[1]);
                }
                """;
        io.cudawasm.kernels.cuda.CudaProgram program = CudaEmitter.emit(KernelCompiler.compileForDevices(
                CompileRequest.of("k.cu", src)).kir());
        String cuda = program.source();
        for (String intrinsic : List.of("__dadd_rd(", "__dsqrt_ru(", "__fdiv_rz(", "__double2float_rd(")) {
            assertTrue(cuda.contains(intrinsic), () -> intrinsic + " missing from:\n" + cuda);
        }
        assertEquals(-1, cuda.indexOf("cw___dadd_rd"), cuda);
        // and nvcc takes it: its PTX has the directed instructions themselves
        String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(program, "compute_75");
        for (String instruction : List.of("add.rm.f64", "sqrt.rp.f64", "div.rz.f32", "cvt.rm.f32.f64")) {
            assertTrue(ptx.contains(instruction), () -> instruction + " missing from nvcc's PTX:\n" + ptx);
        }
    }
}
