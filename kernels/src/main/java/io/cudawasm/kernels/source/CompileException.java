package io.cudawasm.kernels.source;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a source cannot be compiled; carries every diagnostic collected so far. */
public sealed class CompileException extends RuntimeException permits CompileLimitException {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;

    public CompileException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().filter(Diagnostic::isError).findFirst().map(Diagnostic::toString)
                .orElse("compilation failed"));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public CompileException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    public static CompileException at(SourcePos pos, String message) {
        return new CompileException(Diagnostic.error(pos, message));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public Diagnostic first() {
        return diagnostics.stream().filter(Diagnostic::isError).findFirst().orElse(diagnostics.get(0));
    }

    /** All diagnostics in gcc style, separated by newlines. */
    public String formatted() {
        return diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n"));
    }
}
