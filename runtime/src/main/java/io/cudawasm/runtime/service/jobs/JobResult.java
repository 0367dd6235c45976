package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.launch.LaunchStats;
import java.util.List;
import java.util.Map;

/** What a successful job produced: per-launch statistics and the requested buffers, in request order. */
public record JobResult(List<LaunchStats> launches, Map<String, OutputData> outputs) {}
