package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.data.BufferSummary;
import io.cudawasm.runtime.executor.DeviceUnavailableException;
import io.cudawasm.runtime.executor.SessionLostException;
import io.cudawasm.runtime.launch.Cancellation;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.graph.GraphConditionalCollector;
import io.cudawasm.runtime.graph.GraphConditionals;
import io.cudawasm.runtime.printf.PrintfCollector;
import io.cudawasm.runtime.printf.PrintfOutput;
import io.cudawasm.runtime.service.kernels.KernelArtifacts;
import io.cudawasm.runtime.service.kernels.LoadedKernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one planned job on its back end: opens a session, fills the buffers, runs the launches in
 * order under the job's time budget, reads the outputs and closes the session. Failures come out
 * as {@link JobFailedException} with a classified {@link JobError}.
 */
final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    /**
     * Runs the job; when it fails only because another job's fault took its native device's
     * executor down while it waited (its session was lost), it runs once more on the fresh
     * executor, within what is left of its time limit.
     */
    JobResult run(JobPlan plan, Cancellation cancellation) {
        long deadline = System.nanoTime() + plan.timeLimit().toNanos();
        try {
            return attempt(plan, cancellation, deadline);
        } catch (JobFailedException e) {
            if (!(e.getCause() instanceof LaunchException le && le.getCause() instanceof SessionLostException)) {
                throw e;
            }
            log.info("job retried on a fresh executor: {}", le.getMessage());
            return attempt(plan, cancellation, deadline);
        }
    }

    private JobResult attempt(JobPlan plan, Cancellation cancellation, long deadline) {
        int launchIndex = -1;
        String kernel = null;
        try (DeviceSession session = open(plan)) {
            Map<String, DeviceBuffer> buffers = new HashMap<>();
            for (BufferPlan b : plan.buffers()) {
                checkCancelled(cancellation);
                byte[] data = b.fill().generate(b.type());
                DeviceBuffer device = session.allocate(b.bytes());
                session.write(device, 0, data);
                buffers.put(b.name(), device);
            }
            List<LaunchStats> stats = new ArrayList<>();
            PrintfCollector printf = PrintfCollector.forModule(plan.kernel().kernel().result(),
                    Math.max(1, plan.printfLimitBytes())).orElse(null);
            PrintfOutput printed = PrintfOutput.EMPTY;
            GraphConditionalCollector graph = GraphConditionalCollector.forModule(plan.kernel().kernel().result())
                    .orElse(null);
            GraphConditionals conditionals = GraphConditionals.EMPTY;
            for (LaunchPlan launch : plan.launches()) {
                launchIndex++;
                kernel = launch.kernel();
                checkCancelled(cancellation);
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new LaunchException(LaunchFailure.TIMEOUT, kernel, "the job's time limit of "
                            + plan.timeLimit().toMillis() + " ms was used up before launch " + launchIndex);
                }
                for (SymbolWrite s : launch.symbols()) {
                    session.writeSymbol(s.symbol(), 0, s.data());
                }
                LaunchOptions options = new LaunchOptions(Duration.ofNanos(remaining), 0, cancellation, plan.memcheck(),
                        launch.cooperative(), launch.independentThreads());
                if (printf != null) {
                    printf.beforeLaunch(session);
                }
                if (graph != null) {
                    graph.beforeLaunch(session);
                }
                try {
                    stats.add(session.launch(kernel, launch.config(), arguments(launch, buffers), options));
                } catch (LaunchException e) {
                    throw new PrintedBeforeFailure(e, printed.append(printedQuietly(printf, session), printf == null
                            ? 1 : printf.limitBytes()));
                }
                if (printf != null) {
                    printed = printed.append(printf.afterLaunch(session), printf.limitBytes());
                }
                if (graph != null) {
                    conditionals = conditionals.then(graph.afterLaunch(session));
                }
            }
            Map<String, OutputData> outputs = new LinkedHashMap<>();
            for (OutputPlan o : plan.outputs()) {
                BufferPlan b = plan.buffers().stream().filter(x -> x.name().equals(o.buffer())).findFirst().orElseThrow();
                byte[] bytes = session.read(buffers.get(o.buffer()), 0, (int) b.bytes());
                long count = b.bytes() / b.type().size();
                outputs.put(o.buffer(), o.format() == OutputFormat.SUMMARY
                        ? new OutputData(b.type(), count, o.format(), null, BufferSummary.of(bytes, b.type(), o.first()))
                        : new OutputData(b.type(), count, o.format(), bytes, null));
            }
            return new JobResult(stats, outputs, printed, conditionals);
        } catch (PrintedBeforeFailure f) {
            JobError error = classify(f.failure, launchIndex, plan);
            if (!f.printed.isEmpty()) {
                Map<String, Object> details = new LinkedHashMap<>(error.details());
                details.put("printf", f.printed.text());
                error = new JobError(error.code(), error.message(), details);
            }
            throw new JobFailedException(error, f.failure);
        } catch (LaunchException e) {
            throw new JobFailedException(classify(e, launchIndex, plan), e);
        } catch (IllegalArgumentException e) {
            throw new JobFailedException(new JobError(JobError.INVALID_JOB, e.getMessage(),
                    launchDetails(launchIndex, kernel)), e);
        } catch (OutOfMemoryError e) {
            throw new JobFailedException(new JobError(JobError.MEMORY, "the worker ran out of memory for this job's "
                    + plan.memoryBytes() + " bytes of buffers", Map.of()), e);
        }
    }

    /** A launch's failure with what the job's kernels printed up to it (CUDA prints that too). */
    private static final class PrintedBeforeFailure extends RuntimeException {
        final transient LaunchException failure;
        final transient PrintfOutput printed;

        PrintedBeforeFailure(LaunchException failure, PrintfOutput printed) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
            this.printed = printed;
        }
    }

    private static PrintfOutput printedQuietly(PrintfCollector printf, DeviceSession session) {
        if (printf == null) {
            return PrintfOutput.EMPTY;
        }
        try {
            return printf.afterLaunch(session);
        } catch (RuntimeException e) {
            return PrintfOutput.EMPTY; // a native session the fault took with it
        }
    }

    /** A session on the job's back end; one in an executor process compiles there from the stored request. */
    private static DeviceSession open(JobPlan plan) {
        LoadedKernel k = plan.kernel().kernel();
        byte[] request = k.artifacts().get(KernelArtifacts.REQUEST);
        return request == null ? plan.backend().backend().open(k.result())
                : plan.backend().backend().open(k.result(), KernelArtifacts.request(request));
    }

    private static void checkCancelled(Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            throw new LaunchException(LaunchFailure.CANCELLED, null, "the job was cancelled");
        }
    }

    private static List<KernelArg> arguments(LaunchPlan launch, Map<String, DeviceBuffer> buffers) {
        List<KernelArg> args = new ArrayList<>(launch.args().size());
        for (ArgPlan a : launch.args()) {
            if (a instanceof ArgPlan.BufferRef ref) {
                args.add(new KernelArg.Buffer(buffers.get(ref.buffer()), ref.offset()));
            } else if (a instanceof ArgPlan.NullPointer) {
                args.add(KernelArg.of(0));
            } else if (a instanceof ArgPlan.Scalar s) {
                args.add(KernelArg.of(s.value()));
            } else if (a instanceof ArgPlan.StructBytes b) {
                args.add(new KernelArg.Bytes(b.bytes()));
            } else if (a instanceof ArgPlan.TensorMapRef m) {
                args.add(new KernelArg.TensorMap(buffers.get(m.buffer()), m.offset(), m.spec()));
            } else {
                throw new IllegalStateException("unknown argument " + a);
            }
        }
        return args;
    }

    private static JobError classify(LaunchException e, int launchIndex, JobPlan plan) {
        Map<String, Object> details = launchDetails(launchIndex, e.kernel());
        details.put("failure", e.failure().name());
        details.putAll(FaultDetails.of(e));
        String code = switch (e.failure()) {
            case TIMEOUT -> JobError.TIME_LIMIT;
            case CANCELLED -> JobError.CANCELLED;
            case OUT_OF_MEMORY -> JobError.MEMORY;
            case INVALID_LAUNCH -> JobError.INVALID_LAUNCH;
            case DEVICE_ERROR -> JobError.DEVICE;
            case DEVICE_LOST -> e.getCause() instanceof DeviceUnavailableException ? JobError.DEVICE_UNAVAILABLE
                    : JobError.DEVICE_LOST;
            case TRAP, OUT_OF_BOUNDS, DIVIDE_BY_ZERO, STACK_OVERFLOW, CRASH -> JobError.KERNEL_FAULT;
        };
        if (e.getCause() instanceof DeviceUnavailableException u) {
            details.put("retryAfterSeconds", u.retryAfterSeconds());
        }
        String message = e.getMessage();
        if (code.equals(JobError.TIME_LIMIT)) {
            // the launch saw only what was left of the budget; report the job's limit
            details.put("timeLimitSeconds", plan.timeLimit().toMillis() / 1000.0);
            message = (e.kernel() == null ? "the job" : "kernel '" + e.kernel() + "'") + " ran past the job's time limit of "
                    + plan.timeLimit().toMillis() + " ms and was stopped";
        }
        if (code.equals(JobError.DEVICE)) {
            log.warn("device error in job launch {}: {}", launchIndex, e.getMessage(), e);
        }
        return new JobError(code, message, details);
    }

    private static Map<String, Object> launchDetails(int launchIndex, String kernel) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (launchIndex >= 0) {
            details.put("launch", launchIndex);
        }
        if (kernel != null) {
            details.put("kernel", kernel);
        }
        return details;
    }
}
