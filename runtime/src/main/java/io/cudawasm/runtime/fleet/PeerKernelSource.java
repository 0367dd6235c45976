package io.cudawasm.runtime.fleet;

import io.cudawasm.runtime.service.kernels.KernelArtifacts;
import io.cudawasm.runtime.service.kernels.KernelSpec;
import io.cudawasm.runtime.service.kernels.RemoteKernelSource;
import io.cudawasm.kernels.CompileRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up a kernel id on the peers: asks all of them at once for the kernel's stored compile
 * request ({@code request.json}), recomputes the id from the first answer (the id is the SHA-256 of
 * the request's parts, so a wrong or tampered answer cannot pass) and hands it back to be compiled
 * here. Concurrent lookups of one id share one round of requests.
 */
final class PeerKernelSource implements RemoteKernelSource {
    private static final Logger log = LoggerFactory.getLogger(PeerKernelSource.class);

    private record Reply(Peer peer, PeerClient.Answer answer, Throwable error) {}

    private final Supplier<List<Peer>> peers;
    private final PeerClient client;
    private final FleetMetrics metrics;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<KernelSpec>>> inFlight = new ConcurrentHashMap<>();

    PeerKernelSource(Supplier<List<Peer>> peers, PeerClient client, FleetMetrics metrics) {
        this.peers = peers;
        this.client = client;
        this.metrics = metrics;
    }

    @Override
    public Optional<KernelSpec> find(String id) throws InterruptedException {
        CompletableFuture<Optional<KernelSpec>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<KernelSpec>> running = inFlight.putIfAbsent(id, mine);
        if (running != null) {
            try {
                return running.get();
            } catch (ExecutionException e) {
                return Optional.empty();
            }
        }
        Optional<KernelSpec> result = Optional.empty();
        try {
            result = ask(id);
            return result;
        } finally {
            mine.complete(result);
            inFlight.remove(id, mine);
        }
    }

    private Optional<KernelSpec> ask(String id) throws InterruptedException {
        List<Peer> all = peers.get();
        if (all.isEmpty()) {
            metrics.peerFetch("no_peers");
            return Optional.empty();
        }
        String path = "/v1/kernels/" + id + "/artifacts/" + KernelArtifacts.REQUEST;
        BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        List<CompletableFuture<PeerClient.Answer>> calls = new ArrayList<>();
        for (Peer p : all) {
            CompletableFuture<PeerClient.Answer> call = client.sendAsync("GET", p.base(), path);
            call.whenComplete((a, e) -> replies.add(new Reply(p, a, e)));
            calls.add(call);
        }
        long deadline = System.nanoTime() + client.timeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
        int notFound = 0;
        int mismatched = 0;
        try {
            for (int i = 0; i < all.size(); i++) {
                Reply r = replies.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r == null) {
                    break;
                }
                if (r.error() != null || r.answer().status() / 100 == 5) {
                    continue;
                }
                if (r.answer().status() == 404) {
                    notFound++;
                    continue;
                }
                if (!r.answer().ok()) {
                    log.warn("peer {} answered {} for kernel {}; check CUDA_WASM_PEER_TOKEN", r.peer().label(),
                            r.answer().status(), id);
                    continue;
                }
                Optional<KernelSpec> spec = verified(id, r);
                if (spec.isPresent()) {
                    metrics.peerFetch("found");
                    log.debug("kernel {} found on peer {}", id, r.peer().label());
                    return spec;
                }
                mismatched++;
            }
        } finally {
            calls.forEach(c -> c.cancel(true));
        }
        metrics.peerFetch(mismatched > 0 ? "mismatch" : notFound > 0 ? "not_found" : "unreachable");
        return Optional.empty();
    }

    /** The peer's compile request, if its parts hash to the id that was asked for. */
    private static Optional<KernelSpec> verified(String id, Reply r) {
        try {
            CompileRequest req = KernelArtifacts.request(r.answer().body());
            KernelSpec spec = new KernelSpec(req.fileName(), req.source(), req.defines(), req.headers(),
                    req.instantiations());
            if (spec.key().id().equals(id)) {
                return Optional.of(spec);
            }
            log.warn("peer {} sent a compile request for kernel {} that hashes to {}; ignored", r.peer().label(), id,
                    spec.key().id());
        } catch (RuntimeException e) {
            log.warn("peer {} sent an unreadable compile request for kernel {}: {}", r.peer().label(), id,
                    e.getMessage());
        }
        return Optional.empty();
    }
}
