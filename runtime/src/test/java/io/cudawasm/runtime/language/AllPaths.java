package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link KernelCase} on every path a CUDA source can take and checks each against the
 * case's Java reference: the WebAssembly path from the source, OpenCL (PoCL) from the source, and
 * the WebAssembly path from the PTX nvcc makes of the same source ({@code compute_75 -fmad=false},
 * so results are bit-comparable).
 */
final class AllPaths {
    enum Path { WASM, OPENCL, PTX }

    static final Nvcc.Config PTX_CONFIG = new Nvcc.Config("compute_75", false);
    /** For the sm_80 intrinsics ({@code __reduce_*_sync}), which nvcc compiles only for compute_80 and later. */
    static final Nvcc.Config SM80 = new Nvcc.Config("compute_80", false);

    private AllPaths() {}

    /** Every path; nvcc sees the case's source unchanged. */
    static void check(KernelCase c) {
        check(c, EnumSet.allOf(Path.class), "");
    }

    /**
     * The given paths; {@code nvccSuffix} is appended to the source nvcc compiles (explicit
     * instantiations of template kernels the source path instantiates by request).
     */
    static void check(KernelCase c, Set<Path> paths, String nvccSuffix) {
        check(c, paths, nvccSuffix, PTX_CONFIG);
    }

    static void check(KernelCase c, Set<Path> paths, String nvccSuffix, Nvcc.Config nvcc) {
        List<String> problems = new ArrayList<>();
        CompileResult compiled = compile(c.request());
        if (paths.contains(Path.WASM)) {
            run("wasm", KernelHarness.backend(2), compiled, c, problems);
        }
        if (paths.contains(Path.OPENCL)) {
            run("opencl", OpenClTestDevice.backend(), compiled, c, problems);
        }
        if (paths.contains(Path.PTX)) {
            List<String> defines = new ArrayList<>();
            for (Map.Entry<String, String> d : c.request().defines().entrySet()) {
                defines.add("-D" + d.getKey() + "=" + d.getValue());
            }
            String ptx = Nvcc.ptx(c.request().source() + nvccSuffix, nvcc, defines);
            CompileResult viaPtx = compile(CompileRequest.of(c.name() + ".ptx", ptx));
            run("ptx", KernelHarness.backend(2), viaPtx, c, problems);
        }
        assertTrue(problems.isEmpty(), () -> c.name() + ":\n  " + String.join("\n  ", problems));
    }

    static CompileResult compile(CompileRequest request) {
        try {
            return KernelCompiler.compile(request);
        } catch (CompileException e) {
            return fail(request.fileName() + " does not compile:\n" + e.getMessage());
        }
    }

    private static void run(String path, Backend backend, CompileResult compiled, KernelCase c, List<String> problems) {
        CheckedRun.BackendRun r = CheckedRun.run(backend, compiled, c.launch());
        if (r.failure() != null) {
            problems.add(path + ": launch failed: " + r.failure().getMessage());
            return;
        }
        for (BufferComparison b : c.againstReference(r)) {
            if (!b.passed()) {
                problems.add(path + ": " + b.format());
            }
        }
    }

    /** Asserts the compile fails with a message containing {@code expected}. */
    static CompileException refuses(String source, String expected) {
        try {
            KernelCompiler.compile(CompileRequest.of("refused.cu", source));
        } catch (CompileException e) {
            assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in:\n" + e.getMessage());
            return e;
        }
        return fail("expected the compile to fail with '" + expected + "'");
    }
}
