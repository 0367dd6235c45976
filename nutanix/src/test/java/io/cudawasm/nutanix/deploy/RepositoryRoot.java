package io.cudawasm.nutanix.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the reactor root (the folder with k8s/, docker/ and the modules) from the module's working directory. */
final class RepositoryRoot {
    private RepositoryRoot() {}

    static Path find() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("nutanix")) && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("runtime"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }
}
