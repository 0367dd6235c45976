package io.cudawasm.runtime.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Job ids name their replica and boot, stay URL-safe, and parse back; names become DNS labels. */
class JobIdTest {
    @Test
    void newIdsNameTheReplicaAndItsBootAndParseBack() {
        ReplicaIdentity me = ReplicaIdentity.start("cuda-wasm-worker-3");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = me.newJobId();
            assertTrue(seen.add(id), "unique");
            assertEquals(id, URI.create("http://w/v1/jobs/" + id).getPath().substring("/v1/jobs/".length()), "URL-safe");
            JobId parsed = JobId.parse(id).orElseThrow();
            assertEquals("cuda-wasm-worker-3", parsed.owner());
            assertEquals(me.bootId(), parsed.boot());
            assertEquals(32, parsed.random().length());
            assertTrue(me.owns(parsed));
        }
        assertNotEquals(me.bootId(), ReplicaIdentity.start("cuda-wasm-worker-3").bootId(), "a new process, a new boot");
    }

    @Test
    void otherIdsAreNotFleetIds() {
        for (String id : new String[] {"12a67560-0000-4000-8000-000000000000", "", "w_1234abcd", "W_1234abcd_0011223344556677",
            "-w_1234abcd_0011223344556677", "w_1234abcg_0011223344556677", "w_1234abcd_00112233", "a/b_1234abcd_0011223344556677",
            "w_1234abcd_" + "0".repeat(65)}) {
            assertEquals(Optional.empty(), JobId.parse(id), id);
        }
        assertEquals(Optional.empty(), JobId.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new JobId("Bad", "1234abcd", "0011223344556677"));
    }

    @Test
    void hostNamesBecomeDnsLabels() {
        assertEquals("my-host-example-com", ReplicaIdentity.sanitize("My_Host.example.com"));
        assertEquals("worker", ReplicaIdentity.sanitize("..."));
        assertEquals("worker", ReplicaIdentity.sanitize(null));
        assertEquals(63, ReplicaIdentity.sanitize("a".repeat(100)).length());
        assertEquals("w1", ReplicaIdentity.sanitize("-w1-"));
    }

    @Test
    void dnsDiscoveryAddressesPodsUnderTheHeadlessService() {
        DnsPeers dns = new DnsPeers("cuda-wasm-worker-headless", "gpu", "cluster.local", 8080, "10.0.0.7");
        assertEquals(URI.create("http://cuda-wasm-worker-2.cuda-wasm-worker-headless.gpu.svc.cluster.local:8080"),
                dns.locate("cuda-wasm-worker-2").orElseThrow());
        assertEquals("dns", dns.mode());
        // Outside a cluster the Service name does not resolve: no peers, no error.
        assertEquals(0, dns.peers().size());
    }
}
