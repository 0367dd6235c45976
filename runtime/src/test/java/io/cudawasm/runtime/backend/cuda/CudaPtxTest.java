package io.cudawasm.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUDA output validated without a GPU: the CUDA C++ of every bundled kernel goes through
 * {@code nvcc -ptx} at compute_75 and compute_90 and the PTX through {@code ptxas} for sm_75 and
 * sm_90; the device-semantics kernels at compute_90. nvcc is part of the build image, so its
 * absence fails the test unless CUDA_WASM_SKIP_NVCC=1 says this machine has no CUDA toolkit.
 */
class CudaPtxTest {
    private static final List<String> ARCHS = List.of("75", "90");

    @TempDir
    static Path work;

    @BeforeAll
    static void requireNvcc() {
        if (PtxCompiler.nvcc().isEmpty()) {
            Assumptions.assumeFalse("1".equals(System.getenv("CUDA_WASM_SKIP_NVCC")),
                    "CUDA_WASM_SKIP_NVCC=1: no CUDA toolkit on this machine");
            fail("nvcc is not on the PATH (set CUDA_WASM_SKIP_NVCC=1 on machines without the CUDA toolkit)");
        }
    }

    private static Path ptxas() {
        Path nvcc = PtxCompiler.nvcc().orElseThrow();
        Path sibling = nvcc.resolveSibling("ptxas");
        return Files.isExecutable(sibling) ? sibling : Path.of("ptxas");
    }

    /** nvcc -ptx, then ptxas; returns the PTX's .target line. */
    private static String compileAndAssemble(String name, CudaProgram program, String arch) throws IOException,
            InterruptedException {
        String ptx = new PtxCompiler(null).compileWithNvcc(program, "compute_" + arch);
        Path file = work.resolve(name + "_" + arch + ".ptx");
        Files.writeString(file, ptx, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(ptxas().toString(), "-arch=sm_" + arch, file.toString(), "-o",
                work.resolve(name + "_" + arch + ".cubin").toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ptxas timed out");
        assertEquals(0, p.exitValue(), name + " sm_" + arch + ": " + log);
        return ptx.lines().filter(l -> l.startsWith(".target")).findFirst().orElse("");
    }

    private static void compileAll(List<KernelCase> cases, List<String> archs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (KernelCase c : cases) {
                CudaProgram program = c.compile().cuda();
                for (String arch : archs) {
                    results.add(pool.submit(() -> compileAndAssemble(c.name(), program, arch)));
                }
            }
            int i = 0;
            for (KernelCase c : cases) {
                for (String arch : archs) {
                    assertEquals(".target sm_" + arch, results.get(i++).get(), c.name());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyBundledKernelCompilesAtTwoArchitecturesAndAssembles() throws Exception {
        compileAll(BundledKernelCases.all(), ARCHS);
    }

    /**
     * The cluster cases (with the module CudaSession compiles for a shape given only at launch) and the
     * tensor-copy cases assemble for sm_90; the tensor copies, being C, for sm_75 too.
     */
    @Test
    void theClusterAndTensorCopyCasesAssembleAsTheGpuCheckRunsThem() throws Exception {
        for (KernelCase c : io.cudawasm.runtime.backend.check.ClusterCases.all()) {
            io.cudawasm.kernels.CompileResult compiled = c.compile();
            CudaProgram plain = compiled.cuda();
            CudaProgram program = plain.kernel(c.launch().kernel()).flatMap(k -> CudaBackend.launchOnlyShape(k,
                    c.launch().config().cluster()).map(shape -> compiled.cuda(k.name(), shape))).orElse(plain);
            assertEquals(".target sm_90", compileAndAssemble(c.name(), program, "90"), c.name());
            assertTrue(Files.readString(work.resolve(c.name() + "_90.ptx")).contains(".reqnctapercluster"), c.name());
        }
        for (KernelCase c : io.cudawasm.runtime.backend.check.TensorCopyCases.all()) {
            for (String arch : ARCHS) {
                assertEquals(".target sm_" + arch, compileAndAssemble(c.name(), c.compile().cuda(), arch), c.name());
            }
        }
    }

    /**
     * The device-semantics kernels in one translation unit (each program in its own namespace, the
     * kernels keep their distinct C names), to spend one nvcc run per architecture on all of them.
     */
    @Test
    void everyDeviceSemanticsKernelCompilesAndAssembles() throws Exception {
        StringBuilder unit = new StringBuilder();
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (KernelCase c : DeviceSemanticsCases.all()) {
            CudaProgram p = c.compile().cuda();
            unit.append("namespace cw_case_").append(n++).append(" {\n").append(p.source()).append("}\n");
            p.kernels().forEach(k -> entries.add(k.name()));
        }
        CudaProgram all = new CudaProgram("device_semantics.cu", unit.toString(), List.of(), List.of(),
                new io.cudawasm.kernels.cgen.LineMap(List.of(), List.of()),
                io.cudawasm.kernels.source.SourcePos.BUILTIN);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> targets = new ArrayList<>();
            for (String arch : ARCHS) {
                targets.add(pool.submit(() -> compileAndAssemble("device_semantics", all, arch)));
            }
            for (int i = 0; i < ARCHS.size(); i++) {
                assertEquals(".target sm_" + ARCHS.get(i), targets.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        String ptx = Files.readString(work.resolve("device_semantics_90.ptx"));
        for (String entry : entries) {
            assertTrue(ptx.contains(".entry " + entry + "("), entry + " is missing from the PTX");
        }
    }

    /**
     * A kernel that synchronizes its grid, directly or in a device function it calls, is marked for a
     * cooperative launch (cuLaunchCooperativeKernel) and its CUDA C uses CUDA's own grid barrier: the
     * PTX holds nvcc's grid-workspace protocol (the %envreg pointer, release/acquire on its counter).
     */
    @Test
    void gridSynchronizationCompilesToCudasGridBarrierAndMarksTheKernelCooperative() throws Exception {
        String source = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __device__ void phase(cg::grid_group g) { g.sync(); }
                __global__ void direct(int *a) {
                    cg::grid_group g = cg::this_grid();
                    a[g.thread_rank()] = 1;
                    g.sync();
                    a[g.thread_rank()] += a[(g.thread_rank() + 1) % g.size()];
                }
                __global__ void viaCall(int *a) {
                    a[cg::this_grid().thread_rank()] = cg::this_grid().is_valid();
                    phase(cg::this_grid());
                }
                __global__ void plain(int *a) { a[threadIdx.x] = 2; }
                """;
        CudaProgram program = io.cudawasm.kernels.KernelCompiler.compileForDevices(
                io.cudawasm.kernels.CompileRequest.of("grid.cu", source)).cuda();
        for (String kernel : List.of("direct", "viaCall", "plain")) {
            assertEquals(!kernel.equals("plain"), program.kernel(kernel).orElseThrow().gridSync(), kernel);
        }
        assertTrue(program.source().contains("cooperative_groups::this_grid().sync()"), program.source());
        for (String arch : ARCHS) {
            assertEquals(".target sm_" + arch, compileAndAssemble("grid", program, arch));
        }
        String ptx = Files.readString(work.resolve("grid_90.ptx"));
        assertTrue(ptx.contains("%envreg1") && ptx.contains("atom.add.release.gpu"), ptx);
    }

    /**
     * The CUDA back end's grid barrier checked for what it does, not only that it compiles: the CUDA C
     * of each grid-synchronizing case, through nvcc, runs on the CPU path's cooperative launch (whose
     * PTX front end runs nvcc's own barrier on the grid workspace) and matches the Java reference.
     */
    @Test
    void theCudaBackEndsGridBarrierGivesTheReferenceResultsThroughItsPtx() throws Exception {
        for (KernelCase c : io.cudawasm.runtime.backend.check.CooperativeCases.all()) {
            String ptx = new PtxCompiler(null).compileWithNvcc(c.compile().cuda(), "compute_75");
            io.cudawasm.kernels.CompileResult fromPtx = io.cudawasm.kernels.KernelCompiler.compile(
                    io.cudawasm.kernels.CompileRequest.of(c.name() + ".ptx", ptx));
            io.cudawasm.runtime.backend.check.CheckedRun.BackendRun run = io.cudawasm.runtime.backend.check.CheckedRun.run(
                    io.cudawasm.runtime.testing.KernelHarness.backend(2), fromPtx, c.launch());
            org.junit.jupiter.api.Assertions.assertNull(run.failure(), () -> c.name() + ": " + run.failure());
            List<io.cudawasm.runtime.backend.check.BufferComparison> cmp = c.againstReference(run);
            assertTrue(cmp.stream().allMatch(io.cudawasm.runtime.backend.check.BufferComparison::passed),
                    () -> c.name() + ": " + cmp.stream().filter(x -> !x.passed())
                            .map(io.cudawasm.runtime.backend.check.BufferComparison::format).toList());
        }
    }

    @Test
    void nvccErrorsAreDiagnosticsAtCudaLines() {
        CudaProgram good = BundledKernelCases.all().get(0).compile().cuda();
        String bad = good.source().replace("__device__ int cw_status[2];", "__device__ undeclared_type cw_status[2];");
        CudaProgram broken = new CudaProgram(good.sourceName(), bad, good.kernels(), good.symbols(), good.lineMap(),
                good.origin());
        io.cudawasm.kernels.source.CompileException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.cudawasm.kernels.source.CompileException.class,
                () -> new PtxCompiler(null).compileWithNvcc(broken, "compute_75"));
        assertTrue(e.first().message().contains("undeclared_type"), e.formatted());
        assertEquals("vector_add.cu", e.first().file());
    }
}
