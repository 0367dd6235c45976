package io.cudawasm.runtime.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written byte by byte on a socket, for what a well-behaved client cannot send: broken
 * framing, a body that trickles in, a connection from a second loopback address (127.0.0.2, a
 * different "client").
 */
final class RawHttp implements AutoCloseable {
    /** An answer: status line, headers and body as text. */
    record Answer(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    static RawHttp open(URI base, String fromAddress, int readTimeoutMillis) throws IOException {
        Socket s = new Socket();
        if (fromAddress != null) {
            s.bind(new InetSocketAddress(fromAddress, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 10_000);
        s.setSoTimeout(readTimeoutMillis);
        return new RawHttp(s);
    }

    /** One request with a complete body, its answer, and the connection closed. */
    static Answer exchange(URI base, String rawRequest) throws IOException {
        try (RawHttp c = open(base, null, 15_000)) {
            c.send(rawRequest);
            return c.readAnswer();
        }
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Reads until the server closes the connection or stops sending (read timeout), then parses. */
    Answer readAnswer() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                bytes.write(buf, 0, n);
                if (complete(bytes.toString(StandardCharsets.UTF_8))) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            if (bytes.size() == 0) {
                throw e;
            }
        }
        String all = bytes.toString(StandardCharsets.UTF_8);
        int end = all.indexOf("\r\n\r\n");
        if (!all.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IOException("not an HTTP answer: " + all);
        }
        return new Answer(Integer.parseInt(all.substring(9, 12)), all.substring(0, end), all.substring(end + 4));
    }

    /** A whole answer has arrived (by its Content-Length, or the last chunk of a chunked body). */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        if (text.substring(0, end).toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            return text.endsWith("\r\n0\r\n\r\n");
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring(15).trim());
                return text.length() - end - 4 >= length;
            }
        }
        return false;
    }

    boolean isClosedByServer() {
        try {
            socket.setSoTimeout(50);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
