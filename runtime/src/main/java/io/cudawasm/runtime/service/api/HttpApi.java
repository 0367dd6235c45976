package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP surface on Javalin: routes, bearer auth on {@code /v1}, and one error
 * format. Every error leaves as {@code {error, message, details}} JSON; unexpected exceptions
 * are logged here with their stack trace and answered with a generic 500.
 */
public final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final byte[] INTERNAL_ERROR_BODY = ("{\"error\":\"internal_error\",\"message\":\"the worker failed "
            + "to handle this request\",\"details\":{}}").getBytes(StandardCharsets.UTF_8);

    /** One registered route, for the OpenAPI consistency test and the docs. */
    public record Route(String method, String path) {}

    private final List<Route> routes = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Javalin app;

    public HttpApi(ApiComponents c) {
        ObjectMapper mapper = Json.mapper();
        RequestBodies bodies = new RequestBodies(mapper, c.config().maxRequestBytes());
        KernelsEndpoint kernels = new KernelsEndpoint(c.kernels(), bodies);
        JobsEndpoint jobs = new JobsEndpoint(c.config(), c.backends(), c.kernels(), c.jobs(), c.metrics(), bodies);
        HealthEndpoint health = new HealthEndpoint(c.readiness(), c.readinessDetail());
        OpenApiEndpoint openApi = new OpenApiEndpoint();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.http.maxRequestSize = c.config().maxRequestBytes();
            config.http.asyncTimeout = 0L;
            config.routes.before(this::track);
            if (c.config().authEnabled()) {
                BearerAuth auth = new BearerAuth(c.config().authToken());
                config.routes.before("/v1/*", auth);
            }
            route(config, HandlerType.GET, "/healthz", health::live);
            route(config, HandlerType.GET, "/readyz", health::ready);
            route(config, HandlerType.GET, "/metrics", ctx -> {
                c.beforeScrape().run();
                ctx.contentType(PROMETHEUS_TEXT).result(c.metrics().scrape());
            });
            route(config, HandlerType.GET, "/openapi.json", openApi::serve);
            route(config, HandlerType.GET, "/v1/capabilities", ctx -> ctx.json(c.capabilities().get()));
            route(config, HandlerType.POST, "/v1/kernels", kernels::compile);
            route(config, HandlerType.GET, "/v1/kernels/{id}", kernels::get);
            route(config, HandlerType.GET, "/v1/kernels/{id}/artifacts/{name}", kernels::artifact);
            route(config, HandlerType.POST, "/v1/jobs", jobs::submit);
            route(config, HandlerType.GET, "/v1/jobs/{id}", jobs::get);
            route(config, HandlerType.DELETE, "/v1/jobs/{id}", jobs::cancel);
            config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromJavalin(e)));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unhandled error in {} {}", ctx.method(), ctx.path(), e);
                respond(ctx, new ApiException(500, "internal_error", "the worker failed to handle this request"));
            });
            config.router.javaLangErrorHandler((res, error) -> {
                log.error("fatal error while handling a request", error);
                writeInternalError(res);
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    respond(ctx, ApiException.notFound("not_found", "no such endpoint: " + ctx.method() + " "
                            + ctx.path()));
                }
            });
        });
    }

    /**
     * Counts the request until Jetty has sent its whole response (not just until the handler
     * returned), so a stopping worker never cuts off an answer it already computed.
     */
    private void track(Context ctx) {
        inFlight.incrementAndGet();
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            inFlight.decrementAndGet();
            return;
        }
        Request.addCompletionListener(request, failure -> inFlight.decrementAndGet());
    }

    private void route(JavalinConfig config, HandlerType method, String path, Handler handler) {
        config.routes.addHttpHandler(method, path, handler);
        routes.add(new Route(method.name(), path));
    }

    /** For java.lang.Error, which Javalin handles outside the exception mappers. */
    private static void writeInternalError(HttpServletResponse res) {
        try {
            res.setStatus(500);
            res.setContentType("application/json");
            res.getOutputStream().write(INTERNAL_ERROR_BODY);
        } catch (IOException | IllegalStateException e) {
            log.debug("could not write the error response: {}", e.toString());
        }
    }

    private static void respond(Context ctx, ApiException e) {
        e.headers().forEach(ctx::header);
        ctx.status(e.status()).json(e.body());
    }

    /** Javalin's own errors (no route, wrong method, body too large) in the API's format. */
    private static ApiException fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            case 400 -> "bad_request";
            default -> "http_error";
        };
        return new ApiException(status, code, e.getMessage() == null ? "HTTP " + status : e.getMessage(), Map.of(),
                null);
    }

    public Javalin app() {
        return app;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Requests being handled or answered now (including synchronous jobs waiting for their result). */
    public int inFlight() {
        return inFlight.get();
    }
}
