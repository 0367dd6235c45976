package io.cudawasm.runtime.devicelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.graph.GraphConditional;
import io.cudawasm.runtime.graph.GraphConditionals;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.CliRun;
import io.cudawasm.runtime.testing.KernelHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CUDA graph conditional nodes from device code: {@code cudaGraphSetConditional(handle, value)} is
 * recorded per launch (one value per handle, the last write winning, ordered by handle) for the
 * caller whose graph reads it; on the WebAssembly path and OpenCL (PoCL) from the source, and on the
 * WebAssembly path from nvcc's PTX (an external call of the device runtime), each against a Java
 * reference.
 */
class GraphConditionalsTest {
    private static final Nvcc.Config PTX = new Nvcc.Config("compute_75", false);

    /** The three graph shapes of CUDA's conditional nodes, written for this test: if, do-while, switch. */
    private static final String SOURCE = """
            __global__ void decideIf(const char *flag, cudaGraphConditionalHandle handle)
            {
                unsigned int value = *flag & 1;
                cudaGraphSetConditional(handle, value);
            }
            __global__ void countDown(char *counter, cudaGraphConditionalHandle handle)
            {
                // a do-while body: the loop ends when the counter reaches 0
                cudaGraphSetConditional(handle, 1);
                if (--(*counter) == 0) {
                    cudaGraphSetConditional(handle, 0);
                }
            }
            __global__ void pickCase(const int *cases, int *seen, cudaGraphConditionalHandle first,
                                     cudaGraphConditionalHandle second)
            {
                int t = blockIdx.x * blockDim.x + threadIdx.x;
                seen[t] = cases[t] * 2;
                if (t == 5) {
                    cudaGraphSetConditional(first, (unsigned)cases[t]);
                }
                if (t == 37) {
                    cudaGraphSetConditional(second, (unsigned)cases[t] + 100u);
                }
            }
            __global__ void manyHandles(unsigned long long base, int handles)
            {
                for (int i = 0; i < handles; i++) {
                    cudaGraphSetConditional(base + i, i * 3);
                }
            }
            """;

    private enum Path { WASM, OPENCL, PTX }

    private static CompileResult compile(Path path) {
        try {
            if (path == Path.PTX) {
                return KernelCompiler.compile(CompileRequest.of("conditionals.ptx", Nvcc.ptx(SOURCE, PTX, List.of())));
            }
            return KernelCompiler.compile(CompileRequest.of("conditionals.cu", SOURCE));
        } catch (CompileException e) {
            return fail(path + " does not compile:\n" + e.getMessage());
        }
    }

    private static Backend backend(Path path) {
        return path == Path.OPENCL ? OpenClTestDevice.backend() : KernelHarness.backend(2);
    }

    private static CheckedRun.BackendRun run(Path path, String kernel, Dim3 grid, Dim3 block, List<CheckedRun.Arg> args) {
        CheckedRun.BackendRun r = CheckedRun.run(backend(path), compile(path),
                new CheckedRun.Launch(kernel, new LaunchConfig(grid, block, 0), args));
        assertNull(r.failure(), () -> path + ": " + r.failure().getMessage());
        return r;
    }

    private static List<GraphConditional> values(long... handleValuePairs) {
        List<GraphConditional> out = new ArrayList<>();
        for (int i = 0; i < handleValuePairs.length; i += 2) {
            out.add(new GraphConditional(handleValuePairs[i], handleValuePairs[i + 1]));
        }
        return out;
    }

    @Test
    void anIfKernelLeavesItsHandleWithTheFlagsLowBit() {
        for (Path path : Path.values()) {
            for (int flag : new int[] {6, 7}) {
                CheckedRun.BackendRun r = run(path, "decideIf", Dim3.of(1), Dim3.of(1), List.of(
                        new CheckedRun.Arg.Buffer("flag", new byte[] {(byte) flag}, ElementType.I8, false),
                        new CheckedRun.Arg.Scalar(0x1234_5678_9abcL)));
                assertEquals(new GraphConditionals(values(0x1234_5678_9abcL, flag & 1), 0), r.conditionals(),
                        path + " flag " + flag);
            }
        }
    }

    /** The last write of a launch wins: the host's loop runs the kernel until the value is 0. */
    @Test
    void aDoWhileKernelRunsUntilItClearsItsHandle() {
        for (Path path : Path.values()) {
            byte counter = 3;
            int launches = 0;
            long value;
            do {
                CheckedRun.BackendRun r = run(path, "countDown", Dim3.of(1), Dim3.of(1), List.of(
                        new CheckedRun.Arg.Buffer("counter", new byte[] {counter}, ElementType.I8, true),
                        new CheckedRun.Arg.Scalar(42L)));
                counter = r.outputs().get("counter")[0];
                value = r.conditionals().values().get(0).value();
                assertEquals(42L, r.conditionals().values().get(0).handle(), path.toString());
                launches++;
            } while (value != 0 && launches < 10);
            assertEquals(3, launches, path + ": the do-while body ran " + launches + " times");
            assertEquals(0, counter, path.toString());
        }
    }

    @Test
    void twoHandlesSetByDifferentThreadsAreReportedInHandleOrderWithTheKernelsOutput() {
        int n = 64;
        int[] cases = new int[n];
        for (int i = 0; i < n; i++) {
            cases[i] = (i * 7) % 5;
        }
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            expected[i] = cases[i] * 2;
        }
        for (Path path : Path.values()) {
            CheckedRun.BackendRun r = run(path, "pickCase", Dim3.of(2), Dim3.of(32), List.of(
                    new CheckedRun.Arg.Buffer("cases", ints(cases), ElementType.I32, false),
                    new CheckedRun.Arg.Buffer("seen", new byte[4 * n], ElementType.I32, true),
                    new CheckedRun.Arg.Scalar(-1L), // the largest handle as an unsigned number: ordered last
                    new CheckedRun.Arg.Scalar(9L)));
            assertArrayEquals(ints(expected), r.outputs().get("seen"), path.toString());
            assertEquals(new GraphConditionals(values(9L, cases[37] + 100L, -1L, cases[5]), 0), r.conditionals(),
                    path.toString());
        }
    }

    /** A launch's table holds 64 handles: the calls for the others are counted and said, not kept. */
    @Test
    void handlesPastTheTableAreCountedAsDropped() {
        for (Path path : Path.values()) {
            CheckedRun.BackendRun r = run(path, "manyHandles", Dim3.of(1), Dim3.of(1), List.of(
                    new CheckedRun.Arg.Scalar(1000L), new CheckedRun.Arg.Scalar(70)));
            GraphConditionals c = r.conditionals();
            assertEquals(64, c.values().size(), path.toString());
            assertEquals(new GraphConditional(1000L, 0), c.values().get(0));
            assertEquals(new GraphConditional(1063L, 63 * 3), c.values().get(63));
            assertEquals(6, c.droppedCalls(), path.toString());
            assertTrue(c.note().contains("6 cudaGraphSetConditional calls"), c.note());
        }
    }

    /** Launch after launch, a later launch's value replaces an earlier one's for the same handle. */
    @Test
    void laterLaunchesOverrideEarlierValuesPerHandle() {
        GraphConditionals first = new GraphConditionals(values(1, 10, 2, 20), 0);
        GraphConditionals second = new GraphConditionals(values(2, 21, 3, 30), 1);
        assertEquals(new GraphConditionals(values(1, 10, 2, 21, 3, 30), 1), first.then(second));
    }

    @Test
    void kernelsThatSetNoConditionalReportNone() {
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2),
                KernelCompiler.compile(CompileRequest.of("plain.cu", "__global__ void k(int *a) { a[0] = 1; }")),
                new CheckedRun.Launch("k", new LaunchConfig(Dim3.of(1), Dim3.of(1), 0),
                        List.of(new CheckedRun.Arg.Buffer("a", new byte[4], ElementType.I32, true))));
        assertTrue(r.conditionals().isEmpty());
    }

    /** {@code run} prints each handle's value after the launch, and puts them under "graphConditionals" with --json. */
    @Test
    void theCommandLineReportsTheValues(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cu = dir.resolve("conditionals.cu");
        java.nio.file.Files.writeString(cu, SOURCE);
        for (String backend : List.of("wasm", "opencl")) {
            CliRun text = CliRun.cudaWasm("run", cu.toString(), "--kernel", "decideIf", "--grid", "1", "--block", "1",
                    "--arg", "const:1:5", "--arg", "77", "--backend", backend);
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("  graph conditional 77 = 1\n"), text.out());
        }
        CliRun json = CliRun.cudaWasm("run", cu.toString(), "--kernel", "manyHandles", "--grid", "1", "--block", "1",
                "--arg", "18446744073709551610", "--arg", "3", "--sandbox", "--json");
        assertEquals(0, json.code(), json.err() + json.out());
        com.fasterxml.jackson.databind.JsonNode g = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out())
                .get("graphConditionals");
        assertEquals("[{\"handle\":\"18446744073709551610\",\"value\":0},{\"handle\":\"18446744073709551611\",\"value\":3},"
                + "{\"handle\":\"18446744073709551612\",\"value\":6}]", g.get("values").toString());
        assertEquals(0, g.get("droppedCalls").asLong());
    }

    private static byte[] ints(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }
}
