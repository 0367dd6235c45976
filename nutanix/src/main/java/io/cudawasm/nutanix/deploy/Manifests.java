package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.YamlDumpSettingsBuilder;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/** Multi-document YAML in and out, through Fabric8's serializer (no templates, no hand-built strings). */
public final class Manifests {
    /** Fabric8's default mapper, with quotes only where YAML needs them ({@code '8080'}, {@code 'true'}). */
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization(
            JsonMapper.builderWithJackson2Defaults().addModule(new Jackson2JdkTypesModule()).build(),
            true,
            new YamlDumpSettingsBuilder().setMinimizeQuotes(true).build());

    private Manifests() {}

    /** The shared serializer; it knows every built-in kind. */
    public static KubernetesSerialization serialization() {
        return SERIALIZATION;
    }

    /** One YAML document per object, each starting with {@code ---}, in the given order. */
    public static String toYaml(List<? extends HasMetadata> objects) {
        return objects.stream().map(SERIALIZATION::asYaml).collect(Collectors.joining());
    }

    /** Parses single- or multi-document YAML (or JSON) into typed objects, in document order. */
    public static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        List<HasMetadata> out = new ArrayList<>();
        collect(parsed, out);
        return out;
    }

    private static void collect(Object parsed, List<HasMetadata> out) {
        if (parsed instanceof KubernetesList list) {
            list.getItems().forEach(item -> collect(item, out));
        } else if (parsed instanceof List<?> list) {
            list.forEach(item -> collect(item, out));
        } else if (parsed instanceof HasMetadata object) {
            out.add(object);
        } else if (parsed != null) {
            throw new IllegalArgumentException("not a Kubernetes object: " + parsed.getClass().getName());
        }
    }
}
