package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.HostArrays;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Differential testing against gcc: random C function bodies with defined behaviour
 * ({@link RandomCProgram}) are compiled by gcc as C and by this compiler as CUDA kernels, run
 * with the same arguments, and every result word must be identical on the WebAssembly path and on
 * OpenCL (PoCL). The seed is fixed, so a failure reproduces; CI runs {@value #DEFAULT_PROGRAMS}
 * programs, {@code -Ddifferential.programs=5000} (and {@code -Ddifferential.seed=N}) runs more.
 */
class GccDifferentialTest {
    static final int DEFAULT_PROGRAMS = 32;
    private static final int PROGRAMS = Integer.getInteger("differential.programs", DEFAULT_PROGRAMS);
    private static final long SEED = Long.getLong("differential.seed", 18L);
    private static final int BATCH = 16;
    private static final int MAX_REPORTED = 5;

    /** One program's arguments, in {@link RandomCProgram#PARAMS} order. */
    private record Inputs(int pa, int pb, int pu, long pl, long pq, float pf, double pd) {
        String c() {
            return pa + ", " + pb + ", " + Integer.toUnsignedString(pu) + "u, " + pl + "LL, "
                    + Long.toUnsignedString(pq) + "ull, " + Float.toHexString(pf) + "f, " + Double.toHexString(pd);
        }

        List<KernelArg> args(DeviceBuffer out) {
            return List.of(KernelArg.of(out), KernelArg.of(pa), KernelArg.of(pb), KernelArg.of(pu), KernelArg.of(pl),
                    KernelArg.of(pq), KernelArg.of(pf), KernelArg.of(pd));
        }
    }

    private static Inputs inputs(SplittableRandom r) {
        int[] ints = {0, 1, -1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE, 65536, -300, r.nextInt(), r.nextInt(1000)};
        long[] longs = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, r.nextLong(), r.nextLong(10_000)};
        float[] floats = {0.5f, -1.25f, 1e10f, -3.0e9f, 1e-3f, 123456.78f, (float) r.nextGaussian() * 1000};
        double[] doubles = {0.1, -2.5e18, 1e-5, 3.0e9, 1e200, r.nextGaussian() * 1e6};
        return new Inputs(ints[r.nextInt(ints.length)], ints[r.nextInt(ints.length)], ints[r.nextInt(ints.length)],
                longs[r.nextInt(longs.length)], longs[r.nextInt(longs.length)], floats[r.nextInt(floats.length)],
                doubles[r.nextInt(doubles.length)]);
    }

    @Test
    void randomProgramsComputeWhatGccComputesOnWasmAndOpenCl() {
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (int first = 0; first < PROGRAMS; first += BATCH) {
            int n = Math.min(BATCH, PROGRAMS - first);
            failed += batch(first, n, failures);
        }
        int total = failed;
        assertTrue(failures.isEmpty(), () -> total + " of " + PROGRAMS + " programs (seed " + SEED + ") differ from gcc; "
                + "the first:\n" + String.join("\n", failures));
    }

    /** Compiles and runs programs {@code first..first+n-1}; returns how many differ. */
    private static int batch(int first, int n, List<String> failures) {
        List<String> bodies = new ArrayList<>();
        List<Inputs> inputs = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            bodies.add(RandomCProgram.body(SEED * 1_000_003L + i, true));
            inputs.add(inputs(new SplittableRandom(SEED * 7919L + i)));
        }
        long[][] expected = gcc(bodies, inputs);
        StringBuilder cu = new StringBuilder("#define DEV __device__\n")
                .append("#define FBITS(x) ((x) != (x) ? 0x7fc00000ull : (unsigned long long)__float_as_uint(x))\n")
                .append("#define DBITS(x) ((x) != (x) ? 0x7ff8000000000000ull "
                        + ": (unsigned long long)__double_as_longlong(x))\n")
                .append(RandomCProgram.PRELUDE);
        for (int i = 0; i < n; i++) {
            cu.append("__global__ void k").append(i).append("(unsigned long long* out, ").append(RandomCProgram.PARAMS)
                    .append(") {\n").append(bodies.get(i)).append("}\n");
        }
        String source = cu.toString();
        CompileResult compiled = AllPaths.compile(CompileRequest.of("differential" + first + ".cu", source));
        long[][] wasm = run(KernelHarness.backend(2), compiled, inputs);
        long[][] opencl = run(OpenClTestDevice.backend(), compiled, inputs);
        int bad = 0;
        for (int i = 0; i < n; i++) {
            String w = differences(expected[i], wasm[i]);
            String o = differences(expected[i], opencl[i]);
            if (w != null || o != null) {
                bad++;
                if (failures.size() < MAX_REPORTED) {
                    failures.add("program " + (first + i) + " with (" + inputs.get(i).c() + "):\n"
                            + (w == null ? "" : "  wasm: " + w + "\n") + (o == null ? "" : "  opencl: " + o + "\n")
                            + bodies.get(i));
                }
            }
        }
        return bad;
    }

    private static String differences(long[] expected, long[] actual) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < expected.length; s++) {
            if (expected[s] != actual[s]) {
                sb.append(String.format("out[%d] = %x, gcc %x; ", s, actual[s], expected[s]));
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static long[][] gcc(List<String> bodies, List<Inputs> inputs) {
        StringBuilder c = new StringBuilder("""
                #include <math.h>
                #include <stdio.h>
                #include <string.h>
                #define DEV static
                static unsigned long long fbits(float x) { union { float f; unsigned u; } c; c.f = x; return x != x ? 0x7fc00000ull : c.u; }
                static unsigned long long dbits(double x) {
                    union { double d; unsigned long long u; } c; c.d = x; return x != x ? 0x7ff8000000000000ull : c.u;
                }
                #define FBITS(x) fbits(x)
                #define DBITS(x) dbits(x)
                """).append(RandomCProgram.PRELUDE);
        for (int i = 0; i < bodies.size(); i++) {
            c.append("void k").append(i).append("(unsigned long long* out, ").append(RandomCProgram.PARAMS).append(") {\n")
                    .append(bodies.get(i)).append("}\n");
        }
        c.append("int main(void) {\n    unsigned long long out[").append(RandomCProgram.SLOTS).append("];\n");
        for (int i = 0; i < bodies.size(); i++) {
            c.append("    memset(out, 0, sizeof out);\n    k").append(i).append("(out, ").append(inputs.get(i).c())
                    .append(");\n    for (int s = 0; s < ").append(RandomCProgram.SLOTS)
                    .append("; s++) printf(\"%llx\\n\", out[s]);\n");
        }
        c.append("    return 0;\n}\n");
        String[] lines = Gcc.compileAndRun(c.toString()).trim().split("\n");
        long[][] out = new long[bodies.size()][RandomCProgram.SLOTS];
        for (int i = 0; i < bodies.size(); i++) {
            for (int s = 0; s < RandomCProgram.SLOTS; s++) {
                out[i][s] = Long.parseUnsignedLong(lines[i * RandomCProgram.SLOTS + s].trim(), 16);
            }
        }
        return out;
    }

    private static long[][] run(Backend backend, CompileResult compiled, List<Inputs> inputs) {
        long[][] out = new long[inputs.size()][];
        try (DeviceSession s = backend.open(compiled)) {
            DeviceBuffer buf = s.allocate(RandomCProgram.SLOTS * 8);
            for (int i = 0; i < inputs.size(); i++) {
                s.write(buf, 0, new byte[RandomCProgram.SLOTS * 8]);
                try {
                    s.launch("k" + i, new LaunchConfig(Dim3.of(1), Dim3.of(1), 0), inputs.get(i).args(buf),
                            LaunchOptions.DEFAULT);
                    out[i] = HostArrays.longs(s.read(buf, 0, RandomCProgram.SLOTS * 8));
                } catch (LaunchException e) {
                    long[] failed = new long[RandomCProgram.SLOTS];
                    java.util.Arrays.fill(failed, 0xDEADL);
                    out[i] = failed;
                }
            }
        }
        return out;
    }
}
