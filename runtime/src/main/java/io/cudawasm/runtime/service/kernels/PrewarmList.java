package io.cudawasm.runtime.service.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A list of kernels to compile ahead of time (the edge sites' "pre-cache compiled kernels"), one
 * per line, with nvcc-style flags:
 *
 * <pre>
 * # comments and blank lines are ignored
 * lib:saxpy
 * lib:matmul_naive -DTILE=16
 * kernels/reduce.cu -D BLOCK=256 --instantiate 'reduce&lt;float, 256&gt;'
 * </pre>
 *
 * Relative paths are resolved against the list file's folder; quotes group words.
 */
public final class PrewarmList {
    /**
     * One line of the list. The source is read by {@link #load()}, so one missing file fails only
     * its own line.
     */
    public record Item(int line, String ref, Path baseDir, Map<String, String> defines, List<String> instantiations) {
        public Item {
            defines = Map.copyOf(defines);
            instantiations = List.copyOf(instantiations);
        }

        /** @throws IllegalArgumentException when the kernel cannot be found or read */
        public KernelSpec load() {
            KernelSpec loaded = KernelSources.load(ref, baseDir);
            return new KernelSpec(loaded.fileName(), loaded.source(), defines, Map.of(), instantiations);
        }
    }

    private PrewarmList() {}

    public static List<Item> read(Path file, Map<String, String> extraDefines) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        return parse(Files.readString(file, StandardCharsets.UTF_8), base, extraDefines);
    }

    /**
     * @throws IllegalArgumentException naming the line when it is malformed
     */
    public static List<Item> parse(String text, Path baseDir, Map<String, String> extraDefines) {
        List<Item> items = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                items.add(parseLine(i + 1, line, baseDir, extraDefines));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return items;
    }

    private static Item parseLine(int number, String line, Path baseDir, Map<String, String> extraDefines) {
        List<String> words = words(line);
        String ref = words.get(0);
        Map<String, String> defines = new LinkedHashMap<>(extraDefines);
        List<String> instantiations = new ArrayList<>();
        for (int w = 1; w < words.size(); w++) {
            String word = words.get(w);
            if (word.equals("-D") || word.equals("--instantiate")) {
                if (w + 1 >= words.size()) {
                    throw new IllegalArgumentException(word + " needs a value");
                }
                String value = words.get(++w);
                if (word.equals("-D")) {
                    define(defines, value);
                } else {
                    instantiations.add(value);
                }
            } else if (word.startsWith("-D")) {
                define(defines, word.substring(2));
            } else if (word.startsWith("--instantiate=")) {
                instantiations.add(word.substring("--instantiate=".length()));
            } else {
                throw new IllegalArgumentException("unexpected '" + word + "' (expected -DNAME[=VALUE] or --instantiate)");
            }
        }
        return new Item(number, ref, baseDir, defines, instantiations);
    }

    static void define(Map<String, String> defines, String text) {
        int eq = text.indexOf('=');
        String name = eq < 0 ? text : text.substring(0, eq);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty macro name in -D" + text);
        }
        defines.put(name, eq < 0 ? "1" : text.substring(eq + 1));
    }

    /** Splits on blanks; single or double quotes keep blanks inside one word. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(current.toString());
                    current.setLength(0);
                    inWord = false;
                }
            } else {
                current.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed quote");
        }
        if (inWord) {
            words.add(current.toString());
        }
        return words;
    }
}
