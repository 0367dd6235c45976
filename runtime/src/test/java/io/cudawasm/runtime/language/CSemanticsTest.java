package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * C's arithmetic as CUDA devices perform it, checked against Java re-statements of the same
 * rules. Inputs arrive as kernel arguments so the Wasm code computes them (not the constant folder);
 * a few slots repeat the same expressions with literals so the folder is checked too.
 */
class CSemanticsTest {

    private static long[] runLongs(String body, int slots, Object... args) {
        String src = "__global__ void k(long long* out, int m1, int m7, int i200, unsigned u3, unsigned big, "
                + "char c, unsigned char uc, short s, long long ll, unsigned long long ull) {\n" + body + "\n}\n";
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            DeviceBuffer out = h.buffer(new long[slots]);
            Object[] all = new Object[11];
            all[0] = out;
            Object[] defaults = {-1, -7, 200, 3, 0xFFFF_FFF0L, -5, 250, -300, -9_000_000_000L, -1L};
            System.arraycopy(defaults, 0, all, 1, 10);
            for (int i = 0; i < args.length; i++) {
                all[1 + i] = args[i];
            }
            h.launch("k", Dim3.of(1), Dim3.of(1), all);
            return h.longs(out);
        }
    }

    @Test
    void integerPromotionsAndWraparound() {
        long[] r = runLongs("""
                out[0] = c + c;                  // char promotes to int: -10, not a wrapped char
                out[1] = uc + uc;                // 500
                out[2] = (unsigned char)(uc + 10); // 4: conversion back wraps
                out[3] = (char)i200;             // -56
                out[4] = (short)(s * 200);       // -60000 wraps to 5536
                out[5] = u3 - 5;                 // unsigned wraparound: 4294967294
                out[6] = (int)(u3 - 5);          // -2
                out[7] = big + 32;               // wraps to 16
                out[8] = ull + 2;                // 1
                out[9] = -m1 * 2147483647;       // 2147483647
                out[10] = (m1 < u3);             // -1 converts to unsigned: 0
                out[11] = (m1 < (long long)u3);  // 1
                out[12] = (c < uc);              // both promote to int: 1
                out[13] = sizeof(c + c);         // 4
                out[14] = (unsigned)m1 / 2;      // 2147483647
                out[15] = ll / 7;                // truncation toward zero
                out[16] = (short)s;
                """, 17);
        assertArrayEquals(new long[] {-10, 500, 4, -56, 5536, 4294967294L, -2, 16, 1, 2147483647, 0, 1, 1, 4,
            2147483647, -9_000_000_000L / 7, -300}, r);
    }

    @Test
    void divisionRemainderAndShifts() {
        long[] r = runLongs("""
                out[0] = m7 / 2;      // -3
                out[1] = m7 % 2;      // -1
                out[2] = 7 / m1;      // -7
                out[3] = m7 % (-3);   // -1
                out[4] = m7 >> 1;     // arithmetic: -4
                out[5] = (unsigned)m7 >> 28;   // logical: 15
                out[6] = u3 << 31;    // 2147483648
                out[7] = 1 << 31;     // INT_MIN (folded)
                out[8] = ll >> 4;
                out[9] = ull >> 60;   // 15
                out[10] = (m7 & 0xFF) | (u3 << 8) ^ 0x5;
                out[11] = ~u3;
                out[12] = ~m7;
                out[13] = -7 / 2;     // folded: -3
                out[14] = -7 % 2;     // folded: -1
                """, 15);
        assertArrayEquals(new long[] {-3, -1, -7, -1, -4, 15, 2147483648L, Integer.MIN_VALUE, -9_000_000_000L >> 4,
            15, (-7 & 0xFF) | (3L << 8) ^ 5, 0xFFFF_FFFCL, 6, -3, -1}, r);
    }

    @Test
    void compoundAssignmentIncrementsTernaryAndComma() {
        long[] r = runLongs("""
                int x = m7;
                x += 10; out[0] = x;      // 3
                x -= 1; out[1] = x;       // 2
                x *= m7; out[2] = x;      // -14
                x /= 4; out[3] = x;       // -3
                x %= 2; out[4] = x;       // -1
                x <<= 3; out[5] = x;      // -8
                x >>= 1; out[6] = x;      // -4
                x &= 6; out[7] = x;       // 4
                x |= 3; out[8] = x;       // 7
                x ^= 5; out[9] = x;       // 2
                int y = x++; out[10] = y; out[11] = x;   // 2, 3
                y = ++x; out[12] = y;     // 4
                y = x--; out[13] = y; out[14] = x;       // 4, 3
                y = --x; out[15] = y;     // 2
                out[16] = (m1 < 0 ? 100 : 200);
                out[17] = (y = 5, y + 1); // comma: 6
                char ch = 127; ch++; out[18] = ch;       // wraps to -128
                unsigned char b = 3; b -= 5; out[19] = b;  // 254
                float f = 1.5f; f *= m7; out[20] = (long long)f;  // -10
                int z = 10; z *= 2.6; out[21] = z;      // 26 (via double)
                """, 22);
        assertArrayEquals(new long[] {3, 2, -14, -3, -1, -8, -4, 4, 7, 2, 2, 3, 4, 4, 3, 2, 100, 6, -128, 254, -10, 26},
                r);
    }

    @Test
    void castsBetweenIntegersAndFloatingPoint() {
        long[] r = runLongs("""
                float f = m7 * 1.7f;             // -11.9
                out[0] = (int)f;                 // truncation: -11
                out[1] = (unsigned char)(i200 + 100);   // 44
                double d = 3.0e10;
                out[2] = (int)d;                 // saturates as cvt.rzi does: 2147483647
                out[3] = (long long)(d * 1000);  // 30000000000000
                out[4] = (unsigned)(-f);         // 11
                out[5] = __float_as_int((float)m1);   // bits of -1.0f
                out[6] = (long long)(float)ull;  // 2^64 - 1 rounds to 2^64, saturates to LLONG_MAX
                out[7] = (bool)m7;
                out[8] = (bool)0.0f;
                out[9] = (int)(1.0f / 0.0f > 1e30f);
                float nan = __int_as_float(0x7fc00000);
                out[10] = (int)nan;              // NaN converts to 0 on the GPU
                out[11] = (nan != nan);
                out[12] = (nan < 1.0f) + (nan >= 1.0f);  // comparisons with NaN are false
                """, 13);
        assertArrayEquals(new long[] {-11, 44, Integer.MAX_VALUE, 30_000_000_000_000L, 11,
            Float.floatToRawIntBits(-1.0f), Long.MAX_VALUE, 1, 0, 1, 0, 1, 0}, r);
    }

    @Test
    void pointersArraysStructsSizeofTypedefAndEnums() {
        String src = """
                typedef unsigned int uint32;
                enum Color { RED, GREEN = 5, BLUE };
                struct Pair { char tag; double value; int count; };
                typedef struct { float x, y; } Vec2;
                __device__ void swap(int* a, int* b) { int t = *a; *a = *b; *b = t; }
                __device__ Vec2 add(Vec2 a, Vec2 b) { Vec2 r; r.x = a.x + b.x; r.y = a.y + b.y; return r; }
                __global__ void k(long long* out, int* data, struct Pair* pairs) {
                    int local[5] = {1, 2, 3};
                    int* p = local + 1;
                    out[0] = *p + p[1] + local[4];           // 2 + 3 + 0
                    out[1] = &local[4] - p;                  // 3
                    out[2] = (p > local) + (p == &local[1]); // 2
                    swap(&local[0], &local[2]);
                    out[3] = local[0] * 10 + local[2];       // 31
                    out[4] = sizeof(struct Pair);            // 24
                    out[5] = sizeof(local) + sizeof(size_t) + sizeof(void*) + sizeof(long); // 20 + 24
                    out[6] = BLUE + GREEN;                   // 11
                    uint32 big = 0xFFFFFFFFu; out[7] = big;
                    pairs[1].count += 5;
                    out[8] = pairs[1].count;
                    struct Pair q = pairs[0];
                    q.value *= 2;
                    pairs[2] = q;
                    out[9] = (long long)pairs[2].value;
                    Vec2 a = {1.5f, 2.0f}, b = {0.5f, 0.25f};
                    Vec2 c = add(a, b);
                    out[10] = (long long)(c.x * 100 + c.y * 1000);  // 200 + 2250
                    int* dp = data;
                    dp += 2;
                    out[11] = *dp++;
                    out[12] = *dp;
                    out[13] = dp[-1] + *(data + 1);
                    char* bytes = (char*)data;
                    out[14] = bytes[4];                      // low byte of data[1]
                    bool flag = data[0] > 0;
                    out[15] = flag + true;
                    const int N = 3;
                    float arr2[N][2];
                    arr2[2][1] = 7.5f;
                    out[16] = (long long)(arr2[2][1] * 2) + sizeof(arr2);
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            DeviceBuffer out = h.buffer(new long[17]);
            DeviceBuffer data = h.buffer(new int[] {9, 0x0102_0304, 40, 50});
            // struct Pair {char tag; double value; int count;} = 24 bytes
            java.nio.ByteBuffer pairs = java.nio.ByteBuffer.allocate(72).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            pairs.put(0, (byte) 'a').putDouble(8, 21.25).putInt(16, 3);
            pairs.put(24, (byte) 'b').putDouble(32, 1.0).putInt(40, 10);
            DeviceBuffer dp = h.buffer(pairs.array());
            h.launch("k", Dim3.of(1), Dim3.of(1), out, data, dp);
            assertArrayEquals(new long[] {5, 3, 2, 31, 24, 44, 11, 0xFFFF_FFFFL, 15, 42, 2450, 40, 50, 40 + 0x0102_0304, 4, 2,
                15 + 24}, h.longs(out));
            java.nio.ByteBuffer got = java.nio.ByteBuffer.wrap(h.read(dp)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals('a', got.get(48), "the struct copy keeps its tag");
            assertEquals(42.5, got.getDouble(56));
            assertEquals(3, got.getInt(64));
        }
    }

    @Test
    void controlFlowStatements() {
        long[] r = runLongs("""
                long long acc = 0;
                for (int i = 0; i < 10; i++) {
                    if (i == 2) continue;
                    if (i == 8) break;
                    acc += i;
                }
                out[0] = acc;                         // 0+1+3+4+5+6+7 = 26
                int n = 0;
                while (n * n < 50) n++;
                out[1] = n;                           // 8
                int m = 0;
                do { m += 3; } while (m < 0);
                out[2] = m;                           // 3: body runs once
                int sum = 0;
                for (int i = 0; i < 5; i++) {
                    switch (i) {
                        case 0: sum += 1;             // falls through
                        case 1: sum += 10; break;
                        case 3: { sum += 100; break; }
                        default: sum += 1000;
                    }
                }
                out[3] = sum;                         // 11 + 10 + 1000 + 100 + 1000
                int nested = 0;
                for (int i = 0; i < 4; ++i)
                    for (int j = 0; j < 4; ++j) {
                        if (j > i) break;
                        nested++;
                    }
                out[4] = nested;                      // 10
                int k2 = 0;
                do { if (++k2 == 2) continue; } while (k2 < 5);
                out[5] = k2;                          // continue in do-while goes to the condition
                switch (m7) { case -7: out[6] = 1; default: out[7] = 2; }
                if (m1) out[8] = 1; else out[8] = 2;
                if (!m1) out[9] = 1; else if (m1 < -5) out[9] = 2; else out[9] = 3;
                int w = 0;
                while (1) { if (++w > 3) break; }
                out[10] = w;
                for (;;) { out[11] = 99; break; }
                int r = 0;
                for (int i = 0, j = 10; i < j; i++, j--) r += j - i;
                out[12] = r;                          // 10+8+6+4+2
                """, 13);
        assertArrayEquals(new long[] {26, 8, 3, 2121, 10, 5, 1, 2, 1, 3, 4, 99, 30}, r);
    }

    @Test
    void earlyReturnFromKernelSkipsOnlyThatThread() {
        String src = """
                __global__ void k(int* out, int n) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i % 3 == 0) return;
                    if (i >= n) return;
                    out[i] = i * 2;
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 2)) {
            DeviceBuffer out = h.buffer(new int[70]);
            h.launch("k", Dim3.of(3), Dim3.of(32), out, 64);
            int[] expected = new int[70];
            for (int i = 0; i < 64; i++) {
                expected[i] = i % 3 == 0 ? 0 : i * 2;
            }
            assertArrayEquals(expected, h.ints(out));
        }
    }

    @Test
    void builtinVariablesInThreeDimensions() {
        String src = """
                __device__ unsigned linear() {
                    return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
                }
                __global__ void k(unsigned* out) {
                    dim3 b = blockDim;
                    uint3 t = threadIdx;
                    unsigned block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
                    unsigned threads = b.x * b.y * b.z;
                    unsigned g = block * threads + linear();
                    out[g * 4 + 0] = t.x * 100 + t.y * 10 + t.z;
                    out[g * 4 + 1] = blockIdx.x * 100 + blockIdx.y * 10 + blockIdx.z;
                    out[g * 4 + 2] = gridDim.x * 100 + gridDim.y * 10 + gridDim.z;
                    out[g * 4 + 3] = warpSize + (linear() & 31) * 1000;
                }
                """;
        int gx = 2;
        int gy = 3;
        int gz = 2;
        int bx = 4;
        int by = 2;
        int bz = 3;
        int total = gx * gy * gz * bx * by * bz;
        for (int threads : new int[] {1, 2}) {
            try (KernelHarness h = KernelHarness.of(src, threads)) {
                DeviceBuffer out = h.buffer(new int[total * 4]);
                h.launch("k", new Dim3(gx, gy, gz), new Dim3(bx, by, bz), out);
                int[] got = h.ints(out);
                int[] expected = new int[total * 4];
                for (int z = 0; z < gz; z++) {
                    for (int y = 0; y < gy; y++) {
                        for (int x = 0; x < gx; x++) {
                            for (int tz = 0; tz < bz; tz++) {
                                for (int ty = 0; ty < by; ty++) {
                                    for (int tx = 0; tx < bx; tx++) {
                                        int block = x + gx * (y + gy * z);
                                        int lin = tx + bx * (ty + by * tz);
                                        int g = block * bx * by * bz + lin;
                                        expected[g * 4] = tx * 100 + ty * 10 + tz;
                                        expected[g * 4 + 1] = x * 100 + y * 10 + z;
                                        expected[g * 4 + 2] = gx * 100 + gy * 10 + gz;
                                        expected[g * 4 + 3] = 32 + (lin & 31) * 1000;
                                    }
                                }
                            }
                        }
                    }
                }
                assertArrayEquals(expected, got, "threads=" + threads);
            }
        }
    }

    @Test
    void specifiersQualifiersAndPreprocessor() {
        String src = """
                #include <cuda_runtime.h>
                #include <stdint.h>
                #define SQUARE(x) ((x) * (x))
                #define CAT(a, b) a ## b
                #define SCALE 3
                #undef SCALE
                #define SCALE 4
                #if defined(SCALE) && SCALE > 3
                #define PICK 1
                #elif SCALE == 3
                #define PICK 2
                #else
                #define PICK 3
                #endif
                #ifndef FROM_COMMAND_LINE
                #error needs -DFROM_COMMAND_LINE
                #endif
                #ifdef NOT_DEFINED
                this is not C and is skipped
                #endif
                static __device__ __forceinline__ int twice(int v) { return 2 * v; }
                __host__ __device__ inline int thrice(int v) { return 3 * v; }
                __device__ __noinline__ int CAT(my, func)(int v) { return v + 1; }
                extern "C" {
                __global__ void __launch_bounds__(256, 2) k(int* __restrict__ out, const int n) {
                    volatile int v = n;
                    const int c = SQUARE(n + 1);
                    #pragma unroll 4
                    for (int i = 0; i < 4; ++i) out[i] = i;
                    out[4] = c;                      // (n+1)^2
                    out[5] = PICK * 10 + SCALE;      // 14
                    out[6] = twice(v) + thrice(v) + myfunc(v);
                    out[7] = CAT(SQU, ARE)(3);      // pasting makes a macro name: 9
                    out[8] = FROM_COMMAND_LINE;
                    out[9] = INT32_MAX == 2147483647;
                }
                }
                """;
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("pp.cu", src).withDefines(Map.of("FROM_COMMAND_LINE", "77")), 1)) {
            DeviceBuffer out = h.buffer(new int[10]);
            h.launch("k", Dim3.of(1), Dim3.of(1), out, 5);
            assertArrayEquals(new int[] {0, 1, 2, 3, 36, 14, 10 + 15 + 6, 9, 77, 1}, h.ints(out));
        }
    }
}
