package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.source.CompileLimit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PTX written to exhaust the PTX front end: named limits, no stack overflow, no huge allocations. */
class HostilePtxTest {
    private static final String HEADER = ".version 8.0\n.target sm_75\n.address_size 64\n";
    private static final String REGISTERS = "\t.reg .pred %p<4>;\n\t.reg .b32 %r<2000000000>;\n\t.reg .b64 %rd<4>;\n";

    @BeforeAll
    static void warmUp() {
        LimitProbe.warmUp();
    }

    /** A kernel {@code k(u32* out)} around {@code body}; with no globals the body starts on line 12. */
    private static String kernel(String globals, String body) {
        return HEADER + globals + ".visible .entry k(\n\t.param .u64 k_param_0\n)\n{\n" + REGISTERS
                + "\tld.param.u64 %rd1, [k_param_0];\n" + body + "\tret;\n}\n";
    }

    private static LimitProbe.Outcome small(String ptx) {
        assertTrue(ptx.length() <= 1200, ptx.length() + " chars");
        return LimitProbe.compile("a.ptx", ptx).tookBelow(HostileSourcesTest.QUICK_MS)
                .allocatedBelow(HostileSourcesTest.SMALL_REQUEST_BYTES);
    }

    @Test
    void twoBillionDeclaredRegistersCostNothingUntilUsed() {
        LimitProbe.Outcome o = small(kernel("", "\tmov.u32 %r1999999999, 5;\n\tst.global.u32 [%rd1], %r1999999999;\n"));
        assertNotNull(o.result(), () -> o.error().formatted());
        LimitProbe.compile("a.ptx", kernel("", "\tmov.u32 %r99999999999999999999999, 5;\n"))
                .failedWith("a.ptx", 12, 10, "undeclared register '%r99999999999999999999999'");
    }

    @Test
    void millionsOfInstructionsStopAtTheSourceTokens() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 2_000_000; i++) {
            body.append("\tadd.s32 %r1, %r1, 1;\n"); // 7 tokens a line
        }
        // token 500,001 is the fourth of line 71,434 (7 tokens a line after those of the signature)
        LimitProbe.compile("a.ptx", kernel("", body.toString())).tookBelow(2_500)
                .refusedBy(CompileLimit.SOURCE_TOKENS, "a.ptx", 71_434, 15);
    }

    @Test
    void nestedScopesAndOperandsStopAtTheNestingDepth() {
        small(kernel("", "{".repeat(300) + "}".repeat(300) + "\n")).refusedBy(CompileLimit.NESTING_DEPTH, "a.ptx", 12, 257);
        small(kernel("", "\tnot.pred %p1, " + "!".repeat(300) + "%p2;\n"))
                .refusedBy(CompileLimit.NESTING_DEPTH, "a.ptx", 12, 272);
        small(kernel(".global .u32 x[1] = " + "{".repeat(300) + "1" + "}".repeat(300) + ";\n", ""))
                .refusedBy(CompileLimit.NESTING_DEPTH, "a.ptx", 4, 277);
    }

    @Test
    void hugeGlobalsStopAtTheirLimits() {
        small(kernel(".global .align 4 .b8 big[1000000000];\n", ""))
                .refusedBy(CompileLimit.STATIC_DATA_BYTES, "a.ptx", 4, 22);
        small(kernel(".global .u32 table[1000000] = {1};\n", "")).refusedBy(CompileLimit.IR_NODES, "a.ptx", 4, 14);
        small(kernel(".global .u32 big[4294967296][4294967296];\n", "")).failedWith("a.ptx", 4, 30, "is too large");
    }

    @Test
    void sequentialEarlyReturnsNestAndStopAtTheNestingDepth() {
        StringBuilder body = new StringBuilder("\tmov.u32 %r0, 1;\n\tmov.u32 %r1, %tid.x;\n");
        for (int i = 0; i < 300; i++) {
            body.append("\tsetp.eq.s32 %p1, %r1, ").append(i).append(";\n\t@%p1 ret;\n\tst.global.u32 [%rd1], %r0;\n");
        }
        LimitProbe.compile("a.ptx", kernel("", body.toString())).tookBelow(HostileSourcesTest.QUICK_MS)
                .refusedBy(CompileLimit.NESTING_DEPTH, "a.ptx", 780, 2);
    }

    @Test
    void aLongChainOfMergesIsStructuredWithoutRecursingPerMerge() {
        // 3,000 if-then diamonds one after the other: a dominator tree 3,000 deep, nothing nested
        StringBuilder body = new StringBuilder("\tmov.u32 %r0, 1;\n\tmov.u32 %r1, %tid.x;\n");
        for (int i = 0; i < 3000; i++) {
            body.append("\tsetp.eq.s32 %p1, %r1, ").append(i).append(";\n\t@%p1 bra L").append(i)
                    .append(";\n\tadd.s32 %r0, %r0, 1;\nL").append(i).append(":\n");
        }
        body.append("\tst.global.u32 [%rd1], %r0;\n");
        LimitProbe.Outcome o = LimitProbe.compile("a.ptx", kernel("", body.toString())).tookBelow(5_000);
        assertNotNull(o.result(), () -> o.error().formatted());
    }

    @Test
    void aLongDependencyChainDoesNotBecomeOneDeepExpression() {
        StringBuilder body = new StringBuilder("\tmov.u32 %r0, 1;\n");
        for (int i = 1; i < 5000; i++) {
            body.append("\tadd.s32 %r").append(i).append(", %r").append(i - 1).append(", 1;\n");
        }
        body.append("\tst.global.u32 [%rd1], %r4999;\n");
        LimitProbe.Outcome o = LimitProbe.compile("a.ptx", kernel("", body.toString())).tookBelow(5_000);
        assertNotNull(o.result(), () -> o.error().formatted());
        KFunction k = o.result().kir().kernels().get(0);
        assertTrue(KirSize.deeperThan(o.result().kir(), 100) == null, "forwarding stops at depth 32: " + k.name());
    }
}
