package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.security.cert.CertificateException;
import io.cudawasm.nutanix.NetworkErrors;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one Prism Central request (v3 or v4) with authentication, retries and error mapping. Thread-safe:
 * it holds only immutable configuration and the thread-safe {@link HttpClient}.
 *
 * <p>Paths are absolute API paths such as {@code /api/nutanix/v3/hosts/list} or
 * {@code /api/clustermgmt/v4.0/config/hosts?$page=0&$limit=100} (query already encoded). Both error
 * envelopes are read: v3's {@code message_list} and v4's {@code data.error[]}.
 */
final class PrismTransport {
    private static final Logger LOG = LoggerFactory.getLogger(PrismTransport.class);
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 502, 503, 504);
    private static final int MAX_TEXT_IN_MESSAGE = 200;

    private final NutanixConfig config;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Sleeper sleeper;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final String authHeaderName;
    private final String authHeaderValue;

    PrismTransport(NutanixConfig config, ObjectMapper mapper, Sleeper sleeper, Clock clock, DoubleSupplier jitter) {
        this.config = config;
        this.mapper = mapper;
        this.sleeper = sleeper;
        this.clock = clock;
        this.jitter = jitter;
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout());
        if (config.usesTls()) {
            hb.sslContext(PrismTls.sslContext(config));
        }
        this.http = hb.build();
        if (config.credentials() instanceof Credentials.ApiKey k) {
            authHeaderName = "X-ntnx-api-key";
            authHeaderValue = k.key();
        } else {
            Credentials.Basic b = (Credentials.Basic) config.credentials();
            authHeaderName = "Authorization";
            authHeaderValue = "Basic " + Base64.getEncoder()
                    .encodeToString((b.username() + ":" + b.password()).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code GET <apiPath>}, e.g. {@code /api/nutanix/v3/hosts/<uuid>}. */
    JsonNode get(String apiPath) {
        return send("GET", apiPath, null);
    }

    /** {@code POST <apiPath>} with a JSON body. */
    JsonNode post(String apiPath, JsonNode body) {
        try {
            return send("POST", apiPath, mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a request body", e);
        }
    }

    private JsonNode send(String method, String path, byte[] body) {
        String operation = method + " " + path;
        HttpRequest request = buildRequest(method, path, body);
        RetryPolicy policy = config.retryPolicy();
        boolean credentialsResent = false;
        int attempt = 0;
        while (true) {
            attempt++;
            long started = System.nanoTime();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PrismUnreachableException(operation, "interrupted", e);
            } catch (IOException e) {
                if (isTlsFailure(e)) {
                    throw new PrismTlsException(operation, 0, List.of(),
                            "TLS handshake with " + config.baseUrl() + " failed: " + rootMessage(e) + "; " + tlsHint(), e);
                }
                if (attempt < policy.maxAttempts()) {
                    Duration delay = policy.delayForRetry(attempt, jitter.getAsDouble());
                    LOG.warn("{} failed ({}); retry {} of {} in {} ms", operation, describeIo(e), attempt,
                            policy.maxAttempts() - 1, delay.toMillis());
                    pause(operation, delay);
                    continue;
                }
                throw new PrismUnreachableException(operation,
                        "cannot reach " + config.baseUrl() + " after " + attempt + " attempt(s): " + describeIo(e), e);
            }
            int status = response.statusCode();
            LOG.debug("{} -> {} in {} ms (attempt {})", operation, status,
                    (System.nanoTime() - started) / 1_000_000, attempt);
            if (status >= 200 && status < 300) {
                return parseBody(operation, status, response.body());
            }
            if (status == 401 && !credentialsResent) {
                // Prism's session layer sometimes rejects a valid login under load; sending once more is cheap.
                credentialsResent = true;
                attempt--;
                LOG.info("{} answered 401; sending the credentials once more", operation);
                continue;
            }
            if (RETRYABLE.contains(status) && attempt < policy.maxAttempts()) {
                Optional<Duration> retryAfter = retryAfter(response);
                int retry = attempt;
                Duration delay = retryAfter.map(policy::capped)
                        .orElseGet(() -> policy.delayForRetry(retry, jitter.getAsDouble()));
                LOG.warn("{} answered {}; retry {} of {} in {} ms{}", operation, status, attempt,
                        policy.maxAttempts() - 1, delay.toMillis(), retryAfter.isPresent() ? " (Retry-After)" : "");
                pause(operation, delay);
                continue;
            }
            throw errorFor(operation, response, attempt);
        }
    }

    private HttpRequest buildRequest(String method, String path, byte[] body) {
        URI uri = URI.create(config.baseUrl() + path);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(config.readTimeout())
                .header("Accept", "application/json")
                .header(authHeaderName, authHeaderValue);
        if (body == null) {
            rb.GET();
        } else {
            rb.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return rb.build();
    }

    private void pause(String operation, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrismUnreachableException(operation, "interrupted while waiting to retry", e);
        }
    }

    private JsonNode parseBody(String operation, int status, byte[] body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new PrismMalformedResponseException(operation, status, List.of(),
                        "expected a JSON object but got " + (node == null ? "an empty body" : node.getNodeType()));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new PrismMalformedResponseException(operation, status, List.of(),
                    "the response is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PrismMalformedResponseException(operation, status, List.of(),
                    "the response could not be read: " + e.getMessage(), e);
        }
    }

    private PrismException errorFor(String operation, HttpResponse<byte[]> response, int attempts) {
        int status = response.statusCode();
        List<PrismMessage> messages = messagesOf(response.body());
        String tried = attempts > 1 ? " after " + attempts + " attempts" : "";
        if (messages.isEmpty()) {
            String text = plainText(response.body());
            if (!text.isEmpty()) {
                messages = List.of(new PrismMessage(text, "", ""));
            }
        }
        return switch (status) {
            case 401 -> new PrismAuthenticationException(operation, status, messages,
                    "Prism Central rejected the credentials");
            case 403 -> new PrismPermissionException(operation, status, messages, "access denied");
            case 404 -> new PrismNotFoundException(operation, status, messages, "not found");
            case 429 -> new PrismRateLimitedException(operation, messages, "rate limited" + tried,
                    retryAfter(response));
            default -> status >= 400 && status < 500 && status != 408
                    ? new PrismInvalidRequestException(operation, status, messages, "request rejected")
                    : new PrismServerException(operation, status, messages, "Prism Central failed" + tried);
        };
    }

    /**
     * Reads v3's {@code message_list} or v4's {@code data.error[]} ({@code AppMessage}s, or a schema
     * validation error); tolerant of missing lists, string details and non-JSON bodies.
     */
    private List<PrismMessage> messagesOf(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            return List.of();
        }
        if (root == null || !root.isObject()) {
            return List.of();
        }
        List<PrismMessage> messages = new ArrayList<>();
        for (JsonNode m : root.path("message_list")) {
            JsonNode details = m.path("details");
            String detailText = details.isMissingNode() || details.isNull() ? ""
                    : details.isTextual() ? details.asText() : details.toString();
            messages.add(new PrismMessage(m.path("message").asText(""), m.path("reason").asText(""), detailText));
        }
        JsonNode v4 = root.path("data").path("error");
        if (v4.isArray()) {
            // AppMessage: errorGroup (e.g. VM_NOT_FOUND) is the reason; the code (VMM-30100) goes to details
            for (JsonNode m : v4) {
                String reason = m.path("errorGroup").asText("");
                String code = m.path("code").asText("");
                messages.add(new PrismMessage(m.path("message").asText(""), reason.isEmpty() ? code : reason,
                        reason.isEmpty() ? "" : code));
            }
        } else if (v4.isObject()) {
            // SchemaValidationError: {statusCode, error, validationErrorMessages[{message, attributePath}]}
            StringBuilder details = new StringBuilder();
            for (JsonNode m : v4.path("validationErrorMessages")) {
                details.append(details.length() == 0 ? "" : "; ").append(m.path("attributePath").asText(""))
                        .append(m.path("attributePath").asText("").isEmpty() ? "" : ": ")
                        .append(m.path("message").asText(""));
            }
            messages.add(new PrismMessage(v4.path("error").asText("invalid request"), "SCHEMA_VALIDATION",
                    details.toString()));
        }
        return messages;
    }

    /** A short, single-line rendering of a plain-text or HTML error body. */
    private static String plainText(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8)
                .replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ")
                .replaceAll("<[^>]*>", " ")
                .replaceAll("\\s+", " ")
                .trim();
        return text.length() > MAX_TEXT_IN_MESSAGE ? text.substring(0, MAX_TEXT_IN_MESSAGE) + "…" : text;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), when.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                LOG.debug("ignoring an unreadable Retry-After header: {}", value);
                return Optional.empty();
            }
        }
    }

    /** Certificate and handshake failures; a connection merely dropped under TLS is an I/O error. */
    private static boolean isTlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException
                    || t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    private static String describeIo(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within the read timeout";
        }
        return NetworkErrors.describe(e);
    }

    /** What to do about a certificate Prism's client does not trust, naming the settings that fix it. */
    private String tlsHint() {
        return config.caBundlePem()
                .map(pem -> "the CA bundle given (" + PrismTls.parseCertificates(pem).size() + " certificate(s), "
                        + NutanixConfig.ENV_CA_BUNDLE + " or --ca-bundle) does not verify this server's certificate; "
                        + "put the CA that signed it (or the server's own self-signed certificate) in the bundle")
                .orElse("Prism Central's certificate is not signed by a CA this JVM trusts (its default one is self-signed): "
                        + "give that CA as a PEM file with " + NutanixConfig.ENV_CA_BUNDLE + "=ca.pem (discover: --ca-bundle; "
                        + "in Kubernetes: the key ca.pem of the Prism Secret), or " + NutanixConfig.ENV_INSECURE
                        + "=true for a lab only");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
