package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.backend.BackendChoice;
import io.cudawasm.runtime.service.kernels.KernelLookup;
import java.time.Duration;
import java.util.List;

/**
 * A validated job: every name resolved, every size known and within limits. Running it can still
 * fail (a kernel fault, the time limit, a cancel), but not because of a malformed request.
 *
 * @param timeLimit budget for all launches of the job together
 * @param memcheck every launch runs under memcheck ({@link io.cudawasm.runtime.launch.LaunchOptions#memcheck()})
 */
public record JobPlan(KernelLookup kernel, BackendChoice backend, Duration timeLimit, List<BufferPlan> buffers,
        List<LaunchPlan> launches, List<OutputPlan> outputs, boolean memcheck) {

    public JobPlan {
        buffers = List.copyOf(buffers);
        launches = List.copyOf(launches);
        outputs = List.copyOf(outputs);
    }

    public String kernelId() {
        return kernel.kernel().id();
    }

    public long memoryBytes() {
        return buffers.stream().mapToLong(BufferPlan::bytes).sum();
    }

    /** The size of the named buffer (0 when there is none). */
    public long bufferBytes(String name) {
        return buffers.stream().filter(b -> b.name().equals(name)).mapToLong(BufferPlan::bytes).sum();
    }

    /**
     * The same plan without the input data, for a finished job that is kept for its outputs: a
     * decoded 64 MiB input must not stay on the heap for the retention period.
     */
    public JobPlan withoutInputs() {
        return new JobPlan(kernel, backend, timeLimit, buffers.stream()
                .map(b -> new BufferPlan(b.name(), b.type(), b.bytes(), null)).toList(), List.of(), outputs, memcheck);
    }
}
