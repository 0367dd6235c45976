package io.cudawasm.runtime.service.api;

import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.fleet.FleetRouter;
import io.cudawasm.runtime.service.config.WorkerConfig;
import io.cudawasm.runtime.service.jobs.JobManager;
import io.cudawasm.runtime.service.kernels.KernelStore;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the HTTP layer serves from.
 *
 * @param readiness named checks for {@code /readyz}
 * @param readinessDetail more for the {@code /readyz} body that does not decide readiness (native devices)
 * @param capabilities the document of {@code /v1/capabilities}
 * @param beforeScrape refreshes gauges that need a scan (cache size) before {@code /metrics} answers
 * @param fleet forwards other replicas' jobs and merges fleet-wide listings
 */
public record ApiComponents(WorkerConfig config, KernelStore kernels, JobManager jobs, Backends backends,
        WorkerMetrics metrics, Supplier<Map<String, Boolean>> readiness, Supplier<Map<String, Object>> readinessDetail,
        Supplier<Map<String, Object>> capabilities, Runnable beforeScrape, FleetRouter fleet) {}
