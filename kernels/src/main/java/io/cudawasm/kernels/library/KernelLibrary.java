package io.cudawasm.kernels.library;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The ready kernels shipped with the worker ({@code lib:NAME} on the command line). */
public final class KernelLibrary {
    private KernelLibrary() {}

    private static final List<String> NAMES = List.of(
            "vector_add", "saxpy", "elementwise_2d", "matmul_naive", "gemm_polybench", "particles", "double_poly");

    public static List<String> names() {
        return NAMES;
    }

    /** The source of a bundled kernel by name (with or without ".cu"). */
    public static Optional<String> source(String name) {
        String n = name.endsWith(".cu") ? name.substring(0, name.length() - 3) : name;
        if (!NAMES.contains(n)) {
            return Optional.empty();
        }
        try (InputStream in = KernelLibrary.class.getResourceAsStream(n + ".cu")) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
