package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.testing.KernelHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every block-semantics and bundled kernel, compiled by nvcc to PTX at two architectures and run
 * through the PTX front end on the CPU path, against the same kernel compiled from CUDA source on
 * the same path with the same inputs.
 *
 * <ul>
 * <li>{@code compute_75 -fmad=false}: nothing is contracted, so every result is bit-identical.
 * <li>{@code compute_90} with default flags: nvcc contracts {@code a*b+c} into {@code fma}, which
 * the source path does not do. Integers must still be identical; each float may differ from the
 * source path's by at most {@value #ULPS} ulp of itself or, where terms cancelled, by {@value #ULPS}
 * ulp of the largest magnitude in its buffer (the error of a contracted sum is bounded by the
 * magnitude of its terms, not of its result).
 * </ul>
 */
class PtxVersusSourceTest {
    static final int ULPS = 8;
    static final List<Nvcc.Config> CONFIGS = List.of(new Nvcc.Config("compute_75", false),
            new Nvcc.Config("compute_90", true));
    private static final int WORKERS = 2;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<Scenario> all = new ArrayList<>(PtxCorpus.blockKernels());
        all.addAll(PtxCorpus.libraryKernels());
        for (Scenario s : all) {
            for (Nvcc.Config c : CONFIGS) {
                out.add(Arguments.of(s, c));
            }
        }
        return out.stream();
    }

    /** nvcc takes about half a second per file: generate everything up front, two at a time. */
    /** nvcc takes about half a second per run: generate everything up front, in few runs. */
    @BeforeAll
    static void generatePtx() throws Exception {
        List<Nvcc.Job> jobs = new ArrayList<>();
        for (Arguments a : cases().toList()) {
            Scenario s = (Scenario) a.get()[0];
            jobs.add(new Nvcc.Job(s.nvccSource(), (Nvcc.Config) a.get()[1], s.nvccDefines()));
        }
        Nvcc.prefetch(jobs);
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("cases")
    void ptxRunsLikeTheSource(Scenario s, Nvcc.Config config) {
        String ptx = Nvcc.ptx(s.nvccSource(), config, s.nvccDefines());
        CompileRequest fromSource = CompileRequest.of(s.name() + ".cu", s.source()).withDefines(s.defines())
                .withInstantiations(s.instantiations());
        try (KernelHarness src = KernelHarness.of(fromSource, WORKERS);
                KernelHarness viaPtx = KernelHarness.of(CompileRequest.of(s.name() + ".ptx", ptx), WORKERS)) {
            if (s.expectTrap()) {
                LaunchException a = assertThrows(LaunchException.class, () -> ScenarioRunner.run(s, src));
                LaunchException b = assertThrows(LaunchException.class, () -> ScenarioRunner.run(s, viaPtx));
                assertEquals(LaunchFailure.TRAP, a.failure());
                assertEquals(LaunchFailure.TRAP, b.failure(), b.getMessage());
                return;
            }
            Map<String, byte[]> expected = ScenarioRunner.run(s, src);
            Map<String, byte[]> actual = ScenarioRunner.run(s, viaPtx);
            for (Scenario.Buffer b : s.buffers()) {
                if (b.check() != null) {
                    b.check().compare(expected.get(b.name()), actual.get(b.name()));
                } else {
                    compare(s.name() + "." + b.name(), b.layout(), expected.get(b.name()), actual.get(b.name()),
                            !config.fmad());
                }
            }
        }
    }

    /** A kernel added to the block-semantics tests without a scenario here would silently miss the PTX path. */
    @Test
    void everyBlockKernelAndBundledKernelIsInTheCorpus() throws Exception {
        java.util.Set<String> corpus = new java.util.HashSet<>();
        PtxCorpus.blockKernels().forEach(sc -> corpus.add(sc.source()));
        PtxCorpus.libraryKernels().forEach(sc -> corpus.add(sc.source()));
        for (java.lang.reflect.Field f : Class.forName("io.cudawasm.runtime.blocks.BlockKernels").getDeclaredFields()) {
            if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                assertTrue(corpus.contains((String) f.get(null)), "BlockKernels." + f.getName() + " has no PTX scenario");
            }
        }
        for (String name : io.cudawasm.kernels.library.KernelLibrary.names()) {
            assertTrue(corpus.contains(io.cudawasm.kernels.library.KernelLibrary.source(name).orElseThrow()),
                    "bundled kernel " + name + " has no PTX scenario");
        }
    }

    static void compare(String what, List<Scenario.Word> layout, byte[] expected, byte[] actual, boolean exact) {
        assertEquals(expected.length, actual.length, what + " size");
        ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        double largest = largestFloat(layout, e);
        int pos = 0;
        int word = 0;
        while (pos < expected.length) {
            Scenario.Word w = layout.get(word % layout.size());
            String at = what + " word " + word;
            switch (w) {
                case BYTE -> assertEquals(e.get(pos), a.get(pos), at);
                case INT32 -> assertEquals(e.getInt(pos), a.getInt(pos), at);
                case INT64 -> assertEquals(e.getLong(pos), a.getLong(pos), at);
                case FLOAT32 -> {
                    float x = e.getFloat(pos);
                    float y = a.getFloat(pos);
                    if (exact) {
                        assertEquals(Float.floatToRawIntBits(x), Float.floatToRawIntBits(y), at + ": " + x + " vs " + y);
                    } else {
                        assertClose(x, y, Math.ulp((float) largest), Math.ulp(Math.max(Math.abs(x), Math.abs(y))), at);
                    }
                }
                case FLOAT64 -> {
                    double x = e.getDouble(pos);
                    double y = a.getDouble(pos);
                    if (exact) {
                        assertEquals(Double.doubleToRawLongBits(x), Double.doubleToRawLongBits(y), at + ": " + x + " vs " + y);
                    } else {
                        assertClose(x, y, Math.ulp(largest), Math.ulp(Math.max(Math.abs(x), Math.abs(y))), at);
                    }
                }
            }
            pos += switch (w) {
                case BYTE -> 1;
                case INT32, FLOAT32 -> 4;
                case INT64, FLOAT64 -> 8;
            };
            word++;
        }
    }

    private static void assertClose(double x, double y, double bufferUlp, double ownUlp, String at) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            assertEquals(Double.isNaN(x), Double.isNaN(y), at + ": " + x + " vs " + y);
            return;
        }
        double diff = Math.abs(x - y);
        assertTrue(diff <= ULPS * ownUlp || diff <= ULPS * bufferUlp, at + ": " + x + " vs " + y + " differ by "
                + diff / ownUlp + " ulp");
    }

    private static double largestFloat(List<Scenario.Word> layout, ByteBuffer b) {
        double max = 0;
        int pos = 0;
        int word = 0;
        while (pos < b.capacity()) {
            Scenario.Word w = layout.get(word % layout.size());
            switch (w) {
                case FLOAT32 -> max = Math.max(max, Math.abs(b.getFloat(pos)));
                case FLOAT64 -> max = Math.max(max, Math.abs(b.getDouble(pos)));
                default -> { }
            }
            pos += w == Scenario.Word.BYTE ? 1 : w == Scenario.Word.INT64 || w == Scenario.Word.FLOAT64 ? 8 : 4;
            word++;
        }
        return max;
    }
}
