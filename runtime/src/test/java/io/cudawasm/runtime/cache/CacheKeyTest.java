package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CacheKeyTest {
    private static final String SOURCE = "__global__ void scale(float *x) { x[threadIdx.x] *= 2.0f; }";

    private static CacheKey base() {
        return CacheKey.of(SOURCE, Map.of("N", "256", "T", "float"), List.of("-O2", "-ffast-math"), "wasm", "cc 1.0");
    }

    @Test
    void idIsLowercaseSha256Hex() {
        assertTrue(base().id().matches("[0-9a-f]{64}"), base().id());
    }

    @Test
    void defineOrderDoesNotMatter() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("A", "1");
        forward.put("B", "2");
        forward.put("C", "");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("C", "");
        backward.put("B", "2");
        backward.put("A", "1");
        CacheKey one = CacheKey.of(SOURCE, forward, List.of(), "ptx:sm_90", "cc 1.0");
        CacheKey two = CacheKey.of(SOURCE, backward, List.of(), "ptx:sm_90", "cc 1.0");
        assertEquals(one.id(), two.id());
        assertEquals(one, two);
        assertEquals(List.of("A", "B", "C"), List.copyOf(two.parts().defines().keySet()));
    }

    static Stream<Arguments> changedParts() {
        return Stream.of(
                Arguments.of("source", CacheKey.of(SOURCE + " ", Map.of("N", "256", "T", "float"), List.of("-O2", "-ffast-math"), "wasm", "cc 1.0")),
                Arguments.of("define value", CacheKey.of(SOURCE, Map.of("N", "512", "T", "float"), List.of("-O2", "-ffast-math"), "wasm", "cc 1.0")),
                Arguments.of("define name", CacheKey.of(SOURCE, Map.of("M", "256", "T", "float"), List.of("-O2", "-ffast-math"), "wasm", "cc 1.0")),
                Arguments.of("extra define", CacheKey.of(SOURCE, Map.of("N", "256", "T", "float", "X", ""), List.of("-O2", "-ffast-math"), "wasm", "cc 1.0")),
                Arguments.of("option order", CacheKey.of(SOURCE, Map.of("N", "256", "T", "float"), List.of("-ffast-math", "-O2"), "wasm", "cc 1.0")),
                Arguments.of("extra option", CacheKey.of(SOURCE, Map.of("N", "256", "T", "float"), List.of("-O2", "-ffast-math", "-g"), "wasm", "cc 1.0")),
                Arguments.of("target", CacheKey.of(SOURCE, Map.of("N", "256", "T", "float"), List.of("-O2", "-ffast-math"), "opencl-c", "cc 1.0")),
                Arguments.of("device", CacheKey.of(SOURCE, Map.of("N", "256", "T", "float"), List.of("-O2", "-ffast-math"), "opencl-binary:gpu-1", "cc 1.0")),
                Arguments.of("compiler version", CacheKey.of(SOURCE, Map.of("N", "256", "T", "float"), List.of("-O2", "-ffast-math"), "wasm", "cc 1.1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changedParts")
    void anyChangedPartChangesTheId(String what, CacheKey changed) {
        assertNotEquals(base().id(), changed.id(), what);
    }

    static Stream<Arguments> sameConcatenation() {
        return Stream.of(
                Arguments.of("define name/value split",
                        CacheKey.of("s", Map.of("ab", "c"), List.of(), "wasm", "v"),
                        CacheKey.of("s", Map.of("a", "bc"), List.of(), "wasm", "v")),
                Arguments.of("option split",
                        CacheKey.of("s", Map.of(), List.of("ab", "c"), "wasm", "v"),
                        CacheKey.of("s", Map.of(), List.of("a", "bc"), "wasm", "v")),
                Arguments.of("option count",
                        CacheKey.of("s", Map.of(), List.of("a", "b"), "wasm", "v"),
                        CacheKey.of("s", Map.of(), List.of("ab"), "wasm", "v")),
                Arguments.of("source/target boundary",
                        CacheKey.of("sw", Map.of(), List.of(), "asm", "v"),
                        CacheKey.of("s", Map.of(), List.of(), "wasm", "v")),
                Arguments.of("define vs options",
                        CacheKey.of("s", Map.of("a", "b"), List.of(), "wasm", "v"),
                        CacheKey.of("s", Map.of(), List.of("a", "b"), "wasm", "v")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameConcatenation")
    void encodingIsUnambiguous(String what, CacheKey one, CacheKey two) {
        assertNotEquals(one.id(), two.id(), what);
    }

    /** Re-derives the documented encoding (README-cache.md) independently of the implementation. */
    @Test
    void idIsTheDocumentedEncoding() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (String s : List.of("cuda-wasm/kernel-cache-key/v1", "src")) {
            writeString(expected, s);
        }
        expected.write(ByteBuffer.allocate(8).putLong(2).array());
        for (String s : List.of("A", "1", "B", "")) {
            writeString(expected, s);
        }
        expected.write(ByteBuffer.allocate(8).putLong(1).array());
        for (String s : List.of("-O3", "ptx:sm_90", "cc 2.0")) {
            writeString(expected, s);
        }
        Map<String, String> defines = new LinkedHashMap<>();
        defines.put("B", "");
        defines.put("A", "1");
        CacheKey key = CacheKey.of("src", defines, List.of("-O3"), "ptx:sm_90", "cc 2.0");
        assertEquals(Hashing.sha256Hex(expected.toByteArray()), key.id());
    }

    private static void writeString(ByteArrayOutputStream out, String s) throws Exception {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(8).putLong(bytes.length).array());
        out.write(bytes);
    }

    @Test
    void ofHashAcceptsAnIdAndNormalizesCase() {
        String id = base().id();
        CacheKey lookup = CacheKey.ofHash(id.toUpperCase());
        assertEquals(id, lookup.id());
        assertFalse(lookup.hasParts());
        assertTrue(base().hasParts());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "../../../../etc/passwd", "abc", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
        "../3456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "01/3456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        " 123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void ofHashRejectsAnythingButSixtyFourHexDigits(String id) {
        assertThrows(IllegalArgumentException.class, () -> CacheKey.ofHash(id));
    }

    @Test
    void ofHashRejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> CacheKey.ofHash(null));
    }

    @Test
    void idMustBeTheHashOfTheParts() {
        CacheKey key = base();
        String otherId = CacheKey.of("other", Map.of(), List.of(), "wasm", "v").id();
        assertThrows(IllegalArgumentException.class, () -> new CacheKey(otherId, key.parts()));
    }

    @Test
    void malformedUnicodeIsRejectedRatherThanHashedAsQuestionMarks() {
        assertThrows(IllegalArgumentException.class,
                () -> CacheKey.of("kernel \uD800", Map.of(), List.of(), "wasm", "v"));
        assertThrows(IllegalArgumentException.class,
                () -> CacheKey.of("kernel", Map.of("X", "\uDC00"), List.of(), "wasm", "v"));
    }

    @Test
    void blankTargetOrCompilerVersionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CacheKey.of(SOURCE, Map.of(), List.of(), " ", "v"));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.of(SOURCE, Map.of(), List.of(), "wasm", ""));
    }

    @Test
    void partsAreImmutable() {
        KeyParts parts = base().parts();
        assertThrows(UnsupportedOperationException.class, () -> parts.defines().put("Z", "1"));
        assertThrows(UnsupportedOperationException.class, () -> parts.options().add("-g"));
    }
}
