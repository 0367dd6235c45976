package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensor maps over HTTP and from the command line: the worker makes the {@code CUtensorMap} a
 * kernel's bulk tensor copies read ({@code {"tensorMap": {...}}} in a launch's args,
 * {@code run --arg tensormap:...}), takes the CPU path when the backend is left out, and refuses a
 * map that would read past its buffer, or that asks for what is not supported, with a 400. The
 * kernel scales element by element, so a swizzled map (which places the box's chunks elsewhere in
 * shared memory, SwizzledTensorMapTest) gives the same result.
 */
class TensorMapApiTest {
    /** Scales a 40 x 27 float tensor stored in rows of 48 floats, tile by tile, in place. */
    private static final String SOURCE = """
            #include <cuda.h>
            #include <cuda/barrier>
            using barrier = cuda::barrier<cuda::thread_scope_block>;
            namespace cde = cuda::device::experimental;
            __global__ void scale(const __grid_constant__ CUtensorMap map, float factor)
            {
                __shared__ alignas(1024) float tile[8][16];
                __shared__ barrier bar;
                if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                __syncthreads();
                int x = blockIdx.x * 16, y = blockIdx.y * 8;
                if (threadIdx.x == 0) {
                    cde::cp_async_bulk_tensor_2d_global_to_shared(&tile, &map, x, y, bar);
                }
                bar.arrive_and_wait();
                float *t = &tile[0][0];
                t[threadIdx.x] = t[threadIdx.x] * factor + 1.0f;
                cde::fence_proxy_async_shared_cta();
                __syncthreads();
                if (threadIdx.x == 0) {
                    cde::cp_async_bulk_tensor_2d_shared_to_global(&map, x, y, &tile);
                    cde::cp_async_bulk_commit_group();
                    cde::cp_async_bulk_wait_group_read<0>();
                }
            }
            """;

    @TempDir
    static Path cacheDir;
    static TestWorker worker;
    static String kernelId;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir);
        kernelId = worker.post("/v1/kernels", Map.of("source", SOURCE, "fileName", "scale.cu")).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Map<String, Object> map(Object... extra) {
        Map<String, Object> m = new HashMap<>(Map.of("buffer", "A", "type", "float", "dims", List.of(40, 27),
                "strides", List.of(192), "box", List.of(16, 8)));
        for (int i = 0; i < extra.length; i += 2) {
            m.put((String) extra[i], extra[i + 1]);
        }
        return m;
    }

    private static Reply job(String buffer, Map<String, Object> map, String backend) {
        Map<String, Object> body = new HashMap<>(Map.of("kernel", Map.of("id", kernelId), "buffers", Map.of("A", buffer),
                "launches", List.of(Map.of("kernel", "scale", "grid", List.of(3, 4), "block", 128,
                        "args", List.of(Map.of("tensorMap", map), 2.0))),
                "outputs", Map.of("A", "array")));
        if (backend != null) {
            body.put("backend", backend);
        }
        return worker.post("/v1/jobs", body);
    }

    /** iota:1296 scaled where the tensor is (x < 40, y < 27), as it was in the row padding. */
    private static void assertScaled(JsonNode data) {
        assertEquals(48 * 27, data.size());
        for (int i = 0; i < data.size(); i++) {
            double expected = i % 48 < 40 ? i * 2.0 + 1.0 : i;
            assertEquals(expected, data.get(i).asDouble(), 0.0, "element " + i);
        }
    }

    @Test
    void aTensorMapArgumentCopiesBoxesThereAndBack() {
        Reply r = job("iota:1296", map(), null);
        assertEquals(200, r.status(), r.toString());
        assertEquals("wasm", r.json().get("backend").asText());
        assertScaled(r.json().get("outputs").get("A").get("data"));
        for (String swizzle : List.of("64B", "128B", "none")) {
            Reply swizzled = job("iota:1296", map("swizzle", swizzle), null);
            assertEquals(200, swizzled.status(), swizzled.toString());
            assertScaled(swizzled.json().get("outputs").get("A").get("data"));
        }
    }

    @Test
    void badMapsAreRefusedWithA400() {
        Reply past = job("iota:1200", map(), null);
        assertEquals(400, past.status(), past.toString());
        assertEquals("invalid_job", past.json().get("error").asText(), past.toString());
        assertTrue(past.json().get("message").asText().contains("go past the buffer's end"), past.toString());
        assertEquals("launches[0].args[0]", past.json().get("details").get("field").asText().replace(".tensorMap", ""),
                past.toString());
        Reply box = job("iota:1296", map("box", List.of(16, 300)), null);
        assertEquals(400, box.status(), box.toString());
        assertTrue(box.json().get("message").asText().contains("1 to 256 elements"), box.toString());
        Reply swizzle = job("iota:1296", map("swizzle", "16B"), null);
        assertEquals(400, swizzle.status(), swizzle.toString());
        assertTrue(swizzle.json().get("message").asText().contains("expected \"none\", \"32B\", \"64B\" or \"128B\""),
                swizzle.toString());
        Reply narrow = job("iota:1296", map("swizzle", "32B"), null);
        assertEquals(400, narrow.status(), narrow.toString());
        assertTrue(narrow.json().get("message").asText().contains("does not fit the 32B swizzle"), narrow.toString());
        Reply nan = job("iota:1296", map("oobFill", "nan"), null);
        assertEquals(400, nan.status(), nan.toString());
        assertTrue(nan.json().get("message").asText().contains("'nan' fill is not supported"), nan.toString());
        Reply stride = job("iota:1296", map("strides", List.of(100)), null);
        assertEquals(400, stride.status(), stride.toString());
        assertTrue(stride.json().get("message").asText().contains("must be a multiple of 16"), stride.toString());
        Reply rank = job("iota:1296", map("dims", List.of(1, 1, 1, 1, 1, 1)), null);
        assertEquals(400, rank.status(), rank.toString());
        Reply unknown = job("iota:1296", map("buffer", "B"), null);
        assertEquals(400, unknown.status(), unknown.toString());
        assertTrue(unknown.json().get("message").asText().contains("no buffer named 'B'"), unknown.toString());
        Reply pointer = worker.post("/v1/jobs", Map.of("kernel", Map.of("id", kernelId), "buffers", Map.of("A", "iota:1296"),
                "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 128,
                        "args", List.of(Map.of("tensorMap", map()), Map.of("tensorMap", map()))))));
        assertEquals(400, pointer.status(), pointer.toString());
        assertTrue(pointer.json().get("message").asText().contains("'float factor' cannot take a tensor map"),
                pointer.toString());
        Reply field = job("iota:1296", map("padding", true), null);
        assertEquals(400, field.status(), field.toString());
        assertTrue(field.json().get("message").asText().contains("unknown field"), field.toString());
        Reply notAnObject = job("iota:1296", map("im2col", true), null);
        assertEquals(400, notAnObject.status(), notAnObject.toString());
        assertTrue(notAnObject.json().get("message").asText().contains("expected an object"), notAnObject.toString());
        Reply stridesOff = job("iota:1296", map("elementStrides", List.of(1, 3)), null);
        assertEquals(400, stridesOff.status(), stridesOff.toString());
        assertTrue(stridesOff.json().get("message").asText().contains("multiple of its element stride"),
                stridesOff.toString());
    }

    /**
     * An im2col map ({@code "im2col": {...}} in place of the box) through the API: each block loads 16
     * pixels of an image batch with the offsets (1, 1) and writes them out; bad descriptions are 400s.
     */
    @Test
    void anIm2colMapLoadsPixelsThroughTheApi() {
        String source = """
                #include <cuda.h>
                __global__ void pixels(const __grid_constant__ CUtensorMap map, float *out)
                {
                    __shared__ __align__(128) float tile[16 * 4];
                    __shared__ __align__(8) unsigned long long bar;
                    unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                    unsigned b = (unsigned)__cvta_generic_to_shared(&bar);
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" :: "r"(b), "r"(blockDim.x) : "memory");
                    }
                    __syncthreads();
                    unsigned short one = 1;
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], 256;\\n\\t"
                                     "cp.async.bulk.tensor.4d.shared::cluster.global.im2col.mbarrier::complete_tx::bytes"
                                     " [%1], [%2, {%3, %4, %4, %5}], [%0], {%6, %6};"
                                     :: "r"(b), "r"(s), "l"(&map), "r"(0), "r"(-1), "r"((int)blockIdx.x), "h"(one)
                                     : "memory");
                    } else {
                        asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" :: "r"(b) : "memory");
                    }
                    asm volatile("{ .reg .pred done;\\nWAIT:\\n\\tmbarrier.try_wait.parity.shared::cta.b64 done, [%0], 0;"
                                 "\\n\\t@!done bra WAIT; }" :: "r"(b) : "memory");
                    out[blockIdx.x * 64 + threadIdx.x] = tile[threadIdx.x];
                }
                """;
        Reply compiled = worker.post("/v1/kernels", Map.of("source", source, "fileName", "pixels.cu"));
        assertEquals(201, compiled.status(), compiled.toString());
        String id = compiled.json().get("id").asText();
        Map<String, Object> im2col = Map.of("lowerCorner", List.of(-1, -1), "upperCorner", List.of(-1, -1),
                "channelsPerPixel", 4, "pixelsPerColumn", 16);
        java.util.function.Function<Map<String, Object>, Reply> run = map -> worker.post("/v1/jobs", Map.of(
                "kernel", Map.of("id", id), "buffers", Map.of("T", "iota:128", "out", "zeros:128"),
                "launches", List.of(Map.of("kernel", "pixels", "grid", 2, "block", 64,
                        "args", List.of(Map.of("tensorMap", map), "out"))),
                "outputs", Map.of("out", "array")));
        Reply r = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 4, 4, 2), "im2col", im2col));
        assertEquals(200, r.status(), r.toString());
        JsonNode out = r.json().get("outputs").get("out").get("data");
        // image n's pixel (h, w) holds channels 4 * (16 n + 4 h + w) + c: with the offsets, the walk covers image n
        for (int i = 0; i < 128; i++) {
            assertEquals(i, out.get(i).asDouble(), 0.0, "element " + i);
        }
        Reply withBox = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 4, 4, 2), "im2col", im2col,
                "box", List.of(4, 4, 1, 1)));
        assertEquals(400, withBox.status(), withBox.toString());
        assertTrue(withBox.json().get("message").asText().contains("an im2col map has no box"), withBox.toString());
        Reply corner = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 4, 4, 2), "im2col",
                Map.of("lowerCorner", List.of(-300, -1), "upperCorner", List.of(-1, -1), "channelsPerPixel", 4,
                        "pixelsPerColumn", 16)));
        assertEquals(400, corner.status(), corner.toString());
        assertTrue(corner.json().get("message").asText().contains("corners from -128 to 127"), corner.toString());
        Reply missing = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 4, 4, 2), "im2col",
                Map.of("lowerCorner", List.of(-1, -1), "upperCorner", List.of(-1, -1), "channelsPerPixel", 4)));
        assertEquals(400, missing.status(), missing.toString());
        assertTrue(missing.json().get("message").asText().contains("pixelsPerColumn: required"), missing.toString());
        Reply flat = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 32), "im2col", Map.of(
                "lowerCorner", List.of(), "upperCorner", List.of(), "channelsPerPixel", 4, "pixelsPerColumn", 16)));
        assertEquals(400, flat.status(), flat.toString());
        assertTrue(flat.json().get("message").asText().contains("3 to 5 dimensions"), flat.toString());
        // hostile sizes are 400s before anything is allocated or run
        Reply huge = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 4, 4, 2), "im2col",
                Map.of("lowerCorner", List.of(-1, -1), "upperCorner", List.of(-1, -1), "channelsPerPixel",
                        1_000_000_000_000L, "pixelsPerColumn", -5)));
        assertEquals(400, huge.status(), huge.toString());
        assertTrue(huge.json().get("message").asText().contains("1 to 256 channels per pixel"), huge.toString());
        Reply word = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 4, 4, 2), "im2col",
                Map.of("lowerCorner", List.of("a", -1), "upperCorner", List.of(-1, -1), "channelsPerPixel", 4,
                        "pixelsPerColumn", 16)));
        assertEquals(400, word.status(), word.toString());
        assertTrue(word.json().get("details").get("field").asText().endsWith("im2col.lowerCorner[0]"), word.toString());
        Reply strides = run.apply(Map.of("buffer", "T", "type", "float", "dims", List.of(4, 4, 4, 2), "im2col", im2col,
                "elementStrides", List.of(1, 100, 1, 1)));
        assertEquals(400, strides.status(), strides.toString());
        assertTrue(strides.json().get("message").asText().contains("element stride 1 of a tensor map is 1 to 8"),
                strides.toString());
    }

    @Test
    void openClIsNotGivenTensorMaps() {
        Reply r = job("iota:1296", map(), "opencl");
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.json().get("message").asText().contains("tensor maps (CUtensorMap) are made for the WebAssembly path"
                + " and the CUDA back end, not for opencl"), r.toString());
    }

    @Test
    void runAndSubmitTakeATensorMapArgument() throws Exception {
        Path source = Files.writeString(cacheDir.resolve("scale.cu"), SOURCE);
        CliRun run = CliRun.cudaWasm("run", source.toString(), "--kernel", "scale", "--grid", "3,4", "--block", "128",
                "--arg", "tensormap:f32:40x27:16x8:192/iota:1296", "--arg", "2.0", "--first", "1296", "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode out = new ObjectMapper().readTree(run.out());
        assertEquals("wasm", out.get("backend").asText(), run.out());
        assertScaled(out.get("outputs").get("map").get("first"));
        CliRun swizzled = CliRun.cudaWasm("run", source.toString(), "--kernel", "scale", "--grid", "3,4", "--block", "128",
                "--arg", "tensormap:f32:40x27:16x8:192:128B/iota:1296", "--arg", "2.0", "--first", "1296", "--json");
        assertEquals(0, swizzled.code(), swizzled.err());
        assertScaled(new ObjectMapper().readTree(swizzled.out()).get("outputs").get("map").get("first"));
        CliRun submit = CliRun.cudaWasm("submit", "--url", worker.base.toString(), source.toString(), "-k", "scale",
                "--grid", "3,4", "--block", "128", "--arg", "tensormap:f32:40x27:16x8:192/iota:1296", "--arg", "2.0",
                "--out", "map=array", "--json");
        assertEquals(0, submit.code(), submit.err());
        JsonNode sub = new ObjectMapper().readTree(submit.out());
        assertEquals("wasm", sub.get("backend").asText(), submit.out());
        assertScaled(sub.get("outputs").get("map").get("data"));
        CliRun bad = CliRun.cudaWasm("run", source.toString(), "--kernel", "scale", "--grid", "3,4", "--block", "128",
                "--arg", "tensormap:f32:40x27:16x8:192/iota:1000", "--arg", "2.0");
        assertNotEquals(0, bad.code(), bad.out());
        assertTrue(bad.err().contains("go past the buffer's end"), bad.err());
        CliRun usage = CliRun.cudaWasm("run", source.toString(), "--kernel", "scale", "--grid", "3,4", "--block", "128",
                "--arg", "tensormap:f32:40x27:16x8", "--arg", "2.0");
        assertNotEquals(0, usage.code(), usage.out());
        assertTrue(usage.err().contains("tensormap:TYPE:DIMS:BOX[:STRIDES][:SWIZZLE][:es=E]/BUFFER"), usage.err());
    }
}
