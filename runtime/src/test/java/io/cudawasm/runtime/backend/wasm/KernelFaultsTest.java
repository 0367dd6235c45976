package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.launch.Cancellation;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kernels that go wrong are stopped and reported with the kernel's name; the back end keeps
 * running other launches afterwards.
 */
class KernelFaultsTest {
    private static final String SOURCE = """
            __global__ void oob(float* a, int offset) { a[threadIdx.x + offset] = 1.0f; }
            __global__ void divide(int* a, int d) { a[threadIdx.x] = 100 / d; }
            __global__ void spin(int* flag) { while (flag[0] == 0) { } }
            __global__ void trap(int* a) { if (threadIdx.x == 3) __trap(); a[threadIdx.x] = 1; }
            __global__ void checked(int* a) { assert(a[0] == 42); a[1] = 7; }
            __device__ int depth(int n) { int pad[64]; pad[n & 63] = n; return n == 0 ? 0 : 1 + depth(n - 1) + pad[n & 63] - n; }
            __global__ void recurse(int* out, int n) { out[0] = depth(n); }
            __global__ void fill(int* a, int v) { a[blockIdx.x * blockDim.x + threadIdx.x] = v; }
            """;

    private static LaunchException fail(KernelHarness h, String kernel, Object... args) {
        return assertThrows(LaunchException.class, () -> h.launch(kernel, Dim3.of(1), Dim3.of(32), args));
    }

    private static void assertStillWorks(KernelHarness h) {
        DeviceBuffer b = h.buffer(new int[64]);
        h.launch("fill", Dim3.of(2), Dim3.of(32), b, 9);
        int[] expected = new int[64];
        java.util.Arrays.fill(expected, 9);
        assertArrayEquals(expected, h.ints(b), "the session keeps working after a failed launch");
    }

    @Test
    void outOfBoundsAccessIsTrappedAndNamed() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer a = h.buffer(new float[32]);
            LaunchException e = fail(h, "oob", a, 1 << 26);
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure());
            assertEquals("oob", e.kernel());
            assertTrue(e.getMessage().contains("kernel 'oob'"), e.getMessage());
            assertStillWorks(h);
        }
    }

    @Test
    void integerDivisionByZeroIsTrapped() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 1)) {
            LaunchException e = fail(h, "divide", h.buffer(new int[32]), 0);
            assertEquals(LaunchFailure.DIVIDE_BY_ZERO, e.failure());
            assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
            assertStillWorks(h);
        }
    }

    @Test
    void trapAndFailedAssertReportTheSourceLine() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 1)) {
            LaunchException e = fail(h, "trap", h.buffer(new int[32]));
            assertEquals(LaunchFailure.TRAP, e.failure());
            assertTrue(e.getMessage().contains("test.cu:4"), e.getMessage());
            DeviceBuffer a = h.buffer(new int[] {41, 0});
            LaunchException assertion = fail(h, "checked", a);
            assertEquals(LaunchFailure.TRAP, assertion.failure());
            assertTrue(assertion.getMessage().contains("test.cu:5"), assertion.getMessage());
            DeviceBuffer ok = h.buffer(new int[] {42, 0});
            h.launch("checked", Dim3.of(1), Dim3.of(1), ok);
            assertEquals(7, h.ints(ok)[1], "a passing assert lets the kernel continue");
        }
    }

    @Test
    void runawayKernelIsStoppedByItsTimeLimit() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer flag = h.buffer(new int[1]);
            long start = System.nanoTime();
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("spin",
                    LaunchConfig.of(Dim3.of(4), Dim3.of(32)), LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(300)),
                    flag));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(LaunchFailure.TIMEOUT, e.failure());
            assertTrue(e.getMessage().contains("300 ms"), e.getMessage());
            assertTrue(elapsedMs < 30_000, "stopped promptly, took " + elapsedMs + " ms");
            assertStillWorks(h);
        }
    }

    @Test
    void runningKernelCanBeCancelled() throws Exception {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer flag = h.buffer(new int[1]);
            Cancellation cancel = new Cancellation();
            CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
                try {
                    h.launch("spin", LaunchConfig.of(Dim3.of(2), Dim3.of(32)),
                            LaunchOptions.DEFAULT.withCancellation(cancel), flag);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            // cancel repeatedly until the launch reports back: the first call may come before it starts
            Throwable t = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (t == null && System.nanoTime() < deadline) {
                cancel.cancel();
                try {
                    t = result.get(50, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // keep waiting
                }
            }
            assertTrue(t instanceof LaunchException, "expected a LaunchException, got " + t);
            assertEquals(LaunchFailure.CANCELLED, ((LaunchException) t).failure());
            assertStillWorks(h);
        }
    }

    @Test
    void deepRecursionOverflowsTheStackCleanly() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 1)) {
            DeviceBuffer out = h.buffer(new int[1]);
            h.launch("recurse", Dim3.of(1), Dim3.of(1), out, 10);
            assertEquals(10, h.ints(out)[0], "moderate recursion works");
            LaunchException e = assertThrows(LaunchException.class,
                    () -> h.launch("recurse", Dim3.of(1), Dim3.of(1), out, 100_000));
            assertEquals(LaunchFailure.STACK_OVERFLOW, e.failure());
            assertStillWorks(h);
        }
    }

    @Test
    void wrongArgumentsAreRejectedBeforeRunning() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 1)) {
            LaunchException missing = assertThrows(LaunchException.class,
                    () -> h.launch("fill", Dim3.of(1), Dim3.of(1), h.buffer(new int[1])));
            assertEquals(LaunchFailure.INVALID_LAUNCH, missing.failure());
            assertTrue(missing.getMessage().contains("takes 2 arguments, 1 given"), missing.getMessage());
            LaunchException notBuffer = assertThrows(LaunchException.class,
                    () -> h.launch("fill", Dim3.of(1), Dim3.of(1), 5, 9));
            assertTrue(notBuffer.getMessage().contains("argument 'a'") && notBuffer.getMessage().contains("pass a buffer"),
                    notBuffer.getMessage());
            LaunchException unknown = assertThrows(LaunchException.class,
                    () -> h.launch("nope", Dim3.of(1), Dim3.of(1)));
            assertTrue(unknown.getMessage().contains("no kernel named 'nope'"), unknown.getMessage());
            assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(Dim3.of(1), Dim3.of(2048)));
        }
    }
}
