package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.graph.GraphConditionals;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.printf.PrintfOutput;
import java.util.List;
import java.util.Map;

/**
 * What a successful job produced: per-launch statistics, the requested buffers in request order, and
 * what its kernels printed (all launches, in launch order, bounded), and the CUDA graph conditional
 * values they set (one per handle, the last launch's value winning).
 */
public record JobResult(List<LaunchStats> launches, Map<String, OutputData> outputs, PrintfOutput printed,
        GraphConditionals conditionals) {
    public JobResult {
        printed = printed == null ? PrintfOutput.EMPTY : printed;
        conditionals = conditionals == null ? GraphConditionals.EMPTY : conditionals;
    }

    public JobResult(List<LaunchStats> launches, Map<String, OutputData> outputs, PrintfOutput printed) {
        this(launches, outputs, printed, GraphConditionals.EMPTY);
    }

    public JobResult(List<LaunchStats> launches, Map<String, OutputData> outputs) {
        this(launches, outputs, PrintfOutput.EMPTY);
    }
}
