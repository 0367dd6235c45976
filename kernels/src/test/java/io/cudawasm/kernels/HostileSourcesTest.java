package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.CompileLimitException;
import io.cudawasm.kernels.source.Diagnostic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CUDA C sources written to exhaust the compiler, from issue 15 and beyond: each stops quickly
 * at the right named limit, at the file:line:column where it was hit, within a small allocation.
 *
 * <p>Allocation bound: a request of up to 1 KiB gets 8,192 of each scaled unit (tokens, syntax
 * and IR nodes), which {@link KernelCompiler#estimatedHeapBytes} prices at 7.7 MB retained; the
 * compiler's garbage comes on top. The bound, 16 MB, is twice that and about 50 times a normal
 * compile of a bundled kernel (300 KB): before the limits, the first two reproducers needed over
 * 1 GB.
 */
class HostileSourcesTest {
    /** Allocation bound for a hostile request of up to ~1 KiB; see the class comment. */
    static final long SMALL_REQUEST_BYTES = 16L << 20;
    /** "Quickly": a fifth of the default time limit of 5 s, on a loaded two-core machine. */
    static final long QUICK_MS = 1_000;

    @BeforeAll
    static void warmUp() {
        LimitProbe.warmUp();
    }

    private static LimitProbe.Outcome small(String source) {
        assertTrue(source.length() <= 1200, "a small request: " + source.length() + " chars");
        return LimitProbe.compile("a.cu", source).tookBelow(QUICK_MS).allocatedBelow(SMALL_REQUEST_BYTES);
    }

    // ------------------------------------------------------------------ the reproducers

    @Test
    void unboundedTemplateRecursionStopsAtTheTemplateDepth() {
        String src = "template<int N> __device__ int f() { return f<N + 1>(); }\n"
                + "__global__ void k(int* p) { p[0] = f<0>(); }\n";
        CompileLimitException e = small(src).refusedBy(CompileLimit.TEMPLATE_DEPTH, "a.cu", 1, 53);
        assertEquals(1024, e.limitValue());
        assertEquals("template instantiation depth exceeds the limit of 1024 (template-depth) while instantiating 'f<1024>'",
                e.first().message());
    }

    @Test
    void templateDepthIsConfigurable() {
        String src = "template<int N> __device__ int f() { return f<N + 1>(); }\n"
                + "__global__ void k(int* p) { p[0] = f<0>(); }\n";
        CompileLimitException e = LimitProbe.compile(CompileRequest.of("a.cu", src),
                CompileLimits.defaults().withTemplateDepth(16)).refusedBy(CompileLimit.TEMPLATE_DEPTH, "a.cu", 1, 53);
        assertTrue(e.first().message().endsWith("while instantiating 'f<16>'"), e.first().message());
    }

    /** The chain (600 bytes here): each macro is ten of the one before, L11 is 10^11 tokens. */
    static String macroChain() {
        StringBuilder sb = new StringBuilder("// ten to the eleventh tokens from a kilobyte\n#define L0 x\n");
        for (int i = 1; i <= 11; i++) {
            String previous = "L" + (i - 1);
            sb.append("#define L").append(i).append(' ').append(String.join(" ", java.util.Collections.nCopies(10, previous)))
                    .append('\n');
        }
        sb.append("__global__ void chain(int* out, int x) {\n    out[threadIdx.x] = L11;\n}\n");
        return sb.toString();
    }

    @Test
    void macroChainStopsAtTheExpansionLimit() {
        String src = macroChain();
        CompileLimitException e = small(src).refusedBy(CompileLimit.MACRO_EXPANSION_TOKENS, "a.cu", 15, 24);
        assertEquals(8192, e.limitValue());
        assertTrue(e.first().message().startsWith("tokens produced by macro expansion exceed the limit of 8192"
                + " (macro-expansion-tokens) while expanding 'L"), e.first().message());
        assertEquals("    out[threadIdx.x] = L11;", e.first().sourceLine());
    }

    /**
     * Two million plain statements (24 MB, 12 million tokens) compile to nothing a worker could run
     * (a Wasm function the JVM cannot load, gigabytes of compiler heap): refused by the number of
     * source tokens, named as such, at the token past the limit.
     */
    @Test
    void twoMillionStatementsAreRefusedBySourceTokensNotMacroExpansion() {
        StringBuilder sb = new StringBuilder("__global__ void k(int* p) { int x = 0;\n"); // 14 tokens
        for (int i = 0; i < 2_000_000; i++) {
            sb.append("x = x + 1;\n"); // 6 tokens a line
        }
        sb.append("p[0] = x; }\n");
        CompileRequest request = CompileRequest.of("a.cu", sb.toString());
        LimitProbe.Outcome o = LimitProbe.compile(request, CompileLimits.defaults()).tookBelow(2_500);
        // token 500,001: 14 on line 1, then 83,331 full lines of 6 (499,986), then line 83,333
        CompileLimitException e = o.refusedBy(CompileLimit.SOURCE_TOKENS, "a.cu", 83_333, 1);
        assertEquals(500_000, e.limitValue());
        assertEquals("source tokens exceed the limit of 500000 (source-tokens) in the source and its headers",
                e.first().message());
        assertTrue(o.allocatedBytes() < KernelCompiler.estimatedHeapBytes(request, CompileLimits.defaults()),
                "allocated " + o.allocatedBytes() + " within the admission estimate");
    }

    // ------------------------------------------------------------------ templates

    @Test
    void exponentialFanOutIsInstantiatedOncePerArgument() {
        // f<60> calls f<59> twice, ...: 2^60 calls, 61 instances
        String src = "template<int N> __device__ int f(int x) {\n"
                + "    return N <= 0 ? x : f<(N > 0 ? N - 1 : 0)>(x) + f<(N > 0 ? N - 1 : 0)>(x + 1);\n}\n"
                + "__global__ void k(int* p) { p[0] = f<60>(p[1]); }\n";
        LimitProbe.Outcome o = small(src);
        assertNotNull(o.result(), () -> o.error().formatted());
        assertEquals(62, o.result().kir().functions().size());
    }

    @Test
    void aTwoDimensionalTemplateExplosionStopsAtTheIrLimit() {
        String src = "template<int A, int B> __device__ int g() { return g<A + 1, B>() + g<A, B + 1>(); }\n"
                + "__global__ void k(int* p) { p[0] = g<0, 0>(); }\n";
        CompileLimitException e = small(src).refusedBy(CompileLimit.IR_NODES, "a.cu", 1, 45);
        assertTrue(e.first().message().contains("while lowering 'g<"), e.first().message());
    }

    @Test
    void templateInstantiationsAreCounted() {
        String src = "template<int A, int B> __device__ int g() { return g<A + 1, B>() + g<A, B + 1>(); }\n"
                + "__global__ void k(int* p) { p[0] = g<0, 0>(); }\n";
        CompileLimitException e = LimitProbe.compile(CompileRequest.of("a.cu", src),
                CompileLimits.defaults().withTemplateInstantiations(100))
                .refusedBy(CompileLimit.TEMPLATE_INSTANTIATIONS, "a.cu", 1, 79);
        assertTrue(e.first().message().startsWith("template instantiations exceed the limit of 100"
                + " (template-instantiations) while instantiating 'g<"), e.first().message());
    }

    @Test
    void recursiveStructTemplatesStopAtTheirDepth() {
        String src = "template<int N> struct S { S<N + 1> next; int v; };\n"
                + "__global__ void k(int* p) { S<0> s; p[0] = 1; }\n";
        // each instance nests the next in Java: bounded by nesting-depth (256) before template-depth (1024)
        small(src).refusedBy(CompileLimit.NESTING_DEPTH, "a.cu", 1, 28);
        CompileLimitException e = LimitProbe.compile(CompileRequest.of("a.cu", src),
                CompileLimits.defaults().withTemplateDepth(100)).refusedBy(CompileLimit.TEMPLATE_DEPTH, "a.cu", 1, 28);
        assertTrue(e.first().message().endsWith("while instantiating 'S<100>'"), e.first().message());
    }

    @Test
    void structsThatDoubleInSizeAreTooLarge() {
        StringBuilder sb = new StringBuilder("template<class T> struct P { T a; T b; };\ntypedef P<int> P1;\n");
        for (int i = 2; i <= 31; i++) {
            sb.append("typedef P<P").append(i - 1).append("> P").append(i).append(";\n");
        }
        sb.append("__global__ void k(int* p) { P31 v; p[0] = 1; }\n");
        small(sb.toString()).failedWith("a.cu", 1, 37, "struct 'P' is too large");
    }

    // ------------------------------------------------------------------ nesting

    static Stream<Arguments> deepNesting() {
        int n = 300;
        return Stream.of(
            Arguments.of("parentheses", "__global__ void k(int* p, int x) { p[0] = " + "(".repeat(n) + "x" + ")".repeat(n)
                    + "; }", 169),
            Arguments.of("left-associative chain", "__global__ void k(int* p, int x) { p[0] = x" + "+x".repeat(n) + "; }",
                    547),
            Arguments.of("unary operators", "__global__ void k(int* p, int x) { p[0] = " + "-(".repeat(n) + "x"
                    + ")".repeat(n) + "; }", 211),
            Arguments.of("casts", "__global__ void k(int* p, int x) { p[0] = " + "(int)".repeat(n) + "x; }", 1303),
            Arguments.of("conditional operators", "__global__ void k(int* p, int x) { p[0] = " + "x ? x : ".repeat(n)
                    + "x; }", 2055),
            Arguments.of("subscripts", "__global__ void k(int* p, int x) { p[0] = p" + "[0]".repeat(n) + "; }", 792),
            Arguments.of("calls", "__global__ void k(int* p, int x) { p[0] = x" + "()".repeat(n) + "; }", 546),
            Arguments.of("if statements", "__global__ void k(int* p, int x) { " + "if (x) ".repeat(n) + "p[0] = 1; }", 1811),
            Arguments.of("blocks", "__global__ void k(int* p, int x) { " + "{".repeat(n) + "}".repeat(n) + " }", 163),
            Arguments.of("pointer declarators", "__global__ void k(int* p, int x) { int " + "*".repeat(n) + " q; }", 294),
            Arguments.of("array declarators", "__global__ void k(int* p, int x) { int q" + "[1]".repeat(n) + "; }", 798),
            Arguments.of("initializer braces", "__device__ int a[1] = " + "{".repeat(n) + "1" + "}".repeat(n) + ";", 279),
            Arguments.of("extern \"C\" blocks", "extern \"C\" { ".repeat(n) + "}".repeat(n), 3329),
            Arguments.of("namespaces", "namespace a { ".repeat(n) + "}".repeat(n), 3585),
            Arguments.of("#if expression", "#if " + "(".repeat(n) + "1" + ")".repeat(n) + "\n#endif\n", 133));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deepNesting")
    void deepNestingStopsAtTheNestingDepth(String what, String source, int column) {
        LimitProbe.compile("a.cu", source).tookBelow(QUICK_MS).allocatedBelow(SMALL_REQUEST_BYTES)
                .refusedBy(CompileLimit.NESTING_DEPTH, "a.cu", 1, column);
    }

    @Test
    void nestingAHundredThousandDeepNeverReachesTheJavaStack() {
        String src = "__global__ void k(int* p, int x) { p[0] = " + "(".repeat(100_000) + "x" + ")".repeat(100_000) + "; }";
        LimitProbe.compile("a.cu", src).tookBelow(QUICK_MS).refusedBy(CompileLimit.NESTING_DEPTH, "a.cu", 1, 169);
    }

    @Test
    void nestedMacroArgumentsAreBoundedToo() {
        String src = "#define M(x) x\n__global__ void k(int* p, int x) { p[0] = " + "M(".repeat(300) + "x" + ")".repeat(300)
                + "; }";
        // every level rescans what is inside it: the expansion limit stops it first ...
        small(src).refusedBy(CompileLimit.MACRO_EXPANSION_TOKENS, "a.cu", 2, 63);
        // ... and with that raised, the nesting of argument expansions
        LimitProbe.compile(CompileRequest.of("a.cu", src), CompileLimits.defaults().withExpansionFloor(1_000_000))
                .refusedBy(CompileLimit.NESTING_DEPTH, "a.cu", 2, 557);
    }

    @Test
    void longDeviceCallChainsStopAtTheNestingDepth() {
        String src = IntStream.range(0, 300).mapToObj(i -> "__device__ int f" + (i + 1) + "(int x) { return f" + i
                + "(x) + 1; }\n").collect(Collectors.joining("", "__device__ int f0(int x) { return x; }\n",
                "__global__ void k(int* p) { p[0] = f300(1); }\n"));
        LimitProbe.compile("a.cu", src).tookBelow(QUICK_MS).refusedBy(CompileLimit.NESTING_DEPTH, "a.cu", 46, 16);
    }

    // ------------------------------------------------------------------ sizes

    @Test
    void hugeLocalArrayInitializersStopAtTheIrLimit() {
        small("__global__ void k(int* p) {\n    int a[16384][16384] = {0};\n    p[0] = a[1][2];\n}\n")
                .refusedBy(CompileLimit.IR_NODES, "a.cu", 2, 5);
        small("struct A { int v[60000]; };\n__global__ void k(int* p) {\n    A a = {};\n    p[0] = a.v[1];\n}\n")
                .refusedBy(CompileLimit.IR_NODES, "a.cu", 3, 5);
    }

    @Test
    void hugeStaticVariablesStopAtTheirLimits() {
        small("__device__ int big[268435456];\n__global__ void k(int* p) { p[0] = big[0]; }\n")
                .refusedBy(CompileLimit.STATIC_DATA_BYTES, "a.cu", 1, 16);
        small("__global__ void k(int* p) {\n    __shared__ int s[1 << 20];\n    s[0] = 1;\n    p[0] = s[0];\n}\n")
                .refusedBy(CompileLimit.SHARED_MEMORY_BYTES, "a.cu", 2, 20);
        // initial bytes are emitted into the module: 4 MiB from "= {1}" counts as 262,144 IR nodes
        CompileLimitException e = small("__constant__ int table[1 << 20] = {1};\n__global__ void k(int* p) { p[0] = table[0]; }\n")
                .refusedBy(CompileLimit.IR_NODES, "a.cu", 1, 18);
        assertTrue(e.first().message().contains("with the initial data of 'table'"), e.first().message());
    }

    @Test
    void tenThousandKernelParametersOverflowCudasParameterSpace() {
        String src = "__global__ void k(" + IntStream.range(0, 10_000).mapToObj(i -> "int p" + i)
                .collect(Collectors.joining(", ")) + ") {}";
        LimitProbe.compile("a.cu", src).tookBelow(QUICK_MS)
                .failedWith("a.cu", 1, 17, "kernel 'k' takes 40000 bytes of parameters, more than the 32764 CUDA allows");
    }

    @Test
    void enormousLiteralsAreRejectedInLinearTime() {
        String digits = "9".repeat(1_000_000);
        LimitProbe.compile("a.cu", "__global__ void k(long* p) { p[0] = " + digits + "; }").tookBelow(QUICK_MS)
                .failedWith("a.cu", 1, 37, "is too large for any integer type");
        // leading zeros are no reason to refuse
        LimitProbe.Outcome zeros = LimitProbe.compile("a.cu", "__global__ void k(long* p) { p[0] = "
                + "0".repeat(1_000_000) + "1; }").tookBelow(QUICK_MS);
        assertNotNull(zeros.result(), () -> zeros.error().formatted());
    }

    @Test
    void aLongSwitchCompilesInLinearTime() {
        String cases = IntStream.range(0, 5000).mapToObj(i -> "case " + i * 1000 + ": p[0] = " + i + "; break;")
                .collect(Collectors.joining("\n"));
        LimitProbe.Outcome o = LimitProbe.compile("a.cu", "__global__ void k(int* p, int x) {\nswitch (x) {\n" + cases
                + "\n}\n}\n").tookBelow(3 * QUICK_MS);
        assertNotNull(o.result(), () -> o.error().formatted());
        // the text form is indented no deeper than 40 levels: linear in the 5,000 nested blocks
        assertTrue(o.result().wasm().text().length() < 40 * o.result().wasm().binary().length,
                o.result().wasm().text().length() + " chars of text");
    }

    @Test
    void exponentialInliningOfBarrierFunctionsStopsAtTheIrLimit() {
        // b24 calls b23 twice ... b0 has a barrier: the CPU path inlines them, 2^24 copies
        String src = "__device__ void b0(int* p) { __syncthreads(); p[0]++; }\n"
                + IntStream.range(1, 25).mapToObj(i -> "__device__ void b" + i + "(int*p){b" + (i - 1) + "(p);b" + (i - 1)
                + "(p);}\n").collect(Collectors.joining())
                + "__global__ void k(int* p) { b24(p); }\n";
        assertTrue(src.length() < 1200);
        small(src).refusedBy(CompileLimit.IR_NODES, "a.cu", 4, 17);
    }

    // ------------------------------------------------------------------ includes

    @Test
    void selfIncludingHeadersStopAtTheIncludeDepth() {
        CompileRequest r = new CompileRequest("a.cu", "#include \"a.h\"\n__global__ void k(int* p) {}\n", Map.of(),
                Map.of("a.h", "#pragma message(\"again\")\n#include \"a.h\"\n"), List.of());
        LimitProbe.compile(r, CompileLimits.defaults()).tookBelow(QUICK_MS).allocatedBelow(SMALL_REQUEST_BYTES)
                .refusedBy(CompileLimit.INCLUDE_DEPTH, "a.h", 2, 10);
    }

    @Test
    void anIncludeBombStopsAtTheSourceTokens() {
        // h0 includes h1 twice, h1 includes h2 twice, ...: 2^30 inclusions from 1 KB
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            headers.put("h" + i + ".h", "#include \"h" + (i + 1) + ".h\"\n#include \"h" + (i + 1) + ".h\"\n");
        }
        headers.put("h30.h", "int x;\n");
        CompileRequest r = new CompileRequest("a.cu", "#include \"h0.h\"\n__global__ void k(int* p) {}\n", Map.of(),
                headers, List.of());
        assertTrue(CompileLimits.inputChars(r) < 1200);
        LimitProbe.compile(r, CompileLimits.defaults()).tookBelow(QUICK_MS).allocatedBelow(SMALL_REQUEST_BYTES)
                .refusedBy(CompileLimit.SOURCE_TOKENS, "h27.h", 2, 1);
    }

    // ------------------------------------------------------------------ diagnostics stay small

    @Test
    void errorsOnAOneLineMegabyteQuoteOnlyAWindowOfTheLine() {
        String kernels = IntStream.range(0, 300).mapToObj(i -> "__global__ void k" + i + "(int* p) { p[0] = missing" + i
                + "; }" + " ".repeat(3000)).collect(Collectors.joining());
        LimitProbe.Outcome o = LimitProbe.compile("a.cu", kernels).tookBelow(QUICK_MS);
        List<Diagnostic> errors = o.error().diagnostics().stream().filter(Diagnostic::isError).toList();
        assertEquals(100, errors.size(), "checking stops after 100 errors");
        Diagnostic last = errors.get(99);
        assertTrue(last.column() > 100_000);
        assertTrue(last.sourceLine().length() <= 301, last.sourceLine().length() + " chars quoted");
        String caretLine = last.format().lines().reduce((a, b) -> b).orElseThrow();
        String quoted = last.format().lines().skip(1).findFirst().orElseThrow();
        int caret = caretLine.indexOf('^');
        assertEquals("missing99", quoted.substring(caret, caret + 9), "the caret still points at the error");
    }
}
