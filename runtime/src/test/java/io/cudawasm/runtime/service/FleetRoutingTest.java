package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.config.FleetSettings;
import io.cudawasm.runtime.service.jobs.JobStatus;
import io.cudawasm.runtime.testing.Await;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet router's rules one at a time: no forwarding loops, 410 for a restarted or unknown
 * owner, auth carried through forwards and a separate peer token, the single-worker behaviour kept,
 * the listings' parameters, the linger of a draining replica, and a shared cache folder.
 */
class FleetRoutingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Map<String, Object> job(String kernel) {
        return Map.of("kernel", Map.of("id", kernel),
                "launches", List.of(Map.of("grid", 1, "block", 32, "args", List.of("zeros:32"))),
                "outputs", Map.of("out", "summary"));
    }

    private static String tinyKernel(TestWorker w) {
        return w.post("/v1/kernels", Map.of("source", TestKernels.TINY, "fileName", "tiny.cu")).json().get("id").asText();
    }

    private TestWorker replica(String name, int port, List<String> peers, String token, String peerToken) {
        FleetSettings fleet = FleetSettings.staticPeers(name, peers).withPeerToken(peerToken);
        TestWorker w = TestWorker.start(dir.resolve(name), b -> b.port(port).authToken(token).fleet(fleet));
        w.token = token;
        return w;
    }

    @Test
    void aForwardedRequestIsNeverForwardedAgainAndUnknownOwnersAnswer410() throws Exception {
        int[] ports = FleetTest.freePorts(2);
        List<String> peers = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        try (TestWorker a = replica("a", ports[0], peers, null, null);
                TestWorker b = replica("b", ports[1], peers, null, null)) {
            String href = a.post("/v1/jobs?async=true", job(tinyKernel(a))).header("Location");
            Reply viaB = b.get(href);
            assertEquals(200, viaB.status(), viaB.toString());
            assertEquals("a", viaB.header("X-CudaWasm-Replica"));

            // b was told by a peer that this is its job: it answers 410 instead of passing it on.
            Reply hop = TestWorker.send(b.request(href).header("X-CudaWasm-Forwarded", "a").GET().build());
            assertEquals(410, hop.status(), hop.toString());
            assertEquals("wrong_replica", hop.json().at("/details/reason").asText());

            Reply unknown = b.get("/v1/jobs/c_0123abcd_00112233445566778899aabbccddeeff");
            assertEquals(410, unknown.status(), unknown.toString());
            assertEquals("not_in_fleet", unknown.json().at("/details/reason").asText());
            assertEquals("c", unknown.json().at("/details/owner").asText());

            String metrics = b.get("/metrics").text();
            assertTrue(metrics.contains("cudawasm_fleet_owner_gone_total{reason=\"wrong_replica\"} 1.0"), metrics);
            assertTrue(metrics.contains("cudawasm_fleet_forwarded_total{method=\"GET\",outcome=\"answered\"} 1.0"),
                    metrics);
        }
    }

    @Test
    void aRestartedWorkerAnswers410ForTheJobsOfItsFormerProcessEvenAlone() {
        String id;
        try (TestWorker first = TestWorker.start(dir.resolve("cache"), b -> b.fleet(FleetSettings.OFF))) {
            id = first.post("/v1/jobs?async=true", job(tinyKernel(first))).json().get("id").asText();
            assertEquals(200, first.get("/v1/jobs/" + id).status());
        }
        try (TestWorker second = TestWorker.start(dir.resolve("cache"), b -> b.fleet(FleetSettings.OFF))) {
            Reply r = second.get("/v1/jobs/" + id);
            assertEquals(410, r.status(), r.toString());
            assertEquals("restarted", r.json().at("/details/reason").asText());
            assertTrue(r.json().get("message").asText().contains("restarted"), r.toString());
            // A single worker knows no other replica: another owner's id is simply not found, as before.
            Reply foreign = second.get("/v1/jobs/other_0123abcd_00112233445566778899aabbccddeeff");
            assertEquals(404, foreign.status(), foreign.toString());
            assertEquals(404, second.get("/v1/jobs/12a67560-0000-4000-8000-000000000000").status());
        }
    }

    @Test
    void forwardsCarryTheCallersTokenAndReplicasUseTheirPeerToken() throws Exception {
        int[] ports = FleetTest.freePorts(2);
        List<String> peers = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        try (TestWorker a = replica("a", ports[0], peers, "api-token", "peer-token");
                TestWorker b = replica("b", ports[1], peers, "api-token", "peer-token")) {
            String kernel = tinyKernel(a);
            // b has never seen the kernel: it asks a with the peer token, which a accepts.
            Reply byId = b.post("/v1/jobs", job(kernel));
            assertEquals(200, byId.status(), byId.toString());
            assertEquals("peer", byId.json().get("kernelCache").asText());

            String href = a.post("/v1/jobs?async=true", job(kernel)).header("Location");
            assertEquals(200, b.get(href).status(), "forwarded with the caller's own token");
            b.token = null;
            Reply anonymous = b.get(href);
            assertEquals(401, anonymous.status(), "the entry replica checks the token before forwarding");
            b.token = "wrong";
            assertEquals(401, b.get(href).status());
            b.token = "peer-token";
            assertEquals(200, b.get(href).status(), "the peer token is accepted too (keep it inside the fleet)");
        }
    }

    @Test
    void listingsCheckTheirParametersAndFinishedSyncJobsHaveNoHref() {
        try (TestWorker w = TestWorker.start(dir.resolve("cache"))) {
            String kernel = tinyKernel(w);
            Reply sync = w.post("/v1/jobs", job(kernel));
            assertFalse(sync.json().has("href"), sync.toString());
            Reply async = w.post("/v1/jobs?async=true", job(kernel));
            String id = async.json().get("id").asText();
            Await.until(WAIT, "the job to finish", () -> w.service.jobs().find(id).orElseThrow().status().isFinal());

            Reply all = w.get("/v1/jobs");
            assertEquals(200, all.status(), all.toString());
            assertEquals("local", all.json().get("scope").asText());
            assertEquals(1, all.json().get("items").size(), "the synchronous job is not kept: " + all);
            assertEquals(id, all.json().at("/items/0/id").asText());
            assertEquals("/v1/jobs/" + id, all.json().at("/items/0/href").asText());
            assertEquals(0, w.get("/v1/jobs?state=running,queued").json().get("items").size());
            assertEquals(1, w.get("/v1/jobs?state=succeeded&scope=fleet").json().get("items").size(),
                    "a single worker's fleet is itself");

            for (String bad : List.of("limit=0", "limit=501", "limit=ten", "cursor=!!!", "cursor=bm90LWEta2V5",
                    "state=done", "scope=planet")) {
                Reply r = w.get("/v1/jobs?" + bad);
                assertEquals(400, r.status(), bad + ": " + r);
                assertEquals("invalid_request", r.json().get("error").asText());
                assertFalse(r.json().at("/details/field").asText().isEmpty(), r.toString());
            }

            Reply kernels = w.get("/v1/kernels?limit=1");
            assertEquals(kernel, kernels.json().at("/items/0/id").asText());
            assertTrue(kernels.json().at("/items/0/loaded").asBoolean());
            assertTrue(kernels.json().at("/items/0/cached").asBoolean());
            assertFalse(kernels.json().has("nextCursor"), "one kernel, one page");
            assertEquals(400, w.get("/v1/kernels?cursor=xyz").status());
            assertEquals(404, w.delete("/v1/kernels/" + "0".repeat(64)).status());
            Reply deleted = w.delete("/v1/kernels/" + kernel);
            assertEquals(200, deleted.status(), deleted.toString());
            assertTrue(deleted.json().get("unloaded").asBoolean() && deleted.json().get("evicted").asBoolean());
            assertEquals(0, w.get("/v1/kernels").json().get("items").size());
            assertEquals(404, w.get("/v1/kernels/" + kernel).status());
        }
    }

    @Test
    void aDrainingReplicaAnswersForItsFinishedJobsUntilTheyAreRead() throws Exception {
        FleetSettings fleet = FleetSettings.staticPeers("solo", List.of("127.0.0.1:9"))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20));
        TestWorker w = TestWorker.start(dir.resolve("cache"), b -> b.fleet(fleet));
        String href = w.post("/v1/jobs?async=true", job(tinyKernel(w))).header("Location");
        String id = href.substring(href.lastIndexOf('/') + 1);
        Await.until(WAIT, "the job to finish", () -> w.service.jobs().find(id).orElseThrow().status() == JobStatus.SUCCEEDED);

        long start = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> w.service.shutdown(Duration.ofSeconds(5)));
        Await.until(WAIT, "readiness to turn 503", () -> w.get("/readyz").status() == 503);
        Reply read = w.get(href);
        assertEquals(200, read.status(), "a draining replica still answers for its jobs");
        assertEquals("succeeded", read.json().get("status").asText());
        stopping.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "once read, the replica stops without waiting out "
                + "the 20 s linger: " + took);

        FleetSettings brief = fleet.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(1500));
        TestWorker unread = TestWorker.start(dir.resolve("cache2"), b -> b.fleet(brief));
        String id2 = unread.post("/v1/jobs?async=true", job(tinyKernel(unread))).json().get("id").asText();
        Await.until(WAIT, "the job to finish", () -> unread.service.jobs().find(id2).orElseThrow().status().isFinal());
        long start2 = System.nanoTime();
        unread.service.shutdown(Duration.ofSeconds(5));
        assertTrue(System.nanoTime() - start2 >= 1_500_000_000L, "an unread result keeps the replica up for the linger");
    }

    @Test
    void replicasSharingOneCacheFolderUseEachOthersKernelsFromDisk() throws Exception {
        Path shared = dir.resolve("rwx");
        try (TestWorker a = TestWorker.start(shared); TestWorker b = TestWorker.start(shared)) {
            String kernel = tinyKernel(a);
            Reply byId = b.post("/v1/jobs", job(kernel));
            assertEquals(200, byId.status(), byId.toString());
            assertEquals("disk", byId.json().get("kernelCache").asText(), "no peer needed: the folder is shared");

            // Both compile the same new source at once: racing writers, one valid entry, both answers good.
            Map<String, Object> source = Map.of("source", TestKernels.SOURCE, "fileName", "race.cu");
            CompletableFuture<Reply> fromA = CompletableFuture.supplyAsync(() -> a.post("/v1/kernels", source));
            CompletableFuture<Reply> fromB = CompletableFuture.supplyAsync(() -> b.post("/v1/kernels", source));
            JsonNode ka = fromA.get().json();
            JsonNode kb = fromB.get().json();
            assertEquals(ka.get("id").asText(), kb.get("id").asText());
            assertNotEquals("memory", ka.get("cache").asText());
            long entries = a.get("/v1/kernels").json().get("items").size();
            assertEquals(2, entries, "one entry per kernel in the shared folder");
            Reply fromDisk = TestWorker.send(HttpRequest.newBuilder(b.base.resolve("/v1/kernels/" + ka.get("id").asText()))
                    .GET().build());
            assertEquals(200, fromDisk.status());
        }
    }
}
