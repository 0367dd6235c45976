package io.cudawasm.runtime.backend.check;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One kernel launch with known-good outputs, as data: the cross-back-end suite and the GPU check
 * run every case on every back end they have and compare the outputs with each other and with the
 * Java reference.
 *
 * @param expected reference outputs computed in Java, by buffer name (may be empty)
 * @param tolerance how closely back ends (and the reference) must agree
 */
public record KernelCase(String name, CompileRequest request, CheckedRun.Launch launch, Map<String, byte[]> expected,
        Tolerance tolerance) {

    public KernelCase {
        expected = Map.copyOf(expected);
    }

    public CompileResult compile() {
        return KernelCompiler.compile(request);
    }

    /** This run's outputs against the Java reference. */
    public List<BufferComparison> againstReference(CheckedRun.BackendRun run) {
        List<BufferComparison> out = new ArrayList<>();
        for (CheckedRun.Arg a : launch.args()) {
            CheckedRun.Arg buffer = a instanceof CheckedRun.Arg.TensorMap t ? t.buffer() : a;
            if (buffer instanceof CheckedRun.Arg.Buffer b && expected.containsKey(b.name()) && run.failure() == null) {
                out.add(BufferComparison.of(b.name(), b.type(), run.outputs().get(b.name()), expected.get(b.name()),
                        tolerance, run.backend(), "java"));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
