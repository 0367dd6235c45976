package io.cudawasm.kernels.cgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.Severity;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Build logs of clang (PoCL), PoCL's variant and nvcc/NVRTC become diagnostics at CUDA lines. */
class LineMapTest {
    private final SourceFile file = new SourceFile("k.cu", "line one\nline two\nline three\n");
    private final LineMap map = new LineMap(Arrays.asList(null, new SourcePos(file, 2, 1), null,
            new SourcePos(file, 3, 1)), List.of("/* header */", "int a;", "int b;", "int c;"));

    @Test
    void linesWithoutAnOriginTakeThePrecedingOne() {
        assertEquals(2, map.origin(3).line());
        assertEquals(3, map.origin(4).line());
        assertEquals(null, map.origin(1));
    }

    @Test
    void clangAndPoclMessages() {
        List<Diagnostic> d = map.diagnostics("/tmp/x.cl:3:7: error: use of undeclared identifier 'q'\n"
                + "error: /tmp/y.cl:4:1: expected ';' after expression\n"
                + "/tmp/x.cl:2:1: warning: unused variable 'a'\n2 errors generated.", "OpenCL C",
                new SourcePos(file, 1, 1));
        assertEquals(3, d.size());
        assertEquals(2, d.get(0).line());
        assertTrue(d.get(0).message().contains("undeclared identifier 'q'"));
        assertTrue(d.get(0).message().contains("line 3: int b;"), d.get(0).message());
        assertEquals(3, d.get(1).line());
        assertEquals(Severity.WARNING, d.get(2).severity());
    }

    @Test
    void nvccMessages() {
        List<Diagnostic> d = map.diagnostics("kernels.cu(4): error: identifier \"q\" is undefined\n\n"
                + "1 error detected in the compilation of \"kernels.cu\".", "CUDA C++", new SourcePos(file, 1, 1));
        assertEquals(1, d.size());
        assertEquals(3, d.get(0).line());
    }

    @Test
    void anUnrecognizedLogIsOneErrorAtTheFallback() {
        List<Diagnostic> d = map.diagnostics("something went wrong", "OpenCL C", new SourcePos(file, 1, 1));
        assertEquals(1, d.size());
        assertEquals(1, d.get(0).line());
        assertTrue(d.get(0).message().contains("something went wrong"));
    }
}
