package io.cudawasm.kernels.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shape of the generated WebAssembly where it decides speed on the JVM (results are checked
 * by the runtime's tests): every region of a fissioned kernel is a function of its own, regions
 * take only the block values they use, and fmaf is computed inline, not by a host call.
 */
class WasmCodeShapeTest {
    private static final String TILED = """
            #define TILE 16
            __global__ void tiled(const float* A, const float* B, float* C, int n) {
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
                        sum = fmaf(As[threadIdx.y][k], Bs[k][threadIdx.x], sum);
                    __syncthreads();
                }
                C[row * n + col] = sum;
            }
            """;

    /** Function name to its text, from the module's WAT. */
    private static Map<String, String> functions(String wat) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] parts = wat.split("\n  \\(func \\$");
        for (int i = 1; i < parts.length; i++) {
            String name = parts[i].substring(0, parts[i].indexOf(' '));
            out.put(name, parts[i]);
        }
        return out;
    }

    @Test
    void eachRegionOfAFissionedKernelIsAFunctionCalledOncePerBlock() {
        WasmModule m = KernelCompiler.compile(CompileRequest.of("t.cu", TILED)).wasm();
        Map<String, String> fns = functions(m.text());
        String runner = fns.get("tiled");
        long regions = fns.keySet().stream().filter(n -> n.startsWith("tiled$region")).count();
        // before the loop (row, col, sum), the two tile loads, the inner product, the store of C
        assertEquals(4, regions, fns.keySet().toString());
        assertFalse(runner.contains("loop $t"), "the runner loops over blocks only:\n" + runner);
        assertEquals(regions, runner.lines().filter(l -> l.contains("call $tiled$region")).count());
        for (Map.Entry<String, String> f : fns.entrySet()) {
            if (f.getKey().startsWith("tiled$region")) {
                assertTrue(f.getValue().contains("loop $t"), f.getKey() + " runs the block's threads");
            }
        }
    }

    @Test
    void aRegionTakesTheBlockValuesItReadsAndComputesItsOwnTemporaries() {
        WasmModule m = KernelCompiler.compile(CompileRequest.of("t.cu", TILED)).wasm();
        String header = functions(m.text()).values().stream().filter(f -> f.contains("f64.promote_f32") && f.contains("loop $t"))
                .findFirst().orElseThrow().lines().findFirst().orElseThrow();
        // the inner product reads the tiles and the per-thread sum: no kernel parameter, no block index
        assertFalse(header.contains("$A_") || header.contains("$n_") || header.contains("$ctaid"), header);
        assertTrue(header.contains("$ntid_x") && header.contains("$ntid_y"), header);
    }

    @Test
    void singlePrecisionFmaIsInlineWithoutCalls() {
        WasmModule m = KernelCompiler.compile(CompileRequest.of("t.cu", TILED)).wasm();
        assertTrue(m.mathImports().isEmpty(), m.mathImports().toString());
        String innerProduct = functions(m.text()).values().stream().filter(f -> f.contains("f64.promote_f32"))
                .findFirst().orElseThrow();
        assertFalse(innerProduct.contains("call "), innerProduct);
    }

    @Test
    void aKernelWithoutBarriersHasNoRegions() {
        WasmModule m = KernelCompiler.compile(CompileRequest.of("s.cu", """
                __global__ void s(float* x, float a) { x[threadIdx.x] = a * x[threadIdx.x] + 1.0f; }
                """)).wasm();
        assertTrue(functions(m.text()).keySet().stream().noneMatch(n -> n.contains("$region")),
                "a kernel without barriers has no regions");
    }
}
