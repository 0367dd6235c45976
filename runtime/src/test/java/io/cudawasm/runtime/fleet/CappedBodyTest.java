package io.cudawasm.runtime.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A peer's answer is read whole only up to the cap: a runaway peer cannot fill the heap. */
class CappedBodyTest {

    @Test
    void answersUpToTheCapAreReadAndLargerOnesRefused() throws Exception {
        HttpServer peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/small", ex -> {
            byte[] body = "{\"ok\":true}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        peer.createContext("/endless", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length announced
            byte[] chunk = new byte[1 << 20];
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent <= CappedBody.MAX_BYTES + (8 << 20); sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client hung up at the cap: expected
            }
        });
        peer.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + peer.getAddress().getPort());
            PeerClient client = new PeerClient("replica-a", null, Duration.ofSeconds(30));
            assertArrayEquals("{\"ok\":true}".getBytes(), client.get(base, "/small").body());
            IOException e = assertThrows(IOException.class, () -> client.get(base, "/endless"));
            assertTrue(e.getMessage().contains("larger than " + CappedBody.MAX_BYTES), e.getMessage());
        } finally {
            peer.stop(0);
        }
    }
}
