package io.cudawasm.nutanix.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Digests of the released worker images, so the generator pins them without being told: a tag can be
 * pushed again, a digest names one image for good. The release writes them to
 * {@value #RESOURCE} (one {@code name:tag@sha256:...} a line) after pushing; images not listed there (your own
 * builds) are pinned with {@code --image-digest} or {@code --image name:tag@sha256:...}.
 */
public final class ReleasedImages {
    static final String RESOURCE = "/deploy/released-images.txt";
    private static final Map<String, String> DIGESTS = load();

    private ReleasedImages() {}

    /** The digest released under {@code name:tag}, if this build knows one. */
    public static Optional<String> digestOf(ImageReference image) {
        return Optional.ofNullable(DIGESTS.get(image.taggedName()));
    }

    /** Every released image this build knows, {@code name:tag} to digest. */
    public static Map<String, String> all() {
        return DIGESTS;
    }

    private static Map<String, String> load() {
        Map<String, String> digests = new TreeMap<>();
        try (InputStream in = ReleasedImages.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Map.of();
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                ImageReference image = ImageReference.parse(entry);
                digests.put(image.taggedName(), image.digest().orElseThrow(() -> new IllegalStateException(
                        RESOURCE + ": " + entry + " has no @sha256: digest")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return Map.copyOf(digests);
    }
}
