package io.cudawasm.runtime.cli;

import io.cudawasm.kernels.library.KernelLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kernel source named on the command line: a file, or {@code lib:NAME} for a bundled kernel.
 *
 * @param path the file (null for a bundled kernel): its folder is searched first for {@code #include "x.h"}
 */
record KernelSource(String fileName, String text, Path path) {

    static KernelSource load(String ref) {
        if (ref.startsWith("lib:")) {
            String name = ref.substring(4);
            String text = KernelLibrary.source(name).orElseThrow(() -> new IllegalArgumentException(
                    "no bundled kernel '" + name + "'; available: " + KernelLibrary.names()));
            return new KernelSource(name.endsWith(".cu") ? name : name + ".cu", text, null);
        }
        Path p = Path.of(ref);
        try {
            return new KernelSource(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8), p);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + ref + ": " + e.getMessage());
        }
    }
}
