package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.Severity;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each line of generated C came from in the CUDA source, so a device compiler's build log
 * can be reported against the user's file. KIR statements carry no positions of their own, so a
 * line is attributed to the nearest construct that has one (function, local declaration,
 * barrier, trap), or to its enclosing function.
 *
 * @param origins one entry per generated line (index 0 is line 1); null where nothing is known
 * @param generated the generated text's lines, quoted in messages
 */
public record LineMap(List<SourcePos> origins, List<String> generated) {

    /** clang (PoCL, most vendors): {@code file:12:5: error: msg} or PoCL's {@code error: file:12:5: msg}. */
    private static final Pattern CLANG = Pattern.compile(
            "^(?:(error|warning|fatal error):\\s*)?(\\S*?):(\\d+):(\\d+):\\s*(?:(error|warning|fatal error):\\s*)?(.*)$");
    /** nvcc/NVRTC: {@code kernel.cu(12): error: msg}. */
    private static final Pattern NVCC = Pattern.compile("^(\\S*?)\\((\\d+)\\): (error|warning)[^:]*: (.*)$");

    public LineMap {
        origins = java.util.Collections.unmodifiableList(new ArrayList<>(origins));
        generated = List.copyOf(generated);
    }

    /** The CUDA position a generated line (1-based) came from, or null. */
    public SourcePos origin(int generatedLine) {
        for (int i = Math.min(generatedLine, origins.size()) - 1; i >= 0; i--) {
            if (origins.get(i) != null) {
                return origins.get(i);
            }
        }
        return null;
    }

    /**
     * Turns a build log into diagnostics against the CUDA source: each compiler error or warning
     * about the generated file becomes one diagnostic at the originating CUDA line, quoting the
     * generated line. Lines that are not messages are ignored; if no message was recognized, the
     * whole log becomes one error at {@code fallback}.
     */
    public List<Diagnostic> diagnostics(String log, String dialectName, SourcePos fallback) {
        List<Diagnostic> out = new ArrayList<>();
        for (String raw : log.split("\\R")) {
            String line = raw.strip();
            Matcher m = CLANG.matcher(line);
            Matcher n = NVCC.matcher(line);
            int genLine;
            String severity;
            String message;
            if (m.matches() && (m.group(1) != null || m.group(5) != null)) {
                genLine = Integer.parseInt(m.group(3));
                severity = m.group(1) != null ? m.group(1) : m.group(5);
                message = m.group(6);
            } else if (n.matches()) {
                genLine = Integer.parseInt(n.group(2));
                severity = n.group(3);
                message = n.group(4);
            } else {
                continue;
            }
            out.add(diagnostic(severity.contains("error") ? Severity.ERROR : Severity.WARNING, genLine, message,
                    dialectName, fallback));
        }
        if (out.stream().noneMatch(Diagnostic::isError) && !log.isBlank()) {
            out.add(Diagnostic.error(fallback, dialectName + " build failed: " + log.strip()));
        }
        return out;
    }

    private Diagnostic diagnostic(Severity severity, int genLine, String message, String dialectName,
            SourcePos fallback) {
        SourcePos at = origin(genLine);
        String quoted = genLine >= 1 && genLine <= generated.size() ? generated.get(genLine - 1).strip() : "";
        String text = message + " (in the generated " + dialectName + ", line " + genLine
                + (quoted.isEmpty() ? "" : ": " + quoted) + ")";
        return Diagnostic.of(severity, at != null ? at : fallback, text);
    }
}
