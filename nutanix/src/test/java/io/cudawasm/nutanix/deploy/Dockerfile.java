package io.cudawasm.nutanix.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Dockerfile read the way the builder reads it: continuation lines joined, one instruction each. The
 * comment lines right above an instruction are kept with it (hadolint reads its pragmas there).
 */
record Dockerfile(Path path, List<Dockerfile.Instruction> instructions) {
    static final Set<String> KNOWN = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
            "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");

    /** @param comments the comment lines directly above, without their {@code #} */
    record Instruction(String keyword, String arguments, int line, List<String> comments) {}

    static Dockerfile parse(Path path) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = null;
        int start = 0;
        List<String> comments = new ArrayList<>();
        List<String> lines = Files.readAllLines(path);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                if (pending == null) {
                    comments.add(trimmed.substring(1).strip());
                }
                continue;
            }
            if (pending == null && trimmed.isEmpty()) {
                comments.clear();
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
                out.add(new Instruction(keyword, space < 0 ? "" : text.substring(space + 1).strip(), start, List.copyOf(comments)));
                comments.clear();
                pending = null;
            }
        }
        if (pending != null) {
            throw new IllegalStateException(path + ": line continuation at end of file");
        }
        return new Dockerfile(path, out);
    }

    /** {@code NAME=default} of the ARGs before the first FROM: what a FROM's {@code ${NAME}} becomes by default. */
    java.util.Map<String, String> globalArgs() {
        java.util.Map<String, String> args = new java.util.LinkedHashMap<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                break;
            }
            if (i.keyword().equals("ARG")) {
                String[] kv = i.arguments().split("=", 2);
                args.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return args;
    }

    /** The image a FROM names with the global ARG defaults filled in (the stage alias dropped). */
    String baseImage(Instruction from) {
        String image = from.arguments().replaceFirst("^--platform=\\S+\\s+", "").split("\\s+")[0];
        for (java.util.Map.Entry<String, String> a : globalArgs().entrySet()) {
            image = image.replace("${" + a.getKey() + "}", a.getValue());
        }
        return image;
    }

    /** The stages, each from its FROM to the next. */
    List<List<Instruction>> stages() {
        List<List<Instruction>> stages = new ArrayList<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).add(i);
            }
        }
        return stages;
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
