package io.cudawasm.kernels.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed PTX and PTX the front end does not support yet: one diagnostic at the right
 * file:line:column quoting the line, and for unsupported instructions a message naming the
 * instruction ("unsupported PTX instruction 'tex.2d.v4.f32.s32'"), never a crash.
 */
class PtxDiagnosticsTest {
    /** The body goes on line 11, after a tab: column 2. */
    static String kernel(String body) {
        return """
                .version 8.0
                .target sm_75
                .address_size 64

                .visible .entry k(
                	.param .u64 k_param_0
                )
                {
                	.reg .b32 %r<4>;
                	.reg .b64 %rd<4>; .reg .f64 %fd<3>; .reg .pred %p<2>;
                """ + body + "\n\tret;\n}\n";
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            // malformed
            Arguments.of("missing semicolon", kernel("\tmov.u32 %r1, 1\n\tmov.u32 %r2, 2;"), 12, 2, "expected ';'"),
            Arguments.of("undeclared register", kernel("\tmov.u32 %r9, 1;"), 11, 10, "undeclared register '%r9'"),
            Arguments.of("unknown label", kernel("\tbra.uni $L_nowhere;"), 11, 10, "undefined label '$L_nowhere'"),
            Arguments.of("bad float literal", kernel("\tmov.f32 %r1, 0fZZ;"), 11, 15, "malformed number '0f'"),
            Arguments.of("missing operand", kernel("\tadd.s32 %r1, %r2;"), 11, 2, "operands"),
            Arguments.of("unclosed body", kernel("").replace("ret;\n}\n", "ret;\n"), 13, 1, "missing '}' at the end of the function body"),
            Arguments.of("bad address", kernel("\tld.global.u32 %r1, [%rd1+];"), 11, 27, "expected"),
            Arguments.of("stray character", kernel("\tmov.u32 %r1, `1;"), 11, 15, "character"),
            Arguments.of("no .version", kernel("").replace(".version 8.0\n", ""), 1, 1, ".version"),
            // unsupported, named
            Arguments.of("texture fetch", kernel("\ttex.2d.v4.f32.s32 {%r1, %r2, %r3, %r1}, [%rd1, {%r1, %r2}];"), 11, 2,
                    "unsupported PTX instruction 'tex.2d.v4.f32.s32'"),
            Arguments.of("bfloat16 with relu", kernel("\tfma.rn.relu.bf16 %r1, %r2, %r3, %r1;"), 11, 2,
                    "unsupported PTX instruction 'fma.rn.relu.bf16'"),
            Arguments.of("directed rounding where PTX has none", kernel("\tsin.rz.f64 %fd1, %fd2;"), 11, 2,
                    "unsupported PTX instruction 'sin.rz.f64'"),
            Arguments.of("surface store", kernel("\tsust.b.2d.b32.trap [%rd1, {%r1, %r2}], {%r3};"), 11, 2,
                    "unsupported PTX instruction 'sust.b.2d.b32.trap'"),
            Arguments.of("matrix multiply", kernel("\tmma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%fd1}, {%fd1}, {%fd2}, {%fd2};"),
                    11, 2, "unsupported PTX instruction 'mma.sync"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void diagnosticIsPrecise(String name, String ptx, int line, int column, String message) {
        CompileException e = assertThrows(CompileException.class,
                () -> KernelCompiler.compile(CompileRequest.of("bad.ptx", ptx)));
        Diagnostic d = e.first();
        assertTrue(d.message().contains(message), () -> "message of '" + name + "' was: " + d.format());
        assertEquals("bad.ptx", d.file(), "file");
        assertEquals(line, d.line(), () -> "line of '" + name + "': " + d.format());
        assertEquals(column, d.column(), () -> "column of '" + name + "': " + d.format());
        assertEquals(ptx.split("\n", -1)[line - 1], d.sourceLine(), "the diagnostic quotes the offending line");
        assertTrue(d.format().startsWith("bad.ptx:" + line + ":" + column + ": error: "), d.format());
    }
}
