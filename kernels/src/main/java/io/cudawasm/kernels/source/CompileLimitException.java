package io.cudawasm.kernels.source;

import java.util.List;

/**
 * A compile stopped because it reached one of its limits. The first diagnostic is the error at
 * the place the limit was hit; its message names the limit's key and value.
 */
public final class CompileLimitException extends CompileException {
    private static final long serialVersionUID = 1L;
    private final CompileLimit limit;
    private final long limitValue;

    public CompileLimitException(CompileLimit limit, long limitValue, List<Diagnostic> diagnostics) {
        super(diagnostics);
        this.limit = limit;
        this.limitValue = limitValue;
    }

    public CompileLimitException(CompileLimit limit, long limitValue, Diagnostic diagnostic) {
        this(limit, limitValue, List.of(diagnostic));
    }

    public CompileLimit limit() {
        return limit;
    }

    /** The value of the limit that was exceeded (milliseconds for {@link CompileLimit#TIME}). */
    public long limitValue() {
        return limitValue;
    }

    /** The same limit with other diagnostics (warnings collected before it was hit, for example). */
    public CompileLimitException withDiagnostics(List<Diagnostic> all) {
        return new CompileLimitException(limit, limitValue, all);
    }
}
