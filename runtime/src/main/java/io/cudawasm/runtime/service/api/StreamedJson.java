package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large JSON answers (jobs with array or base64 outputs) written while they are sent, through a
 * pipe fed by a writer thread, so the whole document never sits in memory. Small answers take
 * the usual path. Writer threads are bounded by the API's concurrent requests.
 */
final class StreamedJson implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamedJson.class);
    /** Answers whose bulky parts are smaller than this are rendered in memory. */
    static final long STREAM_ABOVE_BYTES = 1L << 20;
    private static final int PIPE_BYTES = 64 * 1024;

    private final ObjectMapper mapper;
    private final ThreadPoolExecutor writers;

    StreamedJson(ObjectMapper mapper, int maxWriters) {
        this.mapper = mapper;
        AtomicInteger n = new AtomicInteger();
        this.writers = new ThreadPoolExecutor(0, maxWriters, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "cuda-wasm-json-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Sets {@code value} as the answer, streamed when {@code bulkBytes} is large. */
    void respond(Context ctx, int status, Object value, long bulkBytes) {
        ctx.status(status);
        if (bulkBytes < STREAM_ABOVE_BYTES) {
            ctx.json(value);
            return;
        }
        try {
            ctx.contentType("application/json").result(stream(value));
        } catch (RejectedExecutionException | IOException e) {
            ctx.json(value); // every writer busy: the API limit bounds how many answers render at once
        }
    }

    private InputStream stream(Object value) throws IOException {
        PipedInputStream in = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream out = new PipedOutputStream(in);
        writers.execute(() -> {
            try (out) {
                mapper.writeValue(out, value);
            } catch (IOException e) {
                // the client went away, or the reader closed the pipe: nothing to answer anymore
                log.debug("streamed answer ended early: {}", e.toString());
            }
        });
        return in;
    }

    @Override
    public void close() {
        writers.shutdownNow();
    }
}
