package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the tiled 512x512 matmul of {@link CpuLimits} spends its time on the Wasm path with one worker:
 * the kernel whole; its tile loads alone (each thread then adds its own tile element, so the loads are
 * used); its inner products alone (on tiles never loaded); and the tile loop's structure alone (the
 * barriers and one element a thread) - on a back end with vector rows (the accumulating rows'
 * block calls), or with {@code scalar} on one whose rows stay scalar. One kind per JVM: back ends run
 * the same kernels' compiled classes, and HotSpot compiled for both ran the vector kind 25 % slower.
 *
 * <p>{@code java -XX:-DontCompileHugeMethods --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar io.cudawasm.bench.MatmulParts [ROUNDS [LAUNCHES [vector|scalar]]]}
 * (defaults: 7 rounds of 3 launches, vector; the variants take turns within a round, as in
 * {@link CpuLimits}; ms per launch, the median of the rounds' fastest).
 */
public final class MatmulParts {
    private MatmulParts() {}

    private static final int N = CpuLimits.MATMUL_N;
    private static final String LOAD = """
            As[ty][tx] = row < M && ak < K ? A[row * K + ak] : 0.0f;
            Bs[ty][tx] = bk < K && col < N ? B[bk * N + col] : 0.0f;""";
    private static final String PRODUCT = "for (int k = 0; k < TILE; k++) sum += As[ty][k] * Bs[k][tx];";
    private static final String OWN = "sum += As[ty][tx];";

    /** The tiled kernel with {@code load} before the tile loop's first barrier and {@code use} between its barriers. */
    private static String kernel(String name, String load, String use) {
        return "#define TILE 16\n__global__ void " + name + "(const float* A, const float* B, float* C, int M, int N, int K) {\n"
                + "    __shared__ float As[TILE][TILE];\n    __shared__ float Bs[TILE][TILE];\n"
                + "    int tx = threadIdx.x; int ty = threadIdx.y;\n"
                + "    int row = blockIdx.y * TILE + ty; int col = blockIdx.x * TILE + tx;\n    float sum = 0.0f;\n"
                + "    for (int t = 0; t < (K + TILE - 1) / TILE; t++) {\n        int ak = t * TILE + tx; int bk = t * TILE + ty;\n"
                + "        " + load + "\n        __syncthreads();\n        " + use + "\n        __syncthreads();\n    }\n"
                + "    if (row < M && col < N) C[row * N + col] = sum;\n}\n";
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int launches = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean vectors = args.length <= 2 || !args[2].equals("scalar");
        String source = kernel("whole", LOAD, PRODUCT) + kernel("loads", LOAD, OWN) + kernel("products", "", PRODUCT)
                + kernel("structure", "", OWN);
        List<String> kernels = List.of("whole", "loads", "products", "structure");
        Map<String, Runnable> variants = new LinkedHashMap<>();
        List<AutoCloseable> open = new ArrayList<>();
        {
            WasmBackend backend = new WasmBackend(1, false, vectors);
            DeviceSession session = backend.open(KernelCompiler.compile(CompileRequest.of("parts.cu", source)));
            open.add(session);
            open.add(backend);
            List<KernelArg> kargs = List.of(KernelArg.of(HostData.upload(session, HostData.floats(N * N, 4))),
                    KernelArg.of(HostData.upload(session, HostData.floats(N * N, 5))), KernelArg.of(session.allocate(4L * N * N)),
                    KernelArg.of(N), KernelArg.of(N), KernelArg.of(N));
            LaunchConfig config = LaunchConfig.of(new Dim3(N / 16, N / 16, 1), new Dim3(16, 16, 1));
            for (String k : kernels) {
                variants.put(k, () -> session.launch(k, config, kargs, LaunchOptions.DEFAULT));
            }
        }
        Map<String, double[]> best = new LinkedHashMap<>();
        variants.keySet().forEach(v -> best.put(v, new double[rounds]));
        List<String> order = new ArrayList<>(variants.keySet());
        for (int r = 0; r < rounds; r++) {
            java.util.Collections.rotate(order, 1);
            for (String v : order) {
                double fastest = Double.MAX_VALUE;
                for (int i = 0; i < launches; i++) {
                    long start = System.nanoTime();
                    variants.get(v).run();
                    fastest = Math.min(fastest, (System.nanoTime() - start) / 1e6);
                }
                best.get(v)[r] = fastest;
            }
        }
        System.out.printf(Locale.ROOT, "tiled matmul %dx%d, one worker, %s rows (%d rounds of %d launches; ms per launch,"
                + " median of the rounds' fastest)%n", N, N, vectors ? "vector" : "scalar", rounds, launches);
        best.forEach((v, t) -> {
            double[] s = t.clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "  %-28s %8.2f ms%n", v, s[s.length / 2]);
        });
        for (AutoCloseable c : open) {
            c.close();
        }
    }
}
