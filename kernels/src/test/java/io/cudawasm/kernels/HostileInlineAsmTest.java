package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.CompileLimitException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inline assembly written to exhaust the compiler: the template's PTX counts toward the same limits
 * as the C around it, and a limit hit inside it is reported at the asm statement.
 */
class HostileInlineAsmTest {

    @BeforeAll
    static void warmUp() {
        LimitProbe.warmUp();
    }

    private static LimitProbe.Outcome small(String source) {
        assertTrue(source.length() <= 1200, "a small request: " + source.length() + " chars");
        return LimitProbe.compile("a.cu", source).tookBelow(HostileSourcesTest.QUICK_MS)
                .allocatedBelow(HostileSourcesTest.SMALL_REQUEST_BYTES);
    }

    @Test
    void nestedScopesInATemplateStopAtTheNestingDepth() {
        String src = "__global__ void k(int* a) {\n  asm(\"" + "{".repeat(300) + "}".repeat(300) + "\");\n}\n";
        CompileLimitException e = small(src).refusedBy(CompileLimit.NESTING_DEPTH, "a.cu", 2, 3);
        assertTrue(e.first().message().startsWith("inline assembly: "), e.first().message());
    }

    @Test
    void aTemplateMultipliedByMacrosStopsAtTheSourceTokens() {
        // 1,000 string literals of three instructions each: few C tokens, 15,000 PTX tokens (the
        // template's tokens count as source tokens)
        String src = """
                #define A "add.u32 %0, %0, 1; add.u32 %0, %0, 1; add.u32 %0, %0, 1;\\n"
                #define B A A A A A A A A A A
                #define C B B B B B B B B B B
                #define D C C C C C C C C C C
                __global__ void k(unsigned* a) {
                    asm(D : "+r"(a[0]));
                }
                """;
        small(src).refusedBy(CompileLimit.SOURCE_TOKENS, "a.cu", 6, 5);
    }

    @Test
    void unrolledCopiesOfASnippetCountTheirIrNodes() {
        // a device function with a long snippet, called from a loop the front end does not unroll, and
        // from 40 call sites of a function inlined for its barrier: the snippets' IR counts each time
        String src = """
                #define A "mad.lo.u32 %0, %0, 3, 1; shf.l.wrap.b32 %0, %0, %0, %0; lop3.b32 %0, %0, %0, %0, 0x96;\\n"
                #define B A A A A A A A A A A
                __device__ unsigned mix(unsigned v) { __syncthreads(); asm(B B B : "+r"(v)); return v; }
                #define M mix(v) +
                #define M10 M M M M M M M M M M
                __global__ void k(unsigned* a) {
                    unsigned v = a[threadIdx.x];
                    a[threadIdx.x] = M10 M10 M10 M10 0;
                }
                """;
        LimitProbe.Outcome o = small(src);
        assertTrue(o.error() instanceof CompileLimitException e && e.limit() == CompileLimit.IR_NODES,
                () -> o.error() == null ? "compiled" : o.error().formatted());
    }
}
