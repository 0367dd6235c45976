package io.cudawasm.runtime.service.config;

import io.cudawasm.nutanix.deploy.WorkerEnvironment;
import io.cudawasm.nutanix.prism.NutanixConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Self-registration settings: publishing this node's GPUs as Kubernetes labels.
 *
 * @param mode      {@code labels} or {@code nodefeature}
 * @param nodeName  the Kubernetes node ({@code NODE_NAME}, from the downward API); empty outside Kubernetes
 * @param namespace where {@code nodefeature} mode writes its object ({@code POD_NAMESPACE})
 * @param vmUuid    the VM uuid to look up in Prism ({@code CUDA_WASM_VM_UUID}); empty: the node's systemUUID
 * @param prism     Prism Central ({@code NUTANIX_PRISM_URL} and credentials); empty: local view only
 */
public record RegistrationSettings(boolean enabled, Duration interval, String mode, Optional<String> nodeName,
        String namespace, Optional<String> vmUuid, Optional<NutanixConfig> prism) {

    public static final String ENV_VM_UUID = "CUDA_WASM_VM_UUID";
    public static final RegistrationSettings DISABLED = new RegistrationSettings(false, Duration.ofSeconds(60), "labels");
    private static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    public RegistrationSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(vmUuid, "vmUuid");
        Objects.requireNonNull(prism, "prism");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the registration interval must be positive");
        }
    }

    /** Settings with no node, Prism or VM override: the local view only. */
    public RegistrationSettings(boolean enabled, Duration interval, String mode) {
        this(enabled, interval, mode, Optional.empty(), "default", Optional.empty(), Optional.empty());
    }

    /**
     * Reads {@code NODE_NAME}, {@code POD_NAMESPACE}, {@code CUDA_WASM_VM_UUID} and the {@code NUTANIX_*}
     * variables (or the files of {@code NUTANIX_CREDENTIALS_DIR}, where the pod mounts its Prism Secret).
     */
    static RegistrationSettings fromEnvironment(boolean enabled, Duration interval, String mode, Map<String, String> env) {
        Optional<NutanixConfig> prism = NutanixConfig.configuredIn(env)
                ? Optional.of(NutanixConfig.fromEnvironment(env)) : Optional.empty();
        return new RegistrationSettings(enabled, interval, mode, value(env, WorkerEnvironment.NODE_NAME),
                value(env, WorkerEnvironment.POD_NAMESPACE).orElseGet(RegistrationSettings::serviceAccountNamespace),
                value(env, ENV_VM_UUID), prism);
    }

    public RegistrationSettings withNodeName(String node) {
        return new RegistrationSettings(enabled, interval, mode, Optional.of(node), namespace, vmUuid, prism);
    }

    public RegistrationSettings withPrism(NutanixConfig config) {
        return new RegistrationSettings(enabled, interval, mode, nodeName, namespace, vmUuid, Optional.of(config));
    }

    public RegistrationSettings withVmUuid(String uuid) {
        return new RegistrationSettings(enabled, interval, mode, nodeName, namespace, Optional.of(uuid), prism);
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return blank(v) ? Optional.empty() : Optional.of(v.strip());
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }

    private static String serviceAccountNamespace() {
        try {
            return Files.isReadable(SERVICE_ACCOUNT_NAMESPACE) ? Files.readString(SERVICE_ACCOUNT_NAMESPACE).strip()
                    : "default";
        } catch (IOException e) {
            return "default";
        }
    }
}
