package io.cudawasm.runtime.service.api;

import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.kernels.ptx.PtxFrontend;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.CompileLimitException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.runtime.service.kernels.KernelLookup;
import io.cudawasm.runtime.service.kernels.KernelSources;
import io.cudawasm.runtime.service.kernels.KernelSpec;
import io.cudawasm.runtime.service.kernels.CompileRejectedException;
import io.cudawasm.runtime.service.kernels.CompileTimeoutException;
import io.cudawasm.runtime.service.kernels.KernelStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Turns a {@link KernelRequest} into a compiled kernel, or into the API error that explains why not. */
final class KernelResolver {
    static final String DEFAULT_FILE_NAME = "kernel.cu";
    static final String DEFAULT_PTX_FILE_NAME = "kernel.ptx";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern MACRO = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_DEFINES = 256;

    private final KernelStore store;

    KernelResolver(KernelStore store) {
        this.store = store;
    }

    /**
     * @param field where the request sits in the body, for messages ({@code kernel} in jobs)
     * @param allowId whether a reference by id is accepted (jobs: yes; compiling: no)
     */
    KernelLookup resolve(KernelRequest r, String field, boolean allowId) {
        if (r == null) {
            throw ApiException.badRequest("invalid_request", field + ": required: {id}, {library} or {source}",
                    Map.of("field", field));
        }
        int given = (r.id() != null ? 1 : 0) + (r.library() != null ? 1 : 0) + (r.source() != null ? 1 : 0);
        if (given != 1) {
            throw ApiException.badRequest("invalid_request", field + ": give exactly one of "
                    + (allowId ? "id, " : "") + "library or source", Map.of("field", field));
        }
        if (r.id() != null) {
            if (!allowId) {
                throw ApiException.badRequest("invalid_request", field + ".id: compile a source or a library kernel "
                        + "here; GET /v1/kernels/{id} reads a compiled one", Map.of("field", field + ".id"));
            }
            if (r.fileName() != null || r.language() != null || r.defines() != null || r.headers() != null || r.instantiate() != null) {
                throw ApiException.badRequest("invalid_request", field + ": a kernel given by id takes no compile "
                        + "options (fileName, defines, headers, instantiate)", Map.of("field", field));
            }
            return store.byId(r.id()).orElseThrow(() -> ApiException.notFound("kernel_not_found",
                    "no compiled kernel with id " + abbreviate(r.id()) + "; compile it with POST /v1/kernels or "
                            + "send its source"));
        }
        KernelSpec base;
        if (r.library() != null) {
            base = KernelSources.library(r.library()).orElseThrow(() -> new ApiException(404,
                    "library_kernel_not_found", "no bundled kernel named '" + r.library() + "'",
                    Map.of("available", KernelLibrary.names()), null));
            if (r.fileName() != null) {
                throw ApiException.badRequest("invalid_request", field + ".fileName: library kernels keep their "
                        + "own file name", Map.of("field", field + ".fileName"));
            }
        } else {
            String name = fileName(r, field);
            if (!FILE_NAME.matcher(name).matches()) {
                throw ApiException.badRequest("invalid_request", field + ".fileName: a plain file name such as "
                        + "saxpy.cu (letters, digits, . _ -)", Map.of("field", field + ".fileName"));
            }
            base = KernelSpec.of(name, r.source());
        }
        Map<String, String> defines = r.defines() == null ? Map.of() : r.defines();
        if (defines.size() > MAX_DEFINES) {
            throw ApiException.badRequest("invalid_request", field + ".defines: at most " + MAX_DEFINES + " macros");
        }
        for (Map.Entry<String, String> d : defines.entrySet()) {
            if (!MACRO.matcher(d.getKey()).matches() || d.getValue() == null) {
                throw ApiException.badRequest("invalid_request", field + ".defines: '" + d.getKey()
                        + "' needs an identifier as name and a string as value", Map.of("field", field + ".defines"));
            }
        }
        Map<String, String> headers = r.headers() == null ? Map.of() : r.headers();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getValue() == null) {
                throw ApiException.badRequest("invalid_request", field + ".headers." + h.getKey() + ": needs the "
                        + "header's text", Map.of("field", field + ".headers"));
            }
        }
        List<String> instantiate = r.instantiate() == null ? List.of() : r.instantiate();
        if (instantiate.stream().anyMatch(java.util.Objects::isNull)) {
            throw ApiException.badRequest("invalid_request", field + ".instantiate: entries must be strings");
        }
        KernelSpec spec = new KernelSpec(base.fileName(), base.source(), defines, headers, instantiate);
        try {
            return store.resolve(spec);
        } catch (CompileException e) {
            throw compileError(e);
        } catch (CompileRejectedException e) {
            throw compileRejected(e);
        } catch (CompileTimeoutException e) {
            throw compileTimeout(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted", "the worker stopped while compiling this kernel");
        }
    }

    /** 429 when the compile pool is full (with Retry-After), 413 when the source could never fit. */
    static ApiException compileRejected(CompileRejectedException e) {
        if (e.reason().equals(CompileRejectedException.TOO_LARGE)) {
            return new ApiException(413, "compile_too_large", e.getMessage(), e.details(), null);
        }
        return new ApiException(429, "too_many_compiles", e.getMessage(), e.details(),
                Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
    }

    /** 422: the source is valid so far but takes longer to compile than the worker allows. */
    static ApiException compileTimeout(CompileTimeoutException e) {
        return new ApiException(422, "compile_limit_exceeded", e.getMessage(), Map.of("limit", "time",
                "limitValue", e.limit().toMillis() / 1000.0, "variable", "CUDA_WASM_COMPILE_TIME_LIMIT_SECONDS"), null);
    }

    /** 400 with every diagnostic: file (as the request named it), line, column and the source line. */
    static ApiException compileError(CompileException e) {
        Diagnostic first = e.first();
        Map<String, Object> details = new LinkedHashMap<>();
        if (e instanceof CompileLimitException limit) {
            // valid so far, but past what this worker compiles: 422 naming the limit and its setting
            details.put("limit", limit.limit().key());
            details.put("limitValue", limit.limitValue());
            details.put("variable", limit.limit() == CompileLimit.TIME ? "CUDA_WASM_COMPILE_TIME_LIMIT_SECONDS"
                    : "CUDA_WASM_COMPILE_LIMITS");
            details.put("diagnostics", e.diagnostics().stream().map(DiagnosticView::of).toList());
            return new ApiException(422, "compile_limit_exceeded", first.toString(), details, null);
        }
        details.put("diagnostics", e.diagnostics().stream().map(DiagnosticView::of).toList());
        return ApiException.badRequest("compile_error", first.toString(), details);
    }

    private static String abbreviate(String id) {
        return id.length() <= 80 ? id : id.substring(0, 80) + "...";
    }

    /**
     * The file name the source is compiled under, which also selects the front end ({@code .ptx}:
     * PTX). An explicit {@code language} must agree with an explicit file name; without either, a
     * source that starts like PTX ({@code .version}) is named {@code kernel.ptx}.
     */
    private static String fileName(KernelRequest r, String field) {
        String language = r.language() == null ? null : r.language().toLowerCase(java.util.Locale.ROOT);
        if (language != null && !language.equals("cuda") && !language.equals("ptx")) {
            throw ApiException.badRequest("invalid_request", field + ".language: 'cuda' or 'ptx', not '" + r.language()
                    + "'", Map.of("field", field + ".language"));
        }
        if (r.fileName() != null) {
            boolean ptxName = r.fileName().toLowerCase(java.util.Locale.ROOT).endsWith(".ptx");
            if (language != null && ptxName != language.equals("ptx")) {
                throw ApiException.badRequest("invalid_request", field + ".fileName: '" + r.fileName()
                        + "' does not match language '" + language + "' (PTX files end in .ptx)",
                        Map.of("field", field + ".fileName"));
            }
            return r.fileName();
        }
        if (language != null) {
            return language.equals("ptx") ? DEFAULT_PTX_FILE_NAME : DEFAULT_FILE_NAME;
        }
        return PtxFrontend.isPtx(null, r.source()) ? DEFAULT_PTX_FILE_NAME : DEFAULT_FILE_NAME;
    }
}
