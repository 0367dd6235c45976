package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.kernels.wasm.WasmKernel;
import io.cudawasm.kernels.wasm.WasmModule;
import io.cudawasm.runtime.backend.BackendChoice;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.data.StructPacker;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.service.config.WorkerConfig;
import io.cudawasm.runtime.service.jobs.ArgPlan;
import io.cudawasm.runtime.service.jobs.BufferPlan;
import io.cudawasm.runtime.service.jobs.JobPlan;
import io.cudawasm.runtime.service.jobs.LaunchPlan;
import io.cudawasm.runtime.service.jobs.OutputFormat;
import io.cudawasm.runtime.service.jobs.OutputPlan;
import io.cudawasm.runtime.service.jobs.SymbolWrite;
import io.cudawasm.runtime.service.kernels.KernelLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link JobRequest} into a {@link JobPlan}: resolves kernel names, binds arguments to
 * parameters, infers buffer element types from the parameters they are passed to, and checks
 * every size against the worker's limits before a byte of device memory is touched. Every problem
 * is an {@link ApiException} naming the offending field.
 */
final class JobPlanner {
    static final int MAX_LAUNCHES = 1024;
    static final int DEFAULT_FIRST = 8;
    static final int MAX_FIRST = 4096;

    private final WorkerConfig config;

    JobPlanner(WorkerConfig config) {
        this.config = config;
    }

    /** A buffer while planning: its input, and its type once known. */
    private static final class Draft {
        final String name;
        final String field;
        final BufferInput input;
        ElementType type;
        int structSize = 1;
        boolean written;
        long bytes;

        Draft(String name, String field, BufferInput.Parsed parsed) {
            this.name = name;
            this.field = field;
            this.input = parsed.input();
            this.type = parsed.type();
        }
    }

    /** An argument while planning; buffer offsets are checked once sizes are known. */
    private record ArgDraft(ArgPlan plan, String field) {}

    JobPlan plan(JobRequest request, KernelLookup kernel, BackendChoice backend) {
        WasmModule module = kernel.kernel().result().wasm();
        List<LaunchRequest> launches = request.launches();
        if (launches == null || launches.isEmpty()) {
            throw JsonNumbers.invalid("launches", "a job needs at least one launch");
        }
        if (launches.size() > MAX_LAUNCHES) {
            throw JsonNumbers.invalid("launches", "at most " + MAX_LAUNCHES + " launches per job");
        }
        Map<String, Draft> buffers = new LinkedHashMap<>();
        if (request.buffers() != null) {
            request.buffers().forEach((name, node) -> {
                String field = "buffers." + name;
                if (name.isBlank()) {
                    throw JsonNumbers.invalid(field, "buffer names must not be blank");
                }
                buffers.put(name, new Draft(name, field, BufferInput.parse(field, node)));
            });
        }
        List<List<ArgDraft>> args = new ArrayList<>();
        List<KernelSignature> signatures = new ArrayList<>();
        for (int i = 0; i < launches.size(); i++) {
            LaunchRequest launch = launches.get(i);
            if (launch == null) {
                throw JsonNumbers.invalid("launches[" + i + "]", "must be an object");
            }
            KernelSignature sig = kernelOf(module, launch.kernel(), "launches[" + i + "].kernel");
            signatures.add(sig);
            args.add(bindArguments(sig, launch.args(), "launches[" + i + "].args", buffers));
        }
        sizeBuffers(buffers, JobPlan.staticBytes(kernel.kernel().result()));
        List<BufferPlan> bufferPlans = new ArrayList<>();
        for (Draft d : buffers.values()) {
            bufferPlans.add(new BufferPlan(d.name, d.type, d.bytes,
                    BufferInput.fill(d.field, d.input, d.type, d.structSize)));
        }
        List<LaunchPlan> launchPlans = new ArrayList<>();
        for (int i = 0; i < launches.size(); i++) {
            LaunchRequest launch = launches.get(i);
            String field = "launches[" + i + "]";
            List<ArgPlan> bound = new ArrayList<>();
            for (ArgDraft a : args.get(i)) {
                checkOffset(a, buffers);
                bound.add(a.plan());
            }
            if (bound.stream().anyMatch(a -> a instanceof ArgPlan.TensorMapRef)
                    && !Backends.takesTensorMaps(backend.backend())) {
                throw JsonNumbers.invalid(field + ".args", "tensor maps (CUtensorMap) are made for the WebAssembly path"
                        + " and the CUDA back end, not for " + backend.backend().name()
                        + ": use backend 'wasm' (or leave backend out)");
            }
            boolean cooperative = Boolean.TRUE.equals(launch.cooperative());
            if (cooperative && !Backends.launchesCooperatively(backend.backend())) {
                throw JsonNumbers.invalid(field + ".cooperative", "cooperative launches run on the WebAssembly path "
                        + "and the CUDA back end, not on " + backend.backend().name()
                        + ": use backend 'wasm' (or leave backend out)");
            }
            boolean independent = Boolean.TRUE.equals(launch.independentThreads());
            if (independent && !backend.backend().name().equals("wasm")) {
                throw JsonNumbers.invalid(field + ".independentThreads", "independent threads run on the WebAssembly path,"
                        + " not on " + backend.backend().name() + ": use backend 'wasm' (or leave backend out)");
            }
            launchPlans.add(new LaunchPlan(signatures.get(i).sourceName(), launchConfig(launch, field), bound,
                    symbols(module, launch.symbols(), field + ".symbols"), cooperative, independent));
        }
        boolean memcheck = Boolean.TRUE.equals(request.memcheck());
        if (memcheck && !backend.backend().name().equals("wasm")) {
            throw JsonNumbers.invalid("memcheck", "memcheck runs on the WebAssembly path: use backend 'wasm' (or leave "
                    + "backend out)");
        }
        return new JobPlan(kernel, backend, timeLimit(request.timeLimitSeconds()), bufferPlans, launchPlans,
                outputs(request.outputs(), buffers), memcheck);
    }

    private Duration timeLimit(Double seconds) {
        Duration max = config.jobTimeLimit();
        if (seconds == null) {
            return max;
        }
        if (seconds.isNaN() || seconds <= 0 || seconds.isInfinite()) {
            throw JsonNumbers.invalid("timeLimitSeconds", "must be a positive number of seconds");
        }
        Duration asked = Duration.ofNanos((long) Math.min(seconds * 1e9, (double) Long.MAX_VALUE));
        return asked.compareTo(max) < 0 ? asked : max;
    }

    private static KernelSignature kernelOf(WasmModule module, String name, String field) {
        List<String> names = module.kernels().stream().map(k -> k.signature().sourceName()).toList();
        if (name == null || name.isBlank()) {
            if (module.kernels().size() == 1) {
                return module.kernels().get(0).signature();
            }
            throw ApiException.badRequest("invalid_job", field + ": the module has " + names.size()
                    + " kernels; name one of " + names, Map.of("field", field, "kernels", names));
        }
        Optional<WasmKernel> k = module.kernel(name);
        if (k.isEmpty()) {
            throw ApiException.badRequest("invalid_job", field + ": no kernel named '" + name + "'; the module has "
                    + names, Map.of("field", field, "kernels", names));
        }
        return k.get().signature();
    }

    private List<ArgDraft> bindArguments(KernelSignature sig, JsonNode args, String field, Map<String, Draft> buffers) {
        List<ParamInfo> params = sig.params();
        List<JsonNode> values = new ArrayList<>();
        if (args == null || args.isNull()) {
            if (!params.isEmpty()) {
                throw JsonNumbers.invalid(field, sig.sourceName() + " takes " + params.size() + " arguments: "
                        + describe(params));
            }
        } else if (args.isArray()) {
            if (args.size() != params.size()) {
                throw JsonNumbers.invalid(field, sig.sourceName() + " takes " + params.size() + " arguments ("
                        + describe(params) + "), " + args.size() + " given");
            }
            args.forEach(values::add);
        } else if (args.isObject()) {
            for (Iterator<String> names = args.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (params.stream().noneMatch(p -> p.name().equals(name))) {
                    throw JsonNumbers.invalid(field + "." + name, sig.sourceName() + " has no parameter '" + name
                            + "' (" + describe(params) + ")");
                }
            }
            for (ParamInfo p : params) {
                if (!args.has(p.name())) {
                    throw JsonNumbers.invalid(field + "." + p.name(), "missing argument for '" + p.type() + " "
                            + p.name() + "'");
                }
                values.add(args.get(p.name()));
            }
        } else {
            throw JsonNumbers.invalid(field, "expected an array (by position) or an object (by parameter name)");
        }
        List<ArgDraft> bound = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            ParamInfo p = params.get(i);
            String f = field + (args != null && args.isObject() ? "." + p.name() : "[" + i + "]");
            JsonNode v = values.get(i);
            ArgPlan plan;
            if (p.kind() != ParamKind.STRUCT && TensorMapArgument.isTensorMap(v)) {
                throw JsonNumbers.invalid(f, "'" + p.type() + " " + p.name() + "' cannot take a tensor map: a kernel takes"
                        + " one by value, as 'const __grid_constant__ CUtensorMap " + p.name() + "'");
            } else if (p.kind() == ParamKind.POINTER) {
                plan = pointer(p, v, f, buffers);
            } else if (p.kind() == ParamKind.STRUCT && TensorMapArgument.isTensorMap(v)) {
                plan = tensorMap(p, v, f, buffers);
            } else if (p.kind() == ParamKind.STRUCT) {
                plan = new ArgPlan.StructBytes(structBytes(v, p.size(), f));
            } else {
                if (v == null || v.isNull()) {
                    throw JsonNumbers.invalid(f, "'" + p.type() + " " + p.name() + "' needs a number");
                }
                plan = new ArgPlan.Scalar(JsonNumbers.scalar(p.scalar(), v, f));
            }
            bound.add(new ArgDraft(plan, f));
        }
        return bound;
    }

    private static String describe(List<ParamInfo> params) {
        return String.join(", ", params.stream().map(p -> p.type() + " " + p.name()).toList());
    }

    private static ArgPlan pointer(ParamInfo p, JsonNode v, String field, Map<String, Draft> buffers) {
        if (v == null || v.isNull() || (v.isNumber() && v.asLong() == 0 && v.isIntegralNumber())
                || (v.isTextual() && v.textValue().equals("null"))) {
            return new ArgPlan.NullPointer();
        }
        if (v.isTextual() && !BufferInput.isGenerator(v.textValue())) {
            Draft d = buffers.get(v.textValue());
            if (d == null) {
                throw ApiException.badRequest("invalid_job", field + ": no buffer named '" + v.textValue()
                        + "' (buffers: " + buffers.keySet() + ")", Map.of("field", field));
            }
            bind(d, p);
            return new ArgPlan.BufferRef(d.name, 0);
        }
        if (v.isObject() && v.has("buffer")) {
            for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("buffer") && !name.equals("offset")) {
                    throw JsonNumbers.invalid(field + "." + name, "unknown field (expected buffer and offset)");
                }
            }
            Draft d = buffers.get(v.get("buffer").asText());
            if (d == null) {
                throw ApiException.badRequest("invalid_job", field + ".buffer: no buffer named '"
                        + v.get("buffer").asText() + "' (buffers: " + buffers.keySet() + ")",
                        Map.of("field", field + ".buffer"));
            }
            long offset = v.has("offset") ? JsonNumbers.integer(v.get("offset"), field + ".offset") : 0;
            if (offset < 0) {
                throw JsonNumbers.invalid(field + ".offset", "must not be negative");
            }
            bind(d, p);
            return new ArgPlan.BufferRef(d.name, offset);
        }
        if (v.isTextual() || v.isArray() || v.isObject()) {
            // An inline buffer takes its parameter's name, so later launches and outputs can use it.
            if (buffers.containsKey(p.name())) {
                throw JsonNumbers.invalid(field, "an inline buffer is named after its parameter, and a buffer named '"
                        + p.name() + "' exists already; pass it by name or declare this one under buffers");
            }
            Draft d = new Draft(p.name(), field, BufferInput.parse(field, v));
            buffers.put(d.name, d);
            bind(d, p);
            return new ArgPlan.BufferRef(d.name, 0);
        }
        throw JsonNumbers.invalid(field, "'" + p.type() + " " + p.name()
                + "' needs a buffer name, an inline buffer or null");
    }

    /** A CUtensorMap argument: the map's buffer takes the map's element type, unless it has one already. */
    private static ArgPlan tensorMap(ParamInfo p, JsonNode v, String field, Map<String, Draft> buffers) {
        if (p.size() != io.cudawasm.kernels.abi.TensorMapAbi.BYTES) {
            throw JsonNumbers.invalid(field, "'" + p.type() + " " + p.name() + "' is a struct of " + p.size()
                    + " bytes, not a CUtensorMap: a tensor map cannot be passed for it");
        }
        if (v.isTextual()) {
            // tensormap:TYPE:DIMS:BOX[:STRIDES][:SWIZZLE][:es=E]/BUFFER: an inline buffer named after its parameter, as for pointers
            io.cudawasm.runtime.launch.TensorMapText text;
            try {
                text = io.cudawasm.runtime.launch.TensorMapText.parse(v.textValue());
            } catch (IllegalArgumentException e) {
                throw JsonNumbers.invalid(field, e.getMessage());
            }
            if (buffers.containsKey(p.name())) {
                throw JsonNumbers.invalid(field, "a tensor map's inline buffer is named after its parameter, and a buffer"
                        + " named '" + p.name() + "' exists already; use {\"tensorMap\": {\"buffer\": ...}}");
            }
            Draft d = new Draft(p.name(), field, BufferInput.parse(field, com.fasterxml.jackson.databind.node.TextNode
                    .valueOf(text.buffer())));
            d.type = text.type();
            d.written = true;
            buffers.put(d.name, d);
            return new ArgPlan.TensorMapRef(d.name, 0, text.spec());
        }
        TensorMapArgument m = TensorMapArgument.parse(v, field);
        Draft d = buffers.get(m.buffer());
        if (d == null) {
            throw ApiException.badRequest("invalid_job", field + ".tensorMap.buffer: no buffer named '" + m.buffer()
                    + "' (buffers: " + buffers.keySet() + ")", Map.of("field", field + ".tensorMap.buffer"));
        }
        if (d.type == null) {
            d.type = m.type();
        }
        d.written = true; // a kernel may store through the map
        return new ArgPlan.TensorMapRef(d.name, m.offset(), m.spec());
    }

    /** The first pointer parameter a buffer meets gives it its element type, unless the request named one. */
    private static void bind(Draft d, ParamInfo p) {
        if (!p.pointeeConst()) {
            d.written = true;
        }
        if (d.type == null) {
            if (p.scalar() != null) {
                d.type = ElementType.of(p.scalar());
            } else {
                d.type = ElementType.U8;
                d.structSize = Math.max(1, p.elementSize());
            }
        }
    }

    /** {@code staticBytes}: the module's own device memory (its device heap and printf buffer), counted with the buffers. */
    private void sizeBuffers(Map<String, Draft> buffers, long staticBytes) {
        long total = staticBytes;
        for (Draft d : buffers.values()) {
            if (d.type == null) {
                d.type = ElementType.F32;
            }
            d.bytes = BufferInput.bytes(d.field, d.input, d.type, d.structSize);
            if (d.bytes > config.maxBufferBytes()) {
                throw ApiException.tooLarge("buffer_too_large", "buffer '" + d.name + "' needs " + d.bytes
                        + " bytes; the limit per buffer is " + config.maxBufferBytes(),
                        Map.of("buffer", d.name, "bytes", d.bytes, "limit", config.maxBufferBytes()));
            }
            total = total + d.bytes < 0 ? Long.MAX_VALUE : total + d.bytes;
        }
        if (total > config.maxJobMemoryBytes()) {
            throw ApiException.tooLarge("job_memory_exceeded", "the job's buffers (and its module's "
                    + staticBytes + " bytes of device variables, heap and printf buffer) need " + total
                    + " bytes; the limit per job is " + config.maxJobMemoryBytes(),
                    Map.of("bytes", total, "limit", config.maxJobMemoryBytes()));
        }
    }

    private static void checkOffset(ArgDraft a, Map<String, Draft> buffers) {
        if (a.plan() instanceof ArgPlan.TensorMapRef map) {
            try {
                map.spec().checkFits(buffers.get(map.buffer()).bytes, map.offset());
            } catch (IllegalArgumentException e) {
                throw JsonNumbers.invalid(a.field() + ".tensorMap", e.getMessage() + " ('" + map.buffer() + "')");
            }
        }
        if (a.plan() instanceof ArgPlan.BufferRef ref && ref.offset() > buffers.get(ref.buffer()).bytes) {
            throw JsonNumbers.invalid(a.field(), "offset " + ref.offset() + " is past the end of buffer '"
                    + ref.buffer() + "' (" + buffers.get(ref.buffer()).bytes + " bytes)");
        }
    }

    private static byte[] structBytes(JsonNode v, int size, String field) {
        String packed = null;
        if (v != null && v.isTextual() && v.textValue().startsWith("struct:")) {
            packed = v.textValue().substring("struct:".length());
        } else if (v != null && v.isObject() && v.size() == 1 && v.has("struct")) {
            packed = v.get("struct").asText();
        } else if (v != null && v.isObject() && v.size() == 1 && v.has("base64")) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(v.get("base64").asText());
            } catch (IllegalArgumentException e) {
                throw JsonNumbers.invalid(field + ".base64", "not valid base64");
            }
            if (bytes.length != size) {
                throw JsonNumbers.invalid(field + ".base64", "the struct has " + size + " bytes, " + bytes.length
                        + " given");
            }
            return bytes;
        }
        if (packed == null) {
            throw JsonNumbers.invalid(field, "a struct argument is \"struct:TYPE=V,...\", {\"struct\": \"TYPE=V,...\"}"
                    + " or {\"base64\": ...}");
        }
        try {
            return StructPacker.pack(StructPacker.parse(packed), size);
        } catch (IllegalArgumentException e) {
            throw JsonNumbers.invalid(field, e.getMessage());
        }
    }

    private static LaunchConfig launchConfig(LaunchRequest launch, String field) {
        Dim3 grid = dim3(launch.grid(), field + ".grid");
        Dim3 block = dim3(launch.block(), field + ".block");
        int shared = launch.sharedBytes() == null ? 0 : launch.sharedBytes();
        Dim3 cluster = launch.cluster() == null || launch.cluster().isNull() ? null
                : dim3(launch.cluster(), field + ".cluster");
        try {
            return new LaunchConfig(grid, block, shared, cluster);
        } catch (IllegalArgumentException e) {
            throw JsonNumbers.invalid(field, e.getMessage());
        }
    }

    private static Dim3 dim3(JsonNode v, String field) {
        try {
            if (v == null || v.isNull()) {
                throw JsonNumbers.invalid(field, "required: a number, [x, y, z] or \"x,y,z\"");
            }
            if (v.isIntegralNumber()) {
                return Dim3.of(v.intValue());
            }
            if (v.isTextual()) {
                return Dim3.parse(v.textValue());
            }
            if (v.isArray() && v.size() >= 1 && v.size() <= 3) {
                int[] d = {1, 1, 1};
                for (int i = 0; i < v.size(); i++) {
                    if (!v.get(i).isIntegralNumber()) {
                        throw JsonNumbers.invalid(field + "[" + i + "]", "expected an integer");
                    }
                    d[i] = v.get(i).intValue();
                }
                return new Dim3(d[0], d[1], d[2]);
            }
        } catch (IllegalArgumentException e) {
            throw JsonNumbers.invalid(field, e.getMessage());
        }
        throw JsonNumbers.invalid(field, "expected a number, [x, y, z] or \"x,y,z\"");
    }

    private static List<SymbolWrite> symbols(WasmModule module, Map<String, JsonNode> symbols, String field) {
        if (symbols == null || symbols.isEmpty()) {
            return List.of();
        }
        List<SymbolWrite> writes = new ArrayList<>();
        symbols.forEach((name, node) -> {
            String f = field + "." + name;
            SymbolInfo s = module.symbol(name).orElseThrow(() -> JsonNumbers.invalid(f, "no __constant__ or "
                    + "__device__ variable named '" + name + "'; the module has "
                    + module.symbols().stream().map(SymbolInfo::name).toList()));
            byte[] data;
            if (node != null && node.isTextual() && node.textValue().startsWith("struct:")) {
                data = structBytes(node, s.size(), f);
            } else {
                BufferInput.Parsed parsed = BufferInput.parse(f, node);
                ElementType type = parsed.type() == null ? ElementType.F32 : parsed.type();
                long bytes = BufferInput.bytes(f, parsed.input(), type, 1);
                if (bytes > s.size()) {
                    throw JsonNumbers.invalid(f, bytes + " bytes do not fit in '" + name + "' (" + s.size() + " bytes)");
                }
                data = BufferInput.fill(f, parsed.input(), type, 1).generate(type);
            }
            writes.add(new SymbolWrite(s.name(), data));
        });
        return writes;
    }

    private static List<OutputPlan> outputs(JsonNode outputs, Map<String, Draft> buffers) {
        List<OutputPlan> plans = new ArrayList<>();
        if (outputs == null || outputs.isNull()) {
            for (Draft d : buffers.values()) {
                if (d.written) {
                    plans.add(new OutputPlan(d.name, OutputFormat.SUMMARY, DEFAULT_FIRST));
                }
            }
            return plans;
        }
        if (outputs.isArray()) {
            for (int i = 0; i < outputs.size(); i++) {
                String name = outputs.get(i).asText();
                requireBuffer(buffers, name, "outputs[" + i + "]");
                plans.add(new OutputPlan(name, OutputFormat.SUMMARY, DEFAULT_FIRST));
            }
            return plans;
        }
        if (!outputs.isObject()) {
            throw JsonNumbers.invalid("outputs", "expected an array of buffer names or an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = outputs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "outputs." + e.getKey();
            requireBuffer(buffers, e.getKey(), field);
            JsonNode spec = e.getValue();
            OutputFormat format = OutputFormat.SUMMARY;
            int first = DEFAULT_FIRST;
            try {
                if (spec.isTextual()) {
                    format = OutputFormat.parse(spec.textValue());
                } else if (spec.isObject()) {
                    for (Iterator<String> names = spec.fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        if (!name.equals("format") && !name.equals("first")) {
                            throw JsonNumbers.invalid(field + "." + name, "unknown field (expected format and first)");
                        }
                    }
                    if (spec.has("format")) {
                        format = OutputFormat.parse(spec.get("format").asText());
                    }
                    if (spec.has("first")) {
                        long n = JsonNumbers.integer(spec.get("first"), field + ".first");
                        if (n < 0 || n > MAX_FIRST) {
                            throw JsonNumbers.invalid(field + ".first", "must be 0.." + MAX_FIRST);
                        }
                        first = (int) n;
                    }
                } else if (!spec.isNull()) {
                    throw JsonNumbers.invalid(field, "expected \"array\", \"base64\", \"summary\" or {format, first}");
                }
            } catch (IllegalArgumentException ex) {
                throw JsonNumbers.invalid(field, ex.getMessage());
            }
            plans.add(new OutputPlan(e.getKey(), format, first));
        }
        return plans;
    }

    private static void requireBuffer(Map<String, Draft> buffers, String name, String field) {
        if (!buffers.containsKey(name)) {
            throw JsonNumbers.invalid(field, "no buffer named '" + name + "' (buffers: " + buffers.keySet() + ")");
        }
    }
}
