package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.kernels.PrewarmList;
import io.cudawasm.runtime.service.kernels.Prewarmer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre-warming at start-up from CUDA_WASM_PREWARM_FILE: kernels are compiled before the worker reports ready. */
class PrewarmTest {
    @TempDir
    Path dir;

    @Test
    void listLinesTakeDefinesInstantiationsAndQuotes() throws Exception {
        Files.writeString(dir.resolve("k.cu"), TestKernels.TINY);
        List<PrewarmList.Item> items = PrewarmList.parse("""
                # comment

                lib:saxpy -DBLOCK=128 -D FAST
                k.cu --instantiate 'reduce<float, 256>' --instantiate=other<int>
                """, dir, Map.of("GLOBAL", "1", "BLOCK", "64"));
        assertEquals(2, items.size());
        assertEquals(Map.of("BLOCK", "128", "FAST", "1", "GLOBAL", "1"), items.get(0).load().defines());
        assertEquals("saxpy.cu", items.get(0).load().fileName());
        assertEquals(List.of("reduce<float, 256>", "other<int>"), items.get(1).load().instantiations());
        assertEquals(TestKernels.TINY, items.get(1).load().source());
        assertEquals(4, items.get(1).line());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrewarmList.parse("lib:saxpy\nlib:saxpy -X\n", dir, Map.of()));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PrewarmList.parse("lib:saxpy 'open\n", dir, Map.of()));
    }

    @Test
    void theWorkerPrewarmsBeforeItIsReady() throws Exception {
        Files.writeString(dir.resolve("tests.cu"), TestKernels.SOURCE);
        try (TestWorker w = TestWorker.start(dir.resolve("cache"), b -> b.prewarmFile(dir.resolve("bad-list.txt")))) {
            w.service.prewarmed().get(60, TimeUnit.SECONDS);
            assertEquals(200, w.get("/readyz").status(), "an unreadable list is logged, not fatal");
        }
        Path list = Files.writeString(dir.resolve("prewarm.txt"), "lib:saxpy\ntests.cu\nmissing.cu\n");
        try (TestWorker w = TestWorker.start(dir.resolve("cache"), b -> b.prewarmFile(list))) {
            List<Prewarmer.Outcome> outcomes = w.service.prewarmed().get(60, TimeUnit.SECONDS);
            assertEquals(List.of(Prewarmer.Status.COMPILED, Prewarmer.Status.COMPILED, Prewarmer.Status.FAILED),
                    outcomes.stream().map(Prewarmer.Outcome::status).toList(), "a missing file fails only its line");
            Reply ready = w.get("/readyz");
            assertEquals(200, ready.status());
            assertTrue(ready.json().get("checks").get("prewarmed").asBoolean());
            Reply k = w.get("/v1/kernels/" + outcomes.get(1).id());
            assertEquals("memory", k.json().get("cache").asText(), "loaded during start-up");
            Reply saxpy = w.post("/v1/kernels", Map.of("library", "saxpy"));
            assertEquals(outcomes.get(0).id(), saxpy.json().get("id").asText(), "same key as a request for it");
        }
    }
}
