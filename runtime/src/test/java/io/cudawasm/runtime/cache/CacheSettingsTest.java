package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CacheSettingsTest {

    @Test
    void defaultsOutsideKubernetesLiveInTheHomeCache() {
        CacheSettings settings = CacheSettings.fromEnvironment(Map.of("HOME", "/home/ada"));
        assertEquals(Path.of("/home/ada/.cache/cuda-wasm/kernels"), settings.directory());
        assertEquals(8L * 1024 * 1024 * 1024, settings.maxBytes());
        assertEquals(Duration.ofMinutes(15), settings.tempMaxAge());
    }

    @Test
    void insideKubernetesTheDefaultIsTheVolumeMount() {
        CacheSettings settings = CacheSettings.fromEnvironment(
                Map.of("HOME", "/root", "KUBERNETES_SERVICE_HOST", "10.96.0.1"));
        assertEquals(Path.of("/cache/kernels"), settings.directory());
    }

    @Test
    void explicitSettingsWin() {
        CacheSettings settings = CacheSettings.fromEnvironment(Map.of(
                "KUBERNETES_SERVICE_HOST", "10.96.0.1",
                "CUDA_WASM_KERNEL_CACHE_DIR", "/mnt/nutanix/kernels",
                "CUDA_WASM_CACHE_MAX_BYTES", "20Gi",
                "CUDA_WASM_CACHE_TEMP_MAX_AGE", "PT1H"));
        assertEquals(Path.of("/mnt/nutanix/kernels"), settings.directory());
        assertEquals(20L << 30, settings.maxBytes());
        assertEquals(Duration.ofHours(1), settings.tempMaxAge());
    }

    @Test
    void blankValuesCountAsUnset() {
        CacheSettings settings = CacheSettings.fromEnvironment(Map.of(
                "HOME", "/home/ada", "CUDA_WASM_KERNEL_CACHE_DIR", " ", "CUDA_WASM_CACHE_MAX_BYTES", ""));
        assertEquals(Path.of("/home/ada/.cache/cuda-wasm/kernels"), settings.directory());
        assertEquals(CacheSettings.DEFAULT_MAX_BYTES, settings.maxBytes());
    }

    @Test
    void aRelativeDirectoryIsMadeAbsolute() {
        CacheSettings settings = CacheSettings.fromEnvironment(Map.of("CUDA_WASM_KERNEL_CACHE_DIR", "cache"));
        assertTrue(settings.directory().isAbsolute());
        assertEquals(Path.of("cache").toAbsolutePath(), settings.directory());
    }

    @ParameterizedTest
    @CsvSource({
        "1048576, 1048576",
        "8Gi, 8589934592",
        "8GiB, 8589934592",
        "8 gib, 8589934592",
        "512Mi, 536870912",
        "100Ki, 102400",
        "1Ti, 1099511627776",
        "500M, 500000000",
        "2GB, 2000000000",
        "10k, 10000"
    })
    void byteSizesAcceptKubernetesStyleSuffixes(String text, long bytes) {
        assertEquals(bytes, CacheSettings.fromEnvironment(Map.of("CUDA_WASM_CACHE_MAX_BYTES", text)).maxBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "-1", "0", "8Pi", "1.5Gi", "99999999999999999999", "9000000Ti"})
    void badByteSizesNameTheVariable(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CacheSettings.fromEnvironment(Map.of("CUDA_WASM_CACHE_MAX_BYTES", text)));
        assertTrue(e.getMessage().startsWith("CUDA_WASM_CACHE_MAX_BYTES"), e.getMessage());
    }

    @Test
    void tempAgeAcceptsSecondsOrIsoDurations() {
        assertEquals(Duration.ofSeconds(90),
                CacheSettings.fromEnvironment(Map.of("CUDA_WASM_CACHE_TEMP_MAX_AGE", "90")).tempMaxAge());
        assertEquals(Duration.ofMinutes(2),
                CacheSettings.fromEnvironment(Map.of("CUDA_WASM_CACHE_TEMP_MAX_AGE", "PT2M")).tempMaxAge());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CacheSettings.fromEnvironment(Map.of("CUDA_WASM_CACHE_TEMP_MAX_AGE", "soon")));
        assertTrue(e.getMessage().startsWith("CUDA_WASM_CACHE_TEMP_MAX_AGE"), e.getMessage());
    }

    @Test
    void invalidSettingsAreRejected() {
        Path dir = Path.of("/tmp/x");
        assertThrows(IllegalArgumentException.class, () -> new CacheSettings(dir, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new CacheSettings(dir, 1, Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> new CacheSettings(null, 1, Duration.ZERO));
    }
}
