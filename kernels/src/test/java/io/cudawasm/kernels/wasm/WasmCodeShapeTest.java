package io.cudawasm.kernels.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shape of the generated WebAssembly where it decides speed on the JVM (results are checked
 * by the runtime's tests): every region of a fissioned kernel is a function of its own, regions
 * take only the block values they use, and fmaf is computed inline, not by a host call.
 */
class WasmCodeShapeTest {
    /** A three-point stencil over a shared tile: one barrier, so two regions; fmaf on both sides. */
    private static final String STENCIL = """
            __global__ void stencil(const float* in, float* out, float w) {
                __shared__ float tile[258];
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                tile[threadIdx.x + 1] = in[i];
                if (threadIdx.x == 0) {
                    tile[0] = i > 0 ? in[i - 1] : 0.0f;
                    tile[blockDim.x + 1] = in[i + blockDim.x];
                }
                __syncthreads();
                float acc = fmaf(w, tile[threadIdx.x], tile[threadIdx.x + 1]);
                out[i] = fmaf(w, tile[threadIdx.x + 2], acc);
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
        Map<String, String> fns = functions(KernelCompiler.compile(CompileRequest.of("s.cu", STENCIL)).wasm().text());
        String runner = fns.get("stencil");
        List<String> regions = fns.keySet().stream().filter(n -> n.startsWith("stencil$region")).toList();
        assertEquals(2, regions.size(), fns.keySet().toString());
        assertFalse(runner.contains("loop $t"), "the runner loops over blocks only:\n" + runner);
        assertEquals(2, runner.lines().filter(l -> l.contains("call $stencil$region")).count());
        for (String region : regions) {
            assertTrue(fns.get(region).contains("loop $t"), region + " runs the block's threads");
        }
    }

    @Test
    void aRegionTakesTheBlockValuesItReads() {
        Map<String, String> fns = functions(KernelCompiler.compile(CompileRequest.of("s.cu", STENCIL)).wasm().text());
        String before = header(fns.get("stencil$region0"));
        String after = header(fns.get("stencil$region1"));
        // in is read before the barrier only; out and w after it only; every region gets the block size
        assertTrue(before.contains("$in_") && !before.contains("$out_") && !before.contains("$w_"), before);
        assertTrue(after.contains("$out_") && after.contains("$w_") && !after.contains("$in_"), after);
        assertTrue(before.contains("$ntid_x") && after.contains("$ntid_x"), before + after);
    }

    @Test
    void singlePrecisionFmaIsInlineWithoutCalls() {
        WasmModule m = KernelCompiler.compile(CompileRequest.of("s.cu", STENCIL)).wasm();
        assertTrue(m.mathImports().isEmpty(), m.mathImports().toString());
        String after = functions(m.text()).get("stencil$region1");
        assertTrue(after.contains("f64.promote_f32"), after);
        // the only call is the address checks' trap, on their cold path
        assertTrue(after.lines().filter(l -> l.contains("call ")).allMatch(l -> l.contains("__cw_trap")), after);
    }

    private static String header(String function) {
        return function.lines().findFirst().orElseThrow();
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
