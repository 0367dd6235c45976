package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.TensorMapSpec;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * sm_90's bulk reductions of tensors, {@code cp.reduce.async.bulk.tensor}, in inline PTX (the
 * WebAssembly path compiles the asm, the PTX path nvcc's PTX of the same source) against Java
 * references: every element of the shared box inside the tensor is combined into it atomically,
 * by the operation of the map's data type (u32 and s32 maps of the same kernel differ in
 * .min/.max); boxes of several blocks overlap, boxes that stick out change nothing outside.
 */
class TensorReductionTest {
    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);

    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "", SM90);
    }

    /** A kernel whose block b reduces its 128-byte box of {@code src} at element {@code b * step - 16} by {@code op}. */
    private static String kernel(String name, String element, int boxElements) {
        StringBuilder cases = new StringBuilder();
        for (int op = 0; op < TensorMapAbi.REDUCTIONS.size(); op++) {
            cases.append("        case ").append(op).append(": asm volatile(\"cp.reduce.async.bulk.tensor.1d.global.shared::cta.")
                    .append(TensorMapAbi.REDUCTIONS.get(op)).append(".tile.bulk_group [%0, {%1}], [%2];\"")
                    .append(" :: \"l\"(&map), \"r\"(c), \"r\"(s) : \"memory\"); break;\n");
        }
        return """
                #include <cuda.h>
                __global__ void NAME(const __grid_constant__ CUtensorMap map, const ELEMENT *src, int op, int step)
                {
                    __shared__ __align__(128) ELEMENT tile[BOX];
                    tile[threadIdx.x] = src[blockIdx.x * BOX + threadIdx.x];
                    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                        int c = (int)blockIdx.x * step - 16;
                        switch (op) {
                CASES        }
                        asm volatile("cp.async.bulk.commit_group;\\n\\tcp.async.bulk.wait_group.read 0;" ::: "memory");
                    }
                }
                """.replace("NAME", name).replace("ELEMENT", element).replace("BOX", String.valueOf(boxElements))
                .replace("CASES", cases.toString());
    }

    private static final String WORDS = kernel("words", "unsigned", 32);
    private static final String LONGS = kernel("longs", "unsigned long long", 16);

    /** The reference of one element: {@code op} of {@link TensorMapAbi#REDUCTIONS} on 32-bit words. */
    private static int combine32(String op, boolean signed, int old, int v) {
        return switch (op) {
            case "add" -> old + v;
            case "min" -> signed ? Math.min(old, v) : Integer.compareUnsigned(old, v) <= 0 ? old : v;
            case "max" -> signed ? Math.max(old, v) : Integer.compareUnsigned(old, v) >= 0 ? old : v;
            case "inc" -> Integer.compareUnsigned(old, v) >= 0 ? 0 : old + 1;
            case "dec" -> old == 0 || Integer.compareUnsigned(old, v) > 0 ? v : old - 1;
            case "and" -> old & v;
            case "or" -> old | v;
            case "xor" -> old ^ v;
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static LongBinaryOperator combine64(String op, boolean signed) {
        return switch (op) {
            case "add" -> Long::sum;
            case "min" -> signed ? Math::min : (a, b) -> Long.compareUnsigned(a, b) <= 0 ? a : b;
            case "max" -> signed ? Math::max : (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b;
            case "and" -> (a, b) -> a & b;
            case "or" -> (a, b) -> a | b;
            case "xor" -> (a, b) -> a ^ b;
            default -> throw new IllegalArgumentException(op);
        };
    }

    /**
     * Every reduction of 32-bit words on u32 and s32 maps over 100 elements: blocks 16 apart overlap
     * (each element twice) where the order does not matter, 32 apart for .inc and .dec, whose
     * results depend on it; block 0's first 16 elements lie before the tensor.
     */
    @Test
    void everyReductionOfThirtyTwoBitWordsFollowsTheMapsSignedness() {
        int n = 100;
        for (boolean signed : new boolean[] {false, true}) {
            for (int op = 0; op < TensorMapAbi.REDUCTIONS.size(); op++) {
                String name = TensorMapAbi.REDUCTIONS.get(op);
                if (signed && (name.equals("inc") || name.equals("dec"))) {
                    continue; // not a reduction of s32 (refused below)
                }
                boolean ordered = name.equals("inc") || name.equals("dec");
                int step = ordered ? 32 : 16;
                int blocks = (n + 16) / step + 1;
                SplittableRandom r = new SplittableRandom(31L * op + (signed ? 7 : 0));
                boolean small = name.equals("inc") || name.equals("dec") || name.equals("add");
                int[] data = new int[n];
                int[] src = new int[blocks * 32];
                for (int i = 0; i < n; i++) {
                    data[i] = small ? r.nextInt(0, 20) : r.nextInt();
                }
                for (int i = 0; i < src.length; i++) {
                    src[i] = small ? r.nextInt(0, 20) : r.nextInt();
                }
                int[] expected = data.clone();
                for (int b = 0; b < blocks; b++) {
                    for (int t = 0; t < 32; t++) {
                        int i = b * step - 16 + t;
                        if (i >= 0 && i < n) {
                            expected[i] = combine32(name, signed, expected[i], src[b * 32 + t]);
                        }
                    }
                }
                TensorMapSpec spec = new TensorMapSpec(4, new long[] {n}, null, new int[] {32})
                        .withKind(signed ? TensorMapAbi.Kind.SIGNED : TensorMapAbi.Kind.UNSIGNED);
                check(CaseBuilder.of("tensor_reduce_" + name + (signed ? "_s32" : "_u32"), "words.cu", WORDS)
                        .kernel("words").launch(Dim3.of(blocks), Dim3.of(32)).tensorMap("data", data, expected, spec)
                        .in("src", src).scalar(op).scalar(step).build());
            }
        }
    }

    /** libcu++'s source form, {@code cuda::ptx::cp_reduce_async_bulk_tensor(..., op_add, ...)}: the same sums, on both paths. */
    @Test
    void libcuSourceFormAddsTheBoxesIntoTheTensor() {
        String src = """
                #include <cuda.h>
                #include <cuda/ptx>
                namespace ptx = cuda::ptx;
                __global__ void viaLibcu(const __grid_constant__ CUtensorMap map, const unsigned *src, int step)
                {
                    __shared__ __align__(128) unsigned tile[32];
                    tile[threadIdx.x] = src[blockIdx.x * 32 + threadIdx.x];
                    ptx::fence_proxy_async(ptx::space_shared);
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        int32_t c[1] = {(int)blockIdx.x * step - 16};
                        ptx::cp_reduce_async_bulk_tensor(ptx::space_global, ptx::space_shared, ptx::op_add, &map, c, tile);
                        ptx::cp_async_bulk_commit_group();
                        ptx::cp_async_bulk_wait_group_read(ptx::n32_t<0>());
                    }
                }
                """;
        int n = 100;
        int blocks = (n + 16) / 16 + 1;
        int[] data = new int[n];
        int[] source = new int[blocks * 32];
        for (int i = 0; i < n; i++) {
            data[i] = i * 3;
        }
        for (int i = 0; i < source.length; i++) {
            source[i] = i % 17;
        }
        int[] expected = data.clone();
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < 32; t++) {
                int i = b * 16 - 16 + t;
                if (i >= 0 && i < n) {
                    expected[i] += source[b * 32 + t];
                }
            }
        }
        TensorMapSpec spec = new TensorMapSpec(4, new long[] {n}, null, new int[] {32})
                .withKind(TensorMapAbi.Kind.UNSIGNED);
        check(CaseBuilder.of("tensor_reduce_libcu", "libcu.cu", src).kernel("viaLibcu").launch(Dim3.of(blocks),
                Dim3.of(32)).tensorMap("data", data, expected, spec).in("src", source).scalar(16).build());
    }

    /** The 64-bit reductions (.inc and .dec have no 64-bit form, .add none of s64) on u64 and s64 maps. */
    @Test
    void sixtyFourBitReductionsFollowTheMapsSignedness() {
        int n = 50;
        for (boolean signed : new boolean[] {false, true}) {
            for (String name : List.of("add", "min", "max", "and", "or", "xor")) {
                if (signed && name.equals("add")) {
                    continue; // not a reduction of s64 (refused below)
                }
                int op = TensorMapAbi.REDUCTIONS.indexOf(name);
                int step = 8;
                int blocks = (n + 16) / step + 1;
                SplittableRandom r = new SplittableRandom(77L * op + (signed ? 5 : 0));
                long[] data = r.longs(n).toArray();
                long[] src = r.longs(blocks * 16L).toArray();
                long[] expected = data.clone();
                LongBinaryOperator combine = combine64(name, signed);
                for (int b = 0; b < blocks; b++) {
                    for (int t = 0; t < 16; t++) {
                        int i = b * step - 16 + t;
                        if (i >= 0 && i < n) {
                            expected[i] = combine.applyAsLong(expected[i], src[b * 16 + t]);
                        }
                    }
                }
                TensorMapSpec spec = new TensorMapSpec(8, new long[] {n}, null, new int[] {16})
                        .withKind(signed ? TensorMapAbi.Kind.SIGNED : TensorMapAbi.Kind.UNSIGNED);
                check(CaseBuilder.of("tensor_reduce64_" + name + (signed ? "_s64" : "_u64"), "longs.cu", LONGS)
                        .kernel("longs").launch(Dim3.of(blocks), Dim3.of(16)).tensorMap("data", data, expected, spec)
                        .in("src", src).scalar(op).scalar(step).build());
            }
        }
    }

    /**
     * A 2-D float tensor in padded rows: boxes of 16 x 8 every 8 x 4 elements add into it (each
     * element from 4 blocks, values exact in float so the order does not matter); the padding and
     * what lies outside stay as they are.
     */
    @Test
    void twoDimensionalFloatBoxesAddIntoPaddedRows() {
        String src = """
                #include <cuda.h>
                __global__ void accumulate(const __grid_constant__ CUtensorMap map, int x0, int y0)
                {
                    __shared__ __align__(128) float tile[8][16];
                    (&tile[0][0])[threadIdx.x] = (float)((blockIdx.x * 7 + blockIdx.y * 3 + threadIdx.x) % 13) - 5.5f;
                    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                        int x = x0 + (int)blockIdx.x * 8;
                        int y = y0 + (int)blockIdx.y * 4;
                        asm volatile("cp.reduce.async.bulk.tensor.2d.global.shared::cta.add.tile.bulk_group"
                                     " [%0, {%1, %2}], [%3];\\n\\tcp.async.bulk.commit_group;\\n\\t"
                                     "cp.async.bulk.wait_group.read 0;" :: "l"(&map), "r"(x), "r"(y), "r"(s) : "memory");
                    }
                }
                """;
        int w = 40;
        int h = 27;
        int pitch = 48;
        SplittableRandom r = new SplittableRandom(9);
        float[] tensor = new float[pitch * h];
        for (int i = 0; i < tensor.length; i++) {
            tensor[i] = r.nextInt(-1000, 1000) / 8.0f;
        }
        int x0 = -8;
        int y0 = -4;
        int gx = 6;
        int gy = 8;
        float[] expected = tensor.clone();
        for (int by = 0; by < gy; by++) {
            for (int bx = 0; bx < gx; bx++) {
                for (int t = 0; t < 128; t++) {
                    int x = x0 + bx * 8 + t % 16;
                    int y = y0 + by * 4 + t / 16;
                    if (x >= 0 && x < w && y >= 0 && y < h) {
                        expected[y * pitch + x] += (float) ((bx * 7 + by * 3 + t) % 13) - 5.5f;
                    }
                }
            }
        }
        TensorMapSpec spec = new TensorMapSpec(4, new long[] {w, h}, new long[] {pitch * 4}, new int[] {16, 8});
        KernelCase c = CaseBuilder.of("tensor_reduce_2d_f32", "accumulate.cu", src).kernel("accumulate")
                .launch(new Dim3(gx, gy, 1), Dim3.of(128)).tensorMap("tensor", tensor, expected, spec).scalar(x0)
                .scalar(y0).build();
        check(c);
        // memcheck finds nothing wrong with the reduction's reads of the map, the box and the tensor
        CheckedRun.Launch checked = new CheckedRun.Launch(c.launch().kernel(), c.launch().config(), c.launch().args(),
                java.util.Map.of(), io.cudawasm.runtime.launch.LaunchOptions.DEFAULT.withMemcheck(true));
        CheckedRun.BackendRun run = CheckedRun.run(KernelHarness.backend(2), AllPaths.compile(c.request()), checked);
        assertTrue(run.failure() == null, () -> run.failure().getMessage());
        assertTrue(c.againstReference(run).stream().allMatch(io.cudawasm.runtime.backend.check.BufferComparison::passed));
    }

    /**
     * What the map's data type cannot reduce stops the kernel at the instruction: .inc of an s32
     * map, .min of an f32 map, and any reduction of a map made without a data type (nvcc's PTX of
     * the kernel: the trap names the PTX line).
     */
    @Test
    void reductionsTheMapsTypeHasNotStopTheKernel() {
        var compiled = AllPaths.compile(io.cudawasm.kernels.CompileRequest.of("words.ptx", Nvcc.ptx(WORDS, SM90,
                List.of())));
        int[] data = new int[64];
        int[] src = new int[3 * 32];
        TensorMapSpec words = new TensorMapSpec(4, new long[] {64}, null, new int[] {32});
        stops(compiled, CaseBuilder.of("tensor_reduce_inc_s32", "words.cu", WORDS).kernel("words").launch(Dim3.of(3),
                Dim3.of(32)).tensorMap("data", data, null, words.withKind(TensorMapAbi.Kind.SIGNED)).in("src", src)
                .scalar(3).scalar(32).build(), TensorMapAbi.NO_REDUCTION);
        stops(compiled, CaseBuilder.of("tensor_reduce_min_f32", "words.cu", WORDS).kernel("words").launch(Dim3.of(3),
                Dim3.of(32)).tensorMap("data", new float[64], null, words).in("src", src).scalar(1).scalar(32).build(),
                TensorMapAbi.NO_REDUCTION);
        long[] longs = new long[32];
        var compiledLongs = AllPaths.compile(io.cudawasm.kernels.CompileRequest.of("longs.ptx", Nvcc.ptx(LONGS, SM90,
                List.of())));
        CheckedRun.BackendRun s64 = CheckedRun.run(KernelHarness.backend(2), compiledLongs, CaseBuilder.of(
                "tensor_reduce_add_s64", "longs.cu", LONGS).kernel("longs").launch(Dim3.of(2), Dim3.of(16))
                .tensorMap("data", longs, null, new TensorMapSpec(8, new long[] {32}, null, new int[] {16}))
                .in("src", new long[32]).scalar(0).scalar(16).build().launch());
        assertNotNull(s64.failure(), "the kernel ran to its end");
        assertTrue(s64.failure().getMessage().contains(TensorMapAbi.NO_REDUCTION), s64.failure().getMessage());
        // CaseBuilder gives a map without a data type its buffer's: the harness passes the map as made
        try (KernelHarness h = KernelHarness.of(compiled, 2)) {
            var t = h.buffer(data);
            var s = h.buffer(src);
            RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> h.launch(
                    "words", new io.cudawasm.runtime.launch.LaunchConfig(Dim3.of(3), Dim3.of(32), 0),
                    io.cudawasm.runtime.launch.LaunchOptions.DEFAULT,
                    new io.cudawasm.runtime.launch.KernelArg.TensorMap(t, 0, words), s, 0, 32));
            assertTrue(String.valueOf(e.getMessage()).contains(TensorMapAbi.UNTYPED), e.toString());
        }
    }

    private static void stops(io.cudawasm.kernels.CompileResult compiled, KernelCase c, String why) {
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), compiled, c.launch());
        assertNotNull(r.failure(), "the kernel ran to its end");
        assertTrue(r.failure().getMessage().contains(why), r.failure().getMessage());
        assertTrue(r.failure().getMessage().contains("words.ptx:"), r.failure().getMessage());
    }
}
