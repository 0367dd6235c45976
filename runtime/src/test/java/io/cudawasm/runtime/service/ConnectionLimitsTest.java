package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cudawasm.runtime.service.config.HttpLimits;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection cap of the API port, and the probe port outside it: with every allowed
 * connection held by idle clients, the next API connection waits unanswered while the probe port
 * still answers; once the idle clients leave, the waiting one is served.
 */
class ConnectionLimitsTest {
    private static final int CAP = 6;

    @TempDir
    java.nio.file.Path dir;

    @Test
    void probesAnswerOnTheirPortWhileTheApiPortIsAtItsConnectionCap() throws Exception {
        int probePort;
        try (ServerSocket free = new ServerSocket(0)) {
            probePort = free.getLocalPort();
        }
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxConnections(CAP).withProbePort(probePort);
        try (TestWorker w = TestWorker.start(dir, b -> b.http(limits))) {
            URI probes = URI.create("http://127.0.0.1:" + probePort);
            assertEquals(200, RawHttp.exchange(probes, get("/healthz")).status());
            assertEquals(200, RawHttp.exchange(probes, get("/metrics")).status());
            RawHttp.Answer api = RawHttp.exchange(probes, get("/v1/capabilities"));
            assertEquals(404, api.status(), "the probe port serves only the probes: " + api.body());

            List<RawHttp> idle = new ArrayList<>();
            try {
                for (int i = 0; i < CAP; i++) {
                    RawHttp c = RawHttp.open(w.base, null, 1_000);
                    c.send(get("/healthz"));
                    assertEquals(200, c.readAnswer().status()); // accepted, kept alive and idle
                    idle.add(c);
                }
                RawHttp waiting = RawHttp.open(w.base, null, 1_500);
                waiting.send(get("/healthz"));
                assertThrows(SocketTimeoutException.class, waiting::readAnswer,
                        "a connection past the cap is not served");
                assertEquals(200, RawHttp.exchange(probes, get("/healthz")).status(), "the probe port still answers");

                for (RawHttp c : idle) {
                    c.close();
                }
                idle.clear();
                RawHttp.Answer served = readWithin(waiting, 10);
                assertEquals(200, served.status(), "served once the idle clients left");
                waiting.close();
            } finally {
                for (RawHttp c : idle) {
                    c.close();
                }
            }
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    /** Reads an answer, giving the server {@code attempts} read timeouts to send it. */
    private static RawHttp.Answer readWithin(RawHttp c, int attempts) throws Exception {
        for (int i = 1; ; i++) {
            try {
                return c.readAnswer();
            } catch (SocketTimeoutException e) {
                if (i == attempts) {
                    throw e;
                }
            }
        }
    }
}
