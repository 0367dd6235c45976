package io.cudawasm.runtime.service.api;

import io.cudawasm.kernels.source.Diagnostic;
import java.util.Locale;

/** A compiler message: where (file as named in the request, line, column), what, and the source line. */
public record DiagnosticView(String severity, String message, String file, int line, int column, String sourceLine) {

    static DiagnosticView of(Diagnostic d) {
        return new DiagnosticView(d.severity().name().toLowerCase(Locale.ROOT), d.message(), d.file(), d.line(),
                d.column(), d.sourceLine());
    }
}
