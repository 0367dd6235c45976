package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiling over HTTP: ids, signatures, artifacts, diagnostics, and the 400/404 errors. */
class KernelApiTest {
    @TempDir
    static Path cacheDir;
    static TestWorker worker;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void compilingGivesAContentHashIdSignaturesAndArtifacts() {
        Reply first = worker.post("/v1/kernels", Map.of("source", TestKernels.TINY, "fileName", "tiny.cu"));
        assertTrue(first.status() == 201 || first.status() == 200, first.toString());
        JsonNode k = first.json();
        String id = k.get("id").asText();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertEquals("/v1/kernels/" + id, first.header("Location"));
        assertEquals("tiny.cu", k.get("sourceName").asText());
        JsonNode tiny = k.get("kernels").get(0);
        assertEquals("tiny", tiny.get("name").asText());
        JsonNode param = tiny.get("params").get(0);
        assertEquals("out", param.get("name").asText());
        assertEquals("pointer", param.get("kind").asText());
        assertEquals("i32", param.get("elementType").asText());
        assertFalse(param.get("pointeeConst").asBoolean());

        Reply again = worker.post("/v1/kernels", Map.of("source", TestKernels.TINY, "fileName", "tiny.cu"));
        assertEquals(200, again.status(), again.toString());
        assertEquals(id, again.json().get("id").asText(), "same source, same id");
        assertEquals("memory", again.json().get("cache").asText());

        Reply withDefine = worker.post("/v1/kernels", Map.of("source", TestKernels.TINY, "fileName", "tiny.cu",
                "defines", Map.of("UNUSED", "1")));
        assertFalse(id.equals(withDefine.json().get("id").asText()), "defines are part of the key");

        Reply got = worker.get("/v1/kernels/" + id);
        assertEquals(200, got.status());
        assertEquals(id, got.json().get("id").asText());
        List<String> names = got.json().get("artifacts").findValuesAsText("name");
        assertTrue(names.containsAll(List.of("module.wasm", "module.wat", "kernel.kir")), names.toString());

        Reply wasm = worker.get("/v1/kernels/" + id + "/artifacts/wasm");
        assertEquals(200, wasm.status());
        assertEquals("application/wasm", wasm.header("Content-Type"));
        assertArrayEquals(new byte[] {0, 'a', 's', 'm'}, Arrays.copyOf(wasm.raw().body(), 4));
        Reply wat = worker.get("/v1/kernels/" + id + "/artifacts/module.wat");
        assertTrue(wat.text().startsWith("(module"), wat.text().substring(0, 40));
        Reply kir = worker.get("/v1/kernels/" + id + "/artifacts/kir");
        assertTrue(kir.text().contains("kernel"), kir.text());
    }

    /** OpenCL C, CUDA C and PTX are made from the kernel IR on request (nvcc is on this machine's PATH). */
    @Test
    void openClCudaAndPtxArtifactsAreMadeOnRequest() {
        String id = worker.post("/v1/kernels", Map.of("library", "saxpy")).json().get("id").asText();
        Reply cl = worker.get("/v1/kernels/" + id + "/artifacts/cl");
        assertEquals(200, cl.status(), cl.toString());
        assertTrue(cl.header("Content-Type").startsWith("text/plain"), cl.header("Content-Type"));
        assertTrue(cl.text().contains("__kernel void saxpy("), cl.text());
        Reply cu = worker.get("/v1/kernels/" + id + "/artifacts/kernel.cu");
        assertEquals(200, cu.status(), cu.toString());
        assertTrue(cu.text().contains("__global__") && cu.text().contains("saxpy"), cu.text());
        Reply ptx = worker.get("/v1/kernels/" + id + "/artifacts/ptx?arch=compute_80");
        assertEquals(200, ptx.status(), ptx.toString());
        assertTrue(ptx.text().contains(".target sm_80") && ptx.text().contains(".entry"), ptx.text());
        Reply badArch = worker.get("/v1/kernels/" + id + "/artifacts/ptx?arch=80;rm");
        assertEquals(400, badArch.status(), badArch.toString());
        assertEquals("arch", badArch.json().get("details").get("field").asText());

        // a kernel submitted as PTX gives back its own text
        String source = ptx.text();
        Reply fromPtx = worker.post("/v1/kernels", Map.of("source", source, "fileName", "saxpy.ptx"));
        assertTrue(fromPtx.status() == 201 || fromPtx.status() == 200, fromPtx.toString());
        Reply same = worker.get("/v1/kernels/" + fromPtx.json().get("id").asText() + "/artifacts/ptx");
        assertEquals(source, same.text());
    }

    @Test
    void libraryKernelsCompileByName() {
        Reply r = worker.post("/v1/kernels", Map.of("library", "saxpy"));
        assertTrue(r.status() == 201 || r.status() == 200, r.toString());
        assertEquals("saxpy.cu", r.json().get("sourceName").asText());
        assertEquals(List.of("n", "a", "x", "y"), r.json().get("kernels").get(0).get("params").findValuesAsText("name"));
        Reply missing = worker.post("/v1/kernels", Map.of("library", "nope"));
        assertEquals(404, missing.status());
        assertEquals("library_kernel_not_found", missing.json().get("error").asText());
        List<String> available = new java.util.ArrayList<>();
        missing.json().get("details").get("available").forEach(n -> available.add(n.asText()));
        assertEquals(List.copyOf(io.cudawasm.kernels.library.KernelLibrary.names()), available);
    }

    @Test
    void aCompileErrorIs400WithLineColumnAndTheSourceLine() {
        String bad = "__global__ void k(float *x) {\n    x[0] = undefined_name + 1;\n}\n";
        Reply r = worker.post("/v1/kernels", Map.of("source", bad, "fileName", "bad.cu"));
        assertEquals(400, r.status(), r.toString());
        JsonNode body = r.json();
        assertEquals("compile_error", body.get("error").asText());
        assertTrue(body.get("message").asText().startsWith("bad.cu:2:12: error:"), body.get("message").asText());
        JsonNode d = body.get("details").get("diagnostics").get(0);
        assertEquals("error", d.get("severity").asText());
        assertEquals("bad.cu", d.get("file").asText());
        assertEquals(2, d.get("line").asInt());
        assertEquals(12, d.get("column").asInt());
        assertEquals("    x[0] = undefined_name + 1;", d.get("sourceLine").asText());
        assertFalse(r.text().contains("at io.cudawasm"), "no stack trace");
    }

    @Test
    void unknownIdsArtifactsAndRoutesAre404WithJsonBodies() {
        Reply noKernel = worker.get("/v1/kernels/" + "ab".repeat(32));
        assertEquals(404, noKernel.status());
        assertEquals("kernel_not_found", noKernel.json().get("error").asText());
        Reply notAnId = worker.get("/v1/kernels/..%2F..%2Fetc");
        assertEquals(404, notAnId.status());
        assertNotNull(notAnId.json(), notAnId.toString());

        String id = worker.post("/v1/kernels", Map.of("source", TestKernels.TINY, "fileName", "tiny.cu")).json()
                .get("id").asText();
        Reply noArtifact = worker.get("/v1/kernels/" + id + "/artifacts/kernel.spv");
        assertEquals(404, noArtifact.status());
        assertEquals("artifact_not_found", noArtifact.json().get("error").asText());
        assertTrue(noArtifact.json().get("details").get("available").toString().contains("kernel.cl"),
                noArtifact.toString());

        Reply noRoute = worker.get("/v1/nothing-here");
        assertEquals(404, noRoute.status(), noRoute.toString());
        assertEquals("not_found", noRoute.json().get("error").asText());
        assertEquals("Endpoint GET /v1/nothing-here not found", noRoute.json().get("message").asText());
        assertTrue(noRoute.json().get("details").isObject(), noRoute.toString());
    }

    @Test
    void malformedJsonIs400Not500() {
        Reply broken = worker.post("/v1/kernels", "{\"source\": \"x\",");
        assertEquals(400, broken.status(), broken.toString());
        assertEquals("malformed_json", broken.json().get("error").asText());
        assertTrue(broken.json().get("details").has("line"), broken.toString());

        Reply unknownField = worker.post("/v1/kernels", "{\"sauce\": \"x\"}");
        assertEquals(400, unknownField.status());
        assertEquals("invalid_request", unknownField.json().get("error").asText());
        assertTrue(unknownField.json().get("message").asText().contains("sauce"), unknownField.toString());
        assertFalse(unknownField.text().contains("io.cudawasm"), "no Java type names: " + unknownField);

        Reply wrongType = worker.post("/v1/kernels", "{\"source\": \"x\", \"defines\": [1]}");
        assertEquals(400, wrongType.status());
        assertEquals("defines", wrongType.json().get("details").get("field").asText());

        Reply empty = worker.post("/v1/kernels", "");
        assertEquals(400, empty.status());
        Reply both = worker.post("/v1/kernels", Map.of("source", "x", "library", "saxpy"));
        assertEquals(400, both.status());
        assertEquals("invalid_request", both.json().get("error").asText());
    }
}
