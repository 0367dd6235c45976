package io.cudawasm.kernels.source;

/**
 * The limits that bound one compile, each with a stable kebab-case key that diagnostics, HTTP
 * error details and configuration name it by. The values live in {@code io.cudawasm.kernels.CompileLimits}.
 */
public enum CompileLimit {
    /** Wall-clock time of the whole compile (an interrupt of the compiling thread counts too). */
    TIME("time", "compile time", false),
    /** Nesting of template instantiations, like nvcc's {@code -ftemplate-depth}. */
    TEMPLATE_DEPTH("template-depth", "template instantiation depth", false),
    /** Function and struct template instances in one compile. */
    TEMPLATE_INSTANTIATIONS("template-instantiations", "template instantiations", true),
    /** Tokens produced by macro expansion. */
    MACRO_EXPANSION_TOKENS("macro-expansion-tokens", "tokens produced by macro expansion", true),
    /** Tokens read from the source and its headers, and tokens left after preprocessing. */
    SOURCE_TOKENS("source-tokens", "source tokens", true),
    /** Syntax tree nodes. */
    AST_NODES("ast-nodes", "syntax tree nodes", true),
    /** Kernel IR nodes (statements and expressions) built by the checker, the passes and the PTX front end. */
    IR_NODES("ir-nodes", "kernel IR nodes", true),
    /** Nesting of blocks, statements, expressions, declarators and PTX control flow. */
    NESTING_DEPTH("nesting-depth", "nesting depth", false),
    /** Nesting of {@code #include}. */
    INCLUDE_DEPTH("include-depth", "#include depth", false),
    /** Bytes of {@code __device__} and {@code __constant__} variables (PTX {@code .global}, {@code .const}). */
    STATIC_DATA_BYTES("static-data-bytes", "static data", false),
    /** Bytes of statically sized {@code __shared__} variables of a module. */
    SHARED_MEMORY_BYTES("shared-memory-bytes", "static shared memory", false);

    private final String key;
    private final String description;
    private final boolean countsMany;

    CompileLimit(String key, String description, boolean countsMany) {
        this.key = key;
        this.description = description;
        this.countsMany = countsMany;
    }

    /** The stable name, e.g. {@code template-depth}. */
    public String key() {
        return key;
    }

    /** What is limited, in words, e.g. "template instantiation depth". */
    public String description() {
        return description;
    }

    /** "template instantiation depth exceeds the limit of 1024 (template-depth)". */
    String exceeded(long value) {
        if (this == TIME) {
            return "compile time limit of " + formatMillis(value) + " exceeded (" + key + ")";
        }
        String unit = this == STATIC_DATA_BYTES || this == SHARED_MEMORY_BYTES ? " bytes" : "";
        return description + (countsMany ? " exceed" : " exceeds") + " the limit of " + value + unit + " (" + key + ")";
    }

    static String formatMillis(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    @Override
    public String toString() {
        return key;
    }
}
