package io.cudawasm.runtime.service.kernels;

import java.time.Duration;

/** A compile that did not end within the compile time limit; the compiler was stopped. */
public final class CompileTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Duration limit;

    CompileTimeoutException(Duration limit) {
        super("compiling took longer than the limit of " + limit.toMillis() / 1000.0 + " s "
                + "(CUDA_WASM_COMPILE_TIME_LIMIT_SECONDS); the compile was stopped", null, false, false);
        this.limit = limit;
    }

    public Duration limit() {
        return limit;
    }
}
