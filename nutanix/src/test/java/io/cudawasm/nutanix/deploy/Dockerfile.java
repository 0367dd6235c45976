package io.cudawasm.nutanix.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A Dockerfile read the way the builder reads it: comments dropped, continuation lines joined, one instruction each. */
record Dockerfile(Path path, List<Dockerfile.Instruction> instructions) {
    static final Set<String> KNOWN = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
            "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");

    record Instruction(String keyword, String arguments, int line) {}

    static Dockerfile parse(Path path) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = null;
        int start = 0;
        List<String> lines = Files.readAllLines(path);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (pending == null && trimmed.isEmpty())) {
                continue;
            }
            if (pending == null) {
                pending = new StringBuilder();
                start = i + 1;
            }
            boolean continues = trimmed.endsWith("\\");
            pending.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String text = pending.toString().strip();
                int space = text.indexOf(' ');
                String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
                out.add(new Instruction(keyword, space < 0 ? "" : text.substring(space + 1).strip(), start));
                pending = null;
            }
        }
        if (pending != null) {
            throw new IllegalStateException(path + ": line continuation at end of file");
        }
        return new Dockerfile(path, out);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Instructions after the last FROM: the image that ships. */
    List<Instruction> finalStage() {
        int last = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                last = i;
            }
        }
        return instructions.subList(last, instructions.size());
    }

    Instruction lastOf(String keyword) {
        List<Instruction> found = all(keyword);
        if (found.isEmpty()) {
            throw new AssertionError(path + " has no " + keyword);
        }
        return found.get(found.size() - 1);
    }
}
