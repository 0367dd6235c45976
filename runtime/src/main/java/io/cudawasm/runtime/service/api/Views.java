package io.cudawasm.runtime.service.api;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.service.jobs.JobResult;
import io.cudawasm.runtime.service.jobs.JobSnapshot;
import io.cudawasm.runtime.service.jobs.OutputData;
import io.cudawasm.runtime.service.kernels.KernelArtifacts;
import io.cudawasm.runtime.service.kernels.KernelLookup;
import io.cudawasm.runtime.service.kernels.LoadedKernel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the API's response documents from the worker's objects. */
final class Views {
    private Views() {}

    static String kernelHref(String id) {
        return "/v1/kernels/" + id;
    }

    static String jobHref(String id) {
        return "/v1/jobs/" + id;
    }

    static KernelView kernel(KernelLookup lookup) {
        LoadedKernel k = lookup.kernel();
        CompileResult r = k.result();
        List<KernelView.Kernel> kernels = new ArrayList<>();
        for (KernelSignature sig : r.kernels()) {
            List<KernelView.Param> params = new ArrayList<>();
            for (ParamInfo p : sig.params()) {
                params.add(new KernelView.Param(p.name(), p.type(), p.kind().name().toLowerCase(Locale.ROOT),
                        p.scalar() == null ? null : ElementType.of(p.scalar()).name().toLowerCase(Locale.ROOT),
                        p.kind() == io.cudawasm.kernels.abi.ParamKind.POINTER ? p.pointeeConst() : null, p.size()));
            }
            kernels.add(new KernelView.Kernel(sig.sourceName(), sig.name(), params));
        }
        List<KernelView.Symbol> symbols = new ArrayList<>();
        for (SymbolInfo s : r.wasm().symbols()) {
            symbols.add(new KernelView.Symbol(s.name(), s.space().name().toLowerCase(Locale.ROOT), s.type(), s.size()));
        }
        List<KernelView.Artifact> artifacts = new ArrayList<>();
        k.artifacts().forEach((name, bytes) -> artifacts.add(new KernelView.Artifact(name, bytes.length,
                KernelArtifacts.contentType(name).orElse("application/octet-stream"),
                kernelHref(k.id()) + "/artifacts/" + name)));
        artifacts.sort((a, b) -> a.name().compareTo(b.name()));
        return new KernelView(k.id(), kernelHref(k.id()), r.sourceName(), KernelCompiler.VERSION,
                lookup.source().label(), kernels, symbols, r.warnings().stream().map(DiagnosticView::of).toList(),
                artifacts);
    }

    /** A finished job's state without its outputs (the answer to a DELETE, which frees them). */
    static JobView jobWithoutOutputs(JobSnapshot s) {
        JobView v = job(s);
        return new JobView(v.id(), v.status(), v.href(), v.kernelId(), v.kernelCache(), v.backend(), v.backendReason(),
                v.device(), v.timeLimitSeconds(), v.createdAt(), v.startedAt(), v.finishedAt(), v.queueMillis(),
                v.runMillis(), v.launches(), null, null, null, v.error());
    }

    /** Bytes of the job's array and base64 outputs: what makes its document large. */
    static long bulkBytes(JobSnapshot s) {
        if (s.result() == null) {
            return 0;
        }
        long sum = 0;
        for (OutputData o : s.result().outputs().values()) {
            sum += o.bytes() == null ? 0 : o.bytes().length;
        }
        return sum + 2L * s.result().printed().text().length();
    }

    static JobView job(JobSnapshot s) {
        List<JobView.Launch> launches = null;
        Map<String, JobView.Output> outputs = null;
        JobView.Printf printf = null;
        JobView.GraphConditionals conditionals = null;
        JobResult result = s.result();
        if (result != null) {
            io.cudawasm.runtime.printf.PrintfOutput p = result.printed();
            if (!p.isEmpty()) {
                printf = new JobView.Printf(p.text(), p.records(), p.droppedRecords(), p.truncated(), p.note());
            }
            io.cudawasm.runtime.graph.GraphConditionals g = result.conditionals();
            if (!g.isEmpty()) {
                conditionals = new JobView.GraphConditionals(g.values().stream().map(c -> new JobView.Conditional(
                        Long.toUnsignedString(c.handle()), c.value())).toList(), g.droppedCalls(), g.note());
            }
            launches = new ArrayList<>();
            for (LaunchStats l : result.launches()) {
                launches.add(new JobView.Launch(l.kernel(), l.elapsed().toNanos() / 1e6, l.workers()));
            }
            outputs = new LinkedHashMap<>();
            for (Map.Entry<String, OutputData> e : result.outputs().entrySet()) {
                outputs.put(e.getKey(), output(e.getValue()));
            }
        }
        return new JobView(s.id(), s.status().label(), readableHref(s), s.kernelId(), s.kernelSource(), s.backend(),
                s.backendReason(), s.device(), s.timeLimit().toNanos() / 1e9, iso(s.created()), iso(s.started()),
                iso(s.finished()), millis(s.created(), s.started()), millis(s.started(), s.finished()), launches,
                outputs, printf, conditionals, s.error() == null ? null : new ErrorBody(s.error().code(), s.error().message(),
                        s.error().details()));
    }

    /**
     * A job's URL while it can be read there: asynchronous jobs until their retention ends,
     * synchronous ones only while they run (once answered they are not kept, so no href).
     */
    private static String readableHref(JobSnapshot s) {
        return s.async() || !s.status().isFinal() ? jobHref(s.id()) : null;
    }

    /** A job in a listing: its state without launches and outputs (read those by id). */
    static JobView jobSummary(JobSnapshot s) {
        return job(new JobSnapshot(s.id(), s.status(), s.async(), s.kernelId(), s.kernelSource(), s.backend(),
                s.backendReason(), s.device(), s.timeLimit(), s.created(), s.started(), s.finished(), null, s.error()));
    }

    private static JobView.Output output(OutputData o) {
        String type = o.type().name().toLowerCase(Locale.ROOT);
        return switch (o.format()) {
            case ARRAY -> new JobView.Output(type, o.count(), "array", new NumericArray(o.type(), o.bytes()), null, null);
            case BASE64 -> new JobView.Output(type, o.count(), "base64", null, new Base64Bytes(o.bytes()), null);
            case SUMMARY -> new JobView.Output(type, o.count(), "summary", null, null, o.summary());
        };
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Double millis(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toNanos() / 1e6;
    }
}
