package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.nutanix.GpuVendor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every generated object survives YAML -> Fabric8 objects -> YAML unchanged. */
class RoundTripTest {

    static Stream<Arguments> objectSets() {
        Stream<Arguments> fleets = Configs.variety().entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), new DeploymentGenerator(e.getValue()).generate()));
        Stream<Arguments> benchmarks = Stream.of(
                Arguments.of("benchmark-nvidia", DeploymentGenerator.benchmarkObjects(
                        BenchmarkJobConfig.builder("bench", "cuda-wasm:test").build())),
                Arguments.of("benchmark-cpu", DeploymentGenerator.benchmarkObjects(
                        BenchmarkJobConfig.builder("bench", "cuda-wasm:test").cpuOnly().build())),
                Arguments.of("benchmark-intel", DeploymentGenerator.benchmarkObjects(
                        BenchmarkJobConfig.builder("bench", "cuda-wasm:test").gpuVendor(GpuVendor.INTEL).build())));
        return Stream.concat(fleets, benchmarks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectSets")
    void yamlRoundTripsThroughTheParser(String label, List<HasMetadata> objects) {
        String yaml = Manifests.toYaml(objects);
        List<HasMetadata> parsed = Manifests.parse(yaml);
        assertEquals(objects.size(), parsed.size());
        for (int i = 0; i < objects.size(); i++) {
            HasMetadata original = objects.get(i);
            HasMetadata back = parsed.get(i);
            assertEquals(original.getClass(), back.getClass(), "document " + i + " parsed as another type");
            assertEquals(Manifests.serialization().asYaml(original), Manifests.serialization().asYaml(back));
            assertEquals(original, back, "object " + original.getKind() + "/" + original.getMetadata().getName());
        }
        assertEquals(yaml, Manifests.toYaml(parsed));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectSets")
    void quotedScalarsStayStrings(String label, List<HasMetadata> objects) {
        // minimised quotes must still quote values YAML would read as numbers or booleans
        for (HasMetadata back : Manifests.parse(Manifests.toYaml(objects))) {
            if (back instanceof io.fabric8.kubernetes.api.model.ConfigMap cm) {
                for (Map.Entry<String, String> e : cm.getData().entrySet()) {
                    assertEquals(String.class, e.getValue().getClass(), e.getKey());
                }
                assertEquals("8080", cm.getData().get("CUDA_WASM_PORT"));
                assertEquals(String.valueOf(!label.contains("no-api-access") && !label.contains("cpu-shared-cache")),
                        cm.getData().get("CUDA_WASM_SELF_REGISTER"));
            }
        }
    }
}
