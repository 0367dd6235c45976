package io.cudawasm.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 keep-alive client on one socket: each request leaves in a single write and
 * the response is read by its Content-Length. It adds almost nothing to a round trip, so the
 * load driver can show the worker's own per-job overhead; {@code java.net.http} adds a few
 * hundred microseconds of its own (selector and executor hand-offs).
 */
final class RawHttpClient implements AutoCloseable {
    /** Status, body and the headers the driver needs. */
    record Response(int status, byte[] body, String location, Long retryAfter) {}

    private final String host;
    private final int port;
    private final String authorization;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    RawHttpClient(URI base, String token) {
        this.host = base.getHost();
        this.port = base.getPort();
        this.authorization = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    }

    Response post(String path, byte[] body) throws IOException {
        return exchange("POST", path, body);
    }

    Response get(String path) throws IOException {
        return exchange("GET", path, null);
    }

    Response delete(String path) throws IOException {
        return exchange("DELETE", path, null);
    }

    private Response exchange(String method, String path, byte[] body) throws IOException {
        if (socket == null) {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" + authorization
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                + "\r\n";
        request.write(head.getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            request.write(body);
        }
        try {
            out.write(request.toByteArray());
            out.flush();
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Response read() throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String location = null;
        Long retryAfter = null;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                case "location" -> location = value;
                case "retry-after" -> retryAfter = Long.parseLong(value);
                default -> { }
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                b.write(in.readNBytes(size));
                line();
            }
            line();
            body = b.toByteArray();
        } else {
            body = in.readNBytes((int) Math.max(0, length));
        }
        if (closeAfter) {
            close();
        }
        return new Response(code, body, location, retryAfter);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed by the worker");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do: the next request opens a new connection
            }
            socket = null;
        }
    }
}
