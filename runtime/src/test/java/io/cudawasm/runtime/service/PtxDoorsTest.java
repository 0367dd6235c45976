package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PTX through every door: the {@code run} command (by extension and by content), {@code POST
 * /v1/kernels} and jobs (detected by content, or named by {@code language}), and the kernel cache
 * (compiled from PTX on one worker, restored and run by the next, on Wasm and on OpenCL, whose
 * kernel IR is rebuilt from the stored PTX request). The PTX is nvcc's for the bundled saxpy with
 * {@code -fmad=false}, so its results equal the CUDA-source path's bit for bit.
 */
class PtxDoorsTest {
    private static final int N = 1000;

    @TempDir
    Path dir;

    static String saxpyPtx() {
        return Nvcc.ptx(KernelLibrary.source("saxpy").orElseThrow(), new Nvcc.Config("compute_75", false), List.of());
    }

    private static CliRun cli(String... args) {
        return CliRun.cudaWasm(args);
    }

    private CliRun runSaxpy(String source, String output, String outParam) {
        return cli("run", source, "--kernel", "saxpy", "--grid", "4", "--block", "256", "--arg", String.valueOf(N),
                "--arg", "2.5", "--arg", "random:1000:7", "--arg", "const:1000:1", "--backend", "wasm", "--threads", "2",
                "--out", outParam + "=" + dir.resolve(output));
    }

    @Test
    void runCommandTakesPtxByExtensionAndByContent() throws Exception {
        Path ptx = Files.writeString(dir.resolve("saxpy.ptx"), saxpyPtx());
        Path unnamed = Files.writeString(dir.resolve("saxpy.txt"), saxpyPtx());
        CliRun fromSource = runSaxpy("lib:saxpy", "source.bin", "y");
        assertEquals(0, fromSource.code(), fromSource.err());
        CliRun byExtension = runSaxpy(ptx.toString(), "ptx.bin", "param_3");
        assertEquals(0, byExtension.code(), byExtension.err() + byExtension.out());
        CliRun byContent = runSaxpy(unnamed.toString(), "content.bin", "param_3");
        assertEquals(0, byContent.code(), byContent.err() + byContent.out());
        byte[] expected = Files.readAllBytes(dir.resolve("source.bin"));
        assertEquals(N * 4, expected.length);
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("ptx.bin")), "run saxpy.ptx");
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("content.bin")), "run saxpy.txt holding PTX");

        Path bad = Files.writeString(dir.resolve("bad.ptx"), ".version 8.0\n.target sm_75\n.address_size 64\n"
                + ".visible .entry k()\n{\n\ttex.2d.v4.f32.s32 {%r1, %r2, %r3, %r4}, [t, {%r1, %r2}];\n\tret;\n}\n");
        CliRun unsupported = cli("run", bad.toString(), "--kernel", "k", "--grid", "1", "--block", "1", "--backend", "wasm");
        assertEquals(1, unsupported.code(), unsupported.out());
        assertTrue(unsupported.err().contains("bad.ptx:6:2: error: unsupported PTX instruction 'tex.2d.v4.f32.s32'"),
                unsupported.err());
    }

    private static Map<String, Object> job(Object kernel, String out, String backend) {
        Map<String, Object> job = new java.util.LinkedHashMap<>();
        job.put("kernel", kernel);
        job.put("launches", List.of(Map.of("kernel", "saxpy", "grid", 4, "block", 256,
                "args", List.of(N, 2.5, "random:1000:7", "const:1000:1"))));
        job.put("outputs", Map.of(out, "array"));
        if (backend != null) {
            job.put("backend", backend);
        }
        return job;
    }

    private static List<Double> data(Reply r, String out) {
        assertEquals(200, r.status(), r.toString());
        List<Double> values = new ArrayList<>();
        for (JsonNode v : r.json().get("outputs").get(out).get("data")) {
            values.add(v.asDouble());
        }
        assertEquals(N, values.size());
        return values;
    }

    @Test
    void kernelsApiAndJobsTakePtxDetectedOrNamed() {
        String ptx = saxpyPtx();
        try (TestWorker worker = TestWorker.start(dir.resolve("cache"))) {
            Reply detected = worker.post("/v1/kernels", Map.of("source", ptx));
            assertEquals(201, detected.status(), detected.toString());
            assertEquals("kernel.ptx", detected.json().get("sourceName").asText(), "detected by its .version");
            JsonNode saxpy = detected.json().get("kernels").get(0);
            assertEquals("saxpy", saxpy.get("name").asText());
            assertEquals("pointer", saxpy.get("params").get(3).get("kind").asText());
            assertEquals("f32", saxpy.get("params").get(3).get("elementType").asText());

            Reply named = worker.post("/v1/kernels", Map.of("source", ptx, "language", "ptx", "fileName", "saxpy.ptx"));
            assertEquals(201, named.status(), named.toString());
            assertEquals("saxpy.ptx", named.json().get("sourceName").asText());
            Reply clash = worker.post("/v1/kernels", Map.of("source", ptx, "language", "cuda", "fileName", "saxpy.ptx"));
            assertEquals(400, clash.status(), clash.toString());
            assertEquals("invalid_request", clash.json().get("error").asText());
            Reply unknown = worker.post("/v1/kernels", Map.of("source", ptx, "language", "sass"));
            assertEquals(400, unknown.status(), unknown.toString());
            Reply broken = worker.post("/v1/kernels", Map.of("source", ptx.replace("ret;", "ret"), "language", "ptx"));
            assertEquals(400, broken.status(), broken.toString());
            assertEquals("compile_error", broken.json().get("error").asText());
            assertEquals("kernel.ptx", broken.json().get("details").get("diagnostics").get(0).get("file").asText());

            List<Double> fromSource = data(worker.post("/v1/jobs", job(Map.of("library", "saxpy"), "y", null)), "y");
            List<Double> fromPtx = data(worker.post("/v1/jobs", job(Map.of("source", ptx, "language", "ptx"), "param_3",
                    "wasm")), "param_3");
            assertEquals(fromSource, fromPtx, "a job with PTX source computes what the CUDA source does");
        }
    }

    @Test
    void ptxCachedByOneWorkerIsRestoredAndRunnableOnTheNext() {
        String ptx = saxpyPtx();
        Path cache = dir.resolve("cache");
        String id;
        List<Double> first;
        try (TestWorker worker = TestWorker.start(cache)) {
            Reply compiled = worker.post("/v1/kernels", Map.of("source", ptx, "fileName", "saxpy.ptx"));
            assertEquals(201, compiled.status(), compiled.toString());
            id = compiled.json().get("id").asText();
            first = data(worker.post("/v1/jobs", job(Map.of("id", id), "param_3", "wasm")), "param_3");
        }
        try (TestWorker next = TestWorker.start(cache)) {
            Reply byId = next.get("/v1/kernels/" + id);
            assertEquals(200, byId.status(), byId.toString());
            assertEquals("disk", byId.json().get("cache").asText());
            assertEquals("saxpy.ptx", byId.json().get("sourceName").asText());
            assertEquals(first, data(next.post("/v1/jobs", job(Map.of("id", id), "param_3", "wasm")), "param_3"));
            // OpenCL needs the kernel IR, rebuilt from the stored PTX request
            Reply onOpenCl = next.post("/v1/jobs", job(Map.of("id", id), "param_3", "opencl"));
            assertEquals("opencl:0", onOpenCl.json().get("backend").asText(), onOpenCl.toString());
            assertEquals(first, data(onOpenCl, "param_3"));
            String metrics = next.get("/metrics").text();
            assertFalse(metrics.contains("cudawasm_compile_duration_seconds_count"), "nothing was compiled again");
        }
    }
}
