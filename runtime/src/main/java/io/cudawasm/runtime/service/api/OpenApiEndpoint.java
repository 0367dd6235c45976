package io.cudawasm.runtime.service.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the hand-written OpenAPI 3 description of this API, shipped as a resource. */
final class OpenApiEndpoint {
    static final String RESOURCE = "openapi.json";

    private final byte[] document;

    OpenApiEndpoint() {
        this.document = load();
    }

    static byte[] load() {
        try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void serve(Context ctx) {
        ctx.contentType("application/json").result(document);
    }
}
