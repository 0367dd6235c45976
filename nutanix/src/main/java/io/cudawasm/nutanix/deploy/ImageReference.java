package io.cudawasm.nutanix.deploy;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference, {@code [registry/]repository[:tag][@sha256:digest]}, and what follows
 * from it for Kubernetes: whether it can change under the same name (a {@code latest} or missing tag
 * without a digest) and so which pull policy matches it.
 *
 * @param name   registry and repository, e.g. {@code registry.example.com/cuda-wasm}
 * @param tag    the tag, empty when none is given (Kubernetes then pulls {@code latest})
 * @param digest {@code sha256:<64 hex digits>}, empty when the image is not pinned
 */
public record ImageReference(String name, Optional<String> tag, Optional<String> digest) {
    private static final Pattern DIGEST = Pattern.compile("^sha256:[0-9a-f]{64}$");
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");

    public ImageReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("image '" + name + "' must be a non-empty image reference without spaces");
        }
        tag.ifPresent(t -> {
            if (!TAG.matcher(t).matches()) {
                throw new IllegalArgumentException("image tag '" + t + "' is not a valid tag");
            }
        });
        digest.ifPresent(d -> {
            if (!DIGEST.matcher(d).matches()) {
                throw new IllegalArgumentException("image digest '" + d + "' must be sha256: followed by 64 lower-case hex digits");
            }
        });
    }

    /** Parses {@code name[:tag][@digest]}; a colon in the registry part (a port) is not taken for a tag. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank() || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("image '" + text + "' must be a non-empty image reference without spaces");
        }
        String rest = text;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        return new ImageReference(rest, tag, digest);
    }

    /** The same image pinned to {@code digest}. */
    public ImageReference withDigest(String digest) {
        return new ImageReference(name, tag, Optional.of(digest));
    }

    /** The reference without its digest: {@code name[:tag]}, the key of {@link ReleasedImages}. */
    public String taggedName() {
        return name + tag.map(t -> ":" + t).orElse("");
    }

    public boolean pinned() {
        return digest.isPresent();
    }

    /** The name may point at different images over time: no digest, and the tag is {@code latest} or missing. */
    public boolean mutable() {
        return digest.isEmpty() && tag.map("latest"::equals).orElse(true);
    }

    /**
     * The pull policy that matches the reference: {@code Always} for a mutable name (a node's cached
     * copy may be stale), {@code IfNotPresent} for a digest or a version tag.
     */
    public String defaultPullPolicy() {
        return mutable() ? "Always" : "IfNotPresent";
    }

    @Override
    public String toString() {
        return taggedName() + digest.map(d -> "@" + d).orElse("");
    }
}
