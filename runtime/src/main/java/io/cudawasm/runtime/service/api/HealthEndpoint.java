package io.cudawasm.runtime.service.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /healthz}: the process serves HTTP (liveness; stays 200 while draining, so Kubernetes
 * does not kill a worker finishing its jobs). {@code /readyz}: every readiness check passes.
 */
final class HealthEndpoint {
    private final Supplier<Map<String, Boolean>> checks;
    private final Supplier<Map<String, Object>> detail;

    HealthEndpoint(Supplier<Map<String, Boolean>> checks, Supplier<Map<String, Object>> detail) {
        this.checks = checks;
        this.detail = detail;
    }

    void live(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    void ready(Context ctx) {
        Map<String, Boolean> results = new LinkedHashMap<>(checks.get());
        StringBuilder failing = new StringBuilder();
        results.forEach((name, ok) -> {
            if (!ok) {
                failing.append(failing.length() == 0 ? "" : ", ").append(name);
            }
        });
        if (failing.length() == 0) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "ready");
            body.put("checks", results);
            body.putAll(detail.get());
            ctx.json(body);
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("checks", results);
        details.putAll(detail.get());
        ctx.status(503).json(new ErrorBody("not_ready", "not ready: " + failing, details));
    }
}
