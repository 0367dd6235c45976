package io.cudawasm.runtime.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.service.api.ApiException;
import io.cudawasm.runtime.service.config.FleetSettings;
import io.cudawasm.runtime.service.jobs.JobManager;
import io.cudawasm.runtime.service.kernels.RemoteKernelSource;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a fleet of replicas answer as one service.
 *
 * <ul>
 *   <li><b>Jobs</b>: a job id names its owner ({@link JobId}). {@code GET}/{@code DELETE
 *       /v1/jobs/{id}} for another replica's job is forwarded to that replica and its answer
 *       relayed as it is (status, content type, {@code Retry-After}, body streamed). A forwarded
 *       request carries {@value PeerClient#FORWARDED_HEADER} and is never forwarded again. When the
 *       owner is gone (left the fleet, does not answer, restarted) the answer is 410
 *       {@code job_owner_gone}, not 404: the id was valid, its replica is not.
 *   <li><b>Kernels</b>: ids missing here are looked up on the peers ({@link PeerKernelSource}).
 *   <li><b>Listings</b>: {@link #askPeers} asks every peer at once, for {@code ?scope=fleet}.
 *   <li><b>Scale-down</b>: {@link #awaitResultsCollected} keeps a stopping replica answering until
 *       its finished jobs have been read (or the linger time is over).
 * </ul>
 */
public final class FleetRouter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetRouter.class);
    /** Who a replica is: other replicas learn static peers' names here. */
    public static final String FLEET_PATH = "/v1/fleet";
    public static final String FORWARDED_HEADER = PeerClient.FORWARDED_HEADER;
    /** Headers of the owner's answer that mean something to the client; the rest is per connection. */
    private static final List<String> RELAYED_HEADERS = List.of("Content-Type", "Retry-After", "Location",
            "WWW-Authenticate", "Cache-Control");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetSettings settings;
    private final ReplicaIdentity identity;
    private final PeerClient client;
    private final FleetMetrics metrics;
    private volatile PeerDiscovery discovery = new NoPeers();
    /** False until {@link #bind}: discovery is not running yet, so no owner can be told gone. */
    private volatile boolean bound;

    /**
     * @param apiToken the worker's API token, used between replicas when no peer token is set
     */
    public FleetRouter(FleetSettings settings, String apiToken, WorkerMetrics metrics) {
        this.settings = settings;
        this.identity = ReplicaIdentity.start(settings.replicaName());
        this.client = new PeerClient(identity.name(), settings.peerToken() != null ? settings.peerToken() : apiToken,
                settings.peerTimeout());
        this.metrics = new FleetMetrics(metrics, () -> discovery.peers().size());
    }

    public ReplicaIdentity identity() {
        return identity;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** The token a peer may present besides the API token (null: only the API token). */
    public String peerToken() {
        return settings.peerToken();
    }

    /** Starts discovery once the worker's port is known (peers listen on the same port unless told otherwise). */
    public void bind(int port) {
        int peerPort = settings.peerPort() != 0 ? settings.peerPort() : port;
        discovery = switch (settings.discovery()) {
            case OFF -> new NoPeers();
            case STATIC -> new StaticPeers(settings.staticPeers(), client, identity.name());
            case DNS -> new DnsPeers(settings.peerService(), settings.namespace(), settings.clusterDomain(), peerPort,
                    settings.podIp());
            case ENDPOINT_SLICES -> new EndpointSlicePeers(settings.kubernetes().open(Optional.empty()),
                    settings.peerService(), settings.namespace(), peerPort, identity.name());
        };
        bound = true;
        log.info("replica {} (boot {}), peer discovery {}", identity.name(), identity.bootId(), discovery.mode());
    }

    public List<Peer> peers() {
        return discovery.peers();
    }

    /** Where {@code KernelStore} looks for kernel ids it does not have. */
    public RemoteKernelSource kernelSource() {
        return enabled() ? new PeerKernelSource(() -> discovery.peers(), client, metrics) : RemoteKernelSource.NONE;
    }

    /** A request another replica sent: answer it from local state only. */
    public static boolean isPeerRequest(Context ctx) {
        return ctx.header(FORWARDED_HEADER) != null;
    }

    /**
     * Wraps the local handler of {@code GET}/{@code DELETE /v1/jobs/{id}}: this replica's jobs go to
     * {@code local}, other replicas' jobs are forwarded to their owner or answered 410.
     */
    public Handler jobRoute(Handler local) {
        return ctx -> {
            String raw = ctx.pathParam("id");
            Optional<JobId> parsed = JobId.parse(raw);
            if (parsed.isEmpty()) {
                local.handle(ctx);
                return;
            }
            JobId job = parsed.get();
            if (identity.owns(job)) {
                if (!job.boot().equals(identity.bootId())) {
                    throw gone(job, "restarted", "replica " + job.owner() + " restarted after it accepted this job; "
                            + "jobs live in the memory of the replica that accepted them and end with its process");
                }
                local.handle(ctx);
                return;
            }
            if (!enabled()) {
                local.handle(ctx);
                return;
            }
            if (!bound) {
                throw new ApiException(503, "not_ready", "this replica is starting and does not know its peers yet",
                        Map.of(), Map.of("Retry-After", "1"));
            }
            if (isPeerRequest(ctx)) {
                throw gone(job, "wrong_replica", "replica " + job.owner() + " is no longer at the address the fleet "
                        + "had for it (" + identity.name() + " answers there now)");
            }
            URI owner = discovery.locate(job.owner()).orElseThrow(() -> gone(job, "not_in_fleet", "replica "
                    + job.owner() + " is no longer part of the fleet (scaled down or removed); its jobs went with it"));
            forward(ctx, job, owner);
        };
    }

    private void forward(Context ctx, JobId job, URI owner) throws InterruptedException {
        String method = ctx.method().name();
        String query = ctx.queryString();
        URI target = owner.resolve(ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query));
        HttpResponse<InputStream> answer;
        try {
            answer = client.forward(method, target, ctx.header("Authorization"), ctx.header("Accept"));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            metrics.forwarded(method, "owner_gone");
            throw gone(job, "unreachable", "replica " + job.owner() + " does not accept connections (crashed, "
                    + "stopped or scaled down); its jobs are lost");
        } catch (HttpTimeoutException e) {
            metrics.forwarded(method, "timeout");
            throw new ApiException(504, "job_owner_timeout", "replica " + job.owner() + " owns this job but did "
                    + "not answer within " + client.timeout().toMillis() / 1000.0 + " s; try again",
                    Map.of("owner", job.owner()), Map.of("Retry-After", "1"));
        } catch (IOException e) {
            if (unresolved(e)) {
                metrics.forwarded(method, "owner_gone");
                throw gone(job, "unreachable", "replica " + job.owner() + " has no address any more (its pod is "
                        + "gone); its jobs are lost");
            }
            metrics.forwarded(method, "error");
            log.warn("forwarding {} {} to {} failed: {}", method, ctx.path(), owner, e.toString());
            // the cause goes to the log; the caller gets words, not a Java class name
            throw new ApiException(502, "job_owner_unreachable", "replica " + job.owner() + " owns this job but the "
                    + "connection to it broke off; retry", Map.of("owner", job.owner()), Map.of("Retry-After", "1"));
        }
        metrics.forwarded(method, "answered");
        ctx.status(answer.statusCode());
        for (String h : RELAYED_HEADERS) {
            answer.headers().firstValue(h).ifPresent(v -> ctx.header(h, v));
        }
        ctx.header(PeerClient.REPLICA_HEADER, job.owner());
        ctx.result(answer.body());
    }

    private static boolean unresolved(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private ApiException gone(JobId job, String reason, String why) {
        metrics.ownerGone(reason);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("owner", job.owner());
        details.put("reason", reason);
        return new ApiException(410, "job_owner_gone", "job " + job + " is gone: " + why, details, null);
    }

    /**
     * Sends the same bodiless request to every peer at once (each bounded by the peer timeout) and
     * returns every answer, unreachable peers included.
     */
    public List<PeerReply> askPeers(String method, String pathAndQuery) {
        List<Peer> all = discovery.peers();
        List<CompletableFuture<PeerClient.Answer>> calls = new ArrayList<>();
        for (Peer p : all) {
            calls.add(client.sendAsync(method, p.base(), pathAndQuery));
        }
        long deadline = System.nanoTime() + client.timeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
        List<PeerReply> replies = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Peer peer = all.get(i);
            try {
                PeerClient.Answer a = calls.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                JsonNode body = null;
                if (a.contentType().startsWith("application/json") && a.body().length > 0) {
                    body = JSON.readTree(a.body());
                }
                replies.add(new PeerReply(peer, a.status(), body));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                replies.add(new PeerReply(peer, 0, null));
            } catch (ExecutionException | TimeoutException | IOException e) {
                calls.get(i).cancel(true);
                replies.add(new PeerReply(peer, 0, null));
            }
        }
        return replies;
    }

    /**
     * {@code GET /v1/fleet}: who this replica is and, for people (not for peers, which only need
     * the name), the peers it currently knows.
     */
    public void describe(Context ctx) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("replica", identity.name());
        doc.put("bootId", identity.bootId());
        doc.put("discovery", discovery.mode());
        if (!isPeerRequest(ctx)) {
            List<Map<String, String>> peers = new ArrayList<>();
            for (Peer p : discovery.peers()) {
                Map<String, String> entry = new LinkedHashMap<>();
                if (p.name() != null) {
                    entry.put("name", p.name());
                }
                entry.put("url", p.base().toString());
                peers.add(entry);
            }
            doc.put("peers", peers);
        }
        ctx.json(doc);
    }

    /**
     * Scale-down: after the jobs drained, keeps the replica answering (its HTTP server is still up)
     * until every finished asynchronous job has been read once, or the linger time is over. An
     * immediate stop ({@code grace} zero) does not linger.
     */
    public void awaitResultsCollected(JobManager jobs, Duration grace) throws InterruptedException {
        Duration linger = settings.drainLinger();
        if (linger.isZero() || grace.isZero()) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + linger.toNanos();
        long unread = unread(jobs);
        if (unread == 0) {
            return;
        }
        log.info("draining: waiting up to {} s until {} finished jobs are read", linger.toSeconds(), unread);
        while (unread > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
            unread = unread(jobs);
        }
        log.info("draining: {} finished jobs left unread after {} ms", unread,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Finished asynchronous jobs no client has read since they finished. */
    private static long unread(JobManager jobs) {
        return jobs.snapshots().stream()
                .filter(s -> s.async() && s.status().isFinal())
                .filter(s -> jobs.find(s.id()).map(j -> !j.fetched()).orElse(false))
                .count();
    }

    @Override
    public void close() {
        discovery.close();
    }
}
