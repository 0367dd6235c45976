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
 * by the runtime's tests): every region of a fissioned kernel is a function of its own (a block-level
 * loop around regions is one), regions take only the block values they use, fmaf is computed inline,
 * not by a host call, loops are tested at the bottom, bounded loops are marked, and thread rows have a
 * fast copy.
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

    /** The source loops' back edges ({@code br_if $loopN}, {@code br $loopN}) of a function: marked bounded, and all. */
    private static int[] sourceLoops(String function) {
        List<String> lines = function.lines().toList();
        int marked = 0;
        int all = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.startsWith("br_if $loop") || line.startsWith("br $loop")) {
                all++;
                // the mark comes right before the loop's condition, a few instructions up
                for (int j = Math.max(0, i - 8); j < i; j++) {
                    if (lines.get(j).contains("global.get $bounded_loop")) {
                        marked++;
                        break;
                    }
                }
            }
        }
        return new int[] {marked, all};
    }

    @Test
    void loopsWithABoundedTripCountAreMarkedAndOthersAreNot() {
        Map<String, String> fns = functions(KernelCompiler.compile(CompileRequest.of("l.cu", """
                __global__ void fixed(float* x) { float a = 0.0f; for (int k = 0; k < 16; k++) a += x[k]; x[0] = a; }
                __global__ void param(float* x, int n) { float a = 0.0f; for (int k = 0; k < n; k++) a += x[k]; x[0] = a; }
                __global__ void halving(float* x) { for (unsigned s = 512; s > 0; s >>= 1) x[s] = 1.0f; }
                __global__ void signedHalving(float* x, int s0) { for (int s = s0; s != 0; s >>= 1) x[0] += 1.0f; }
                __global__ void spin(int* f) { while (f[0] == 0) { } }
                """)).wasm().text());
        for (String bounded : List.of("fixed", "halving")) {
            int[] loops = sourceLoops(fns.get(bounded));
            assertTrue(loops[1] > 0 && loops[0] == loops[1], bounded + ":\n" + fns.get(bounded));
        }
        // n may be anything; a negative int shifted right stays negative for ever; a spin tests memory
        for (String unbounded : List.of("param", "signedHalving", "spin")) {
            int[] loops = sourceLoops(fns.get(unbounded));
            assertTrue(loops[1] > 0 && loops[0] == 0, unbounded + ":\n" + fns.get(unbounded));
        }
        // the thread loops: marked in every kernel
        assertTrue(fns.get("spin").lines().anyMatch(l -> l.trim().startsWith("br_if $t")), fns.get("spin"));
        assertTrue(marks(fns.get("spin")) >= 3, fns.get("spin"));
    }

    private static long marks(String function) {
        return function.lines().filter(l -> l.contains("global.get $bounded_loop")).count();
    }

    @Test
    void boundedLoopsAreTestedAtTheBottomAndTheOthersAtTheTop() {
        Map<String, String> fns = functions(KernelCompiler.compile(CompileRequest.of("l.cu", """
                __global__ void fixed(float* x) { float a = 0.0f; for (int k = 0; k < 16; k++) a += x[k]; x[0] = a; }
                __global__ void param(float* x, int n) { float a = 0.0f; for (int k = 0; k < n; k++) a += x[k]; x[0] = a; }
                """)).wasm().text());
        String fixed = fns.get("fixed");
        assertTrue(fixed.contains("br_if $loop"), "the back edge is conditional:\n" + fixed);
        assertFalse(fixed.lines().anyMatch(l -> l.trim().matches("br \\$loop\\d+")), "no unconditional one:\n" + fixed);
        assertTrue(fns.get("param").lines().anyMatch(l -> l.trim().matches("br \\$loop\\d+")), fns.get("param"));
    }

    @Test
    void aBlockLevelLoopAroundRegionsIsOneFunction() {
        Map<String, String> fns = functions(KernelCompiler.compile(CompileRequest.of("r.cu", """
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
                """)).wasm().text());
        String runner = fns.get("reduce");
        // the copy, the tree (its loop inside) and the final store: three calls, none of them in a loop
        assertEquals(3, runner.lines().filter(l -> l.contains("call $reduce$region")).count(), runner);
        assertFalse(runner.contains("loop $loop"), "the tree's loop is in its region:\n" + runner);
        assertTrue(fns.values().stream().filter(f -> f.startsWith("reduce$region")).anyMatch(f -> f.contains("loop $loop")
                && f.contains("if $fast")), "the tree's region loops over its steps, each a fast row");
    }

    /** {@code count} top-level statements of one exact fma each, as nvcc's fully unrolled loops give. */
    private static String unrolled(int count, boolean guarded) {
        StringBuilder b = new StringBuilder("__global__ void unrolled(float* out, const float* in, float w) {\n"
                + "    int t = blockIdx.x * blockDim.x + threadIdx.x;\n    float a = in[t];\n");
        b.append(guarded ? "    if (t < 1000) {\n" : "");
        for (int k = 0; k < count; k++) {
            b.append("    out[t * ").append(count).append(" + ").append(k).append("] = fmaf(a, in[t + ").append(k)
                    .append("], w);\n");
        }
        return b.append(guarded ? "    }\n}\n" : "}\n").toString();
    }

    @Test
    void longStraightLineCodeIsCutIntoRegionsTheJvmCompiles() {
        Map<String, String> fns = functions(KernelCompiler.compile(CompileRequest.of("u.cu", unrolled(400, false)))
                .wasm().text());
        List<String> regions = fns.keySet().stream().filter(n -> n.startsWith("unrolled$region")).toList();
        assertTrue(regions.size() >= 8, "400 fmas at the top level are cut: " + fns.keySet());
        for (String region : regions) {
            // one fmaf is about 40 instructions inline; 20,000 lines in one function would be the uncut body
            long lines = fns.get(region).lines().count();
            assertTrue(lines < 4000, region + " has " + lines + " lines");
        }
        Map<String, String> short_ = functions(KernelCompiler.compile(CompileRequest.of("u.cu", unrolled(8, false)))
                .wasm().text());
        assertTrue(short_.keySet().stream().noneMatch(n -> n.contains("$region")), "short code is not cut: "
                + short_.keySet());
        Map<String, String> guarded = functions(KernelCompiler.compile(CompileRequest.of("u.cu", unrolled(400, true)))
                .wasm().text());
        assertTrue(guarded.keySet().stream().noneMatch(n -> n.contains("$region")),
                "code inside a branch is never cut (some threads may not reach a barrier there): " + guarded.keySet());
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
