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
import io.cudawasm.runtime.memory.DeviceBuffer;
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
 * Kernels with shared memory and barriers on the CPU path (region fission), against plain Java
 * loops of the same algorithms, with one and two workers: a tiled 512x512 matrix multiply and a
 * shared-memory tree reduction of 16M floats (one partial sum per block of 256).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class WasmBlockBench {
    static final int N = 512;
    static final int TILE = 16;
    static final int REDUCE_N = 16 * 1024 * 1024;
    static final int BLOCK = 256;

    static final String SOURCE = """
            #define TILE 16
            __global__ void matmulTiled(const float* A, const float* B, float* C, int n) {
                __shared__ float As[TILE][TILE];
                __shared__ float Bs[TILE][TILE];
                int row = blockIdx.y * TILE + threadIdx.y;
                int col = blockIdx.x * TILE + threadIdx.x;
                float sum = 0.0f;
                for (int t = 0; t < n / TILE; ++t) {
                    As[threadIdx.y][threadIdx.x] = A[row * n + t * TILE + threadIdx.x];
                    Bs[threadIdx.y][threadIdx.x] = B[(t * TILE + threadIdx.y) * n + col];
                    __syncthreads();
                    for (int k = 0; k < TILE; ++k)
                        sum += As[threadIdx.y][k] * Bs[k][threadIdx.x];
                    __syncthreads();
                }
                C[row * n + col] = sum;
            }
            __global__ void reduce(const float* in, float* out) {
                extern __shared__ float s[];
                unsigned tid = threadIdx.x;
                s[tid] = in[blockIdx.x * blockDim.x + tid];
                __syncthreads();
                for (unsigned st = blockDim.x / 2; st > 0; st >>= 1) {
                    if (tid < st) s[tid] += s[tid + st];
                    __syncthreads();
                }
                if (tid == 0) out[blockIdx.x] = s[0];
            }
            """;

    @Param({"1", "2"})
    int threads;

    float[] a;
    float[] b;
    float[] c;
    float[] values;
    float[] partial;
    WasmBackend backend;
    DeviceSession session;
    DeviceBuffer da;
    DeviceBuffer db;
    DeviceBuffer dc;
    DeviceBuffer din;
    DeviceBuffer dout;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(3);
        a = new float[N * N];
        b = new float[N * N];
        c = new float[N * N];
        for (int i = 0; i < N * N; i++) {
            a[i] = (float) r.nextDouble();
            b[i] = (float) r.nextDouble();
        }
        values = new float[REDUCE_N];
        for (int i = 0; i < REDUCE_N; i++) {
            values[i] = (float) r.nextDouble();
        }
        partial = new float[REDUCE_N / BLOCK];
        backend = new WasmBackend(threads, false);
        session = backend.open(KernelCompiler.compile(CompileRequest.of("block.cu", SOURCE)));
        da = HostData.upload(session, a);
        db = HostData.upload(session, b);
        dc = session.allocate(4L * N * N);
        din = HostData.upload(session, values);
        dout = session.allocate(4L * REDUCE_N / BLOCK);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        backend.close();
    }

    @Benchmark
    public void tiledMatmulWasm() {
        session.launch("matmulTiled", LaunchConfig.of(new Dim3(N / TILE, N / TILE, 1), new Dim3(TILE, TILE, 1)),
                List.of(KernelArg.of(da), KernelArg.of(db), KernelArg.of(dc), KernelArg.of(N)), LaunchOptions.DEFAULT);
    }

    /** The same tiled algorithm and summation order in plain Java (one thread). */
    @Benchmark
    public float tiledMatmulJava() {
        for (int by = 0; by < N / TILE; by++) {
            for (int bx = 0; bx < N / TILE; bx++) {
                for (int ty = 0; ty < TILE; ty++) {
                    for (int tx = 0; tx < TILE; tx++) {
                        int row = by * TILE + ty;
                        int col = bx * TILE + tx;
                        float sum = 0f;
                        for (int t = 0; t < N / TILE; t++) {
                            for (int k = 0; k < TILE; k++) {
                                sum += a[row * N + t * TILE + k] * b[(t * TILE + k) * N + col];
                            }
                        }
                        c[row * N + col] = sum;
                    }
                }
            }
        }
        return c[N + 1];
    }

    @Benchmark
    public void reduceWasm() {
        session.launch("reduce", new LaunchConfig(Dim3.of(REDUCE_N / BLOCK), Dim3.of(BLOCK), BLOCK * 4),
                List.of(KernelArg.of(din), KernelArg.of(dout)), LaunchOptions.DEFAULT);
    }

    /** The same tree reduction per block of 256 in plain Java. */
    @Benchmark
    public float reduceJava() {
        float[] s = new float[BLOCK];
        for (int blk = 0; blk < REDUCE_N / BLOCK; blk++) {
            System.arraycopy(values, blk * BLOCK, s, 0, BLOCK);
            for (int st = BLOCK / 2; st > 0; st >>= 1) {
                for (int t = 0; t < st; t++) {
                    s[t] += s[t + st];
                }
            }
            partial[blk] = s[0];
        }
        return partial[1];
    }
}
