package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code NUTANIX_CREDENTIALS_DIR}: the Prism Secret mounted as files (how the generated pods get their
 * credentials) stands for the {@code NUTANIX_*} variables. The folders here are laid out as the kubelet
 * lays out a Secret volume: each key a symbolic link into a timestamped folder.
 */
class CredentialFilesTest {

    /** A Secret volume: {@code ..data -> ..2026_01_01}, {@code KEY -> ..data/KEY}. */
    private static Path secretVolume(Path root, Map<String, String> keys) throws IOException {
        Path data = Files.createDirectories(root.resolve("..2026_01_01_00_00_00.1"));
        Files.createSymbolicLink(root.resolve("..data"), data.getFileName());
        for (Map.Entry<String, String> k : keys.entrySet()) {
            Files.writeString(data.resolve(k.getKey()), k.getValue());
            Files.createSymbolicLink(root.resolve(k.getKey()), Path.of("..data", k.getKey()));
        }
        return root;
    }

    @Test
    void aMountedSecretConfiguresPrismAndTheClientTalksToIt(@TempDir Path dir) throws Exception {
        try (PrismSimulator sim = TestPrism.start(SimulatedEstate.bundled())) {
            // kubectl create secret --from-literal / --from-file keep values as given, newline included
            Path volume = secretVolume(dir, Map.of(
                    "NUTANIX_PRISM_URL", sim.baseUrl() + "\n",
                    "NUTANIX_API_KEY", TestPrism.API_KEY + "\n",
                    "ca.pem", TestPrism.PKI.caPem()));
            Map<String, String> env = Map.of("NUTANIX_CREDENTIALS_DIR", volume.toString(), "NUTANIX_API_VERSION", "v3");
            assertTrue(NutanixConfig.configuredIn(env));
            NutanixConfig config = NutanixConfig.builderFromEnvironment(env).retryPolicy(TestPrism.FAST_RETRIES).build();
            assertEquals(new Credentials.ApiKey(TestPrism.API_KEY), config.credentials());
            assertEquals(TestPrism.PKI.caPem(), config.caBundlePem().orElseThrow(), "ca.pem is the CA bundle");
            NutanixClient client = NutanixClient.create(config);
            assertEquals(SimulatedEstate.bundled().hostCount(), client.getClusterGpuSummary(java.util.Optional.empty()).hostCount(),
                    "verified TLS with the Secret's CA, authenticated with its key");
        }
    }

    @Test
    void basicCredentialsFromFilesAndVariablesWinOverFiles(@TempDir Path dir) throws IOException {
        Path volume = secretVolume(dir, Map.of("NUTANIX_PRISM_URL", "https://from-file.example.com:9440",
                "NUTANIX_USERNAME", "svc-cuda-wasm", "NUTANIX_PASSWORD", "pw-from-file"));
        NutanixConfig fromFiles = NutanixConfig.fromEnvironment(Map.of("NUTANIX_CREDENTIALS_DIR", volume.toString()));
        assertEquals(new Credentials.Basic("svc-cuda-wasm", "pw-from-file"), fromFiles.credentials());
        NutanixConfig overridden = NutanixConfig.fromEnvironment(Map.of("NUTANIX_CREDENTIALS_DIR", volume.toString(),
                "NUTANIX_PRISM_URL", "https://from-configmap.example.com:9440"));
        assertEquals("https://from-configmap.example.com:9440", overridden.baseUrl().toString(),
                "a variable (the ConfigMap's --prism-url) wins over the Secret's file");
    }

    @Test
    void anAbsentOptionalSecretMeansNoPrism(@TempDir Path dir) {
        // the kubelet mounts an empty folder when an optional Secret does not exist
        Map<String, String> env = Map.of("NUTANIX_CREDENTIALS_DIR", dir.toString());
        assertFalse(NutanixConfig.configuredIn(env));
        assertEquals(env, NutanixConfig.withCredentialFiles(env));
    }

    @Test
    void aWrongFolderOrAHugeFileIsAConfigurationError(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> NutanixConfig.configuredIn(Map.of("NUTANIX_CREDENTIALS_DIR", dir.resolve("nope").toString())));
        assertEquals("NUTANIX_CREDENTIALS_DIR " + dir.resolve("nope") + " is not a directory", missing.getMessage());
        Files.write(dir.resolve("NUTANIX_API_KEY"), new byte[NutanixConfig.MAX_CREDENTIAL_FILE_BYTES + 1]);
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> NutanixConfig.withCredentialFiles(Map.of("NUTANIX_CREDENTIALS_DIR", dir.toString())));
        assertTrue(huge.getMessage().contains("not a credential"), huge.getMessage());
        assertFalse(huge.getMessage().contains("\0"));
    }
}
