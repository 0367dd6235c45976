package io.cudawasm.runtime.registration;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Kubernetes node a worker runs on, as far as self-registration needs it.
 *
 * @param systemUuid     {@code status.nodeInfo.systemUUID}, lower-cased: on AHV the VM uuid
 * @param prismHostUuid  the Nutanix cloud controller's {@code nutanix.com/prism-host-uuid} label, when present
 * @param labels         the node's labels as read
 */
public record NodeIdentity(String name, Optional<String> systemUuid, Optional<String> prismHostUuid,
        Map<String, String> labels) {

    /** Label the Nutanix cloud controller manager puts on every node it manages. */
    public static final String CCM_HOST_UUID_LABEL = "nutanix.com/prism-host-uuid";

    public NodeIdentity {
        Objects.requireNonNull(name, "name");
        systemUuid = systemUuid.map(u -> u.strip().toLowerCase(Locale.ROOT)).filter(u -> !u.isEmpty());
        prismHostUuid = prismHostUuid.map(String::strip).filter(u -> !u.isEmpty());
        labels = Map.copyOf(labels);
    }
}
