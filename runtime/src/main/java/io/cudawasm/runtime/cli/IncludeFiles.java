package io.cudawasm.runtime.cli;

import io.cudawasm.kernels.preprocess.Preprocessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The headers a source includes, read from disk as nvcc finds them: {@code #include "x.h"} next to
 * the including file, then in each {@code -I} folder; {@code #include <x.h>} in the {@code -I}
 * folders. The compiler itself reads no files: what is found here goes into the compile request's
 * headers, by the name the directive writes. CUDA's own headers and the samples' helpers are built
 * in and not read. Includes inside {@code #if} blocks are read too when they exist (the preprocessor
 * decides which are used); those found nowhere are listed for the error message.
 */
final class IncludeFiles {
    private static final Pattern INCLUDE = Pattern.compile("(?m)^[ \\t]*#[ \\t]*include[ \\t]*([<\"])([^>\"\\n]+)[>\"]");
    /** Bounds, as for any input: the worker's own request limits are of this order. */
    static final int MAX_FILES = 512;
    static final long MAX_BYTES = 32L << 20;

    private final Map<String, String> found = new LinkedHashMap<>();
    private final Set<String> missing = new LinkedHashSet<>();
    private final List<Path> searched = new ArrayList<>();

    private IncludeFiles() {}

    static IncludeFiles load(KernelSource src, List<Path> includeDirs) {
        IncludeFiles f = new IncludeFiles();
        if (src.path() != null) {
            Path dir = src.path().toAbsolutePath().getParent();
            if (dir != null) {
                f.searched.add(dir);
            }
        }
        for (Path d : includeDirs) {
            f.searched.add(d.toAbsolutePath());
        }
        f.scan(src.text(), src.path() == null ? null : src.path().toAbsolutePath().getParent(), includeDirs);
        return f;
    }

    Map<String, String> headers() {
        return found;
    }

    /** The note for a compile error about a header found nowhere. */
    String searchNote() {
        List<String> dirs = searched.stream().map(Path::toString).toList();
        return "note: include search path: " + (dirs.isEmpty() ? "(none: add -I DIR)" : String.join(", ", dirs))
                + (missing.isEmpty() ? "" : "; not found there: " + String.join(", ", missing));
    }

    private void scan(String text, Path dir, List<Path> includeDirs) {
        Deque<Object[]> work = new ArrayDeque<>();
        work.add(new Object[] {text, dir});
        long bytes = 0;
        while (!work.isEmpty()) {
            Object[] item = work.poll();
            Matcher m = INCLUDE.matcher((String) item[0]);
            Path from = (Path) item[1];
            while (m.find()) {
                String name = m.group(2).trim();
                boolean quoted = m.group(1).equals("\"");
                if (found.containsKey(name) || Preprocessor.isBuiltinHeader(name)) {
                    continue;
                }
                Path file = locate(name, quoted ? from : null, includeDirs);
                if (file == null) {
                    missing.add(name);
                    continue;
                }
                if (found.size() >= MAX_FILES) {
                    throw new IllegalArgumentException("more than " + MAX_FILES + " included files");
                }
                try {
                    String content = Files.readString(file, StandardCharsets.UTF_8);
                    bytes += content.length();
                    if (bytes > MAX_BYTES) {
                        throw new IllegalArgumentException("included files exceed " + (MAX_BYTES >> 20) + " MiB");
                    }
                    found.put(name, content);
                    work.add(new Object[] {content, file.toAbsolutePath().getParent()});
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
                }
            }
        }
    }

    private static Path locate(String name, Path from, List<Path> includeDirs) {
        if (from != null && Files.isRegularFile(from.resolve(name))) {
            return from.resolve(name);
        }
        for (Path d : includeDirs) {
            if (Files.isRegularFile(d.resolve(name))) {
                return d.resolve(name);
            }
        }
        return null;
    }
}
