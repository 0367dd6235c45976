package io.cudawasm.runtime.service.kernels;

import io.cudawasm.kernels.library.KernelLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds kernel sources by the names operators write: {@code lib:NAME} for a bundled kernel, or a path. */
public final class KernelSources {
    private KernelSources() {}

    /** A bundled kernel as a spec, or empty when the library has no such kernel. */
    public static Optional<KernelSpec> library(String name) {
        String bare = name.endsWith(".cu") ? name.substring(0, name.length() - 3) : name;
        return KernelLibrary.source(bare).map(text -> KernelSpec.of(bare + ".cu", text));
    }

    /**
     * Loads {@code lib:NAME} or a file; relative paths are resolved against {@code baseDir}.
     *
     * @throws IllegalArgumentException when the kernel cannot be found or read
     */
    public static KernelSpec load(String ref, Path baseDir) {
        if (ref.startsWith("lib:")) {
            String name = ref.substring(4);
            return library(name).orElseThrow(() -> new IllegalArgumentException(
                    "no bundled kernel '" + name + "'; available: " + KernelLibrary.names()));
        }
        Path p = baseDir == null ? Path.of(ref) : baseDir.resolve(ref);
        try {
            return KernelSpec.of(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read kernel source " + ref + ": " + e.getMessage(), e);
        }
    }
}
