package io.cudawasm.runtime.benchreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.cli.BenchCommand;
import io.cudawasm.runtime.cli.CudaWasmCommand;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** {@code cuda-wasm bench report} and {@code bench run} as a user runs them. */
class BenchCommandTest {

    private static CliRun bench(String... args) {
        return CliRun.of(new CommandLine(new BenchCommand()), args);
    }

    private static String res(String name) {
        return Resources.file(name).toString();
    }

    @Test
    void reportWritesTableChartsAndPage(@TempDir Path dir) throws Exception {
        CliRun r = bench("report", res("passthrough.json"), res("vgpu.json"), "-o", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: vgpu lacks 1 of the 4 benchmarks"), r.err());
        // the printed table is the Markdown one: values, ratio and interval per row
        String saxpyLine = r.out().lines().filter(l -> l.startsWith("| cuda") && l.contains("saxpy")).findFirst()
                .orElseThrow();
        assertTrue(saxpyLine.contains("10.0 \u00b1 3.04 ms/op (1.26 GB/s)"), saxpyLine);
        assertTrue(saxpyLine.contains("20.0 \u00b1 6.09 ms/op (0.629 GB/s)"), saxpyLine);
        assertTrue(saxpyLine.contains("0.500x [0.389, 0.643]"), saxpyLine);
        String httpLine = r.out().lines().filter(l -> l.startsWith("| cuda") && l.contains("tiny")).findFirst()
                .orElseThrow();
        assertTrue(httpLine.contains("0.800x [0.756, 0.847]"), httpLine);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| vgpu ") && l.contains("vgpu.json")), r.out());
        assertTrue(r.out().contains("NVIDIA A40-12C"), "the vGPU profile is shown");

        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("![KernelThroughputBench.launch (avgt)](charts/KernelThroughputBench.launch-avgt.svg)"), md);
        assertTrue(md.contains("absent back ends: tornadovm (TornadoVM SDK not on the class path)"), md);
        assertTrue(md.contains("failed: KernelThroughputBench.launch [opencl:0, saxpy, M]: CL_OUT_OF_RESOURCES"), md);

        List<Path> charts;
        try (var files = Files.list(dir.resolve("charts"))) {
            charts = files.sorted().toList();
        }
        assertEquals(2, charts.size(), "one chart per benchmark: " + charts);
        Document svg = parse(dir.resolve("charts/KernelThroughputBench.launch-avgt.svg"));
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertEquals("http://www.w3.org/2000/svg", svg.getDocumentElement().getNamespaceURI());
        assertEquals(2, bars(svg), "one bar per compared row (saxpy and matmul, vGPU against passthrough)");
        assertTrue(svg.getDocumentElement().getTextContent().contains("0.500x [0.389, 0.643]"));

        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<table>"), "the page has the tables");
        assertTrue(html.contains("<td class=\"num slower\">0.500x [0.389, 0.643]</td>"), "coloured: the CI excludes 1");
        assertTrue(html.contains("<td class=\"num same\">0.909x [0.860, 0.961]</td>") || html.contains("slower\">0.909x"),
                html);
        assertEquals(2, html.split("<svg ", -1).length - 1, "both charts inline");
        assertFalse(html.contains("<script"), "self-contained and static");
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "nothing fetched");
    }

    /** As {@code bin/cuda-wasm bench report A.json B.json} runs it: through the root command. */
    @Test
    void rootCommandHasBenchWithReportAndRun(@TempDir Path dir) throws Exception {
        assertTrue(CudaWasmCommand.commandLine().getSubcommands().get("bench").getSubcommands().keySet()
                .containsAll(List.of("report", "run")));
        CliRun ok = CliRun.cudaWasm("bench", "report", res("passthrough.json"), res("vgpu.json"), "-o", dir.toString(),
                "--quiet");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.readString(dir.resolve("report.md")).contains("| vgpu vs passthrough"), "the table was written");
        assertTrue(Files.isRegularFile(dir.resolve("report.html")));
        CliRun missing = CliRun.cudaWasm("bench", "report", dir.resolve("missing.json").toString(), res("vgpu.json"),
                "-o", dir.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("error: ") && missing.err().contains("missing.json: no such file"), missing.err());
    }

    @Test
    void oneFileIsComparedAcrossBackEnds(@TempDir Path dir) throws Exception {
        CliRun r = bench("report", res("cpu-backends.json"), "-o", dir.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("| kernel"), "--quiet prints no table");
        String md = Files.readString(dir.resolve("report.md"));
        String header = md.lines().filter(l -> l.startsWith("| kernel")).findFirst().orElseThrow();
        assertTrue(header.matches("\\| kernel +\\| size +\\| java +\\| wasm +\\| opencl:0 +\\| wasm vs java +\\| "
                + "opencl:0 vs java +\\|"), header);
        assertTrue(md.contains("0.500x ["), md);
        assertTrue(md.contains("0.625x ["), md);
        assertEquals(2, bars(parse(dir.resolve("charts/KernelThroughputBench.launch-avgt.svg"))));
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo(@TempDir Path dir) {
        assertError(bench("report", dir.resolve("missing.json").toString(), res("vgpu.json"), "-o", dir.toString()),
                "missing.json: no such file");
        assertError(bench("report", res("not-json.json"), res("vgpu.json"), "-o", dir.toString()),
                "is not a benchmark result file (not JSON");
        assertError(bench("report", res("other-format.json"), res("vgpu.json"), "-o", dir.toString()),
                "is not a benchmark result file (format is 'something-else/v3'");
        assertError(bench("report", res("passthrough.json"), res("compile-only.json"), "-o", dir.toString()),
                "the result files have no benchmark in common");
        assertError(bench("report", res("passthrough.json"), res("vgpu.json"), "--baseline", "a100", "-o", dir.toString()),
                "--baseline 'a100' names no column; the columns are passthrough, vgpu");
        assertError(bench("report", res("passthrough.json"), "--by", "host", "-o", dir.toString()),
                "--by: expected 'file' or 'backend', got 'host'");
    }

    private static void assertError(CliRun r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "exactly one line: " + r.err());
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(expected), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void runStartsTheSuiteJarAndPassesItsOutputAndExitCodeThrough(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("benchmarks.jar"), "not really a jar");
        Path fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"child args: $*\"\necho \"benchmark 1/2, ETA 00:00:01\"\nexit 3\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliRun r = bench("run", "--jar", jar.toString(), "--java", fakeJava.toString(), "--", "--suite", "quick");
        assertEquals(3, r.code(), "the suite's exit code: " + r.err());
        // a JVM with the vector API (this one: the runtime's tests add it) gives it to the suite too
        String vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? "--add-modules=jdk.incubator.vector " : "";
        assertTrue(r.out().contains("child args: " + vector + "-jar " + jar + " --suite quick"), r.out());
        assertTrue(r.out().contains("benchmark 1/2, ETA 00:00:01"), r.out());
        assertTrue(r.err().startsWith("running " + fakeJava + " " + vector + "-jar " + jar), r.err());
    }

    @Test
    void runWithoutTheJarSaysWhereItLooked(@TempDir Path dir) {
        assertError(bench("run", "--jar", dir.resolve("nope.jar").toString()), "nope.jar: no such file");
    }

    private static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(svg.toFile());
    }

    /** Bars are the filled rects in a series colour. */
    private static int bars(Document svg) {
        NodeList rects = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        int n = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            Element e = (Element) rects.item(i);
            if (List.of(SvgChart.PALETTE).contains(e.getAttribute("fill")) && !e.getAttribute("y").equals("28")) {
                n++;
            }
        }
        return n;
    }
}
