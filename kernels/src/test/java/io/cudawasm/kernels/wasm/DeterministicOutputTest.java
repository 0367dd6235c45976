package io.cudawasm.kernels.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.kir.KModule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same source gives the same WebAssembly every time it is compiled, whatever the process compiled
 * before: the kernel cache, the bench's before/after checks and anyone comparing builds rely on it.
 * Each compile makes new IR objects, so anything the emitter ordered by the JVM's identity hashes
 * (region parameters from sets of locals, released scratch locals) would show up here as differing
 * bytes between the rounds.
 */
class DeterministicOutputTest {
    /**
     * Per-thread values carried across barriers (each a region parameter and return), inside a sorting
     * network's loops, parameters the kernel assigns, and conditional accesses whose offset checks are
     * released in a branch.
     */
    private static final String SOURCE = """
            __device__ void cmp(unsigned &ka, unsigned &va, unsigned &kb, unsigned &vb, unsigned dir) {
                if ((ka > kb) == dir) {
                    unsigned t = ka; ka = kb; kb = t;
                    t = va; va = vb; vb = t;
                }
            }
            __global__ void sortPairs(unsigned *dstKey, unsigned *dstVal, const unsigned *srcKey,
                                      const unsigned *srcVal, unsigned n, unsigned dir) {
                __shared__ unsigned sk[512];
                __shared__ unsigned sv[512];
                // parameters the kernel assigns: each becomes a per-thread copy (RegionFission)
                dstKey += blockIdx.x * 512; dstVal += blockIdx.x * 512;
                srcKey += blockIdx.x * 512; srcVal += blockIdx.x * 512;
                unsigned base = threadIdx.x;
                unsigned a = srcKey[base], b = srcKey[base + 256];
                unsigned c = srcVal[base], d = srcVal[base + 256];
                sk[threadIdx.x] = a; sk[threadIdx.x + 256] = b;
                sv[threadIdx.x] = c; sv[threadIdx.x + 256] = d;
                for (unsigned size = 2; size < n; size <<= 1) {
                    unsigned ddd = dir ^ ((threadIdx.x & (size / 2)) != 0);
                    for (unsigned stride = size / 2; stride > 0; stride >>= 1) {
                        __syncthreads();
                        unsigned pos = 2 * threadIdx.x - (threadIdx.x & (stride - 1));
                        cmp(sk[pos], sv[pos], sk[pos + stride], sv[pos + stride], ddd);
                    }
                }
                __syncthreads();
                if (threadIdx.x < n / 2) {
                    dstKey[base] = sk[threadIdx.x] + a - b;
                    dstVal[base] = sv[threadIdx.x] + c - d;
                } else {
                    dstKey[base] = sk[threadIdx.x + 256];
                }
                dstKey[base + 256] = sk[threadIdx.x + 256] ^ a;
                dstVal[base + 256] = sv[threadIdx.x + 256] ^ d;
            }
            """;

    @Test
    void everyCompileOfASourceEmitsTheSameBytes() {
        List<WasmOptions> variants = List.of(WasmOptions.DEFAULT, WasmOptions.MEMCHECK, WasmOptions.UNCHECKED,
                WasmOptions.INDEPENDENT_THREADS);
        byte[][] first = compile(variants);
        assertTrue(first[0].length > 1000, "a real module");
        for (int round = 0; round < 12; round++) {
            byte[][] again = compile(variants);
            for (int v = 0; v < variants.size(); v++) {
                assertArrayEquals(first[v], again[v], "round " + round + ", " + variants.get(v));
            }
        }
    }

    private static byte[][] compile(List<WasmOptions> variants) {
        KModule kir = KernelCompiler.compileForDevices(CompileRequest.of("sort.cu", SOURCE)).kir();
        byte[][] out = new byte[variants.size()][];
        for (int v = 0; v < variants.size(); v++) {
            out[v] = WasmEmitter.compile(kir, variants.get(v)).binary();
        }
        return out;
    }
}
