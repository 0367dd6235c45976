package io.cudawasm.bench;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The kernel cases of the runtime's checks (every bundled kernel and the device-semantics corpus),
 * each in a Wasm session with its inputs on the device, ready to launch: for {@link WasmBeforeAfter},
 * which loads this class once with this build and once with an older one. Its public surface uses
 * only JDK types so the two copies can be driven from one place.
 */
public final class KernelLaunches {
    private KernelLaunches() {}

    /**
     * One {@code Object[] {name, Runnable launch, Supplier<byte[]> outputs}} per case: a launch of the
     * case's kernel in its session (buffers stay on the device), and the bytes of its compared buffers.
     */
    public static List<Object[]> prepare(int workers) {
        WasmBackend backend = new WasmBackend(workers, false);
        List<KernelCase> cases = new ArrayList<>(BundledKernelCases.all());
        cases.addAll(DeviceSemanticsCases.all());
        List<Object[]> out = new ArrayList<>();
        for (KernelCase c : cases) {
            CompileResult compiled = c.compile();
            DeviceSession s = backend.open(compiled);
            CheckedRun.Launch launch = c.launch();
            List<KernelArg> args = new ArrayList<>();
            List<DeviceBuffer> compared = new ArrayList<>();
            for (CheckedRun.Arg a : launch.args()) {
                if (a instanceof CheckedRun.Arg.Buffer b) {
                    DeviceBuffer d = s.allocate(b.data().length);
                    s.write(d, 0, b.data());
                    args.add(KernelArg.of(d));
                    if (b.compare()) {
                        compared.add(d);
                    }
                } else if (a instanceof CheckedRun.Arg.Scalar sc) {
                    args.add(KernelArg.of(sc.value()));
                } else if (a instanceof CheckedRun.Arg.Struct st) {
                    args.add(new KernelArg.Bytes(st.bytes()));
                } else {
                    args.add(KernelArg.of(0));
                }
            }
            launch.symbols().forEach((name, bytes) -> s.writeSymbol(name, 0, bytes));
            Runnable run = () -> s.launch(launch.kernel(), launch.config(), args, launch.options());
            Supplier<byte[]> outputs = () -> {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (DeviceBuffer d : compared) {
                    all.writeBytes(s.read(d, 0, (int) d.size()));
                }
                return all.toByteArray();
            };
            out.add(new Object[] {c.name(), run, outputs});
        }
        out.add(blockReduce(backend));
        return out;
    }

    /**
     * {@link WasmBlockBench}'s shared-memory tree reduction of 16M floats (256 per block), the kernel of
     * {@link CpuLimits}' "reduce": its source and sizes are compile-time constants, so the copy of this
     * class over an older build runs the same launch.
     */
    private static Object[] blockReduce(WasmBackend backend) {
        DeviceSession s = backend.open(KernelCompiler.compile(
                CompileRequest.of("block.cu", WasmBlockBench.SOURCE)));
        ByteBuffer values = ByteBuffer.allocate(4 * WasmBlockBench.REDUCE_N)
                .order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < WasmBlockBench.REDUCE_N; i++) {
            values.putFloat((float) r.nextDouble());
        }
        DeviceBuffer in = s.allocate(values.capacity());
        s.write(in, 0, values.array());
        DeviceBuffer partial = s.allocate(4L * WasmBlockBench.REDUCE_N / WasmBlockBench.BLOCK);
        LaunchConfig config = new LaunchConfig(
                Dim3.of(WasmBlockBench.REDUCE_N / WasmBlockBench.BLOCK),
                Dim3.of(WasmBlockBench.BLOCK), WasmBlockBench.BLOCK * 4);
        List<KernelArg> args = List.of(KernelArg.of(in), KernelArg.of(partial));
        Runnable run = () -> s.launch("reduce", config, args, LaunchOptions.DEFAULT);
        Supplier<byte[]> outputs = () -> s.read(partial, 0, (int) partial.size());
        return new Object[] {"block_reduce_16M", run, outputs};
    }
}

