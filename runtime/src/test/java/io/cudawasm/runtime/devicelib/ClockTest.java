package io.cudawasm.runtime.devicelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.devicelib.DeviceLibraryPaths.Path;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.printf.PrintfCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code clock()}, {@code clock64()} (nvcc: {@code %clock}, {@code %clock64}) and {@code __nanosleep}
 * on the WebAssembly, OpenCL and PTX paths: each thread's readings increase, in the shape of the
 * samples' timed reduction (thread 0 reads the clock before and after the block's work).
 */
class ClockTest {

    @ParameterizedTest
    @EnumSource(Path.class)
    void eachThreadSeesItsClockIncrease(Path path) {
        String src = """
                __global__ void timed(const float *in, float *out, clock_t *timer, long long *ticks)
                {
                    extern __shared__ float shared[];
                    const int tid = threadIdx.x;
                    const int bid = blockIdx.x;
                    if (tid == 0) timer[bid] = clock();
                    shared[tid] = in[tid + bid * blockDim.x];
                    __syncthreads();
                    for (int d = blockDim.x / 2; d > 0; d /= 2) {
                        if (tid < d) shared[tid] += shared[tid + d];
                        __syncthreads();
                    }
                    if (tid == 0) out[bid] = shared[0];
                    __syncthreads();
                    if (tid == 0) timer[bid + gridDim.x] = clock();
                    long long a = clock64();
                    __nanosleep(100);
                    long long b = clock64();
                    long long c = clock64();
                    int g = bid * blockDim.x + tid;
                    ticks[3 * g] = a; ticks[3 * g + 1] = b; ticks[3 * g + 2] = c;
                }
                """;
        int blocks = 4;
        int threads = 64;
        ByteBuffer in = ByteBuffer.allocate(4 * blocks * threads).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < blocks * threads; i++) {
            in.putFloat(i % 7);
        }
        DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, "timed", src, "timed", new Dim3(blocks, 1, 1),
                new Dim3(threads, 1, 1), 4 * threads, PrintfCollector.DEFAULT_LIMIT_BYTES, s -> {
                    var b = s.allocate(in.capacity());
                    s.write(b, 0, in.array());
                    return List.of(new io.cudawasm.runtime.launch.KernelArg.Buffer(b, 0),
                            DeviceLibraryPaths.zeros(s, 4 * blocks), DeviceLibraryPaths.zeros(s, 8 * 2 * blocks),
                            DeviceLibraryPaths.zeros(s, 8 * 3 * blocks * threads));
                });
        ByteBuffer out = ByteBuffer.wrap(run.buffers().get(1)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer timer = ByteBuffer.wrap(run.buffers().get(2)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer ticks = ByteBuffer.wrap(run.buffers().get(3)).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < blocks; b++) {
            float sum = 0;
            for (int t = 0; t < threads; t++) {
                sum += (b * threads + t) % 7;
            }
            assertEquals(sum, out.getFloat(4 * b), "block " + b + "'s sum");
            long start = timer.getLong(8 * b);
            long end = timer.getLong(8 * (b + blocks));
            assertTrue(end > start && start >= 0, "block " + b + ": clock() " + start + " then " + end);
        }
        for (int g = 0; g < blocks * threads; g++) {
            long a = ticks.getLong(24 * g);
            long b = ticks.getLong(24 * g + 8);
            long c = ticks.getLong(24 * g + 16);
            assertTrue(a < b && b < c, "thread " + g + ": clock64() " + a + ", " + b + ", " + c);
        }
    }

    /** {@code %globaltimer} and {@code %clock64} read by inline PTX (cudaGraphPerfScaling's delay loop) are the same counter. */
    @ParameterizedTest
    @EnumSource(Path.class)
    void inlinePtxReadsTheSameCounter(Path path) {
        String src = """
                __global__ void timers(unsigned long long *out, int spins)
                {
                    unsigned long long start, now;
                    asm volatile("mov.u64 %0, %globaltimer;" : "=l"(start));
                    int n = 0;
                    do {
                        asm volatile("mov.u64 %0, %globaltimer;" : "=l"(now));
                        n++;
                    } while (now - start < (unsigned long long)spins);
                    unsigned long long c;
                    asm volatile("mov.u64 %0, %clock64;" : "=l"(c));
                    out[0] = now - start;
                    out[1] = c > now;
                    out[2] = n;
                }
                """;
        DeviceLibraryPaths.Run run = DeviceLibraryPaths.run(path, "timers", src, "timers", new Dim3(1, 1, 1),
                new Dim3(1, 1, 1), PrintfCollector.DEFAULT_LIMIT_BYTES,
                s -> List.of(DeviceLibraryPaths.zeros(s, 24), io.cudawasm.runtime.launch.KernelArg.of(50)));
        ByteBuffer out = ByteBuffer.wrap(run.buffers().get(0)).order(ByteOrder.LITTLE_ENDIAN);
        assertTrue(out.getLong(0) >= 50, "the wait ended after 50 ticks: " + out.getLong(0));
        assertEquals(1, out.getLong(8), "%clock64 after %globaltimer reads a later value");
        assertTrue(out.getLong(16) >= 1, "the loop ran");
    }
}
