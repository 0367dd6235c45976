package io.cudawasm.kernels;

import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The limits of one compile. A compile that reaches one stops with a
 * {@link io.cudawasm.kernels.source.CompileLimitException} naming the limit's {@link CompileLimit#key() key}
 * and value at the place it was hit. The defaults compile every bundled and test kernel (and
 * realistic CUDA samples) with a wide margin; kernels/README.md ("Limits") says what each protects.
 *
 * <p>The size limits grow with the request, because a tiny source can ask for a huge expansion
 * (a macro chain, a template recursion, an array initializer, an {@code #include} bomb):
 * {@code macroExpansionTokens}, {@code sourceTokens}, {@code astNodes} and {@code irNodes} apply as
 * {@code min(limit, max(expansionFloor, expansionPerInputChar × input characters))}, the input
 * being the source, its headers, defines and instantiations. With the defaults a request may use
 * 8,192 of each, or 8 per input character where that is more: a request up to 1 KiB 8,192 (a few MB
 * of heap); from about 64 KiB a request has the full limits. Real kernels
 * use about 0.1 IR node per character; all of this project's kernels compile with 2,048 and 2.
 *
 * @param timeLimit wall-clock time of the compile; the compiler also stops when its thread is interrupted
 * @param templateDepth nesting of template instantiations ({@code f<N>} instantiating {@code f<N+1>}),
 *     like nvcc's {@code -ftemplate-depth}
 * @param templateInstantiations function and struct template instances
 * @param macroExpansionTokens tokens produced (and argument tokens rescanned) by macro expansion (scaled)
 * @param sourceTokens tokens lexed from the source and headers (each inclusion again), and tokens after
 *     preprocessing (scaled)
 * @param astNodes syntax tree nodes (scaled)
 * @param irNodes kernel IR nodes, statements and expressions (scaled, see above); the Wasm, OpenCL C
 *     and CUDA C emitted are linear in it
 * @param nestingDepth nesting of blocks, statements, expressions, declarators, initializers, PTX control flow
 * @param includeDepth nesting of {@code #include}
 * @param staticDataBytes bytes of {@code __device__} and {@code __constant__} variables
 * @param sharedMemoryBytes bytes of statically sized {@code __shared__} variables of the module
 * @param expansionFloor what the scaled limits allow any request
 * @param expansionPerInputChar what the scaled limits allow per character of input
 */
public record CompileLimits(Duration timeLimit, int templateDepth, int templateInstantiations,
        long macroExpansionTokens, long sourceTokens, long astNodes, long irNodes, int nestingDepth, int includeDepth,
        long staticDataBytes, long sharedMemoryBytes, long expansionFloor, int expansionPerInputChar) {

    private static final CompileLimits DEFAULTS = new CompileLimits(Duration.ofSeconds(5), 1024, 4096,
            500_000, 500_000, 500_000, 500_000, 256, 64, 64L << 20, 1L << 20, 8192, 8);

    public CompileLimits {
        Objects.requireNonNull(timeLimit, "timeLimit");
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("timeLimit must be positive: " + timeLimit);
        }
        positive("templateDepth", templateDepth);
        positive("templateInstantiations", templateInstantiations);
        positive("macroExpansionTokens", macroExpansionTokens);
        positive("sourceTokens", sourceTokens);
        positive("astNodes", astNodes);
        positive("irNodes", irNodes);
        positive("nestingDepth", nestingDepth);
        positive("includeDepth", includeDepth);
        positive("staticDataBytes", staticDataBytes);
        positive("sharedMemoryBytes", sharedMemoryBytes);
        positive("expansionFloor", expansionFloor);
        positive("expansionPerInputChar", expansionPerInputChar);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /**
     * The defaults: 5 s, template depth 1024 and 4096 instantiations, 500,000 macro-expansion
     * tokens, source tokens, syntax nodes and IR nodes, nesting 256, {@code #include}
     * depth 64, 64 MiB of static data, 1 MiB of static shared memory; the size limits scaled from
     * 8,192, or 8 per input character.
     */
    public static CompileLimits defaults() {
        return DEFAULTS;
    }

    public CompileLimits withTimeLimit(Duration v) {
        return new CompileLimits(v, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens, astNodes,
                irNodes, nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withTemplateDepth(int v) {
        return new CompileLimits(timeLimit, v, templateInstantiations, macroExpansionTokens, sourceTokens, astNodes,
                irNodes, nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withTemplateInstantiations(int v) {
        return new CompileLimits(timeLimit, templateDepth, v, macroExpansionTokens, sourceTokens, astNodes, irNodes,
                nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor, expansionPerInputChar);
    }

    public CompileLimits withMacroExpansionTokens(long v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, v, sourceTokens, astNodes, irNodes,
                nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor, expansionPerInputChar);
    }

    public CompileLimits withSourceTokens(long v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, v, astNodes,
                irNodes, nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withAstNodes(long v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens, v,
                irNodes, nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withIrNodes(long v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens,
                astNodes, v, nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withNestingDepth(int v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens,
                astNodes, irNodes, v, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withIncludeDepth(int v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens,
                astNodes, irNodes, nestingDepth, v, staticDataBytes, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withStaticDataBytes(long v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens,
                astNodes, irNodes, nestingDepth, includeDepth, v, sharedMemoryBytes, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withSharedMemoryBytes(long v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens,
                astNodes, irNodes, nestingDepth, includeDepth, staticDataBytes, v, expansionFloor,
                expansionPerInputChar);
    }

    public CompileLimits withExpansionFloor(long v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens,
                astNodes, irNodes, nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, v,
                expansionPerInputChar);
    }

    public CompileLimits withExpansionPerInputChar(int v) {
        return new CompileLimits(timeLimit, templateDepth, templateInstantiations, macroExpansionTokens, sourceTokens,
                astNodes, irNodes, nestingDepth, includeDepth, staticDataBytes, sharedMemoryBytes, expansionFloor, v);
    }

    /** The keys {@link #withOverrides} takes: every limit's key and the two scaling parameters. */
    public static final List<String> OVERRIDE_KEYS = List.of("time", "template-depth", "template-instantiations",
            "macro-expansion-tokens", "source-tokens", "ast-nodes", "ir-nodes", "nesting-depth", "include-depth",
            "static-data-bytes", "shared-memory-bytes", "expansion-floor", "expansion-per-input-char");

    /**
     * These limits with {@code key=value} overrides, comma-separated, as a configuration gives them:
     * {@code template-depth=512,ir-nodes=2000000,time=10s}. Keys are the limits' {@link CompileLimit#key()
     * keys} and {@code expansion-floor}, {@code expansion-per-input-char}; {@code time} takes
     * {@code 10s}, {@code 500ms} or seconds; sizes may end in {@code Ki}, {@code Mi}, {@code Gi}
     * (or k, M, G). Blank: these limits unchanged.
     *
     * @throws IllegalArgumentException naming the key or value that is wrong
     */
    public CompileLimits withOverrides(String spec) {
        CompileLimits l = this;
        if (spec == null || spec.isBlank()) {
            return l;
        }
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value in the compile limits, found '" + pair.strip() + "'");
            }
            l = l.with(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return l;
    }

    /** These limits with one of them set by key, see {@link #withOverrides}. */
    public CompileLimits with(String key, String value) {
        try {
            return switch (key) {
                case "time" -> withTimeLimit(duration(value));
                case "template-depth" -> withTemplateDepth(Math.toIntExact(number(value)));
                case "template-instantiations" -> withTemplateInstantiations(Math.toIntExact(number(value)));
                case "macro-expansion-tokens" -> withMacroExpansionTokens(number(value));
                case "source-tokens" -> withSourceTokens(number(value));
                case "ast-nodes" -> withAstNodes(number(value));
                case "ir-nodes" -> withIrNodes(number(value));
                case "nesting-depth" -> withNestingDepth(Math.toIntExact(number(value)));
                case "include-depth" -> withIncludeDepth(Math.toIntExact(number(value)));
                case "static-data-bytes" -> withStaticDataBytes(number(value));
                case "shared-memory-bytes" -> withSharedMemoryBytes(number(value));
                case "expansion-floor" -> withExpansionFloor(number(value));
                case "expansion-per-input-char" -> withExpansionPerInputChar(Math.toIntExact(number(value)));
                default -> throw new IllegalArgumentException("unknown compile limit '" + key + "'; the limits are "
                        + String.join(", ", OVERRIDE_KEYS));
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("compile limit " + key + ": '" + value + "' is not a valid value", e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unknown compile limit")) {
                throw e;
            }
            throw new IllegalArgumentException("compile limit " + key + ": " + e.getMessage(), e);
        }
    }

    private static long number(String v) {
        String s = v.strip();
        long unit = 1;
        String[][] suffixes = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"k", "1000"}, {"M", "1000000"},
            {"G", "1000000000"}};
        for (String[] suffix : suffixes) {
            if (s.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                s = s.substring(0, s.length() - suffix[0].length()).strip();
                break;
            }
        }
        return Math.multiplyExact(Long.parseLong(s.replace("_", "")), unit);
    }

    private static Duration duration(String v) {
        String s = v.strip();
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).strip()));
        }
        if (s.endsWith("s")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    }

    /** Characters of input a request brings: its source, headers, defines and instantiations. */
    public static long inputChars(CompileRequest request) {
        long n = request.source().length();
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            n += h.getKey().length() + (h.getValue() == null ? 0 : h.getValue().length());
        }
        for (Map.Entry<String, String> d : request.defines().entrySet()) {
            n += d.getKey().length() + (d.getValue() == null ? 0 : d.getValue().length());
        }
        for (String i : request.instantiations()) {
            n += i.length();
        }
        return n;
    }

    /** A scaled limit's value for a request of {@code inputChars} characters. */
    public long scaled(long limit, long inputChars) {
        long proportional = inputChars > Long.MAX_VALUE / expansionPerInputChar ? Long.MAX_VALUE
                : inputChars * expansionPerInputChar;
        return Math.min(limit, Math.max(expansionFloor, proportional));
    }

    /** The effective value of every limit for one request (time in milliseconds). */
    public Map<CompileLimit, Long> effective(CompileRequest request) {
        long input = inputChars(request);
        Map<CompileLimit, Long> v = new EnumMap<>(CompileLimit.class);
        v.put(CompileLimit.TIME, Math.max(1, timeLimit.toMillis()));
        v.put(CompileLimit.TEMPLATE_DEPTH, (long) templateDepth);
        v.put(CompileLimit.TEMPLATE_INSTANTIATIONS, (long) templateInstantiations);
        v.put(CompileLimit.MACRO_EXPANSION_TOKENS, scaled(macroExpansionTokens, input));
        v.put(CompileLimit.SOURCE_TOKENS, scaled(sourceTokens, input));
        v.put(CompileLimit.AST_NODES, scaled(astNodes, input));
        v.put(CompileLimit.IR_NODES, scaled(irNodes, input));
        v.put(CompileLimit.NESTING_DEPTH, (long) nestingDepth);
        v.put(CompileLimit.INCLUDE_DEPTH, (long) includeDepth);
        v.put(CompileLimit.STATIC_DATA_BYTES, staticDataBytes);
        v.put(CompileLimit.SHARED_MEMORY_BYTES, sharedMemoryBytes);
        return v;
    }

    /** A fresh budget for compiling {@code request}; its deadline counts from now. */
    CompileBudget budgetFor(CompileRequest request, SourceFile main) {
        Map<CompileLimit, Long> v = effective(request);
        return new CompileBudget(v, v.get(CompileLimit.TIME), new SourcePos(main, 1, 1));
    }
}
