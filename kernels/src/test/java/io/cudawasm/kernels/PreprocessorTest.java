package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.preprocess.Preprocessor;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The preprocessor's output, token by token, for the constructs kernels rely on. */
class PreprocessorTest {

    private static String expand(String text, Map<String, String> defines, Map<String, String> headers) {
        List<Diagnostic> warnings = new ArrayList<>();
        List<Token> tokens = Preprocessor.run(new SourceFile("t.cu", text), defines, headers, warnings);
        return tokens.stream().filter(t -> !t.isEof()).map(Token::text).collect(Collectors.joining(" "));
    }

    private static String expand(String text) {
        return expand(text, Map.of(), Map.of());
    }

    @Test
    void objectAndFunctionLikeMacros() {
        assertEquals("int a = 4 ;", expand("#define N 4\nint a = N;"));
        assertEquals("( ( x + 1 ) * ( x + 1 ) )", expand("#define SQ(v) ((v) * (v))\nSQ(x + 1)"));
        assertEquals("f ( 1 , ( 2 , 3 ) )", expand("#define F(a, b) f(a, b)\nF(1, (2, 3))"));
        assertEquals("SQ", expand("#define SQ(v) v\nSQ"), "a function-like macro name without '(' is not expanded");
    }

    @Test
    void stringizingAndPasting() {
        assertEquals("\"a + b\"", expand("#define S(x) #x\nS(a + b)"));
        assertEquals("\"say \\\"hi\\\"\"", expand("#define S(x) #x\nS(say \"hi\")"));
        assertEquals("xy12", expand("#define C(a, b) a ## b\nC(xy, 12)"));
        assertEquals("kernel_float", expand("#define K(t) kernel_ ## t\nK(float)"));
        assertEquals("5 \"N\"", expand("#define N 5\n#define P(a) a\n#define Q(a) #a\nP(N) Q(N)"));
    }

    @Test
    void recursiveMacrosStopAsInC() {
        assertEquals("foo", expand("#define foo foo\nfoo"));
        assertEquals("a a", expand("#define a b a\n#define b a\na"), "b's expansion may not re-expand a");
        assertEquals("f ( 2 * ( f ( 2 * ( 1 ) ) ) )", expand("#define f(x) f(2 * (x))\nf(f(1))"),
                "the argument is expanded before substitution; the result is not re-expanded");
    }

    @Test
    void variadicMacros() {
        assertEquals("g ( 1 , 2 , 3 )", expand("#define V(f, ...) f(__VA_ARGS__)\nV(g, 1, 2, 3)"));
        assertEquals("g ( x )", expand("#define V(f, a, ...) f(a, ## __VA_ARGS__)\nV(g, x)"));
    }

    @Test
    void conditionalsWithArithmeticAndDefined() {
        String src = """
                #define A 3
                #if A * 2 == 6 && !defined(B) && (1 ? 2 : 3) == 2
                yes1
                #endif
                #if defined A && A > 2u - 1
                yes2
                #elif 1
                no
                #endif
                #ifdef B
                no
                #elif -1 < 0u
                no
                #else
                yes3
                #endif
                #if UNDEFINED_NAME == 0
                yes4
                #endif
                """;
        assertEquals("yes1 yes2 yes3 yes4", expand(src));
    }

    @Test
    void commandLineDefinesAndBuiltins() {
        assertEquals("7 x", expand("N ONE x", Map.of("N", "7", "ONE", ""), Map.of()), "ONE is defined empty");
        assertEquals("800 1", expand("__CUDA_ARCH__ __CUDACC__"));
        assertEquals("3", expand("\n\n__LINE__"));
        assertEquals("\"t.cu\"", expand("__FILE__"));
    }

    @Test
    void includesFromTheRequestAndBuiltinHeaders() {
        assertEquals("int a = 42 ;", expand("#include \"my.h\"\nint a = VALUE;", Map.of(), Map.of("my.h", "#define VALUE 42\n")));
        assertEquals("2147483647", expand("#include <climits>\nINT_MAX"));
        assertEquals("", expand("#include <cuda_runtime.h>\n#include <device_launch_parameters.h>"));
        assertEquals("1", expand("#include \"o.h\"\n#include \"o.h\"\n", Map.of(), Map.of("o.h", "#pragma once\n1\n")),
                "#pragma once includes a header once");
    }

    @Test
    void errorsAndWarnings() {
        CompileException e = assertThrows(CompileException.class, () -> expand("#error stop here"));
        assertEquals("#error stop here", e.first().message());
        List<Diagnostic> warnings = new ArrayList<>();
        Preprocessor.run(new SourceFile("w.cu", "#warning careful\n#define X 1\n#define X 2\n"), Map.of(), Map.of(), warnings);
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).message().contains("careful"));
        assertTrue(warnings.get(1).message().contains("'X' macro redefined"));
    }

    @Test
    void lineContinuationsAndComments() {
        assertEquals("a + b", expand("#define ADD(x, y) x \\\n  + y\nADD(a, b) // trailing\n/* block */"));
    }
}
