package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.fleet.JobId;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.config.FleetSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replicas on loopback ports, each with its own cache folder and the same static peer list,
 * behind a round-robin front that stands in for the Kubernetes Service: 300 asynchronous jobs are
 * submitted, polled and some cancelled through whichever replica the front picks. Then one replica
 * is killed (SIGKILL, a child JVM) in the middle of the second half, and a fourth replica joins.
 * Every accepted job must end (0 lost), no live job may ever answer 404, the dead replica's jobs
 * answer 410 through the others, and kernels compiled on one replica run by id on every other.
 */
@Timeout(240)
class FleetTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int JOBS = 300;
    private static final int CANCEL_EVERY = 5;
    private static final Pattern METRIC = Pattern.compile("(?m)^(cudawasm_fleet_\\w+)\\{([^}]*)} ([0-9.E+-]+)$");

    @TempDir
    Path dir;

    /** One job as the test saw it. */
    private static final class Tracked {
        final String id;
        final String owner;
        final boolean afterKillStarted;
        volatile boolean cancelled;
        volatile boolean forgotten;
        volatile JsonNode last;
        volatile int gone;

        Tracked(String id, boolean afterKillStarted) {
            this.id = id;
            this.owner = JobId.parse(id).orElseThrow(() -> new AssertionError("not a fleet job id: " + id)).owner();
            this.afterKillStarted = afterKillStarted;
        }
    }

    private final AtomicInteger wrong404 = new AtomicInteger();
    private final AtomicInteger transientErrors = new AtomicInteger();
    private final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void threeReplicasBehindARoundRobinFrontAnswerAsOneService() throws Exception {
        int[] ports = freePorts(4);
        List<String> peers = java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toList();
        URI w2Url = URI.create("http://127.0.0.1:" + ports[2]);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try (TestWorker w0 = replica("w0", ports[0], peers);
                TestWorker w1 = replica("w1", ports[1], peers);
                ChildProcess w2 = ChildProcess.start(ServeMain.class, Map.of("CUDA_WASM_PEERS", String.join(",", peers),
                        "CUDA_WASM_REPLICA_NAME", "w2", "CUDA_WASM_MAX_QUEUED_JOBS", "64"), "--port", "" + ports[2],
                        "--bind", "127.0.0.1", "--cache-dir", dir.resolve("cache-w2").toString(), "--max-concurrent", "2",
                        "--workers", "1", "--log-level", "warn");
                RoundRobinFront front = new RoundRobinFront(List.of(w0.base, w1.base, w2Url))) {
            w2.awaitLine("listening on", WAIT);
            String kernel = w0.post("/v1/kernels", Map.of("source", TestKernels.TINY, "fileName", "tiny.cu")).json()
                    .get("id").asText();
            assertEquals(0, w1.get("/v1/kernels").json().get("items").size(), "w1 starts without it (its own cache)");

            // First half: all three replicas up; every job polled to its end through the front.
            Map<String, Tracked> jobs = new ConcurrentHashMap<>();
            submit(pool, front, kernel, JOBS / 2, jobs, false, null);
            pollAll(pool, front, jobs.values(), Set.of());
            List<Tracked> firstHalf = List.copyOf(jobs.values());
            assertTrue(firstHalf.stream().filter(t -> t.owner.equals("w2")).count() > 10,
                    "the front spread jobs over w2 too");
            for (Tracked t : firstHalf) {
                if (!t.forgotten) {
                    assertFinal(t);
                }
            }

            // Second half: w2 is killed after 30 more jobs were accepted; the rest must go on.
            CountDownLatch thirtyAccepted = new CountDownLatch(30);
            Future<?> second = pool.submit(() -> {
                submit(submitters, front, kernel, JOBS / 2, jobs, true, thirtyAccepted);
                return null;
            });
            assertTrue(thirtyAccepted.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            w2.kill();
            w2.awaitExit(WAIT);
            second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(JOBS, jobs.size(), "every submission was accepted by some replica: " + problems);

            List<Tracked> all = List.copyOf(jobs.values());
            pollAll(pool, front, all, Set.of("w2"));
            assertEquals(0, wrong404.get(), "a live job answered 404: " + problems);
            long lost = all.stream().filter(t -> !t.forgotten && t.last == null && t.gone == 0).count();
            assertEquals(0, lost, "jobs that never ended: " + problems);
            for (Tracked t : all) {
                if (t.owner.equals("w2")) {
                    assertTrue(t.gone > 0 || t.forgotten, "w2's job " + t.id + " answers 410 through the others");
                } else if (!t.forgotten) {
                    assertFinal(t);
                }
            }
            assertTrue(all.stream().filter(t -> t.afterKillStarted).anyMatch(t -> !t.owner.equals("w2")
                    && t.last != null && "succeeded".equals(t.last.path("status").asText())),
                    "new work continued after the kill");
            assertTrue(all.stream().anyMatch(t -> t.owner.equals("w1") && t.last != null
                    && "peer".equals(t.last.path("kernelCache").asText())), "w1 ran w0's kernel by id from its peer");

            Reply gone = get(front, "/v1/jobs/" + firstHalf.stream().filter(t -> t.owner.equals("w2")).findFirst()
                    .orElseThrow().id);
            assertEquals(410, gone.status(), gone.toString());
            assertEquals("job_owner_gone", gone.json().get("error").asText());
            assertEquals("w2", gone.json().at("/details/owner").asText());
            assertTrue(gone.json().get("message").asText().contains("w2"), gone.toString());

            // A replica added later serves the old kernel id, fetched from a peer, and joins the front.
            try (TestWorker w3 = replica("w3", ports[3], peers)) {
                Reply k = w3.get("/v1/kernels/" + kernel);
                assertEquals(200, k.status(), k.toString());
                assertEquals("peer", k.json().get("cache").asText());
                Reply sync = w3.post("/v1/jobs", job(kernel));
                assertEquals(200, sync.status(), sync.toString());
                assertEquals(496.0, sync.json().at("/outputs/out/summary/sum").asDouble());
                assertNull(sync.json().get("href"), "a finished synchronous job is not kept, so it has no href");
                front.add(w3.base);

                assertFleetListing(front, all, w2Url);
                assertMetrics(w0, w1, w3);

                // DELETE unloads and evicts everywhere; afterwards no replica has the kernel.
                Reply deleted = w3.delete("/v1/kernels/" + kernel);
                assertEquals(200, deleted.status(), deleted.toString());
                JsonNode replicas = deleted.json().get("replicas");
                for (String name : List.of("w0", "w1", "w3")) {
                    assertEquals("deleted", replicas.path(name).asText(), deleted.toString());
                }
                assertEquals(List.of(w2Label(w2Url, replicas)), unreachable(replicas), deleted.toString());
                Reply after = w1.get("/v1/kernels/" + kernel);
                assertEquals(404, after.status(), after.toString());
                assertEquals("kernel_not_found", after.json().get("error").asText());
            }
            System.out.println("fleet test: " + JOBS + " jobs, " + all.stream().filter(t -> t.owner.equals("w2")).count()
                    + " on the killed replica, " + transientErrors.get() + " transient 502/503/504 answers while it died");
        } finally {
            pool.shutdownNow();
            submitters.shutdownNow();
        }
    }

    private TestWorker replica(String name, int port, List<String> peers) {
        return TestWorker.start(dir.resolve("cache-" + name), b -> b.port(port).maxConcurrentJobs(2).maxQueuedJobs(64)
                .fleet(FleetSettings.staticPeers(name, peers)));
    }

    private static Map<String, Object> job(String kernel) {
        return Map.of("kernel", Map.of("id", kernel),
                "launches", List.of(Map.of("grid", 1, "block", 32, "args", List.of("zeros:32"))),
                "outputs", Map.of("out", Map.of("format", "summary")));
    }

    /** Submits {@code n} async jobs through the front; every fifth is cancelled right after it is accepted. */
    private void submit(ExecutorService pool, RoundRobinFront front, String kernel, int n, Map<String, Tracked> jobs,
            boolean secondHalf, CountDownLatch accepted) throws Exception {
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            tasks.add(pool.submit(() -> {
                Reply r = null;
                for (int attempt = 0; attempt < 20; attempt++) {
                    r = post(front, "/v1/jobs?async=true", job(kernel));
                    if (r.status() == 202) {
                        break;
                    }
                    // a POST that was in flight to the replica being killed: it never answered
                    transientErrors.incrementAndGet();
                }
                if (r.status() != 202) {
                    problems.add("submission refused: " + r);
                    return;
                }
                Tracked t = new Tracked(r.json().get("id").asText(), secondHalf);
                jobs.put(t.id, t);
                if (accepted != null) {
                    accepted.countDown();
                }
                if (index % CANCEL_EVERY == 0) {
                    cancel(front, t);
                }
            }));
        }
        for (Future<?> f : tasks) {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * DELETE as a client does it: a 502/503/504 (the replica that relayed it died meanwhile) leaves
     * the outcome unknown, so it is sent again. A 404 after such an answer means the lost answer was
     * the one that forgot the finished job; a 404 on the first try is a live job answering 404.
     */
    private void cancel(RoundRobinFront front, Tracked t) {
        boolean unanswered = false;
        for (int attempt = 0; attempt < 20; attempt++) {
            Reply c = delete(front, "/v1/jobs/" + t.id);
            switch (c.status()) {
                case 202 -> t.cancelled = true;
                case 200 -> t.forgotten = true;  // it had finished already: DELETE forgot it, as documented
                case 404 -> {
                    if (unanswered) {
                        t.forgotten = true;
                    } else {
                        wrong404.incrementAndGet();
                        problems.add("404 on cancel of " + t.id + ": " + c);
                    }
                }
                case 410 -> t.gone++;  // its owner died: allowed for the killed replica's jobs only (checked later)
                case 502, 503, 504 -> {
                    transientErrors.incrementAndGet();
                    unanswered = true;
                    continue;
                }
                default -> problems.add("unexpected answer to DELETE " + t.id + ": " + c);
            }
            return;
        }
        problems.add("DELETE " + t.id + " never got an answer");
    }

    /** Polls every job through the front until it is final, or answers 410 (allowed only for {@code deadOwners}). */
    private void pollAll(ExecutorService pool, RoundRobinFront front, Iterable<Tracked> jobs, Set<String> deadOwners)
            throws Exception {
        List<Future<?>> tasks = new ArrayList<>();
        for (Tracked t : jobs) {
            if (t.forgotten) {
                continue;
            }
            tasks.add(pool.submit(() -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    Reply r = get(front, "/v1/jobs/" + t.id);
                    switch (r.status()) {
                        case 200 -> {
                            t.last = r.json();
                            String s = r.json().get("status").asText();
                            if (!s.equals("queued") && !s.equals("running")) {
                                return;
                            }
                        }
                        case 410 -> {
                            t.gone++;
                            if (!deadOwners.contains(t.owner)) {
                                problems.add("410 for a live replica's job " + t.id + ": " + r);
                            }
                            return;
                        }
                        case 404 -> {
                            wrong404.incrementAndGet();
                            problems.add("404 for " + t.id + ": " + r);
                            return;
                        }
                        case 502, 503, 504 -> transientErrors.incrementAndGet();
                        default -> {
                            problems.add("unexpected answer for " + t.id + ": " + r);
                            return;
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                problems.add("job " + t.id + " did not end in time; last " + t.last);
            }));
        }
        for (Future<?> f : tasks) {
            f.get(WAIT.toSeconds() + 30, TimeUnit.SECONDS);
        }
    }

    private static void assertFinal(Tracked t) {
        JsonNode j = t.last;
        assertTrue(j != null, "job " + t.id + " was read");
        String status = j.get("status").asText();
        if (t.cancelled) {
            assertTrue(status.equals("cancelled") || status.equals("succeeded"), j.toString());
        } else {
            assertEquals("succeeded", status, j.toString());
        }
        if (status.equals("succeeded")) {
            assertEquals(496.0, j.at("/outputs/out/summary/sum").asDouble(), j.toString());
        }
        assertEquals("/v1/jobs/" + t.id, j.get("href").asText());
    }

    /** {@code ?scope=fleet} pages through every live replica's jobs exactly once, in one order. */
    private static void assertFleetListing(RoundRobinFront front, List<Tracked> all, URI w2Url) {
        Set<String> expected = new HashSet<>();
        for (Tracked t : all) {
            if (!t.owner.equals("w2") && !t.forgotten) {
                expected.add(t.id);
            }
        }
        Set<String> listed = new HashSet<>();
        String cursor = null;
        String previousCreated = "";
        int pages = 0;
        do {
            Reply page = get(front, "/v1/jobs?scope=fleet&limit=64" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.toString());
            assertEquals("fleet", page.json().get("scope").asText());
            String deadReplica = w2Label(w2Url, page.json().get("replicas"));
            assertEquals(List.of(deadReplica), unreachable(page.json().get("replicas")), page.toString());
            for (JsonNode item : page.json().get("items")) {
                assertTrue(listed.add(item.get("id").asText()), "listed once: " + item.get("id"));
                assertTrue(item.get("createdAt").asText().compareTo(previousCreated) >= 0, "oldest first");
                previousCreated = item.get("createdAt").asText();
                assertFalse(item.has("outputs"), "listings leave outputs out");
            }
            cursor = page.json().hasNonNull("nextCursor") ? page.json().get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 50);
        assertEquals(expected, listed, "the fleet listing holds every retained job of the live replicas");
        assertTrue(pages >= 3, "paged: " + pages);

        Reply cancelled = get(front, "/v1/jobs?scope=fleet&state=cancelled&limit=500");
        for (JsonNode item : cancelled.json().get("items")) {
            assertEquals("cancelled", item.get("status").asText());
        }
    }

    /**
     * How a listing names the dead replica: by name where the answering replica learned it before the
     * kill, else by its address (a replica that started after the kill never saw it answer).
     */
    private static String w2Label(URI w2Url, JsonNode replicas) {
        return replicas.has("w2") ? "w2" : w2Url.getAuthority();
    }

    private static List<String> unreachable(JsonNode replicas) {
        List<String> names = new ArrayList<>();
        replicas.fields().forEachRemaining(e -> {
            if (e.getValue().asText().equals("unreachable")) {
                names.add(e.getKey());
            }
        });
        return names;
    }

    private static void assertMetrics(TestWorker... replicas) {
        double forwarded = 0;
        double gone = 0;
        for (TestWorker w : replicas) {
            String text = w.get("/metrics").text();
            Matcher m = METRIC.matcher(text);
            double found = 0;
            while (m.find()) {
                double v = Double.parseDouble(m.group(3));
                switch (m.group(1)) {
                    case "cudawasm_fleet_forwarded_total" -> forwarded += m.group(2).contains("outcome=\"answered\"") ? v : 0;
                    case "cudawasm_fleet_owner_gone_total" -> gone += v;
                    case "cudawasm_fleet_peer_fetches_total" -> found += m.group(2).contains("outcome=\"found\"") ? v : 0;
                    default -> { }
                }
            }
            if (w != replicas[0]) {
                assertTrue(found >= 1, w.base + " fetched the kernel from a peer:\n" + text);
            }
        }
        assertTrue(forwarded > 100, "most polls went through a replica that does not own the job: " + forwarded);
        assertTrue(gone > 0, "410s are counted");
    }

    private static Reply get(RoundRobinFront front, String path) {
        return TestWorker.send(HttpRequest.newBuilder(front.url().resolve(path)).timeout(Duration.ofSeconds(60)).GET()
                .build());
    }

    private static Reply delete(RoundRobinFront front, String path) {
        return TestWorker.send(HttpRequest.newBuilder(front.url().resolve(path)).timeout(Duration.ofSeconds(60))
                .DELETE().build());
    }

    private static Reply post(RoundRobinFront front, String path, Object body) {
        try {
            return TestWorker.send(HttpRequest.newBuilder(front.url().resolve(path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(TestWorker.JSON.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Distinct loopback ports that were free a moment ago, chosen below the ephemeral range (32768
     * and up on Linux): the outgoing connections of other processes on a busy machine take their
     * ports from that range, and could take one before a replica (a child JVM needs seconds) binds it.
     */
    static int[] freePorts(int n) throws IOException {
        java.util.Random random = new java.util.Random();
        java.util.Set<Integer> chosen = new java.util.LinkedHashSet<>();
        for (int tries = 0; chosen.size() < n; tries++) {
            if (tries > 1000) {
                throw new IOException("no free loopback port between 20000 and 32000");
            }
            int port = 20000 + random.nextInt(12000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                chosen.add(s.getLocalPort());
            } catch (IOException taken) {
                // in use: try another
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
