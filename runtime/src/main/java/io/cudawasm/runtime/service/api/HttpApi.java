package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.fleet.FleetRouter;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.cudawasm.runtime.service.admission.ByteBudget;
import io.cudawasm.runtime.service.config.HttpLimits;
import io.cudawasm.runtime.service.kernels.CompileRejectedException;
import io.cudawasm.runtime.service.kernels.CompileTimeoutException;
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
    private static final List<String> PROBE_PATHS = List.of("/healthz", "/readyz", "/metrics");
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final byte[] INTERNAL_ERROR_BODY = ("{\"error\":\"internal_error\",\"message\":\"the worker failed "
            + "to handle this request\",\"details\":{}}").getBytes(StandardCharsets.UTF_8);

    /** One registered route, for the OpenAPI consistency test and the docs. */
    public record Route(String method, String path) {}

    private final List<Route> routes = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ApiRequestLimiter apiLimiter;
    private final StreamedJson answers;
    private final Javalin app;

    public HttpApi(ApiComponents c) {
        ObjectMapper mapper = Json.mapper();
        ByteBudget bodyHeap = new ByteBudget("request bodies", c.config().http().bodyHeapBytes());
        RequestBodies bodies = new RequestBodies(mapper, c.config().maxRequestBytes(),
                c.config().http().minRequestBytesPerSecond(), bodyHeap);
        KernelsEndpoint kernels = new KernelsEndpoint(c.kernels(), bodies);
        this.answers = new StreamedJson(mapper, c.config().http().maxApiRequests());
        JobsEndpoint jobs = new JobsEndpoint(c.config(), c.backends(), c.kernels(), c.jobs(), c.metrics(), bodies,
                answers);
        JobListing jobList = new JobListing(c.jobs(), c.fleet(), mapper);
        KernelCatalog catalog = new KernelCatalog(c.kernels(), c.fleet());
        HealthEndpoint health = new HealthEndpoint(c.readiness(), c.readinessDetail());
        OpenApiEndpoint openApi = new OpenApiEndpoint();
        HttpLimits limits = c.config().http();
        this.apiLimiter = new ApiRequestLimiter(limits.maxApiRequests(), limits.maxApiRequestsPerClient());
        c.metrics().gauge("cudawasm.http.api.requests", "API requests in progress (CUDA_WASM_MAX_API_REQUESTS)",
                apiLimiter::inUse);
        c.metrics().gauge("cudawasm.http.body.bytes", "Heap reserved by request bodies being read and parsed",
                bodyHeap::used);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.http.maxRequestSize = c.config().maxRequestBytes();
            config.http.asyncTimeout = 0L;
            config.http.prefer405over404 = true;
            JettySetup.apply(config, c.config().bindAddress(), c.config().port(), limits);
            config.routes.before(this::track);
            if (limits.probePort() != 0) {
                config.routes.before(ctx -> probesOnly(ctx, limits.probePort()));
            }
            if (c.config().authEnabled()) {
                BearerAuth auth = new BearerAuth(c.config().authToken(), c.fleet().peerToken());
                config.routes.before("/v1/*", auth);
            }
            config.routes.before("/v1/*", apiLimiter::acquire);
            route(config, HandlerType.GET, "/healthz", health::live);
            route(config, HandlerType.GET, "/readyz", health::ready);
            route(config, HandlerType.GET, "/metrics", ctx -> {
                c.beforeScrape().run();
                ctx.contentType(PROMETHEUS_TEXT).result(c.metrics().scrape());
            });
            route(config, HandlerType.GET, "/openapi.json", openApi::serve);
            route(config, HandlerType.GET, "/v1/capabilities", ctx -> ctx.json(c.capabilities().get()));
            route(config, HandlerType.POST, "/v1/kernels", kernels::compile);
            route(config, HandlerType.GET, "/v1/kernels", catalog::list);
            route(config, HandlerType.GET, "/v1/kernels/{id}", kernels::get);
            route(config, HandlerType.DELETE, "/v1/kernels/{id}", catalog::delete);
            route(config, HandlerType.GET, "/v1/kernels/{id}/artifacts/{name}", kernels::artifact);
            route(config, HandlerType.POST, "/v1/jobs", jobs::submit);
            route(config, HandlerType.GET, "/v1/jobs", jobList::list);
            // Another replica's job is forwarded to it (io.cudawasm.runtime.fleet.FleetRouter).
            route(config, HandlerType.GET, "/v1/jobs/{id}", c.fleet().jobRoute(jobs::get));
            route(config, HandlerType.DELETE, "/v1/jobs/{id}", c.fleet().jobRoute(jobs::cancel));
            route(config, HandlerType.GET, FleetRouter.FLEET_PATH, c.fleet()::describe);
            config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromJavalin(e)));
            config.routes.exception(io.cudawasm.kernels.source.CompileException.class,
                    (e, ctx) -> respond(ctx, KernelResolver.compileError(e)));
            config.routes.exception(CompileRejectedException.class,
                    (e, ctx) -> respond(ctx, KernelResolver.compileRejected(e)));
            config.routes.exception(CompileTimeoutException.class,
                    (e, ctx) -> respond(ctx, KernelResolver.compileTimeout(e)));
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

    /** The probe port serves the probes and metrics only. */
    private static void probesOnly(Context ctx, int probePort) {
        if (JettySetup.localPort(ctx) == probePort && !PROBE_PATHS.contains(ctx.path())) {
            throw ApiException.notFound("not_found", "the probe port serves only " + String.join(", ", PROBE_PATHS));
        }
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
        if (status == 405) {
            String allowed = e.getDetails().getOrDefault("availableMethods", "");
            return new ApiException(405, "method_not_allowed", "this path accepts " + allowed,
                    Map.of("allowed", List.of(allowed.split(",\\s*"))), Map.of("Allow", allowed));
        }
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

    /** Stops HTTP and the threads that stream large answers. */
    public void stop() {
        try {
            app.stop();
        } finally {
            answers.close();
        }
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Requests being handled or answered now (including synchronous jobs waiting for their result). */
    public int inFlight() {
        return inFlight.get();
    }

    /** {@code /v1} requests holding a permit of {@code CUDA_WASM_MAX_API_REQUESTS} now. */
    public int apiRequestsInUse() {
        return apiLimiter.inUse();
    }
}
