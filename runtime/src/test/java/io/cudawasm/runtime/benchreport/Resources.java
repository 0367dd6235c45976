package io.cudawasm.runtime.benchreport;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The synthetic result files under {@code src/test/resources/benchreport}. */
final class Resources {
    private Resources() {}

    static Path file(String name) {
        try {
            return Path.of(Resources.class.getResource("/benchreport/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource benchreport/" + name + " is missing", e);
        }
    }
}
