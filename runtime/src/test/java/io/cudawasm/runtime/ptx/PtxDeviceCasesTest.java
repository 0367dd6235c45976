package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.testing.HostArrays;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-back-end cases (every bundled kernel and every device-semantics case, with their Java
 * references) compiled by nvcc to PTX at two architectures and run through the PTX front end on
 * the Wasm path. Each PTX run must match the same case compiled from CUDA source on the same path
 * and the Java reference:
 *
 * <ul>
 * <li>{@code compute_75 -fmad=false}: integers and floats bit-exact with the source path, except
 * for cases whose own tolerance states ulps (their math functions are libdevice's PTX code on one
 * side and the host math library on the other), which keep that tolerance.
 * <li>{@code compute_90} with default flags (fma contraction): integers exact, each float within
 * {@link PtxVersusSourceTest#ULPS} ulp of itself or, where terms cancelled, of the largest
 * magnitude in its buffer.
 * </ul>
 * The conversions case is the one exception: where C leaves a conversion or shift undefined, the
 * PTX run must give what PTX defines (see {@link #conversionsAsPtxDefinesThem}).
 */
class PtxDeviceCasesTest {
    private static final int WORKERS = 2;

    /**
     * nvcc instantiates a template kernel only when told to; the source path takes the
     * instantiation by name. The explicit instantiation for each template case is spelled here.
     */
    private static final Map<String, String> EXPLICIT = Map.of("scale_n<int, 3>",
            "template __global__ void scale_n<int, 3>(int*, int);");

    static Stream<Arguments> cases() {
        List<KernelCase> all = new ArrayList<>(BundledKernelCases.all());
        all.addAll(DeviceSemanticsCases.all());
        List<Arguments> out = new ArrayList<>();
        for (KernelCase c : all) {
            for (Nvcc.Config config : PtxVersusSourceTest.CONFIGS) {
                out.add(Arguments.of(c, config));
            }
        }
        return out.stream();
    }

    static String nvccSource(CompileRequest r) {
        StringBuilder sb = new StringBuilder(r.source()).append('\n');
        for (String i : r.instantiations()) {
            String explicit = EXPLICIT.get(i);
            if (explicit == null) {
                throw new IllegalStateException("no explicit instantiation for nvcc spelled for " + i);
            }
            sb.append(explicit).append('\n');
        }
        return sb.toString();
    }

    static List<String> nvccDefines(CompileRequest r) {
        List<String> out = new ArrayList<>();
        r.defines().forEach((k, v) -> out.add("-D" + k + "=" + v));
        return out;
    }

    @BeforeAll
    static void generatePtx() throws Exception {
        List<Nvcc.Job> jobs = new ArrayList<>();
        for (Arguments a : cases().toList()) {
            KernelCase c = (KernelCase) a.get()[0];
            jobs.add(new Nvcc.Job(nvccSource(c.request()), (Nvcc.Config) a.get()[1], nvccDefines(c.request())));
        }
        Nvcc.prefetch(jobs);
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("cases")
    void ptxMatchesSourceAndReference(KernelCase c, Nvcc.Config config) {
        String ptx = Nvcc.ptx(nvccSource(c.request()), config, nvccDefines(c.request()));
        CompileResult fromPtx = KernelCompiler.compile(CompileRequest.of(c.name() + ".ptx", ptx));
        CheckedRun.BackendRun source = CheckedRun.run(KernelHarness.backend(WORKERS), c.compile(), c.launch());
        CheckedRun.BackendRun viaPtx = CheckedRun.run(KernelHarness.backend(WORKERS), fromPtx, c.launch());
        assertNull(source.failure(), () -> "source launch failed: " + source.failure());
        assertNull(viaPtx.failure(), () -> "PTX launch failed: " + viaPtx.failure());
        if (c.name().equals("conversions_and_shifts")) {
            assertArrayEquals(conversionsAsPtxDefinesThem(c), HostArrays.ints(viaPtx.outputs().get("out")),
                    "conversions with PTX's saturation and shift clamping");
            return;
        }
        List<String> problems = new ArrayList<>();
        for (CheckedRun.Arg a : c.launch().args()) {
            if (!(a instanceof CheckedRun.Arg.Buffer) || !((CheckedRun.Arg.Buffer) a).compare()) {
                continue;
            }
            CheckedRun.Arg.Buffer b = (CheckedRun.Arg.Buffer) a;
            byte[] ptxOut = viaPtx.outputs().get(b.name());
            List<byte[]> wanted = new ArrayList<>(List.of(source.outputs().get(b.name())));
            if (c.expected().containsKey(b.name())) {
                wanted.add(c.expected().get(b.name()));
            }
            for (byte[] w : wanted) {
                String what = c.name() + "." + b.name() + (w == source.outputs().get(b.name()) ? " vs source" : " vs Java");
                List<Scenario.Word> layout = layout(c.name(), b.type());
                if (config.fmad() && layout != null) {
                    // contracted sums: bounded by the magnitude of their terms (PtxVersusSourceTest.compare)
                    try {
                        PtxVersusSourceTest.compare(what, layout, w, ptxOut, false);
                    } catch (AssertionError e) {
                        problems.add(e.getMessage());
                    }
                } else {
                    BufferComparison r = BufferComparison.of(b.name(), b.type(), ptxOut, w, c.tolerance(), "ptx",
                            what);
                    if (!r.passed()) {
                        problems.add(r.format());
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), () -> c.name() + " via " + config + ":\n  " + String.join("\n  ", problems));
    }

    /**
     * The layout for the fma comparison: null for integer buffers (always exact). The particles
     * buffer is declared as ints but holds structs of seven floats and an int.
     */
    private static List<Scenario.Word> layout(String kase, ElementType type) {
        if (kase.equals("particles")) {
            List<Scenario.Word> w = new ArrayList<>(java.util.Collections.nCopies(7, Scenario.Word.FLOAT32));
            w.add(Scenario.Word.INT32);
            return w;
        }
        if (type == ElementType.F32) {
            return List.of(Scenario.Word.FLOAT32);
        }
        if (type == ElementType.F64) {
            return List.of(Scenario.Word.FLOAT64);
        }
        return null;
    }

    /**
     * The conversions case's results where C leaves them undefined, as PTX (and so the GPU)
     * defines them: a float to unsigned conversion saturates ({@code (unsigned char)x} is
     * {@code cvt.rzi.u32.f32} then a mask), and shifts by the width or more give 0 (PTX clamps
     * the shift amount) instead of wrapping it as the host does. Elsewhere equal to the reference.
     */
    private static int[] conversionsAsPtxDefinesThem(KernelCase c) {
        int[] out = HostArrays.ints(c.expected().get("out")).clone();
        byte[] fBytes = null;
        byte[] sBytes = null;
        for (CheckedRun.Arg a : c.launch().args()) {
            if (a instanceof CheckedRun.Arg.Buffer) {
                CheckedRun.Arg.Buffer b = (CheckedRun.Arg.Buffer) a;
                if (b.name().equals("f")) {
                    fBytes = b.data();
                } else if (b.name().equals("s")) {
                    sBytes = b.data();
                }
            }
        }
        float[] f = HostArrays.floats(fBytes);
        int[] s = HostArrays.ints(sBytes);
        for (int i = 0; i < f.length; i++) {
            float x = f[i];
            int k = s[i];
            long unsignedSat = Float.isNaN(x) || x <= 0 ? 0 : x >= 4294967295.0f ? 0xFFFF_FFFFL : (long) x;
            out[i * 10 + 2] = (int) (unsignedSat & 0xFF);
            out[i * 10 + 4] = k >= 32 ? 0 : 1 << k;
            out[i * 10 + 5] = k + 33 >= 64 ? 0 : (int) (0x123456789L >>> (k + 33));
        }
        return out;
    }
}
