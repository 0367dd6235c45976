package io.cudawasm.runtime.service.api;

import io.cudawasm.kernels.wasm.WasmKernel;
import io.cudawasm.runtime.backend.BackendChoice;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.service.config.WorkerConfig;
import io.cudawasm.runtime.service.jobs.Job;
import io.cudawasm.runtime.service.jobs.JobError;
import io.cudawasm.runtime.service.jobs.JobManager;
import io.cudawasm.runtime.service.jobs.JobPlan;
import io.cudawasm.runtime.service.jobs.JobRejectedException;
import io.cudawasm.runtime.service.jobs.JobSnapshot;
import io.cudawasm.runtime.service.jobs.JobStatus;
import io.cudawasm.runtime.service.kernels.KernelLookup;
import io.cudawasm.runtime.service.kernels.KernelStore;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/jobs} (synchronous, or {@code ?async=true} for 202 and a job URL),
 * {@code GET /v1/jobs/{id}} and {@code DELETE /v1/jobs/{id}}.
 */
final class JobsEndpoint {
    private final WorkerConfig config;
    private final Backends backends;
    private final JobManager jobs;
    private final WorkerMetrics metrics;
    private final KernelResolver resolver;
    private final JobPlanner planner;
    private final RequestBodies bodies;
    private final StreamedJson answers;

    JobsEndpoint(WorkerConfig config, Backends backends, KernelStore store, JobManager jobs, WorkerMetrics metrics,
            RequestBodies bodies, StreamedJson answers) {
        this.answers = answers;
        this.config = config;
        this.backends = backends;
        this.jobs = jobs;
        this.metrics = metrics;
        this.resolver = new KernelResolver(store);
        this.planner = new JobPlanner(config);
        this.bodies = bodies;
    }

    /** Whether a job asks for independent threads, or its kernel needs them (producer and consumer roles). */
    private static boolean usesIndependentThreads(JobRequest request, KernelLookup kernel) {
        return request.launches() != null && request.launches().stream().anyMatch(l -> l != null
                && Boolean.TRUE.equals(l.independentThreads()))
                || kernel.kernel().result().wasm() != null && kernel.kernel().result().wasm().kernels().stream()
                        .anyMatch(WasmKernel::independentThreads);
    }

    /** Whether a job launches clusters of more than one block: a launch asks for them, or a kernel declares them. */
    private static boolean usesClusters(JobRequest request, KernelLookup kernel) {
        boolean asked = request.launches() != null && request.launches().stream().anyMatch(l -> l != null
                && l.cluster() != null && !l.cluster().isNull() && !(l.cluster().isIntegralNumber() && l.cluster().intValue() == 1));
        return asked || kernel.kernel().result().wasm() != null && kernel.kernel().result().wasm().kernels().stream()
                .anyMatch(k -> k.clusterDims() != null && k.clusterDims().blocks() > 1);
    }

    /** Whether a launch passes a tensor map ({@code {"tensorMap": ...}}), which only the WebAssembly path takes. */
    private static boolean usesTensorMaps(JobRequest request) {
        return request.launches() != null && request.launches().stream().anyMatch(l -> l != null && l.args() != null
                && java.util.stream.StreamSupport.stream(l.args().spliterator(), false)
                        .anyMatch(TensorMapArgument::isTensorMap));
    }

    void submit(Context ctx) {
        boolean async = isTrue(ctx.queryParam("async"));
        Job job;
        try {
            JobRequest request = bodies.parse(ctx, JobRequest.class);
            KernelLookup kernel = resolver.resolve(request.kernel(), "kernel", true);
            // memcheck runs on the WebAssembly path, cooperative launches (asked for, or of a kernel that
            // synchronizes its grid) there or on CUDA: "auto" means one of them for such jobs
            boolean cooperative = request.launches() != null
                    && request.launches().stream().anyMatch(l -> l != null && Boolean.TRUE.equals(l.cooperative()))
                    || kernel.kernel().result().wasm() != null
                    && kernel.kernel().result().wasm().kernels().stream().anyMatch(WasmKernel::gridSync);
            boolean unnamed = request.backend() == null || request.backend().isBlank();
            BackendChoice backend = backend(unnamed && Boolean.TRUE.equals(request.memcheck()) ? "wasm" : request.backend());
            // (nvcc's own grid barrier too, a PTX kernel spinning on the grid workspace: the CUDA back end runs it as
            // written, OpenCL cannot)
            if (unnamed && cooperative && !Backends.launchesCooperatively(backend.backend())) {
                backend = backend("wasm");
            }
            // thread block clusters of more than one block, independent threads and tensor maps run on the CPU
            // path when the backend is left out
            if (unnamed && (usesClusters(request, kernel) || usesIndependentThreads(request, kernel)
                    || usesTensorMaps(request))) {
                backend = backend("wasm");
            }
            JobPlan plan = planner.plan(request, kernel, backend);
            job = jobs.submit(plan, async);
            // the job's own reservation covers its data from here on
            BodyReservation.release(ctx);
        } catch (ApiException e) {
            metrics.jobRejected(e.status() == 413 ? "too_large" : e.status() == 404 ? "not_found"
                    : e.status() == 429 ? "busy" : "invalid");
            throw e;
        } catch (JobRejectedException e) {
            metrics.jobRejected(e.reason());
            throw rejected(e);
        }
        if (async) {
            ctx.status(202).header("Location", Views.jobHref(job.id())).json(Views.job(job.snapshot()));
            return;
        }
        if (job.completion().isDone()) {
            respondFinished(ctx, job.snapshot());
            return;
        }
        ctx.future(() -> job.completion().thenAccept(done -> respondFinished(ctx, done.snapshot())));
    }

    private ApiException rejected(JobRejectedException e) {
        return switch (e.reason()) {
            case JobRejectedException.TOO_LARGE -> new ApiException(413, "job_memory_exceeded", e.getMessage(),
                    e.details(), null);
            case JobRejectedException.SHUTTING_DOWN -> new ApiException(503, "shutting_down", e.getMessage(), Map.of(),
                    Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
            default -> new ApiException(429, e.reason().equals(JobRejectedException.RETENTION_FULL) ? "retention_full"
                    : "too_many_jobs", e.getMessage(), Map.of("running", jobs.running(), "queued", jobs.queued(),
                    "maxConcurrent", jobs.maxConcurrent(), "maxQueued", jobs.maxQueued()),
                    Map.of("Retry-After", Long.toString(e.retryAfterSeconds())));
        };
    }

    private BackendChoice backend(String requested) {
        String name = requested == null || requested.isBlank() ? config.defaultBackend() : requested;
        try {
            return backends.select(name, config.sandboxOnly());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("backend_unavailable", e.getMessage(), Map.of("field", "backend"));
        }
    }

    /** A synchronous job's answer: the job on success, else its error with the job in the details. */
    private void respondFinished(Context ctx, JobSnapshot s) {
        JobView view = Views.job(s);
        if (s.status() == JobStatus.SUCCEEDED) {
            answers.respond(ctx, 200, view, Views.bulkBytes(s));
            return;
        }
        JobError error = s.error();
        Map<String, Object> details = new LinkedHashMap<>(error.details());
        details.put("job", view);
        if (error.details().get("retryAfterSeconds") instanceof Number retry) {
            ctx.header("Retry-After", Long.toString(retry.longValue()));
        }
        ctx.status(statusOf(error.code())).json(new ErrorBody(error.code(), error.message(), details));
    }

    static int statusOf(String code) {
        return switch (code) {
            case JobError.KERNEL_FAULT, JobError.TIME_LIMIT -> 422;
            case JobError.CANCELLED -> 409;
            case JobError.SHUTTING_DOWN -> 503;
            case JobError.INVALID_LAUNCH, JobError.INVALID_JOB -> 400;
            case JobError.MEMORY -> 413;
            case JobError.DEVICE, JobError.DEVICE_LOST -> 502;
            case JobError.DEVICE_UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    void get(Context ctx) {
        Job job = find(ctx.pathParam("id"));
        JobSnapshot s = job.snapshot();
        if (s.status().isFinal()) {
            job.markFetched();  // only once the answer shows the final state (it may finish meanwhile)
        }
        answers.respond(ctx, 200, Views.job(s), Views.bulkBytes(s));
    }

    /** Cancels an unfinished job (202); for a finished one, forgets it and returns its last state (200). */
    void cancel(Context ctx) {
        Job job = find(ctx.pathParam("id"));
        if (job.status().isFinal()) {
            jobs.forget(job);
            // the state without the outputs: a DELETE frees them and must not render them once more
            ctx.status(200).json(Views.jobWithoutOutputs(job.snapshot()));
            return;
        }
        jobs.cancel(job.id());
        ctx.status(202).json(Views.job(job.snapshot()));
    }

    private Job find(String id) {
        return jobs.find(id).orElseThrow(() -> jobs.wasEvicted(id)
                ? new ApiException(410, "job_evicted", "this job's results were read and then dropped to make room "
                        + "for newer jobs (CUDA_WASM_MAX_RETAINED_JOBS, CUDA_WASM_MAX_RETAINED_OUTPUT_BYTES)")
                : ApiException.notFound("job_not_found", "no job with this id (finished asynchronous jobs are kept for "
                        + config.jobRetention().toSeconds() + " s)"));
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes"));
    }
}
