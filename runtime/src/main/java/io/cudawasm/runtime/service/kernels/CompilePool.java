package io.cudawasm.runtime.service.kernels;

import io.cudawasm.runtime.service.admission.ByteBudget;
import io.cudawasm.runtime.service.config.CompileSettings;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the worker compiles for requests: a few threads of their own with a short queue, so
 * compiles never run on (or exhaust) HTTP threads, a heap budget that each compile reserves its
 * estimated bound from before it starts, and a time limit after which the compiler is
 * interrupted. A full queue is a {@link CompileRejectedException} (429), a compile bigger than the
 * whole budget one as well (413).
 */
public final class CompilePool implements AutoCloseable {
    private final CompileSettings settings;
    private final ThreadPoolExecutor threads;
    private final ByteBudget heap;
    /** Moving average of compile times, for Retry-After. */
    private volatile double averageSeconds = 0.05;

    public CompilePool(CompileSettings settings) {
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(settings.threads(), settings.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.maxQueued())), r -> {
                    Thread t = new Thread(r, "cuda-wasm-compile-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.heap = new ByteBudget("compile heap", settings.heapBytes());
    }

    public CompileSettings settings() {
        return settings;
    }

    public ByteBudget heap() {
        return heap;
    }

    public int queued() {
        return threads.getQueue().size();
    }

    public int active() {
        return threads.getActiveCount();
    }

    /**
     * Runs {@code work} on the pool and waits for it. The compiler itself stops at its time limit;
     * the pool interrupts it as well when it overruns, and gives up waiting shortly after.
     *
     * @param heapBytes the compile's estimated heap bound
     * @throws CompileRejectedException when the queue is full or the compile can never fit
     * @throws CompileTimeoutException when the compile did not end within its time limit
     */
    public <T> T run(long heapBytes, Callable<T> work) throws InterruptedException {
        if (!heap.fits(heapBytes)) {
            throw new CompileRejectedException(CompileRejectedException.TOO_LARGE, "compiling this source may need "
                    + heapBytes + " bytes of heap, more than the " + heap.capacity() + " this worker gives all compiles "
                    + "together (CUDA_WASM_COMPILE_HEAP_BYTES); send a smaller source", 0,
                    Map.of("bytes", heapBytes, "limit", heap.capacity(), "variable", "CUDA_WASM_COMPILE_HEAP_BYTES"));
        }
        long limitNanos = settings.timeLimit().toNanos();
        Future<T> future;
        try {
            future = threads.submit(() -> compile(heapBytes, limitNanos, work));
        } catch (RejectedExecutionException e) {
            throw busy();
        }
        // The wait covers the compiles queued ahead (each bounded by the limit) and this one.
        long waitNanos = limitNanos * (2 + (long) Math.ceil((double) settings.maxQueued() / settings.threads()));
        try {
            return future.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("compile failed: " + cause, cause);
        } catch (TimeoutException | CancellationException e) {
            future.cancel(true);
            throw new CompileTimeoutException(settings.timeLimit());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private <T> T compile(long heapBytes, long limitNanos, Callable<T> work) throws Exception {
        // Room in the heap budget: compiles ahead of this one end within their limit.
        if (!heap.reserve(heapBytes, limitNanos, TimeUnit.NANOSECONDS)) {
            throw busy();
        }
        long start = System.nanoTime();
        Thread me = Thread.currentThread();
        Object lock = new Object();
        boolean[] done = {false};
        // Backs up the compiler's own deadline: an overrunning compile is interrupted (never the
        // next task of this thread: the flag is checked and set under one lock).
        var watchdog = Watchdog.INSTANCE.schedule(() -> {
            synchronized (lock) {
                if (!done[0]) {
                    me.interrupt();
                }
            }
        }, limitNanos + limitNanos / 10, TimeUnit.NANOSECONDS);
        try {
            return work.call();
        } finally {
            synchronized (lock) {
                done[0] = true;
            }
            watchdog.cancel(false);
            Thread.interrupted();
            heap.release(heapBytes);
            averageSeconds = 0.9 * averageSeconds + 0.1 * ((System.nanoTime() - start) / 1e9);
        }
    }

    private CompileRejectedException busy() {
        long waves = 1 + threads.getQueue().size() / Math.max(1, settings.threads());
        long retry = Math.max(1, Math.min(600, (long) Math.ceil(waves * Math.max(averageSeconds, 0.1))));
        return new CompileRejectedException(CompileRejectedException.BUSY, "the worker is compiling "
                + threads.getActiveCount() + " kernels with " + threads.getQueue().size() + " waiting "
                + "(CUDA_WASM_COMPILE_THREADS, CUDA_WASM_MAX_QUEUED_COMPILES); retry later", retry,
                Map.of("threads", settings.threads(), "maxQueued", settings.maxQueued()));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** One timer thread for every pool: interrupts compiles that overrun their limit. */
    private static final class Watchdog {
        static final java.util.concurrent.ScheduledThreadPoolExecutor INSTANCE = create();

        private static java.util.concurrent.ScheduledThreadPoolExecutor create() {
            var s = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "cuda-wasm-compile-watchdog");
                t.setDaemon(true);
                return t;
            });
            s.setRemoveOnCancelPolicy(true);
            return s;
        }
    }
}
