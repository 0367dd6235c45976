package io.cudawasm.runtime.benchreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {

    @Test
    void readsTheTaggedFile() {
        LoadedResult r = LoadedResult.read(Resources.file("vgpu.json"));
        assertEquals("vgpu", r.label());
        assertEquals(1, r.file().suite().revision());
        assertEquals(3, r.measurements().size());
        Measurement m = r.measurements().get(1);
        assertEquals("KernelThroughputBench.launch", m.shortName());
        assertEquals(10, m.samples(), "two forks of five iterations");
        assertEquals(0.1 / 4.780912585931, m.standardError(), 1e-12);
        assertEquals("tornadovm", r.file().absent().get(0).backend());
        assertEquals(Map.of("backend", "opencl:0", "kernel", "saxpy", "size", "M"), r.file().failed().get(0).params());
    }

    @Test
    void writesAtomicallyAndReadsBack(@TempDir Path dir) {
        var entry = JsonNodeFactory.instance.objectNode().put("benchmark", "a.B.c").put("mode", "avgt");
        entry.putObject("primaryMetric").put("score", 1.5).put("scoreError", "NaN").put("scoreUnit", "ms/op");
        BenchResultFile file = new BenchResultFile(BenchResultFile.FORMAT, "here", new BenchResultFile.Suite("1", 1,
                "smoke", "1.37"), "2026-01-01T00:00:00Z", null, false, List.of("java"), null, List.of(), List.of(),
                List.of(), List.of(), List.of(entry));
        Path target = dir.resolve("sub/result.json");
        ResultFiles.write(target, file);
        LoadedResult back = LoadedResult.read(target);
        assertEquals("here", back.label());
        assertTrue(Double.isNaN(back.measurements().get(0).error()), "JMH writes NaN errors as a string");
        assertTrue(Double.isNaN(back.measurements().get(0).standardError()));
        assertEquals(List.of(target.getFileName()), java.util.Arrays.stream(dir.resolve("sub").toFile().list())
                .map(Path::of).toList(), "no temporary file is left");
    }

    @Test
    void everyKindOfBadInputIsOneClearLine() {
        assertMessage("missing.json", "missing.json: no such file", Path.of("missing.json"));
        assertMessage("not-json.json", "is not a benchmark result file (not JSON", Resources.file("not-json.json"));
        assertMessage("other-format.json", "format is 'something-else/v3', expected 'cuda-wasm.io/bench-result/v1'",
                Resources.file("other-format.json"));
        assertMessage("plain-jmh.json", "is a plain JMH result without host capabilities",
                Resources.file("plain-jmh.json"));
    }

    private static void assertMessage(String what, String expected, Path file) {
        ReportInputException e = assertThrows(ReportInputException.class, () -> ResultFiles.read(file), what);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
