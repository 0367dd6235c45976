package io.cudawasm.runtime.executor;

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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Faulting kernels run against one device's executor, each followed by a job that must come out
 * right: out-of-bounds writes and reads, a null write, a kernel that never ends, a trap and a kill
 * -9 of the executor in mid-launch. On a GPU the wild accesses are CUDA's illegal address, a
 * sticky error that leaves the context unusable, so the executor must be replaced; on PoCL they
 * crash the executor outright. {@code scripts/gpu-check.sh} runs it on every NVIDIA GPU;
 * {@code FaultDrillTest} runs it on PoCL. It ends five executors on purpose: give the back end a
 * crash-loop limit above that.
 */
public final class FaultDrill {
    /** What a wild access may fail as: a crash of the executor (PoCL) or CUDA's illegal address. */
    private static final Set<LaunchFailure> WILD = Set.of(LaunchFailure.CRASH, LaunchFailure.OUT_OF_BOUNDS,
            LaunchFailure.DEVICE_ERROR);
    private static final String CHECK = """
            __global__ void triple(int* x, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) x[i] = 3 * i + 1;
            }
            """;

    private final ExecutorBackend backend;

    /** One scenario's outcome, as a line of the GPU check prints it. */
    public record Outcome(String scenario, boolean passed, String detail) {
        public String format() {
            return String.format(java.util.Locale.ROOT, "fault %-22s %-5s %s", scenario, passed ? "PASS" : "FAIL",
                    detail);
        }
    }

    public FaultDrill(ExecutorBackend backend) {
        this.backend = backend;
    }

    /** Every scenario in turn; each one's outcome includes whether the next job was right. */
    public List<Outcome> run() {
        List<Outcome> out = new ArrayList<>();
        out.add(expect("baseline", () -> null, Set.of(), false));
        out.add(expect("out-of-bounds write", () -> launch("__global__ void k(int* x) { x[1L << 38] = 7; }", false,
                null), WILD, true));
        out.add(expect("out-of-bounds read", () -> launch("__global__ void k(int* x) { x[0] = x[1L << 38]; }", false,
                null), WILD, true));
        out.add(expect("null write", () -> launch("__global__ void k(int* x) { x[threadIdx.x] = 1; }", true, null),
                WILD, true));
        out.add(expect("endless loop", () -> launch(
                "__global__ void k(volatile int* x) { while (1) { x[0] = x[0] + 1; } }", false, Duration.ofSeconds(1)),
                Set.of(LaunchFailure.TIMEOUT), true));
        out.add(expect("trap", () -> launch("__global__ void k(int* x) { if (threadIdx.x == 0) __trap(); x[0] = 1; }",
                false, null), Set.of(LaunchFailure.TRAP), false));
        out.add(expect("kill -9 mid-launch", this::killMidLaunch, Set.of(LaunchFailure.DEVICE_LOST), true));
        return out;
    }

    private interface Scenario {
        LaunchException run();
    }

    /**
     * Runs a scenario: it must fail with one of {@code expected} (nothing when empty), the executor
     * must have been replaced exactly when {@code restarts} says, and a job right after it must
     * give the right numbers.
     */
    private Outcome expect(String name, Scenario scenario, Set<LaunchFailure> expected, boolean restarts) {
        try {
            checkJob();
            long before = backend.supervisor().pid();
            LaunchException e = scenario.run();
            String failure = e == null ? "none" : e.failure().name();
            if (expected.isEmpty() ? e != null : e == null || !expected.contains(e.failure())) {
                return new Outcome(name, false, "expected " + (expected.isEmpty() ? "no failure" : expected) + ", got "
                        + failure + (e == null ? "" : ": " + e.getMessage()));
            }
            checkJob();
            long after = backend.supervisor().pid();
            if (restarts == (before == after)) {
                return new Outcome(name, false, "the executor was " + (restarts ? "not " : "") + "replaced (pid "
                        + before + " -> " + after + ")");
            }
            return new Outcome(name, true, failure + (restarts ? ", executor replaced (pid " + before + " -> " + after
                    + ")" : "") + ", next job right");
        } catch (RuntimeException | AssertionError e) {
            return new Outcome(name, false, e.toString());
        }
    }

    private DeviceSession open(String source) {
        CompileRequest request = CompileRequest.of("drill.cu", source);
        return backend.open(KernelCompiler.compile(request), request);
    }

    /** The launch's failure, or null when it completed. */
    private LaunchException launch(String source, boolean nullPointer, Duration limit) {
        try (DeviceSession s = open(source)) {
            DeviceBuffer b = s.allocate(64);
            s.launch("k", LaunchConfig.of(Dim3.of(1), Dim3.of(32)), List.of(nullPointer ? KernelArg.of(0)
                    : KernelArg.of(b)), new LaunchOptions(limit, 0, null));
            return null;
        } catch (LaunchException e) {
            return e;
        }
    }

    private LaunchException killMidLaunch() {
        long pid = backend.supervisor().pid();
        CompletableFuture<LaunchException> running = CompletableFuture.supplyAsync(() -> launch(
                "__global__ void k(volatile int* x) { while (1) { x[0] = x[0] + 1; } }", false, Duration.ofSeconds(60)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"launch of kernel 'k'".equals(backend.supervisor().activity())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the endless kernel did not start within 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        return running.join();
    }

    /** x[i] = 3i + 1 for 100 000 ints, checked element by element. */
    private void checkJob() {
        int n = 100_000;
        try (DeviceSession s = open(CHECK)) {
            DeviceBuffer x = s.allocate(4L * n);
            s.launch("triple", LaunchConfig.of(Dim3.of((n + 255) / 256), Dim3.of(256)), List.of(KernelArg.of(x),
                    KernelArg.of(n)), LaunchOptions.DEFAULT);
            ByteBuffer b = ByteBuffer.wrap(s.read(x, 0, 4 * n)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                if (b.getInt(4 * i) != 3 * i + 1) {
                    throw new AssertionError("x[" + i + "] = " + b.getInt(4 * i) + ", not " + (3 * i + 1));
                }
            }
        }
    }
}
