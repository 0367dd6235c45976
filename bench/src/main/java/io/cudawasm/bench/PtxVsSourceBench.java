package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.check.UnrolledConvolution;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same kernel on the Wasm path compiled from CUDA source and from the PTX nvcc makes of that
 * source (default flags, so with fma contraction, and {@code -fmad=false}), time per launch.
 * Kernels: the bundled saxpy (1M floats), a shared-memory tree reduction (1M floats, barriers:
 * region fission), the bundled naive matmul and a tiled matmul with shared memory (256x256).
 * Needs {@code nvcc} (on the PATH or in /usr/local/cuda/bin); the PTX is generated at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:-DontCompileHugeMethods") // as bin/cuda-wasm and the images run
public class PtxVsSourceBench {
    static final int N = 256;
    static final int ELEMENTS = 1 << 20;

    static final String TILED = """
            #define TILE 16
            __global__ void matmulTiled(const float* A, const float* B, float* C, int M, int N, int K) {
                __shared__ float As[TILE][TILE];
                __shared__ float Bs[TILE][TILE];
                int row = blockIdx.y * TILE + threadIdx.y;
                int col = blockIdx.x * TILE + threadIdx.x;
                float sum = 0.0f;
                for (int t = 0; t < K / TILE; ++t) {
                    As[threadIdx.y][threadIdx.x] = A[row * K + t * TILE + threadIdx.x];
                    Bs[threadIdx.y][threadIdx.x] = B[(t * TILE + threadIdx.y) * N + col];
                    __syncthreads();
                    for (int k = 0; k < TILE; ++k)
                        sum += As[threadIdx.y][k] * Bs[k][threadIdx.x];
                    __syncthreads();
                }
                C[row * N + col] = sum;
            }
            """;

    static final String REDUCE = """
            __global__ void reduceSum(const float* in, float* out, int n) {
                __shared__ float s[256];
                int tid = threadIdx.x;
                int i = blockIdx.x * blockDim.x * 2 + threadIdx.x;
                float v = 0.0f;
                if (i < n) v = in[i];
                if (i + blockDim.x < n) v += in[i + blockDim.x];
                s[tid] = v;
                __syncthreads();
                for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
                    if (tid < stride) s[tid] += s[tid + stride];
                    __syncthreads();
                }
                if (tid == 0) out[blockIdx.x] = s[0];
            }
            """;

    /** Size of the unrolled convolution's square image. */
    static final int IMAGE = 1024;

    /** saxpy and matmul: bundled kernels; reduce and tiled: shared memory and barriers; unrolled: {@link UnrolledConvolution}. */
    @Param({"saxpy", "reduce", "matmul", "tiled", "unrolled"})
    String kernel;

    /** {@code source}: CUDA C; {@code ptx}: nvcc -ptx default flags; {@code ptx-nofma}: with -fmad=false. */
    @Param({"source", "ptx", "ptx-nofma"})
    String path;

    WasmBackend backend;
    DeviceSession session;
    List<KernelArg> args;
    LaunchConfig config;
    String name;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        String source = switch (kernel) {
            case "saxpy" -> KernelLibrary.source("saxpy").orElseThrow();
            case "reduce" -> REDUCE;
            case "matmul" -> KernelLibrary.source("matmul_naive").orElseThrow();
            case "unrolled" -> UnrolledConvolution.SOURCE;
            default -> TILED;
        };
        CompileResult compiled = path.equals("source")
                ? KernelCompiler.compile(CompileRequest.of(kernel + ".cu", source))
                : KernelCompiler.compile(CompileRequest.of(kernel + ".ptx", nvcc(source, path.equals("ptx-nofma"))));
        backend = new WasmBackend(1, false);
        session = backend.open(compiled);
        SplittableRandom r = new SplittableRandom(1);
        int count = kernel.equals("saxpy") || kernel.equals("reduce") ? ELEMENTS
                : kernel.equals("unrolled") ? IMAGE * IMAGE : N * N;
        float[] a = new float[count];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble();
        }
        DeviceBuffer da = HostData.upload(session, a);
        DeviceBuffer db = HostData.upload(session, a);
        switch (kernel) {
            case "saxpy" -> {
                name = "saxpy";
                args = List.of(KernelArg.of(ELEMENTS), KernelArg.of(2.5f), KernelArg.of(da), KernelArg.of(db));
                config = LaunchConfig.of(Dim3.of(ELEMENTS / 256), Dim3.of(256));
            }
            case "reduce" -> {
                name = "reduceSum";
                args = List.of(KernelArg.of(da), KernelArg.of(db), KernelArg.of(ELEMENTS));
                config = LaunchConfig.of(Dim3.of(ELEMENTS / 512), Dim3.of(256));
            }
            case "unrolled" -> {
                name = UnrolledConvolution.KERNEL;
                float[] weights = new float[UnrolledConvolution.TAPS];
                java.util.Arrays.fill(weights, 1.0f / 17);
                DeviceBuffer dw = HostData.upload(session, weights);
                DeviceBuffer dst = session.allocate(4L * IMAGE * IMAGE);
                args = List.of(KernelArg.of(dst), KernelArg.of(da), KernelArg.of(dw), KernelArg.of(IMAGE),
                        KernelArg.of(IMAGE));
                config = LaunchConfig.of(new Dim3(IMAGE / UnrolledConvolution.COLUMNS_PER_BLOCK,
                        IMAGE / UnrolledConvolution.BY, 1), new Dim3(UnrolledConvolution.BX, UnrolledConvolution.BY, 1));
            }
            default -> {
                name = kernel.equals("matmul") ? "matmul" : "matmulTiled";
                DeviceBuffer dc = session.allocate(4L * N * N);
                args = List.of(KernelArg.of(da), KernelArg.of(db), KernelArg.of(dc), KernelArg.of(N), KernelArg.of(N),
                        KernelArg.of(N));
                config = LaunchConfig.of(new Dim3(N / 16, N / 16, 1), new Dim3(16, 16, 1));
            }
        }
    }

    /** nvcc from the PATH, or the default CUDA installation. */
    static String nvccExecutable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) {
                return Path.of(dir, "nvcc").toString();
            }
        }
        return "/usr/local/cuda/bin/nvcc";
    }

    /** Runs {@code nvcc -ptx -arch=compute_75} in a temporary directory. */
    static String nvcc(String source, boolean noFma) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ptx-bench");
        Path cu = dir.resolve("k.cu");
        Path ptx = dir.resolve("k.ptx");
        Files.writeString(cu, source, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(nvccExecutable(), "-ptx", "-arch=compute_75"));
        if (noFma) {
            cmd.add("-fmad=false");
        }
        cmd.addAll(List.of(cu.toString(), "-o", ptx.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("nvcc failed: " + out);
        }
        String text = Files.readString(ptx, StandardCharsets.UTF_8);
        Files.delete(ptx);
        Files.delete(cu);
        Files.delete(dir);
        return text;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        backend.close();
    }

    @Benchmark
    public void launch() {
        session.launch(name, config, args, LaunchOptions.DEFAULT);
    }
}
