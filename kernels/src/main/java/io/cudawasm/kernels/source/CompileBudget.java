package io.cudawasm.kernels.source;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one compile may still spend: the effective value of every {@link CompileLimit}, the
 * deadline, and the counters that are checked against them. Every phase of the compiler reports
 * its work here (tokens lexed and expanded, syntax and IR nodes built, instantiations, nesting)
 * and calls {@link #checkpoint} in its loops, which reads the clock and the thread's interrupt
 * flag every {@value #CLOCK_EVERY} calls, so a compile stops within a few milliseconds of its
 * deadline or of an interrupt.
 *
 * <p>The compile that is running on a thread installs its budget ({@link #install}); the phases
 * find it with {@link #current}, so the compiler's many small classes need no extra parameter.
 * Outside a compile (a unit test calling a phase directly) {@link #current} is unlimited. A budget
 * belongs to one thread and one compile; it is not thread-safe.
 */
public final class CompileBudget {
    /** Checkpoints between two reads of the clock: a read costs ~20 ns, a checkpoint ~1 ns. */
    static final int CLOCK_EVERY = 256;

    private static final ThreadLocal<CompileBudget> CURRENT = new ThreadLocal<>();

    private final long[] max = new long[CompileLimit.values().length];
    private final boolean enforced;
    private final long startNanos;
    private final long deadlineNanos;
    private final SourcePos start;
    private int ticks;
    private long lexedTokens;
    private long outputTokens;
    private long macroTokens;
    private long astNodes;
    private long irNodes;
    private long instantiations;
    private long staticData;
    private long sharedMemory;
    private CompileLimitException tripped;

    /**
     * @param values the effective value of every limit but {@link CompileLimit#TIME}
     * @param timeLimitMillis the compile's time limit; the deadline is counted from now
     * @param start where to report a limit hit when no better position is known (the main file's start)
     */
    public CompileBudget(Map<CompileLimit, Long> values, long timeLimitMillis, SourcePos start) {
        this(values, timeLimitMillis, start, true);
    }

    private CompileBudget(Map<CompileLimit, Long> values, long timeLimitMillis, SourcePos start, boolean enforced) {
        for (CompileLimit l : CompileLimit.values()) {
            max[l.ordinal()] = l == CompileLimit.TIME ? timeLimitMillis : values.getOrDefault(l, Long.MAX_VALUE);
        }
        this.enforced = enforced;
        this.start = start;
        this.startNanos = System.nanoTime();
        long nanos = timeLimitMillis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE / 2 : timeLimitMillis * 1_000_000;
        this.deadlineNanos = startNanos + nanos;
    }

    /** A budget that never stops anything: what phases see outside a compile started by the {@code KernelCompiler}. */
    public static CompileBudget unlimited() {
        return new CompileBudget(new EnumMap<>(CompileLimit.class), Long.MAX_VALUE, SourcePos.BUILTIN, false);
    }

    /** The budget of the compile running on this thread, or an unlimited one. */
    public static CompileBudget current() {
        CompileBudget b = CURRENT.get();
        return b != null ? b : unlimited();
    }

    /** Makes this the current budget of this thread until the returned scope is closed. */
    public Scope install() {
        CompileBudget previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** An installed budget; closing it restores the one installed before. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** The effective value of a limit (milliseconds for {@link CompileLimit#TIME}). */
    public long limit(CompileLimit limit) {
        return max[limit.ordinal()];
    }

    // ------------------------------------------------------------------ time

    /**
     * A cheap point where the compile may be stopped: throws the {@code time} limit once the
     * deadline has passed or the thread was interrupted (the interrupt flag stays set).
     */
    public void checkpoint(SourcePos at) {
        if ((++ticks & (CLOCK_EVERY - 1)) == 0) {
            checkClock(at);
        }
    }

    /** Reads the clock and the interrupt flag now (for the start of a phase or a long step). */
    public void checkClock(SourcePos at) {
        if (!enforced) {
            return;
        }
        if (tripped != null) {
            throw tripped;
        }
        boolean interrupted = Thread.currentThread().isInterrupted();
        long now = System.nanoTime();
        if (interrupted || now - deadlineNanos > 0) {
            long elapsedMillis = (now - startNanos) / 1_000_000;
            String message = now - deadlineNanos > 0 ? CompileLimit.TIME.exceeded(max[CompileLimit.TIME.ordinal()])
                    : "compile interrupted after " + elapsedMillis + " ms, before its time limit of "
                            + CompileLimit.formatMillis(max[CompileLimit.TIME.ordinal()]) + " (time)";
            throw trip(CompileLimit.TIME, at, message);
        }
    }

    // ------------------------------------------------------------------ sizes

    /**
     * Raises the source-token, syntax-node and IR-node limits by {@code chars}, the length of a
     * built-in header (cuda_fp16.h, cuda/pipeline, ...) included for the first time: fixed text
     * of the compiler's, which should not use up what the request's own size allows (a kernel
     * including both half headers would not fit the smallest requests' limits otherwise). Its
     * characters bound its tokens; the preprocessor credits each header once per compile.
     */
    public void allowLibrary(long chars) {
        for (CompileLimit l : List.of(CompileLimit.SOURCE_TOKENS, CompileLimit.AST_NODES, CompileLimit.IR_NODES)) {
            long m = max[l.ordinal()];
            max[l.ordinal()] = m > Long.MAX_VALUE - chars ? Long.MAX_VALUE : m + chars;
        }
    }

    /**
     * One token lexed at {@code offset} of {@code file}; its position is only computed when the
     * limit is hit (lexers call this for every token). Also a {@link #checkpoint}.
     */
    public void countLexedToken(SourceFile file, int offset) {
        if (++lexedTokens > max[CompileLimit.SOURCE_TOKENS.ordinal()]) {
            throw exceeded(CompileLimit.SOURCE_TOKENS, file.pos(offset), " in the source and its headers");
        }
        if ((++ticks & (CLOCK_EVERY - 1)) == 0) {
            checkClock(file.pos(offset));
        }
    }

    /** One token of the preprocessor's output (what the parser reads). */
    public void countOutputToken(SourcePos at) {
        if (++outputTokens > max[CompileLimit.SOURCE_TOKENS.ordinal()]) {
            throw exceeded(CompileLimit.SOURCE_TOKENS, at, " after preprocessing");
        }
        checkpoint(at);
    }

    /** Tokens a macro expansion pushes back onto the input. */
    public void countMacroTokens(long n, SourcePos at, String macro) {
        macroTokens += n;
        if (macroTokens > max[CompileLimit.MACRO_EXPANSION_TOKENS.ordinal()]) {
            throw exceeded(CompileLimit.MACRO_EXPANSION_TOKENS, at, " while expanding '" + macro + "'");
        }
        checkpoint(at);
    }

    /** A syntax tree node built by the parser. */
    public void countAstNode(SourcePos at) {
        if (++astNodes > max[CompileLimit.AST_NODES.ordinal()]) {
            throw exceeded(CompileLimit.AST_NODES, at, "");
        }
        checkpoint(at);
    }

    /** Kernel IR nodes built; {@code function} names what is being lowered, for the message. */
    public void countIrNodes(long n, SourcePos at, String function) {
        addIrNodes(n, at, function == null ? "" : " while lowering '" + function + "'");
    }

    private void addIrNodes(long n, SourcePos at, String context) {
        irNodes += n;
        if (irNodes > max[CompileLimit.IR_NODES.ordinal()]) {
            throw exceeded(CompileLimit.IR_NODES, at, context);
        }
        checkpoint(at);
    }

    /** A nesting level reached (parser, PTX structuring, IR). */
    public void checkNesting(int depth, SourcePos at) {
        if (depth > max[CompileLimit.NESTING_DEPTH.ordinal()]) {
            throw exceeded(CompileLimit.NESTING_DEPTH, at, "");
        }
    }

    /** An {@code #include} at the given depth. */
    public void checkIncludeDepth(int depth, SourcePos at, String file) {
        if (depth > max[CompileLimit.INCLUDE_DEPTH.ordinal()]) {
            throw exceeded(CompileLimit.INCLUDE_DEPTH, at, " while including '" + file + "'");
        }
    }

    /** A new template instance (function or struct) at the given instantiation depth. */
    public void countInstantiation(int depth, SourcePos at, String name) {
        if (depth > max[CompileLimit.TEMPLATE_DEPTH.ordinal()]) {
            throw exceeded(CompileLimit.TEMPLATE_DEPTH, at, " while instantiating '" + name + "'");
        }
        if (++instantiations > max[CompileLimit.TEMPLATE_INSTANTIATIONS.ordinal()]) {
            throw exceeded(CompileLimit.TEMPLATE_INSTANTIATIONS, at, " while instantiating '" + name + "'");
        }
        checkpoint(at);
    }

    /** A {@code __device__}/{@code __constant__} variable of {@code bytes}, checked before its bytes exist. */
    public void countStaticData(long bytes, SourcePos at, String variable) {
        staticData += Math.max(0, bytes);
        if (staticData > max[CompileLimit.STATIC_DATA_BYTES.ordinal()]) {
            throw exceeded(CompileLimit.STATIC_DATA_BYTES, at, " with variable '" + variable + "'");
        }
    }

    /**
     * Initial bytes of a variable, which the module carries as a data segment: emitted output like
     * code, so they count as IR nodes, one per {@value #INITIAL_BYTES_PER_IR_NODE} bytes (a 1 KiB
     * source cannot make the compiler build a 60 MiB data segment from {@code = {1}}).
     */
    public void countInitialData(long bytes, SourcePos at, String variable) {
        addIrNodes((Math.max(0, bytes) + INITIAL_BYTES_PER_IR_NODE - 1) / INITIAL_BYTES_PER_IR_NODE, at,
                " with the initial data of '" + variable + "' (" + INITIAL_BYTES_PER_IR_NODE + " bytes count as a node)");
    }

    /** Bytes of initialized static data that count as one IR node. */
    public static final int INITIAL_BYTES_PER_IR_NODE = 16;

    /** A statically sized {@code __shared__} variable of {@code bytes}. */
    public void countSharedMemory(long bytes, SourcePos at, String variable) {
        sharedMemory += Math.max(0, bytes);
        if (sharedMemory > max[CompileLimit.SHARED_MEMORY_BYTES.ordinal()]) {
            throw exceeded(CompileLimit.SHARED_MEMORY_BYTES, at, " with variable '" + variable + "'");
        }
    }

    // ------------------------------------------------------------------ reporting

    private CompileLimitException exceeded(CompileLimit limit, SourcePos at, String context) {
        return trip(limit, at, limit.exceeded(max[limit.ordinal()]) + context);
    }

    private CompileLimitException trip(CompileLimit limit, SourcePos at, String message) {
        if (tripped == null || !enforced) {
            SourcePos pos = at != null ? at : start;
            tripped = new CompileLimitException(limit, max[limit.ordinal()], Diagnostic.error(pos, message));
        }
        return tripped;
    }

    /**
     * The limit this compile hit, reported at {@code at} instead, its message prefixed (inline
     * assembly: at the asm statement rather than inside its template, whose text is no file).
     */
    public CompileLimitException relocate(CompileLimitException hit, SourcePos at, String prefix) {
        CompileLimitException moved = new CompileLimitException(hit.limit(), hit.limitValue(),
                Diagnostic.error(at, prefix + hit.first().message()));
        if (tripped == hit) {
            tripped = moved;
        }
        return moved;
    }

    /** The limit this compile hit first, if any (a later phase that swallowed it cannot hide it). */
    public CompileLimitException tripped() {
        return tripped;
    }
}
