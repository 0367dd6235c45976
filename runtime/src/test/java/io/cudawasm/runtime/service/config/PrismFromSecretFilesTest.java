package io.cudawasm.runtime.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.Credentials;
import io.cudawasm.nutanix.prism.NutanixConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker finds Prism Central through the Secret files the generated pods mount, and runs without them. */
class PrismFromSecretFilesTest {

    @Test
    void selfRegistrationReadsPrismFromTheMountedSecret(@TempDir Path secret) throws Exception {
        Files.writeString(secret.resolve("NUTANIX_PRISM_URL"), "https://pc.example.com:9440\n");
        Files.writeString(secret.resolve("NUTANIX_API_KEY"), "key-from-file\n");
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of("CUDA_WASM_SELF_REGISTER", "true",
                "NUTANIX_CREDENTIALS_DIR", secret.toString(), "NODE_NAME", "node-1")).build();
        NutanixConfig prism = config.registration().prism().orElseThrow();
        assertEquals("https://pc.example.com:9440", prism.baseUrl().toString());
        assertEquals(new Credentials.ApiKey("key-from-file"), prism.credentials());
    }

    @Test
    void anEmptySecretFolderMeansTheLocalViewOnly(@TempDir Path secret) {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of("CUDA_WASM_SELF_REGISTER", "true",
                "NUTANIX_CREDENTIALS_DIR", secret.toString())).build();
        assertTrue(config.registration().prism().isEmpty());
    }
}
