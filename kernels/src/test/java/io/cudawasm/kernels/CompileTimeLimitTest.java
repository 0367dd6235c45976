package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileLimit;
import io.cudawasm.kernels.source.CompileLimitException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The time limit really stops the compiler: at its deadline, and when another thread interrupts
 * the compiling one (what the worker's compile pool does on its own timeout), within 100 ms.
 */
class CompileTimeLimitTest {
    /**
     * How late a stop after an interrupt may come: checkpoints read the clock and the flag every 256
     * small steps, well under a millisecond apart; the rest is scheduling on a loaded machine.
     */
    private static final long REACTION_MS = 100;
    /** The same for the deadline, which the compile thread may notice a time slice late on a loaded machine. */
    private static final long DEADLINE_SLACK_MS = 250;

    /**
     * A legal kernel that takes seconds to compile within the default limits: 40,000 statements
     * (900 KB, 520,000 tokens, 480,000 IR nodes) in one kernel.
     */
    private static final CompileRequest SLOW = slowRequest();

    private static CompileRequest slowRequest() {
        StringBuilder sb = new StringBuilder("__global__ void slow(int* x, int i) {\n");
        for (int j = 0; j < 40_000; j++) {
            sb.append("    x[i] = x[i] * 2 + i;\n");
        }
        return CompileRequest.of("slow.cu", sb.append("}\n").toString());
    }

    /** Generous limits for the slow source, which is bigger than the default source-tokens limit allows. */
    private static final CompileLimits GENEROUS = CompileLimits.defaults().withSourceTokens(2_000_000)
            .withAstNodes(2_000_000).withIrNodes(4_000_000);

    @BeforeAll
    static void warmUp() {
        LimitProbe.warmUp();
    }

    @Test
    void theSlowSourceReallyIsSlow() {
        long start = System.nanoTime();
        CompileResult r = KernelCompiler.compile(SLOW, GENEROUS.withTimeLimit(Duration.ofMinutes(2)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertNotNull(r.wasm());
        assertTrue(ms > 600, "took " + ms + " ms: slow enough for the deadline tests below");
    }

    @Test
    void theDeadlineStopsACompile() {
        long limit = 300;
        long start = System.nanoTime();
        LimitProbe.Outcome o = LimitProbe.compile(SLOW, GENEROUS.withTimeLimit(Duration.ofMillis(limit)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(o.error() instanceof CompileLimitException, () -> "stopped by a limit: " + o);
        CompileLimitException e = (CompileLimitException) o.error();
        assertEquals(CompileLimit.TIME, e.limit());
        assertEquals(limit, e.limitValue());
        assertEquals("compile time limit of 300 ms exceeded (time)", e.first().message());
        assertEquals("slow.cu", e.first().file(), "the diagnostic is where the compiler was");
        assertTrue(ms >= limit && ms < limit + DEADLINE_SLACK_MS, "stopped after " + ms + " ms");
    }

    @Test
    void anInterruptStopsACompileWithin100Ms() throws InterruptedException {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicLong endedAt = new AtomicLong();
        Thread compiler = new Thread(() -> {
            try {
                KernelCompiler.compile(SLOW, GENEROUS.withTimeLimit(Duration.ofMinutes(2)));
            } catch (CompileException e) {
                outcome.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            } finally {
                endedAt.set(System.nanoTime());
            }
        }, "compile-under-test");
        compiler.start();
        // wait, with a deadline, until the compile is well under way (it has allocated 40 MB)
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (LimitProbe.allocatedBy(compiler) < (40L << 20) && compiler.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "the compile got under way");
            Thread.onSpinWait();
        }
        assertTrue(compiler.isAlive(), "still compiling when interrupted");
        long interruptedAt = System.nanoTime();
        compiler.interrupt();
        compiler.join(10_000);
        long reaction = (endedAt.get() - interruptedAt) / 1_000_000;
        assertTrue(outcome.get() instanceof CompileLimitException, "stopped by a limit: " + outcome.get());
        CompileLimitException e = (CompileLimitException) outcome.get();
        assertEquals(CompileLimit.TIME, e.limit());
        assertTrue(e.first().message().startsWith("compile interrupted after "), e.first().message());
        assertTrue(e.first().message().endsWith("before its time limit of 120 s (time)"), e.first().message());
        assertTrue(reaction < REACTION_MS, "stopped " + reaction + " ms after the interrupt");
        assertTrue(stillInterrupted.get(), "the interrupt flag stays set for the caller to see");
    }

    @Test
    void anAlreadyInterruptedThreadDoesNotStartCompiling() {
        Thread.currentThread().interrupt();
        try {
            LimitProbe.Outcome o = LimitProbe.compile("a.cu", "__global__ void k(int* p) { p[0] = 1; }");
            assertTrue(o.error() instanceof CompileLimitException e && e.limit() == CompileLimit.TIME, () -> "" + o);
            assertEquals("a.cu:1:1", o.error().first().file() + ":" + o.error().first().line() + ":"
                    + o.error().first().column());
        } finally {
            assertTrue(Thread.interrupted(), "the flag is left set");
        }
    }
}
