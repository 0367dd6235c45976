package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of {@code cuda-wasm compile} and {@code run} needs for real samples (issue 18, items
 * 10–13): headers next to the source and in {@code -I} folders, template kernels named as written,
 * pointers into the middle of a buffer, null pointers, generated struct and patterned inputs, and
 * help that says what {@code auto} picks.
 */
class CommandLineTest {

    private static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private static List<Long> first(JsonNode doc, String buffer) {
        List<Long> out = new ArrayList<>();
        doc.get("outputs").get(buffer).get("first").forEach(n -> out.add(Math.round(Double.parseDouble(n.asText()))));
        return out;
    }

    @Test
    void headersNextToTheSourceAndInIncludeFolders(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("sample"));
        Path common = Files.createDirectories(dir.resolve("common/inc"));
        Files.writeString(src.resolve("local.h"), "#include \"shared_defs.h\"\n#define SCALE (FACTOR * 2)\n");
        Files.writeString(common.resolve("shared_defs.h"), "#define FACTOR 3\n");
        Path cu = src.resolve("k.cu");
        Files.writeString(cu, """
                #include <cuda_runtime.h>
                #include <helper_cuda.h>
                #include "local.h"
                __global__ void scale(int *a) { a[threadIdx.x] = threadIdx.x * SCALE; }
                """);
        JsonNode doc = json(CliRun.cudaWasm("run", cu.toString(), "-I", common.toString(), "--kernel", "scale", "--grid",
                "1", "--block", "4", "--arg", "zeros:4", "--sandbox", "--json"));
        assertEquals(List.of(0L, 6L, 12L, 18L), first(doc, "a"));
        CliRun missing = CliRun.cudaWasm("compile", cu.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("k.cu:0") || missing.err().contains("local.h:1:10: error: cannot open include "
                + "file 'shared_defs.h'"), missing.err());
        assertTrue(missing.err().contains("note: include search path: " + src.toAbsolutePath()), missing.err());
        assertTrue(missing.err().contains("not found there: shared_defs.h"), missing.err());
    }

    @Test
    void templateKernelsAreNamedAsWrittenWithEitherBoolSpelling(@TempDir Path dir) throws Exception {
        Path cu = dir.resolve("t.cu");
        Files.writeString(cu, """
                template <int N, bool TWICE> __global__ void fill(int *a)
                {
                    if (threadIdx.x < N) a[threadIdx.x] = TWICE ? 2 * N : N;
                }
                """);
        CliRun sigs = CliRun.cudaWasm("compile", cu.toString(), "--instantiate", "fill<4, true>");
        assertEquals(0, sigs.code(), sigs.err());
        assertTrue(sigs.out().contains("kernel fill<4, true>(int* a)"), sigs.out());
        for (String name : List.of("fill<4, true>", "fill<4,1>", "fill<4, 1>")) {
            JsonNode doc = json(CliRun.cudaWasm("run", cu.toString(), "--instantiate", "fill<4, true>", "--kernel", name,
                    "--grid", "1", "--block", "8", "--arg", "zeros:6", "--sandbox", "--json"));
            assertEquals(List.of(8L, 8L, 8L, 8L, 0L, 0L), first(doc, "a"), name);
        }
    }

    @Test
    void pointersIntoBuffersNullPointersAndGeneratedInputs(@TempDir Path dir) throws Exception {
        Path cu = dir.resolve("views.cu");
        Files.writeString(cu, """
                struct Particle { float x, y, z, w; };
                __global__ void views(const int *src, int *dst, int *skip, const Particle *p, float *f,
                        const int *m, const float *ramp)
                {
                    int i = threadIdx.x;
                    dst[i] = src[i] + (skip == NULL ? 1000 : skip[i]);
                    f[i] = p[i].x + p[i].y + p[i].z + p[i].w;
                    f[8 + i] = m[i] + ramp[i];
                }
                """);
        JsonNode doc = json(CliRun.cudaWasm("run", cu.toString(), "--kernel", "views", "--grid", "1", "--block", "4",
                "--arg", "src=iota:8", "--arg", "dst=@src+4", "--arg", "skip=null", "--arg", "p=iota:4",
                "--arg", "f=zeros:12", "--arg", "m=mod:4:3:1", "--arg", "ramp=affine:4:0.5:-1", "--sandbox", "--json",
                "--out", "src", "--out", "f"));
        // dst points 4 ints into src's buffer: src[4..7] = src[0..3] + 1000
        assertEquals(List.of(0L, 1L, 2L, 3L, 1000L, 1001L, 1002L, 1003L), first(doc, "src"));
        // iota over float4-like particles fills x, y, z, w in turn: 0+1+2+3, 4+5+6+7, ...
        assertEquals(List.of(6L, 22L, 38L, 54L, 0L, 0L, 0L, 0L), first(doc, "f"));
        JsonNode all = json(CliRun.cudaWasm("run", cu.toString(), "--kernel", "views", "--grid", "1", "--block", "4",
                "--arg", "src=iota:8", "--arg", "dst=@src+4", "--arg", "skip=null", "--arg", "p=iota:4",
                "--arg", "f=zeros:12", "--arg", "m=mod:4:3:1", "--arg", "ramp=affine:4:0.5:-1", "--sandbox", "--json",
                "--out", "f", "--first", "12"));
        // m = (1 + i) mod 3 = 1, 2, 0, 1; ramp = 0.5 i - 1 = -1, -0.5, 0, 0.5
        List<Long> f = first(all, "f");
        assertEquals(List.of(0L, 2L, 0L, 2L), List.of(f.get(8), f.get(9), f.get(10), f.get(11)));
        // a null pointer needs no --out (the default reports every other non-const buffer)
        JsonNode defaults = json(CliRun.cudaWasm("run", cu.toString(), "--kernel", "views", "--grid", "1", "--block", "4",
                "--arg", "src=iota:8", "--arg", "dst=@src+4", "--arg", "skip=null", "--arg", "p=iota:4",
                "--arg", "f=zeros:12", "--arg", "m=mod:4:3", "--arg", "ramp=affine:4:1:0", "--sandbox", "--json"));
        assertEquals(List.of("f"), List.copyOf(iterable(defaults.get("outputs").fieldNames())));
        CliRun bad = CliRun.cudaWasm("run", cu.toString(), "--kernel", "views", "--grid", "1", "--block", "4",
                "--arg", "src=iota:8", "--arg", "dst=@src+4", "--arg", "skip=null", "--arg", "p=iota:4",
                "--arg", "f=zeros:12", "--arg", "m=mod:4:3", "--arg", "ramp=affine:4:1:0", "--sandbox", "--out", "dst");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--out dst: no buffer of its own was passed for that parameter (it points into "
                + "src's: report that one)"), bad.err());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void helpSaysWhatAutoPicks() {
        CliRun help = CliRun.cudaWasm("run", "--help");
        assertTrue(help.out().contains("auto picks a CUDA GPU, else an OpenCL GPU, else WebAssembly;"), help.out());
        assertTrue(help.out().contains("an OpenCL CPU device (PoCL) only when named, or by auto when"), help.out());
        assertTrue(help.out().contains("CUDA_WASM_AUTO_CPU_BACKEND=opencl"), help.out());
    }
}
