package io.cudawasm.runtime.fleet;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fleet-wide job id: {@code <owner>_<boot>_<random>}, e.g.
 * {@code cuda-wasm-worker-2_5f0c2d9a_4b7d0f1e9c2a6b58d3e1f0a2b7c9d1e3}. The owner is the replica
 * that accepted the job (a DNS label, so it never contains '_'), the boot id names that replica's
 * process, the rest is random. Every character is URL-safe.
 */
public record JobId(String owner, String boot, String random) {
    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern NAME = Pattern.compile(LABEL);
    private static final Pattern BOOT = Pattern.compile("[0-9a-f]{8}");
    private static final Pattern FORM = Pattern.compile("(" + LABEL + ")_([0-9a-f]{8})_([0-9a-f]{16,64})");

    public JobId {
        if (!isReplicaName(owner) || !isBootId(boot) || random == null || !random.matches("[0-9a-f]{16,64}")) {
            throw new IllegalArgumentException("not a fleet job id: " + owner + "_" + boot + "_" + random);
        }
    }

    /** The parts of a fleet job id; empty for anything else (older UUID ids, typos). */
    public static Optional<JobId> parse(String id) {
        if (id == null || id.length() > 160) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(id);
        return m.matches() ? Optional.of(new JobId(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }

    static boolean isReplicaName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static boolean isBootId(String boot) {
        return boot != null && BOOT.matcher(boot).matches();
    }

    @Override
    public String toString() {
        return owner + "_" + boot + "_" + random;
    }
}
