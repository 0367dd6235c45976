package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.cudawasm.runtime.service.admission.ByteBudget;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads request bodies within the size limit and parses them, turning every JSON problem into a
 * 400 that says where it is ({@code line}, {@code column}, the field path) without echoing Java
 * type names or stack traces.
 */
final class RequestBodies {
    private final ObjectMapper mapper;
    private final long maxBytes;
    private final long minBytesPerSecond;
    private final ByteBudget bodyHeap;
    /** Bodies without a Content-Length are read and reserved in chunks of this size. */
    private static final int CHUNK = 1 << 20;

    /** Deepest JSON nesting accepted; job documents need fewer than ten levels. */
    static final int MAX_NESTING = 64;

    RequestBodies(ObjectMapper mapper, long maxBytes, long minBytesPerSecond, ByteBudget bodyHeap) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.bodyHeap = bodyHeap;
        // A string may be as long as the whole body (base64 buffers up to the request limit);
        // Jackson's own default (20 M characters) would refuse those with a misleading message.
        this.mapper = mapper.copy().registerModule(WellFormedText.module());
        this.mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE - 16, maxBytes)).maxNestingDepth(MAX_NESTING)
                .build());
        this.maxBytes = maxBytes;
    }

    <T> T parse(Context ctx, Class<T> type) {
        byte[] body = read(ctx);
        if (body.length == 0) {
            throw ApiException.badRequest("malformed_json", "the request body is empty; send a JSON object");
        }
        try {
            T value = readSyntaxFirst(body, type);
            if (value == null) {
                throw ApiException.badRequest("malformed_json", "the request body must be a JSON object, not null");
            }
            return value;
        } catch (WellFormedText.NotUnicode e) {
            throw invalid(e.getOriginalMessage(), e);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("malformed_json", "the request body exceeds a JSON limit: "
                    + firstLine(e.getOriginalMessage()), Map.of("maxNesting", MAX_NESTING, "maxStringLength", maxBytes));
        } catch (UnrecognizedPropertyException e) {
            throw invalid("unknown field '" + e.getPropertyName() + "'", e);
        } catch (InvalidFormatException e) {
            throw invalid("wrong value for this field", e);
        } catch (MismatchedInputException e) {
            throw invalid("wrong type of value for this field", e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamConstraintsException limit) {
                throw ApiException.badRequest("malformed_json", "the request body exceeds a JSON limit: "
                        + firstLine(limit.getOriginalMessage()), Map.of("maxNesting", MAX_NESTING, "maxStringLength",
                        maxBytes));
            }
            throw invalid("the value cannot be used here", e);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_json", "the request body could not be read");
        }
    }

    /**
     * Parses, reporting broken JSON (truncated, trailing data, control characters) as malformed
     * even when the parser met it while filling a field, which Jackson reports as a mapping error.
     */
    private <T> T readSyntaxFirst(byte[] body, Class<T> type) throws IOException {
        try {
            return mapper.readValue(body, type);
        } catch (JsonMappingException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof JsonParseException syntax) {
                    throw syntax;
                }
            }
            if (e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                throw new JsonParseException(null, "trailing data after the JSON object", e.getLocation());
            }
            throw e;
        }
    }

    /**
     * Bytes of a declared body over the limit read and dropped before the 413 goes out: a server that
     * answers and closes while the client still sends makes the client's TCP stack discard the
     * answer (a reset: "header parser received no bytes" in RequestLimitTest, now and then); larger
     * bodies are not read at all, so no client makes the worker read more than this for nothing.
     */
    private static final long DRAIN_BYTES = 1 << 20;

    private byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            if (declared <= DRAIN_BYTES) {
                try (InputStream in = ctx.req().getInputStream()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the client went away or sent too slowly: the answer below is all it gets
                }
            }
            throw tooLarge(declared);
        }
        BodyReservation heap = BodyReservation.of(ctx, bodyHeap);
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared >= 0) {
                // With a Content-Length, read exactly that much: waiting for end-of-stream costs a
                // round of I/O wake-ups per request.
                try {
                    heap.grow(declared);
                } catch (ApiException busy) {
                    if (busy.status() == 503) {
                        // Read and drop the body (it is within the size limit), so the client reads
                        // the answer instead of a reset connection; retrying later is then safe.
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                    throw busy;
                }
                return in.readNBytes((int) declared);
            }
            // Chunked: reserve and read a chunk at a time, up to one byte past the limit.
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            while (true) {
                heap.grow(CHUNK);
                byte[] chunk = in.readNBytes(CHUNK);
                bytes.write(chunk);
                if (bytes.size() > maxBytes) {
                    throw tooLarge(-1);
                }
                if (chunk.length < CHUNK) {
                    return bytes.toByteArray();
                }
            }
        } catch (IOException e) {
            if (isTimeout(e)) {
                throw new ApiException(408, "request_timeout", "the request body arrived too slowly (the worker "
                        + "needs at least " + minBytesPerSecond + " bytes per second and no pause longer than the idle "
                        + "timeout); send it at full speed", Map.of("minBytesPerSecond", minBytesPerSecond), null);
            }
            throw ApiException.badRequest("malformed_json", "the request body could not be read");
        }
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private ApiException tooLarge(long declared) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("limit", maxBytes);
        if (declared >= 0) {
            details.put("bytes", declared);
        }
        return ApiException.tooLarge("request_too_large", "the request body exceeds the limit of " + maxBytes
                + " bytes; send large inputs as generators or in several jobs", details);
    }

    private static ApiException malformed(JsonProcessingException e) {
        Map<String, Object> details = location(e.getLocation());
        String reason = e.getOriginalMessage();
        return ApiException.badRequest("malformed_json", "the request body is not valid JSON"
                + at(details) + (reason == null ? "" : ": " + firstLine(reason)), details);
    }

    private static ApiException invalid(String what, JsonMappingException e) {
        Map<String, Object> details = location(e.getLocation());
        String path = path(e);
        if (!path.isEmpty()) {
            details.put("field", path);
        }
        return ApiException.badRequest("invalid_request", (path.isEmpty() ? "" : path + ": ") + what + at(details),
                details);
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static Map<String, Object> location(JsonLocation at) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (at != null && at.getLineNr() > 0) {
            details.put("line", at.getLineNr());
            details.put("column", at.getColumnNr());
        }
        return details;
    }

    private static String at(Map<String, Object> details) {
        return details.containsKey("line") ? " (line " + details.get("line") + ", column " + details.get("column") + ")"
                : "";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
