package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.FaultLocation;
import io.cudawasm.runtime.launch.Index3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sandbox never lets an address wrap or a null pointer through: CUDA pointers are 64-bit and
 * the CPU path's memory is 32-bit, so an index that lands 2^32 past a buffer, a negative one as far
 * before it, a 64-bit index with high bits, an access through a null pointer or into the guard page
 * at address 0 each fail the launch with OUT_OF_BOUNDS, naming the kernel, the source line, the
 * block and the thread, and leave the buffers untouched (before the checks, {@code x[1 << 30] = 7}
 * wrote 7 into {@code x[0]}). The same kernels compiled to PTX by nvcc (with {@code -lineinfo})
 * fail the same way, at the same CUDA lines.
 */
class AddressSafetyTest {
    /** Only thread (5,0,0) of block (2,0,0) misbehaves; the others write their marker. */
    private static final String SOURCE = """
            #include <stddef.h>
            #define ONLY(stmt) if (blockIdx.x == 2 && threadIdx.x == 5) { stmt; } else { mark[blockIdx.x * blockDim.x + threadIdx.x] = 1; }
            __global__ void wrapWrite(int* x, int* mark) {
                ONLY(x[1 << 30] = 7)
            }
            __global__ void wrapRead(int* x, int* mark) {
                ONLY(x[1] = x[(size_t)1 << 40])
            }
            __global__ void wrapBackwards(int* x, int* mark) {
                ONLY(x[-(1 << 30)] = 7)
            }
            __global__ void wideIndex(int* x, int* mark, long long i) {
                ONLY(x[i] = 7)
            }
            __global__ void nullWrite(int* x, int* mark) {
                ONLY(x[threadIdx.x] = 7)
            }
            __global__ void nullRead(int* x, int* mark) {
                ONLY(mark[0] = x[3])
            }
            __global__ void guardWrite(int* x, int* mark) {
                ONLY(((int*)(size_t)4096)[threadIdx.x] = 7)
            }
            __global__ void pointerFromInteger(int* x, int* mark, unsigned long long a) {
                ONLY(*(int*)a = 7)
            }
            __global__ void intIndex(int* x, int* mark, int i) {
                ONLY(x[i] = x[i + 1] + 7)
            }
            __global__ void threadScaled(int* x, int* mark) {
                ONLY(x[threadIdx.x * 214748365u] = 7)
            }
            __global__ void loopScaled(int* x, int* mark) {
                for (int k = 0; k < 8; k++) {
                    if (blockIdx.x == 2 && threadIdx.x == 5 && k == 7) x[k * 153391690] = 7;
                }
                mark[blockIdx.x * blockDim.x + threadIdx.x] = 1;
            }
            """;
    /** The line of the faulting statement in each kernel. */
    private static final int WRAP_WRITE = 4;
    private static final int WRAP_READ = 7;
    private static final int WRAP_BACKWARDS = 10;
    private static final int WIDE_INDEX = 13;
    private static final int NULL_WRITE = 16;
    private static final int NULL_READ = 19;
    private static final int GUARD_WRITE = 22;
    private static final int FROM_INTEGER = 25;
    private static final int INT_INDEX = 28;
    private static final int THREAD_SCALED = 31;
    private static final int LOOP_SCALED = 35;

    /** A kernel, its extra arguments after (x, mark), whether x is null, and the faulting line. */
    record Case(String kernel, List<Object> extra, boolean nullX, int line) {
        @Override
        public String toString() {
            return kernel + extra;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("wrapWrite", List.of(), false, WRAP_WRITE),
                new Case("wrapRead", List.of(), false, WRAP_READ),
                new Case("wrapBackwards", List.of(), false, WRAP_BACKWARDS),
                new Case("wideIndex", List.of(1L << 32), false, WIDE_INDEX),
                new Case("wideIndex", List.of(-(1L << 40)), false, WIDE_INDEX),
                new Case("wideIndex", List.of((1L << 31) / 4), false, WIDE_INDEX),
                new Case("nullWrite", List.of(), true, NULL_WRITE),
                new Case("nullRead", List.of(), true, NULL_READ),
                new Case("guardWrite", List.of(), false, GUARD_WRITE),
                new Case("pointerFromInteger", List.of(1L << 32), false, FROM_INTEGER),
                new Case("pointerFromInteger", List.of(8L), false, FROM_INTEGER),
                // byte offsets just inside [-2^31, 2^31): the 32-bit address is then past 2^31 or negative
                new Case("intIndex", List.of((1 << 29) - 2), false, INT_INDEX),
                new Case("intIndex", List.of(-(1 << 29)), false, INT_INDEX),
                // and just outside: the offset check itself
                new Case("intIndex", List.of(1 << 29), false, INT_INDEX),
                new Case("intIndex", List.of(Integer.MAX_VALUE), false, INT_INDEX),
                // indices computed from threadIdx and a loop counter: their known ranges are too wide to
                // leave the check out, and the byte offset (2^32 + 4, 2^32 + 24) would wrap to x[1], x[6]
                new Case("threadScaled", List.of(), false, THREAD_SCALED),
                new Case("loopScaled", List.of(), false, LOOP_SCALED));
    }

    @ParameterizedTest(name = "{0} from CUDA source")
    @MethodSource("cases")
    void faultsAreTrappedAndLocated(Case c) {
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("safety.cu", SOURCE), 2)) {
            assertFaultLocated(h, c, "safety.cu");
        }
    }

    @ParameterizedTest(name = "{0} from nvcc's PTX")
    @MethodSource("cases")
    void ptxFaultsAreTrappedAndLocatedAtTheCudaLine(Case c) {
        String ptx = Nvcc.ptx(SOURCE, new Nvcc.Config("compute_75", false), List.of("-lineinfo"));
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("safety.ptx", ptx), 2)) {
            assertFaultLocated(h, c, null);
        }
    }

    private static void assertFaultLocated(KernelHarness h, Case c, String file) {
        int[] before = {11, 22, 33, 44};
        DeviceBuffer x = h.buffer(before);
        DeviceBuffer mark = h.buffer(new int[4 * 32]);
        Object[] args = new Object[2 + c.extra().size()];
        args[0] = c.nullX() ? KernelArg.of(0) : x;
        args[1] = mark;
        for (int i = 0; i < c.extra().size(); i++) {
            args[2 + i] = c.extra().get(i);
        }
        LaunchException e = assertThrows(LaunchException.class,
                () -> h.launch(c.kernel(), Dim3.of(4), Dim3.of(32), args));
        assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
        FaultLocation at = e.location();
        assertNotNull(at, e.getMessage());
        assertEquals(c.kernel(), at.kernel());
        assertEquals(c.line(), at.line(), e.getMessage());
        if (file != null) {
            assertEquals(file, at.file());
        } else {
            assertTrue(at.file().endsWith(".cu"), "the CUDA file from the PTX's line information: " + at.file());
        }
        assertEquals(new Index3(2, 0, 0), at.blockIdx(), e.getMessage());
        assertEquals(new Index3(5, 0, 0), at.threadIdx(), e.getMessage());
        assertTrue(e.getMessage().contains("kernel '" + c.kernel() + "'") && e.getMessage().contains(":" + c.line()),
                e.getMessage());
        assertArrayEquals(before, h.ints(x), "nothing was written through a wrapped address");
        h.launch("wrapWrite", Dim3.of(1), Dim3.of(32), x, mark);
        assertArrayEquals(before, h.ints(x), "the session still runs kernels correctly afterwards");
    }
}
