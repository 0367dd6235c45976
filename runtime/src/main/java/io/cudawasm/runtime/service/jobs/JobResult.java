package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.printf.PrintfOutput;
import java.util.List;
import java.util.Map;

/**
 * What a successful job produced: per-launch statistics, the requested buffers in request order, and
 * what its kernels printed (all launches, in launch order, bounded).
 */
public record JobResult(List<LaunchStats> launches, Map<String, OutputData> outputs, PrintfOutput printed) {
    public JobResult {
        printed = printed == null ? PrintfOutput.EMPTY : printed;
    }

    public JobResult(List<LaunchStats> launches, Map<String, OutputData> outputs) {
        this(launches, outputs, PrintfOutput.EMPTY);
    }
}
