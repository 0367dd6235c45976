package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.CompileLimitException;
import io.cudawasm.kernels.source.Diagnostic;
import java.lang.management.ManagementFactory;

/**
 * Runs one compile on the calling thread and measures what it cost: wall time and the bytes the
 * thread allocated ({@code com.sun.management.ThreadMXBean}), garbage included.
 */
final class LimitProbe {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** What a compile came to. */
    record Outcome(CompileResult result, CompileException error, long allocatedBytes, long millis) {

        /** Asserts the compile stopped at {@code limit}, with the diagnostic at file:line:column naming it. */
        CompileLimitException refusedBy(CompileLimit limit, String file, int line, int column) {
            if (!(error instanceof CompileLimitException e)) {
                throw new AssertionError("expected the " + limit.key() + " limit, got "
                        + (error == null ? "a successful compile" : error.formatted()));
            }
            Diagnostic d = e.first();
            assertEquals(limit, e.limit(), d.toString());
            assertEquals(file + ":" + line + ":" + column, d.file() + ":" + d.line() + ":" + d.column(), d.toString());
            assertTrue(d.message().contains("(" + limit.key() + ")"), "the message names the limit: " + d.message());
            if (limit != CompileLimit.TIME) {
                assertTrue(d.message().contains(Long.toString(e.limitValue())), "the message gives the value: " + d.message());
            }
            return e;
        }

        /** Asserts an ordinary error (not a limit) at file:line:column whose message contains {@code part}. */
        void failedWith(String file, int line, int column, String part) {
            if (error == null || error instanceof CompileLimitException) {
                fail("expected an error '" + part + "', got " + (error == null ? "a successful compile" : error.formatted()));
            }
            Diagnostic d = error.first();
            assertEquals(file + ":" + line + ":" + column, d.file() + ":" + d.line() + ":" + d.column(), d.toString());
            assertTrue(d.message().contains(part), d.message());
        }

        Outcome allocatedBelow(long bytes) {
            assertTrue(allocatedBytes < bytes, "allocated " + allocatedBytes / 1024 + " KiB, bound " + bytes / 1024 + " KiB");
            return this;
        }

        Outcome tookBelow(long ms) {
            assertTrue(millis < ms, "took " + millis + " ms, bound " + ms + " ms");
            return this;
        }
    }

    private LimitProbe() {}

    static Outcome compile(CompileRequest request, CompileLimits limits) {
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        CompileResult result = null;
        CompileException error = null;
        try {
            result = KernelCompiler.compile(request, limits);
        } catch (CompileException e) {
            error = e;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Outcome(result, error, THREADS.getCurrentThreadAllocatedBytes() - bytes, millis);
    }

    static Outcome compile(String fileName, String source) {
        return compile(CompileRequest.of(fileName, source), CompileLimits.defaults());
    }

    static long allocatedBy(Thread t) {
        return THREADS.getThreadAllocatedBytes(t.getId());
    }

    /**
     * The first compile in a JVM loads and initializes the compiler's classes and tables (about 7 MB
     * of allocation once); measurements are of the compiles after it.
     */
    static void warmUp() {
        for (String name : KernelLibrary.names()) {
            KernelCompiler.compile(CompileRequest.of(name + ".cu", KernelLibrary.source(name).orElseThrow()));
        }
    }
}
