package io.cudawasm.runtime.backend.check;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.graph.GraphConditionalCollector;
import io.cudawasm.runtime.graph.GraphConditionals;
import io.cudawasm.runtime.printf.PrintfCollector;
import io.cudawasm.runtime.printf.PrintfOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checked mode: one launch run on two back ends, each in its own session with the same inputs,
 * and the outputs compared within a stated tolerance (integers exactly, floats within N ulp).
 * For validating a new kernel on a new device, or a new host.
 */
public final class CheckedRun {
    private CheckedRun() {}

    /** An argument given on the host, so it can be replayed on any back end. */
    public sealed interface Arg {
        /** A buffer with its initial bytes; {@code compare} marks it as an output to compare. */
        record Buffer(String name, byte[] data, ElementType type, boolean compare) implements Arg {}

        record Scalar(Number value) implements Arg {}

        /** The bytes of a struct passed by value. */
        record Struct(byte[] bytes) implements Arg {}

        /** A null pointer. */
        record Null() implements Arg {}

        /** A pointer into the buffer of another argument, {@code offset} bytes in ({@code d_data + 256}). */
        record View(String of, long offset) implements Arg {}

        /** A tensor map ({@code CUtensorMap}) over a buffer of its own, made at the launch. */
        record TensorMap(Buffer buffer, io.cudawasm.runtime.launch.TensorMapSpec spec) implements Arg {}
    }

    /**
     * A launch to replay.
     *
     * @param symbols {@code __constant__}/{@code __device__} variables to fill first, by name
     */
    public record Launch(String kernel, LaunchConfig config, List<Arg> args, Map<String, byte[]> symbols,
            LaunchOptions options) {
        public Launch {
            args = List.copyOf(args);
            symbols = Map.copyOf(symbols);
        }

        public Launch(String kernel, LaunchConfig config, List<Arg> args) {
            this(kernel, config, args, Map.of(), LaunchOptions.DEFAULT);
        }

        public Launch withOptions(LaunchOptions o) {
            return new Launch(kernel, config, args, symbols, o);
        }
    }

    /**
     * One back end's run: its outputs by buffer name (the compared ones), or the failure.
     *
     * @param failure the launch's failure, null when it completed
     */
    /**
     * {@code printed}: what the kernel's printf calls printed (also when the launch failed);
     * {@code conditionals}: the CUDA graph conditional values it set (when it completed).
     */
    public record BackendRun(String backend, String device, LaunchStats stats, Map<String, byte[]> outputs,
            LaunchException failure, PrintfOutput printed, GraphConditionals conditionals) {
        public BackendRun {
            outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
            printed = printed == null ? PrintfOutput.EMPTY : printed;
            conditionals = conditionals == null ? GraphConditionals.EMPTY : conditionals;
        }

        public BackendRun(String backend, String device, LaunchStats stats, Map<String, byte[]> outputs,
                LaunchException failure, PrintfOutput printed) {
            this(backend, device, stats, outputs, failure, printed, GraphConditionals.EMPTY);
        }

        public BackendRun(String backend, String device, LaunchStats stats, Map<String, byte[]> outputs,
                LaunchException failure) {
            this(backend, device, stats, outputs, failure, PrintfOutput.EMPTY);
        }
    }

    /** The verdict of a checked launch. */
    public record Result(BackendRun first, BackendRun second, List<BufferComparison> comparisons, Tolerance tolerance) {
        public Result {
            comparisons = List.copyOf(comparisons);
        }

        public boolean passed() {
            return first.failure() == null && second.failure() == null
                    && comparisons.stream().allMatch(BufferComparison::passed);
        }

        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append("checked ").append(first.backend()).append(" against ").append(second.backend()).append(" (")
                    .append(tolerance).append("): ").append(passed() ? "PASSED" : "FAILED").append('\n');
            for (BackendRun r : List.of(first, second)) {
                if (r.failure() != null) {
                    sb.append("  ").append(r.backend()).append(" failed: ").append(r.failure().getMessage()).append('\n');
                }
            }
            for (BufferComparison c : comparisons) {
                sb.append("  ").append(c.format()).append('\n');
            }
            return sb.toString();
        }
    }

    /** Runs the launch on one back end in a fresh session. */
    public static BackendRun run(Backend backend, CompileResult compiled, Launch launch) {
        return run(backend, compiled, null, launch);
    }

    /**
     * Runs the launch on one back end in a fresh session, opened with the compile request when there
     * is one (a back end in an executor process compiles from it).
     */
    public static BackendRun run(Backend backend, CompileResult compiled, CompileRequest request, Launch launch) {
        Map<String, byte[]> outputs = new LinkedHashMap<>();
        try (DeviceSession s = request == null ? backend.open(compiled) : backend.open(compiled, request)) {
            List<KernelArg> args = new ArrayList<>();
            Map<String, DeviceBuffer> buffers = new LinkedHashMap<>();
            for (Arg a : launch.args()) {
                if ((a instanceof Arg.TensorMap t ? t.buffer() : a) instanceof Arg.Buffer b) {
                    DeviceBuffer d = s.allocate(b.data().length);
                    s.write(d, 0, b.data());
                    buffers.put(b.name(), d);
                }
            }
            for (Arg a : launch.args()) {
                if (a instanceof Arg.Buffer b) {
                    args.add(KernelArg.of(buffers.get(b.name())));
                } else if (a instanceof Arg.View v) {
                    DeviceBuffer d = buffers.get(v.of());
                    if (d == null) {
                        throw new IllegalArgumentException("no buffer named '" + v.of() + "' for a pointer into it");
                    }
                    args.add(new KernelArg.Buffer(d, v.offset()));
                } else if (a instanceof Arg.Scalar sc) {
                    args.add(KernelArg.of(sc.value()));
                } else if (a instanceof Arg.Struct st) {
                    args.add(new KernelArg.Bytes(st.bytes()));
                } else if (a instanceof Arg.Null) {
                    args.add(KernelArg.of(0));
                } else if (a instanceof Arg.TensorMap t) {
                    args.add(new KernelArg.TensorMap(buffers.get(t.buffer().name()), 0, t.spec()));
                }
            }
            for (Map.Entry<String, byte[]> e : launch.symbols().entrySet()) {
                s.writeSymbol(e.getKey(), 0, e.getValue());
            }
            PrintfCollector printf = PrintfCollector.forModule(compiled, PrintfCollector.DEFAULT_LIMIT_BYTES).orElse(null);
            if (printf != null) {
                printf.beforeLaunch(s);
            }
            GraphConditionalCollector graph = GraphConditionalCollector.forModule(compiled).orElse(null);
            if (graph != null) {
                graph.beforeLaunch(s);
            }
            LaunchStats stats;
            try {
                stats = s.launch(launch.kernel(), launch.config(), args, launch.options());
            } catch (LaunchException e) {
                return new BackendRun(backend.name(), backend.device(), null, Map.of(), e, printedAfterFailure(printf, s));
            }
            PrintfOutput printed = printf == null ? PrintfOutput.EMPTY : printf.afterLaunch(s);
            GraphConditionals conditionals = graph == null ? GraphConditionals.EMPTY : graph.afterLaunch(s);
            for (Arg a : launch.args()) {
                if ((a instanceof Arg.TensorMap t ? t.buffer() : a) instanceof Arg.Buffer b && b.compare()) {
                    DeviceBuffer d = buffers.get(b.name());
                    outputs.put(b.name(), s.read(d, 0, (int) d.size()));
                }
            }
            return new BackendRun(backend.name(), backend.device(), stats, outputs, null, printed, conditionals);
        }
    }

    /** What a failed launch printed before it stopped, when its session can still be read (CUDA prints it too). */
    private static PrintfOutput printedAfterFailure(PrintfCollector printf, DeviceSession s) {
        if (printf == null) {
            return PrintfOutput.EMPTY;
        }
        try {
            return printf.afterLaunch(s);
        } catch (RuntimeException e) {
            return PrintfOutput.EMPTY; // a native session a crash took with it
        }
    }

    /** Runs on both back ends and compares every output buffer. */
    public static Result check(Backend first, Backend second, CompileResult compiled, Launch launch,
            Tolerance tolerance) {
        BackendRun a = run(first, compiled, launch);
        BackendRun b = run(second, compiled, launch);
        return new Result(a, b, compare(a, b, launch, tolerance), tolerance);
    }

    /** Compares the outputs of two runs of the same launch. */
    public static List<BufferComparison> compare(BackendRun a, BackendRun b, Launch launch, Tolerance tolerance) {
        List<BufferComparison> out = new ArrayList<>();
        if (a.failure() != null || b.failure() != null) {
            return out;
        }
        for (Arg arg : launch.args()) {
            if ((arg instanceof Arg.TensorMap t ? t.buffer() : arg) instanceof Arg.Buffer buf && buf.compare()) {
                out.add(BufferComparison.of(buf.name(), buf.type(), a.outputs().get(buf.name()),
                        b.outputs().get(buf.name()), tolerance, a.backend(), b.backend()));
            }
        }
        return out;
    }
}
