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

    /** The job's device memory: its buffers and the module's static data (the device heap and printf buffer among it). */
    public long memoryBytes() {
        return buffers.stream().mapToLong(BufferPlan::bytes).sum() + staticBytes(kernel.kernel().result());
    }

    /**
     * Bytes of a module's {@code __constant__}/{@code __device__} data, which every session of it holds:
     * small, except the device heap (8 MiB) and the printf buffer (1 MiB) of modules that use them.
     */
    public static long staticBytes(io.cudawasm.kernels.CompileResult r) {
        if (r.wasm() != null) {
            // the variables start above the guard region, which has no storage
            return Math.max(0, r.wasm().staticDataEnd() - io.cudawasm.kernels.abi.KernelAbi.STATIC_DATA_BASE);
        }
        long sum = 0;
        for (io.cudawasm.kernels.kir.KGlobal g : r.kir().globals()) {
            if (g.space() != io.cudawasm.kernels.types.AddressSpace.SHARED) {
                sum += g.size();
            }
        }
        return sum;
    }

    /** The most bytes of printf output the job returns: the default limit when its kernels print, else 0. */
    public int printfLimitBytes() {
        return io.cudawasm.runtime.printf.PrintfCollector.prints(kernel.kernel().result())
                ? io.cudawasm.runtime.printf.PrintfCollector.DEFAULT_LIMIT_BYTES : 0;
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
