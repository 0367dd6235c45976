package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NutanixConfigTest {

    @Test
    void environmentWithApiKey(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), TestPrism.PKI.caPem());
        NutanixConfig c = NutanixConfig.fromEnvironment(Map.of(
                "NUTANIX_PRISM_URL", "https://pc.example.com:9440/",
                "NUTANIX_API_KEY", "key-1",
                "NUTANIX_USERNAME", "ignored-when-a-key-is-set",
                "NUTANIX_CA_BUNDLE", pem.toString()));
        assertEquals(URI.create("https://pc.example.com:9440"), c.baseUrl());
        assertEquals(new Credentials.ApiKey("key-1"), c.credentials());
        assertEquals(TestPrism.PKI.caPem(), c.caBundlePem().orElseThrow());
        assertFalse(c.insecure());
        assertEquals(RetryPolicy.DEFAULT, c.retryPolicy());
        assertEquals(Duration.ofSeconds(30), c.readTimeout());
        assertEquals(URI.create("https://pc.example.com:9440/api/nutanix/v3/"), c.apiRoot());
        assertEquals(ApiVersionChoice.AUTO, c.apiVersion(), "auto unless NUTANIX_API_VERSION says otherwise");
    }

    @ParameterizedTest
    @CsvSource({"auto,AUTO", "v3,V3", "V4,V4", "' v4 ',V4", "3,V3", "'',AUTO"})
    void apiVersionFromTheEnvironment(String value, ApiVersionChoice expected) {
        NutanixConfig c = NutanixConfig.fromEnvironment(Map.of("NUTANIX_PRISM_URL", "pc.example.com",
                "NUTANIX_API_KEY", "k", "NUTANIX_API_VERSION", value));
        assertEquals(expected, c.apiVersion());
        assertTrue(c.toString().contains("apiVersion=" + expected.label()), c.toString());
    }

    @Test
    void anUnknownApiVersionIsAConfigurationError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NutanixConfig.fromEnvironment(
                Map.of("NUTANIX_PRISM_URL", "pc.example.com", "NUTANIX_API_KEY", "k", "NUTANIX_API_VERSION", "v4.1")));
        assertEquals("NUTANIX_API_VERSION must be auto, v3 or v4, was 'v4.1'", e.getMessage());
    }

    @Test
    void environmentWithBasicAuthAndInsecure() {
        NutanixConfig c = NutanixConfig.fromEnvironment(Map.of(
                "NUTANIX_PRISM_URL", "pc.example.com",
                "NUTANIX_USERNAME", "admin",
                "NUTANIX_PASSWORD", "pw",
                "NUTANIX_INSECURE", "TRUE"));
        assertEquals(URI.create("https://pc.example.com:9440"), c.baseUrl(), "bare host: https and port 9440");
        assertEquals(new Credentials.Basic("admin", "pw"), c.credentials());
        assertTrue(c.insecure());
    }

    @Test
    void missingOrContradictorySettingsAreExplained() {
        IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class,
                () -> NutanixConfig.fromEnvironment(Map.of("NUTANIX_API_KEY", "k")));
        assertTrue(noUrl.getMessage().contains("NUTANIX_PRISM_URL"));
        IllegalArgumentException noCredentials = assertThrows(IllegalArgumentException.class,
                () -> NutanixConfig.fromEnvironment(Map.of("NUTANIX_PRISM_URL", "https://pc:9440")));
        assertTrue(noCredentials.getMessage().contains("NUTANIX_API_KEY"));
        assertThrows(IllegalArgumentException.class, () -> NutanixConfig.fromEnvironment(Map.of(
                "NUTANIX_PRISM_URL", "https://pc:9440", "NUTANIX_USERNAME", "admin")));
        assertThrows(IllegalArgumentException.class, () -> NutanixConfig.fromEnvironment(Map.of(
                "NUTANIX_PRISM_URL", "https://pc:9440", "NUTANIX_API_KEY", "k", "NUTANIX_INSECURE", "maybe")));
        IllegalArgumentException missingFile = assertThrows(IllegalArgumentException.class,
                () -> NutanixConfig.fromEnvironment(Map.of("NUTANIX_PRISM_URL", "https://pc:9440",
                        "NUTANIX_API_KEY", "k", "NUTANIX_CA_BUNDLE", "/no/such/ca.pem")));
        assertTrue(missingFile.getMessage().contains("/no/such/ca.pem"));
        assertThrows(IllegalArgumentException.class, () -> NutanixConfig.builder().baseUrl("https://pc:9440")
                .apiKey("k").caBundlePem("not a certificate").build());
        assertThrows(IllegalArgumentException.class, () -> NutanixConfig.builder().baseUrl("https://pc:9440")
                .apiKey("k").caBundlePem(TestPrism.PKI.caPem()).insecure(true).build());
        assertThrows(IllegalArgumentException.class, () -> NutanixConfig.builder().baseUrl("https://pc:9440")
                .apiKey("k").readTimeout(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> new Credentials.ApiKey(" "));
    }

    @ParameterizedTest
    @CsvSource({
        "https://pc.example.com:9440, https://pc.example.com:9440",
        "https://pc.example.com:9440/api/nutanix/v3/, https://pc.example.com:9440",
        "HTTPS://10.0.0.5:9440, https://10.0.0.5:9440",
        "10.0.0.5, https://10.0.0.5:9440",
        "http://127.0.0.1:8080, http://127.0.0.1:8080",
        "https://pc.example.com, https://pc.example.com",
    })
    void baseUrlIsNormalised(String given, String expected) {
        assertEquals(URI.create(expected), NutanixConfig.withApiKey(given, "k").baseUrl());
    }

    @ParameterizedTest
    @CsvSource({"ftp://pc:21", "https://admin:pw@pc:9440", "https://pc:9440/prism", "' '"})
    void badUrlsAreRejected(String url) {
        assertThrows(IllegalArgumentException.class, () -> NutanixConfig.withApiKey(url, "k"));
    }

    @Test
    void credentialsInTheUrlAreNotEchoed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NutanixConfig.withApiKey("https://admin:hunter2@pc:9440", "k"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
