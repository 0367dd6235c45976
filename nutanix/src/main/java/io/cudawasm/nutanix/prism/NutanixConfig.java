package io.cudawasm.nutanix.prism;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where Prism Central is and how to talk to it.
 *
 * <p>TLS certificates are verified by default against the JDK's trust store plus, when given, the
 * certificates of a PEM CA bundle (Prism Central's self-signed certificate, or the CA that signed it).
 * {@code insecure} switches verification off entirely and must be asked for explicitly.
 *
 * @param baseUrl        {@code https://<prism-central>:9440}, without the API path
 * @param credentials    API key or user name and password
 * @param connectTimeout TCP and TLS connection set-up limit
 * @param readTimeout    limit for one whole response
 * @param retryPolicy    what to do on transient failures
 * @param caBundlePem    extra trusted CA certificates in PEM form
 * @param insecure       trust any certificate and any host name
 * @param apiVersion     which Prism Central API to speak ({@code auto} asks Prism Central on first use)
 */
public record NutanixConfig(
        URI baseUrl,
        Credentials credentials,
        Duration connectTimeout,
        Duration readTimeout,
        RetryPolicy retryPolicy,
        Optional<String> caBundlePem,
        boolean insecure,
        ApiVersionChoice apiVersion) {

    public static final String ENV_URL = "NUTANIX_PRISM_URL";
    public static final String ENV_API_KEY = "NUTANIX_API_KEY";
    public static final String ENV_USERNAME = "NUTANIX_USERNAME";
    public static final String ENV_PASSWORD = "NUTANIX_PASSWORD";
    public static final String ENV_CA_BUNDLE = "NUTANIX_CA_BUNDLE";
    public static final String ENV_INSECURE = "NUTANIX_INSECURE";
    public static final String ENV_API_VERSION = "NUTANIX_API_VERSION";
    /**
     * A folder whose files stand for unset variables: {@code NUTANIX_PRISM_URL}, {@code NUTANIX_API_KEY},
     * {@code NUTANIX_USERNAME}, {@code NUTANIX_PASSWORD} (file named like the variable, its content the
     * value) and {@value #CREDENTIALS_CA_FILE} (the CA bundle). A Kubernetes Secret mounted as a volume
     * looks exactly like this, so credentials never pass through the environment.
     */
    public static final String ENV_CREDENTIALS_DIR = "NUTANIX_CREDENTIALS_DIR";
    /** The CA bundle's file name in {@link #ENV_CREDENTIALS_DIR} (the Secret key {@code ca.pem}). */
    public static final String CREDENTIALS_CA_FILE = "ca.pem";
    /** Credential files are small; anything larger is a wrong path, not a key. */
    static final int MAX_CREDENTIAL_FILE_BYTES = 64 * 1024;
    private static final List<String> CREDENTIAL_VARIABLES = List.of(ENV_URL, ENV_API_KEY, ENV_USERNAME, ENV_PASSWORD);

    public static final int DEFAULT_PORT = 9440;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    public NutanixConfig {
        baseUrl = normaliseBaseUrl(Objects.requireNonNull(baseUrl, "baseUrl").toString());
        Objects.requireNonNull(credentials, "credentials");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(caBundlePem, "caBundlePem");
        if (insecure && caBundlePem.isPresent()) {
            throw new IllegalArgumentException("choose either a CA bundle or insecure mode, not both");
        }
        caBundlePem.ifPresent(PrismTls::parseCertificates);
        Objects.requireNonNull(apiVersion, "apiVersion");
    }

    /** API-key authentication with default timeouts, retries and TLS verification. */
    public static NutanixConfig withApiKey(String baseUrl, String apiKey) {
        return builder().baseUrl(baseUrl).apiKey(apiKey).build();
    }

    /** Basic authentication with default timeouts, retries and TLS verification. */
    public static NutanixConfig withBasicAuth(String baseUrl, String username, String password) {
        return builder().baseUrl(baseUrl).basicAuth(username, password).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads {@code NUTANIX_*} variables; see {@link #builderFromEnvironment(Map)}. */
    public static NutanixConfig fromEnvironment(Map<String, String> environment) {
        return builderFromEnvironment(environment).build();
    }

    /**
     * A builder filled from {@code NUTANIX_PRISM_URL}, {@code NUTANIX_API_KEY} (preferred) or
     * {@code NUTANIX_USERNAME} + {@code NUTANIX_PASSWORD}, {@code NUTANIX_CA_BUNDLE} (path of a PEM file) and
     * {@code NUTANIX_INSECURE} ({@code true}/{@code 1}/{@code yes}) and {@code NUTANIX_API_VERSION}
     * ({@code auto}, {@code v3} or {@code v4}; default {@code auto}), with unset ones taken from the files
     * of {@code NUTANIX_CREDENTIALS_DIR} ({@link #withCredentialFiles}); callers may override values
     * before {@link Builder#build()}. Blank variables count as unset.
     */
    public static Builder builderFromEnvironment(Map<String, String> variables) {
        Map<String, String> environment = withCredentialFiles(variables);
        Builder b = builder();
        value(environment, ENV_URL).ifPresent(b::baseUrl);
        Optional<String> apiKey = value(environment, ENV_API_KEY);
        Optional<String> user = value(environment, ENV_USERNAME);
        if (apiKey.isPresent()) {
            b.apiKey(apiKey.get());
        } else if (user.isPresent()) {
            b.basicAuth(user.get(), value(environment, ENV_PASSWORD).orElseThrow(() ->
                    new IllegalArgumentException(ENV_USERNAME + " is set but " + ENV_PASSWORD + " is not")));
        }
        value(environment, ENV_CA_BUNDLE).ifPresent(p -> b.caBundle(Path.of(p)));
        value(environment, ENV_INSECURE).ifPresent(v -> b.insecure(parseFlag(ENV_INSECURE, v)));
        value(environment, ENV_API_VERSION).ifPresent(v -> b.apiVersion(parseApiVersion(v)));
        return b;
    }

    /**
     * The variables with the files of {@code NUTANIX_CREDENTIALS_DIR} filled in where a variable is unset
     * (a variable always wins over a file). A file holds one value; surrounding white space, such as the
     * newline {@code kubectl create secret --from-file} keeps, is dropped. A missing file is no value:
     * an optional Secret may lack keys, or be absent (the folder is then empty).
     *
     * @throws IllegalArgumentException when the folder does not exist or a file cannot be read
     */
    public static Map<String, String> withCredentialFiles(Map<String, String> environment) {
        Optional<String> dirName = value(environment, ENV_CREDENTIALS_DIR);
        if (dirName.isEmpty()) {
            return environment;
        }
        Path dir = Path.of(dirName.get());
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(ENV_CREDENTIALS_DIR + " " + dir + " is not a directory");
        }
        Map<String, String> merged = new HashMap<>(environment);
        for (String variable : CREDENTIAL_VARIABLES) {
            if (value(environment, variable).isEmpty()) {
                readCredentialFile(dir.resolve(variable)).ifPresent(v -> merged.put(variable, v));
            }
        }
        Path ca = dir.resolve(CREDENTIALS_CA_FILE);
        if (value(environment, ENV_CA_BUNDLE).isEmpty() && Files.isRegularFile(ca)) {
            merged.put(ENV_CA_BUNDLE, ca.toString());
        }
        return Map.copyOf(merged);
    }

    /** Whether the variables (or the credential files) name a Prism Central: {@code NUTANIX_PRISM_URL} is set. */
    public static boolean configuredIn(Map<String, String> environment) {
        return value(withCredentialFiles(environment), ENV_URL).isPresent();
    }

    private static Optional<String> readCredentialFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            if (Files.size(file) > MAX_CREDENTIAL_FILE_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_CREDENTIAL_FILE_BYTES
                        + " bytes: not a credential");
            }
            String v = Files.readString(file, StandardCharsets.UTF_8).strip();
            return v.isEmpty() ? Optional.empty() : Optional.of(v);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The v3 API root, {@code <baseUrl>/api/nutanix/v3/}; v4 paths are given per namespace by the client. */
    public URI apiRoot() {
        return baseUrl.resolve("/api/nutanix/v3/");
    }

    public boolean usesTls() {
        return "https".equals(baseUrl.getScheme());
    }

    @Override
    public String toString() {
        return "NutanixConfig[baseUrl=" + baseUrl + ", credentials=" + credentials
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", retryPolicy=" + retryPolicy
                + ", caBundle=" + caBundlePem.map(p -> PrismTls.parseCertificates(p).size() + " certificate(s)")
                        .orElse("none")
                + ", insecure=" + insecure + ", apiVersion=" + apiVersion.label() + "]";
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    static boolean parseFlag(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off", "" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, was '" + value + "'");
        };
    }

    private static ApiVersionChoice parseApiVersion(String value) {
        try {
            return ApiVersionChoice.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_API_VERSION + " must be auto, v3 or v4, was '" + value + "'", e);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /**
     * Accepts {@code https://pc:9440}, a trailing slash, a trailing {@code /api/nutanix/v3}, or a bare host
     * name (which gets {@code https://} and port 9440).
     */
    static URI normaliseBaseUrl(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("the Prism Central URL is empty");
        }
        if (!t.contains("://")) {
            t = "https://" + t + (t.contains(":") ? "" : ":" + DEFAULT_PORT);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("/api/nutanix/v3")) {
            t = t.substring(0, t.length() - "/api/nutanix/v3".length());
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid Prism Central URL: " + text.trim(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("the Prism Central URL must start with https:// (or http://): " + t);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the Prism Central URL has no host: " + t);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("put credentials in NUTANIX_API_KEY or NUTANIX_USERNAME/PASSWORD, "
                    + "not in the URL");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            throw new IllegalArgumentException("the Prism Central URL must not have a path: " + t);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }

    /** Builds a {@link NutanixConfig}; base URL and credentials are required. */
    public static final class Builder {
        private String baseUrl;
        private Credentials credentials;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private String caBundlePem;
        private boolean insecure;
        private ApiVersionChoice apiVersion = ApiVersionChoice.AUTO;

        private Builder() {}

        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder baseUrl(URI baseUrl) {
            return baseUrl(baseUrl.toString());
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder apiKey(String apiKey) {
            return credentials(new Credentials.ApiKey(apiKey));
        }

        public Builder basicAuth(String username, String password) {
            return credentials(new Credentials.Basic(username, password));
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            return this;
        }

        /** Trusts the certificates in this PEM text in addition to the JDK's trust store. */
        public Builder caBundlePem(String pem) {
            this.caBundlePem = pem;
            return this;
        }

        /** Reads a PEM CA bundle file now, so a missing file is reported at configuration time. */
        public Builder caBundle(Path pemFile) {
            try {
                return caBundlePem(Files.readString(pemFile, StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the CA bundle " + pemFile + ": " + e.getMessage(), e);
            }
        }

        /** Switches certificate and host-name verification off. For lab set-ups only. */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /** {@code AUTO} (the default) prefers v4 when Prism Central offers it; {@code V3}/{@code V4} fix the API. */
        public Builder apiVersion(ApiVersionChoice apiVersion) {
            this.apiVersion = apiVersion;
            return this;
        }

        public NutanixConfig build() {
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new IllegalArgumentException("no Prism Central URL: set " + ENV_URL + " or pass one");
            }
            if (credentials == null) {
                throw new IllegalArgumentException("no Prism Central credentials: set " + ENV_API_KEY + ", or "
                        + ENV_USERNAME + " and " + ENV_PASSWORD);
            }
            return new NutanixConfig(normaliseBaseUrl(baseUrl), credentials, connectTimeout, readTimeout,
                    retryPolicy, Optional.ofNullable(caBundlePem), insecure, apiVersion);
        }
    }
}
