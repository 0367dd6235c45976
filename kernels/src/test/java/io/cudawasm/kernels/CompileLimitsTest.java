package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.CompileLimitException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The limits' API, defaults and scaling, the heap estimate, and the margin real kernels have. */
class CompileLimitsTest {

    @Test
    void defaults() {
        CompileLimits d = CompileLimits.defaults();
        assertEquals(Duration.ofSeconds(5), d.timeLimit());
        assertEquals(1024, d.templateDepth());
        assertEquals(4096, d.templateInstantiations());
        assertEquals(500_000, d.macroExpansionTokens());
        assertEquals(500_000, d.sourceTokens());
        assertEquals(500_000, d.astNodes());
        assertEquals(500_000, d.irNodes());
        assertEquals(256, d.nestingDepth());
        assertEquals(64, d.includeDepth());
        assertEquals(64L << 20, d.staticDataBytes());
        assertEquals(1L << 20, d.sharedMemoryBytes());
        assertEquals(8192, d.expansionFloor());
        assertEquals(8, d.expansionPerInputChar());
    }

    @Test
    void keysAreStable() {
        assertEquals(List.of("time", "template-depth", "template-instantiations", "macro-expansion-tokens", "source-tokens",
                "ast-nodes", "ir-nodes", "nesting-depth", "include-depth", "static-data-bytes", "shared-memory-bytes"),
                Arrays.stream(CompileLimit.values()).map(CompileLimit::key).toList());
    }

    @Test
    void eachWitherChangesItsLimitOnly() {
        CompileLimits d = CompileLimits.defaults();
        CompileLimits c = d.withTimeLimit(Duration.ofMillis(250)).withTemplateDepth(1).withTemplateInstantiations(2)
                .withMacroExpansionTokens(3).withSourceTokens(4).withAstNodes(5).withIrNodes(6).withNestingDepth(7)
                .withIncludeDepth(8).withStaticDataBytes(9).withSharedMemoryBytes(10).withExpansionFloor(11)
                .withExpansionPerInputChar(12);
        assertEquals(new CompileLimits(Duration.ofMillis(250), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), c);
        assertEquals(d.withIrNodes(6).irNodes(), 6);
        assertEquals(d.withIrNodes(6).withIrNodes(d.irNodes()), d);
    }

    @Test
    void limitsMustBePositive() {
        CompileLimits d = CompileLimits.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withTimeLimit(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> d.withTemplateDepth(0));
        assertThrows(IllegalArgumentException.class, () -> d.withIrNodes(-1));
        assertThrows(NullPointerException.class, () -> d.withTimeLimit(null));
    }

    @Test
    void overridesFromConfiguration() {
        CompileLimits d = CompileLimits.defaults();
        assertEquals(d, d.withOverrides(" "));
        assertEquals(d.withTemplateDepth(512).withIrNodes(2_000_000).withTimeLimit(Duration.ofSeconds(10))
                .withStaticDataBytes(16L << 20).withExpansionPerInputChar(4),
                d.withOverrides("template-depth=512, ir-nodes=2000000,time=10s,static-data-bytes=16Mi,"
                        + "expansion-per-input-char=4"));
        assertEquals(Duration.ofMillis(500), d.withOverrides("time=500ms").timeLimit());
        assertEquals(Duration.ofMillis(2500), d.withOverrides("time=2.5").timeLimit());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> d.withOverrides("template-dept=5"));
        assertTrue(unknown.getMessage().startsWith("unknown compile limit 'template-dept'; the limits are time, "
                + "template-depth,"), unknown.getMessage());
        assertEquals("compile limit ir-nodes: 'lots' is not a valid value",
                assertThrows(IllegalArgumentException.class, () -> d.withOverrides("ir-nodes=lots")).getMessage());
        assertEquals("compile limit nesting-depth: nestingDepth must be positive: 0",
                assertThrows(IllegalArgumentException.class, () -> d.withOverrides("nesting-depth=0")).getMessage());
        assertEquals("expected key=value in the compile limits, found 'ast-nodes'",
                assertThrows(IllegalArgumentException.class, () -> d.withOverrides("ast-nodes")).getMessage());
        // every key a limit diagnostic names can be overridden
        for (CompileLimit l : CompileLimit.values()) {
            assertTrue(CompileLimits.OVERRIDE_KEYS.contains(l.key()), l.key());
        }
    }

    @Test
    void sizeLimitsScaleWithTheInput() {
        CompileLimits d = CompileLimits.defaults();
        Map<CompileLimit, Long> tiny = d.effective(CompileRequest.of("a.cu", "x".repeat(100)));
        assertEquals(8192, tiny.get(CompileLimit.SOURCE_TOKENS));
        assertEquals(8192, tiny.get(CompileLimit.IR_NODES));
        assertEquals(1024, tiny.get(CompileLimit.TEMPLATE_DEPTH), "depths do not scale");
        assertEquals(5000, tiny.get(CompileLimit.TIME));
        // headers, defines and instantiations are input too
        CompileRequest withHeaders = new CompileRequest("a.cu", "x".repeat(1000), Map.of("N", "1".repeat(1000)),
                Map.of("h.h", "y".repeat(1000)), List.of("k<" + "1".repeat(993) + ">"));
        // 1000 of source, 1 + 1000 of define, 3 + 1000 of header, 996 of instantiation
        assertEquals(4000, CompileLimits.inputChars(withHeaders));
        assertEquals(8 * 4000, d.effective(withHeaders).get(CompileLimit.MACRO_EXPANSION_TOKENS));
        Map<CompileLimit, Long> big = d.effective(CompileRequest.of("a.cu", "x".repeat(10_000_000)));
        assertEquals(500_000, big.get(CompileLimit.AST_NODES), "capped");
    }

    @Test
    void theHeapEstimateIsSmallForSmallRequestsAndBoundedForAll() {
        CompileLimits d = CompileLimits.defaults();
        long tiny = KernelCompiler.estimatedHeapBytes(CompileRequest.of("a.cu", "x".repeat(1024)), d);
        assertTrue(tiny < 8_000_000, tiny + " bytes for 1 KiB");
        long mid = KernelCompiler.estimatedHeapBytes(CompileRequest.of("a.cu", "x".repeat(20_000)), d);
        long huge = KernelCompiler.estimatedHeapBytes(CompileRequest.of("a.cu", "x".repeat(64 << 20)), d);
        assertTrue(tiny < mid && mid < huge);
        assertTrue(huge < 216_000_000L + 6L * (64 << 20), huge + " bytes for 64 MiB");
        assertTrue(KernelCompiler.estimatedHeapBytes(CompileRequest.of("a.cu", "x".repeat(1024)),
                d.withIrNodes(100_000).withExpansionFloor(100_000)) > tiny, "the estimate follows the limits");
    }

    /** Every bundled kernel still compiles with a quarter of the default floor and per-character allowance. */
    @Test
    void bundledKernelsCompileWellInsideTheLimits() {
        CompileLimits tight = CompileLimits.defaults().withExpansionFloor(2048).withExpansionPerInputChar(2)
                .withNestingDepth(32).withTemplateDepth(8).withTimeLimit(Duration.ofSeconds(30));
        for (String name : KernelLibrary.names()) {
            CompileResult r = KernelCompiler.compile(CompileRequest.of(name + ".cu", KernelLibrary.source(name).orElseThrow()),
                    tight);
            assertNotNull(r.wasm(), name);
        }
    }

    /**
     * The deepest programs the default nesting limit accepts compile on a thread with the JVM's
     * default stack, 1 MiB (they usually fit in 512 KiB, but not in every JIT state); one level
     * more is the limit, never a StackOverflowError.
     */
    @Test
    void theDeepestAcceptedProgramsFitInADefaultStack() throws InterruptedException {
        Map<String, IntFunction<String>> shapes = Map.of(
                "parentheses", n -> "__global__ void k(int* p, int x) { p[0] = " + "(".repeat(n) + "x" + ")".repeat(n) + "; }",
                "chain", n -> "__global__ void k(int* p, int x) { p[0] = x" + "+x".repeat(n) + "; }",
                "if statements", n -> "__global__ void k(int* p, int x) { " + "if (x) ".repeat(n) + "p[0] = x + 1; }",
                "conditionals", n -> "__global__ void k(int* p, int x) { p[0] = " + "x ? x : ".repeat(n) + "x; }");
        Map<String, Integer> deepest = Map.of("parentheses", 125, "chain", 251, "if statements", 249, "conditionals", 251);
        for (Map.Entry<String, IntFunction<String>> shape : shapes.entrySet()) {
            int n = deepest.get(shape.getKey());
            assertEquals("compiled", compileOnDefaultStack(shape.getValue().apply(n)), shape.getKey() + " " + n);
            assertEquals("nesting-depth", compileOnDefaultStack(shape.getValue().apply(n + 1)), shape.getKey() + " " + (n + 1));
        }
    }

    private static String compileOnDefaultStack(String source) throws InterruptedException {
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                KernelCompiler.compile(CompileRequest.of("d.cu", source));
                outcome.set("compiled");
            } catch (CompileLimitException e) {
                outcome.set(e.limit().key() + (e.first().message().contains("stack") ? " (stack overflow)" : ""));
            } catch (CompileException e) {
                outcome.set(e.first().toString());
            }
        }, "default-stack-compile", 1024 * 1024);
        t.start();
        t.join();
        return outcome.get();
    }
}
