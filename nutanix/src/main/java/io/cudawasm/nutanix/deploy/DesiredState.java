package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a live object already has every field of a desired one. The API server adds
 * defaults, status and bookkeeping metadata, so equality would never hold; containment does.
 */
final class DesiredState {
    private DesiredState() {}

    /** True when every field set in {@code desired} has the same value in {@code live}. */
    static boolean isSatisfiedBy(HasMetadata desired, HasMetadata live) {
        Map<?, ?> want = Manifests.serialization().convertValue(desired, Map.class);
        Map<?, ?> have = Manifests.serialization().convertValue(live, Map.class);
        return contains(have, want);
    }

    static boolean contains(Object have, Object want) {
        if (want == null) {
            return true;
        }
        if (want instanceof Map<?, ?> wantMap) {
            if (!(have instanceof Map<?, ?> haveMap)) {
                return false;
            }
            for (Map.Entry<?, ?> e : wantMap.entrySet()) {
                if (e.getValue() != null && !contains(haveMap.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (want instanceof List<?> wantList) {
            if (!(have instanceof List<?> haveList) || haveList.size() != wantList.size()) {
                return false;
            }
            for (int i = 0; i < wantList.size(); i++) {
                if (!contains(haveList.get(i), wantList.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (want instanceof Number w && have instanceof Number h) {
            return new BigDecimal(w.toString()).compareTo(new BigDecimal(h.toString())) == 0;
        }
        return Objects.equals(want, have);
    }
}
