package io.cudawasm.runtime.fleet;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Who this replica is: its name in the fleet (the StatefulSet pod name, or any name unique among
 * the peers) and a boot id that changes every time the process starts. Job ids carry both, so any
 * replica can tell which replica owns a job and whether that replica has restarted since (its
 * in-memory jobs are then gone).
 */
public record ReplicaIdentity(String name, String bootId) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    public ReplicaIdentity {
        if (!JobId.isReplicaName(name)) {
            throw new IllegalArgumentException("replica name '" + name + "' must be a DNS label: lower-case letters, "
                    + "digits and '-', at most 63 characters");
        }
        if (!JobId.isBootId(bootId)) {
            throw new IllegalArgumentException("boot id must be 8 hex digits, got " + bootId);
        }
    }

    /** A fresh identity (new boot id) for the given name, made DNS-safe first ({@link #sanitize}). */
    public static ReplicaIdentity start(String rawName) {
        return new ReplicaIdentity(sanitize(rawName), random(4));
    }

    /** A new id for a job this replica accepts: owner, boot id and 128 random bits. */
    public String newJobId() {
        return new JobId(name, bootId, random(16)).toString();
    }

    public boolean owns(JobId id) {
        return id.owner().equals(name);
    }

    /**
     * A host name or pod name as a DNS label: lower case, anything else than letters, digits and
     * '-' becomes '-', cut to 63 characters; {@code worker} when nothing is left.
     */
    public static String sanitize(String raw) {
        String s = Objects.requireNonNullElse(raw, "").strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (s.length() > 63) {
            s = s.substring(0, 63);
        }
        s = s.replaceAll("^-+", "").replaceAll("-+$", "");
        return s.isEmpty() ? "worker" : s;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HEX.formatHex(b);
    }
}
