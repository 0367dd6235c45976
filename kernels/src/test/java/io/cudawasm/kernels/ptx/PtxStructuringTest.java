package io.cudawasm.kernels.ptx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.kir.KirPrinter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shape of the KIR the PTX front end gives nvcc's branchy code, where the CPU path's speed
 * depends on it: no early return left at a kernel's end, no block-level register copies between
 * per-thread statements, and reduction guards as plain {@code tid < s} comparisons.
 */
class PtxStructuringTest {

    private static String kir(String name, String ptx) {
        return KirPrinter.print(KernelCompiler.compile(CompileRequest.of(name, ptx)).kir());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PtxStructuringTest.class.getResourceAsStream("/ptx/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void nvccReductionComesOutStructuredLikeItsSource() throws IOException {
        String kir = kir("reduce.ptx", resource("reduce.ptx"));
        assertFalse(kir.contains("return"), "the trailing @p bra $exit becomes if (!p) { ... }:\n" + kir);
        assertTrue(Pattern.compile("if \\(\\(int\\)r3_\\d+ lt \\(int\\)r16_\\d+\\)").matcher(kir).find(),
                "the tree step's guard is tid < stride:\n" + kir);
        assertTrue(Pattern.compile("if \\(\\(int\\)r3_\\d+ eq 0\\)").matcher(kir).find(), "tid == 0:\n" + kir);
        assertFalse(Pattern.compile("(?m)^\\s+r2_\\d+ = blockIdx\\.x$").matcher(kir).find(),
                "blockIdx.x is read where it is used, not copied at block level:\n" + kir);
        assertTrue(kir.contains("do {") && kir.contains("} while"), "the stride loop is a do-while:\n" + kir);
    }

    @Test
    void anEarlyReturnBeforeABarrierStays() {
        String ptx = """
                .version 8.0
                .target sm_75
                .address_size 64
                .visible .entry k(.param .u64 k_param_0)
                {
                	.reg .pred %p<2>;
                	.reg .b32 %r<3>;
                	.reg .b64 %rd<3>;
                	ld.param.u64 %rd1, [k_param_0];
                	cvta.to.global.u64 %rd2, %rd1;
                	mov.u32 %r1, %tid.x;
                	setp.gt.u32 %p1, %r1, 40;
                	@%p1 bra $L_exit;
                	bar.sync 0;
                	st.global.u32 [%rd2], %r1;
                $L_exit:
                	ret;
                }
                """;
        String kir = kir("k.ptx", ptx);
        assertTrue(kir.contains("return"), "threads that left must not wait at the barrier:\n" + kir);
    }

    private static String straightLine(String body) {
        return kir("k.ptx", """
                .version 8.0
                .target sm_75
                .address_size 64
                .visible .entry k(.param .u64 k_param_0, .param .u64 k_param_1)
                {
                	.reg .f32 %f<8>;
                	.reg .b64 %rd<8>;
                	ld.param.u64 %rd1, [k_param_0];
                	ld.param.u64 %rd2, [k_param_1];
                	cvta.to.global.u64 %rd6, %rd1;
                	cvta.to.global.u64 %rd7, %rd2;
                """ + body + """
                	ret;
                }
                """);
    }

    @Test
    void valuesReadOnceFoldIntoTheirUseButLoadsDoNotMovePastStores() {
        String folded = straightLine("""
                	ld.global.f32 %f1, [%rd6];
                	ld.global.f32 %f2, [%rd6+4];
                	mul.f32 %f3, %f1, %f2;
                	st.global.f32 [%rd7], %f3;
                """);
        assertFalse(Pattern.compile("(?m)^\\s+f[123]_\\d+ = ").matcher(folded).find(),
                "nvcc's one-use registers become one expression:\n" + folded);
        assertTrue(folded.contains("mul load<float>"), folded);

        String kept = straightLine("""
                	ld.global.f32 %f1, [%rd6];
                	mov.f32 %f2, 0f00000000;
                	st.global.f32 [%rd6], %f2;
                	st.global.f32 [%rd7], %f1;
                """);
        assertTrue(Pattern.compile("(?m)^\\s+f1_\\d+ = load<float>").matcher(kept).find(),
                "the load stays before the store that overwrites its address:\n" + kept);
    }
}
