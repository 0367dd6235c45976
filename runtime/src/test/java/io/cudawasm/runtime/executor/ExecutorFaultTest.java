package io.cudawasm.runtime.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.Await;
import io.cudawasm.runtime.testing.HostArrays;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernels that fault on PoCL, run through an executor process: each fails its launch with the
 * documented failure while this JVM (standing in for the worker) carries on, the executor is
 * replaced, and the next launch on the device is right.
 */
class ExecutorFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SAXPY = """
            __global__ void saxpy(int n, float a, const float* x, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = a * x[i] + y[i];
            }
            """;

    private ExecutorBackend opencl;

    @BeforeEach
    void start() {
        opencl = ExecutorTestDevice.opencl(ExecutorTestDevice.settings()
                .withCrashLoop(100, Duration.ofSeconds(60), Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() {
        long pid = opencl.supervisor().pid();
        opencl.close();
        if (pid > 0) {
            Await.until(WAIT, "executor " + pid + " to end", () -> ProcessHandle.of(pid).map(h -> !h.isAlive())
                    .orElse(true));
        }
    }

    private DeviceSession open(String source) {
        CompileRequest request = CompileRequest.of("k.cu", source);
        return opencl.open(KernelCompiler.compile(request), request);
    }

    /** A launch of {@code kernel} in {@code source} on one 4-int buffer (or a null pointer). */
    private LaunchException fault(String source, String kernel, boolean nullPointer, Duration limit) {
        try (DeviceSession s = open(source)) {
            DeviceBuffer b = s.allocate(16);
            KernelArg arg = nullPointer ? KernelArg.of(0) : KernelArg.of(b);
            return assertThrows(LaunchException.class, () -> s.launch(kernel, LaunchConfig.of(Dim3.of(1), Dim3.of(1)),
                    List.of(arg), new LaunchOptions(limit, 0, null)));
        }
    }

    /** saxpy on 1000 floats: the device works and gives the right numbers. */
    private void saxpyIsRight() {
        int n = 1000;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 0.5f;
        }
        try (DeviceSession s = open(SAXPY)) {
            DeviceBuffer dx = s.allocate(4L * n);
            DeviceBuffer dy = s.allocate(4L * n);
            s.write(dx, 0, HostArrays.bytes(x));
            s.write(dy, 0, HostArrays.bytes(y));
            s.launch("saxpy", LaunchConfig.of(Dim3.of(4), Dim3.of(256)), List.of(KernelArg.of(n), KernelArg.of(3.0f),
                    KernelArg.of(dx), KernelArg.of(dy)), LaunchOptions.DEFAULT);
            float[] out = HostArrays.floats(s.read(dy, 0, 4 * n));
            for (int i = 0; i < n; i++) {
                assertEquals(3f * i + 0.5f, out[i], "y[" + i + "]");
            }
        }
    }

    private void assertCrash(LaunchException e, String kernel) {
        assertEquals(LaunchFailure.CRASH, e.failure(), e.getMessage());
        assertEquals(kernel, e.kernel());
        assertTrue(e.getMessage().contains("while running kernel '" + kernel + "'"), e.getMessage());
    }

    @Test
    void outOfBoundsWriteCrashesOnlyTheExecutor() {
        saxpyIsRight();
        long before = opencl.supervisor().pid();
        LaunchException e = fault("__global__ void k(int* x) { x[1L << 38] = 7; }", "k", false, null);
        assertCrash(e, "k");
        assertTrue(e.getMessage().contains("SIGSEGV"), e.getMessage());
        saxpyIsRight();
        assertNotEquals(before, opencl.supervisor().pid(), "a fresh executor runs");
        ExecutorStatus st = opencl.supervisor().status();
        assertEquals("running", st.state());
        assertEquals(1, st.deaths());
        assertTrue(st.lastExit().contains("SIGSEGV"), st.lastExit());
    }

    /** The socket and the jobs' buffers sit in a folder only this user may enter (/dev/shm is shared). */
    @Test
    void theExecutorsFolderIsTheOwnersOnly() throws Exception {
        saxpyIsRight();
        java.nio.file.Path folder = opencl.supervisor().folder();
        org.junit.jupiter.api.Assertions.assertNotNull(folder, "an executor runs");
        org.junit.jupiter.api.Assertions.assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions
                .toString(java.nio.file.Files.getPosixFilePermissions(folder)));
    }

    /**
     * Each executor has a folder of its own, also across back ends of one device in one JVM: tests
     * (and a worker's back ends) each count their executors from one, and the folder of the previous
     * test's executor, removed once that process had died, was the next test's (its control socket
     * vanished: "control channel failed: No such file or directory").
     */
    @Test
    void everyExecutorHasAFolderOfItsOwn() {
        saxpyIsRight();
        java.nio.file.Path mine = opencl.supervisor().folder();
        ExecutorBackend other = ExecutorTestDevice.opencl(ExecutorTestDevice.settings());
        try {
            CompileRequest request = CompileRequest.of("k.cu", SAXPY);
            other.open(KernelCompiler.compile(request), request).close();
            java.nio.file.Path theirs = other.supervisor().folder();
            org.junit.jupiter.api.Assertions.assertNotNull(theirs, "the second back end's executor runs");
            org.junit.jupiter.api.Assertions.assertNotEquals(mine, theirs);
        } finally {
            other.close();
        }
        saxpyIsRight();
    }

    @Test
    void outOfBoundsReadCrashesOnlyTheExecutor() {
        LaunchException e = fault("__global__ void k(int* x) { x[0] = x[1L << 38]; }", "k", false, null);
        assertCrash(e, "k");
        saxpyIsRight();
    }

    @Test
    void nullPointerWriteCrashesOnlyTheExecutor() {
        LaunchException e = fault("__global__ void k(int* x) { x[threadIdx.x] = 1; }", "k", true, null);
        assertCrash(e, "k");
        saxpyIsRight();
    }

    @Test
    void issueReproducersNeverTakeThisProcessDown() {
        // x[1 << 28] and x[-(1 << 26)] land somewhere in the executor's address space: most often
        // unmapped (SIGSEGV), now and then in memory it owns. Either way only the executor is hurt.
        for (String index : List.of("1 << 28", "-(1 << 26)")) {
            try (DeviceSession s = open("__global__ void k(int* x) { x[" + index + "] = 7; }")) {
                DeviceBuffer b = s.allocate(16);
                try {
                    s.launch("k", LaunchConfig.of(Dim3.of(1), Dim3.of(1)), List.of(KernelArg.of(b)),
                            LaunchOptions.DEFAULT);
                } catch (LaunchException e) {
                    assertCrash(e, "k");
                }
            } catch (LaunchException e) {
                // the session's close after a crash: nothing to release
            }
            saxpyIsRight();
        }
    }

    @Test
    void infiniteLoopIsStoppedByReplacingTheExecutor() {
        long before = opencl.supervisor().pid();
        LaunchException e = fault("__global__ void spin(volatile int* x) { while (1) { x[0] = x[0] + 1; } }", "spin",
                false, Duration.ofMillis(500));
        assertEquals(LaunchFailure.TIMEOUT, e.failure(), e.getMessage());
        saxpyIsRight();
        assertNotEquals(before, opencl.supervisor().pid(), "the spinning executor was replaced");
        assertTrue(opencl.supervisor().status().lastExit().startsWith("reset after kernel 'spin' failed"),
                opencl.supervisor().status().lastExit());
    }

    @Test
    void abortOfTheExecutorFailsTheLaunchAsACrash() {
        saxpyIsRight();
        opencl.supervisor().armCrash("halt");
        LaunchException e = fault("__global__ void k(int* x) { x[0] = 1; }", "k", false, null);
        assertCrash(e, "k");
        assertTrue(e.getMessage().contains("SIGABRT"), e.getMessage());
        saxpyIsRight();
    }

    @Test
    void nativeSegfaultOfTheExecutorNamesTheSignal() {
        opencl.supervisor().armCrash("segv");
        LaunchException e = fault("__global__ void k(int* x) { x[0] = 1; }", "k", false, null);
        assertCrash(e, "k");
        assertTrue(e.getMessage().contains("died with SIGSEGV"), e.getMessage());
        saxpyIsRight();
    }

    @Test
    void killMinusNineMidLaunchIsADeviceLoss() throws Exception {
        saxpyIsRight();
        long pid = opencl.supervisor().pid();
        CompletableFuture<LaunchException> launch = CompletableFuture.supplyAsync(() -> fault(
                "__global__ void spin(volatile int* x) { while (1) { x[0] = x[0] + 1; } }", "spin", false,
                Duration.ofSeconds(60)));
        Await.until(WAIT, "the spin kernel to run", () -> "launch of kernel 'spin'".equals(opencl.supervisor()
                .activity()));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        LaunchException e = launch.get();
        assertEquals(LaunchFailure.DEVICE_LOST, e.failure(), e.getMessage());
        assertTrue(e.getMessage().contains("SIGKILL"), e.getMessage());
        assertNull(e.getCause(), "the job that was running is not retried");
        saxpyIsRight();
    }

    @Test
    void sessionsOfOtherJobsAreLostAndSaySo() {
        try (DeviceSession bystander = open(SAXPY)) {
            DeviceBuffer b = bystander.allocate(64);
            LaunchException crash = fault("__global__ void k(int* x) { x[1L << 38] = 7; }", "k", false, null);
            assertCrash(crash, "k");
            LaunchException lost = assertThrows(LaunchException.class, () -> bystander.write(b, 0, new byte[64]));
            assertEquals(LaunchFailure.DEVICE_LOST, lost.failure());
            assertInstanceOf(SessionLostException.class, lost.getCause(), "the job runner retries these");
        }
        saxpyIsRight();
    }

    @Test
    void aCrashLoopMakesTheDeviceUnavailableUntilItsCooldownEnds() {
        opencl.close();
        opencl = ExecutorTestDevice.opencl(ExecutorTestDevice.settings()
                .withCrashLoop(3, Duration.ofSeconds(60), Duration.ofSeconds(2)));
        for (int i = 0; i < 3; i++) {
            assertCrash(fault("__global__ void k(int* x) { x[1L << 38] = 7; }", "k", false, null), "k");
        }
        ExecutorStatus st = opencl.supervisor().status();
        assertEquals("unavailable", st.state(), st.toString());
        assertTrue(st.unavailableReason().contains("3 times"), st.unavailableReason());
        LaunchException refused = assertThrows(LaunchException.class, () -> open(SAXPY));
        assertEquals(LaunchFailure.DEVICE_LOST, refused.failure());
        DeviceUnavailableException u = assertInstanceOf(DeviceUnavailableException.class, refused.getCause());
        assertTrue(u.retryAfterSeconds() >= 1 && u.retryAfterSeconds() <= 2, refused.getMessage());
        Await.until(WAIT, "the cooldown to end", () -> opencl.supervisor().available());
        saxpyIsRight();
        assertEquals("running", opencl.supervisor().status().state());
    }
}
