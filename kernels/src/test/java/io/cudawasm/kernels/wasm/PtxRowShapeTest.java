package io.cudawasm.kernels.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * nvcc's PTX gets the fast thread rows the CUDA source gets: its addresses are 64-bit integers
 * ({@code cvta}, {@code mul.wide.s32}, {@code add.s64}) or, in shared memory, 32-bit ones, and its
 * guards early exits ({@code setp.ge.s32; @p bra $exit}); the row's range and the pointers' row values
 * are computed once, and the accesses of the fast copy have no check of their own (the general copy
 * keeps its checks, see {@link AddressCheckElisionTest}). Committed nvcc output, so no nvcc is needed.
 */
class PtxRowShapeTest {
    private static String wat(String resource) throws IOException {
        try (InputStream in = PtxRowShapeTest.class.getResourceAsStream("/ptx/" + resource)) {
            String ptx = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return KernelCompiler.compile(CompileRequest.of(resource, ptx)).wasm().text();
        }
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    /** The text of the function whose name contains {@code name}, up to the next function. */
    private static String function(String wat, String name) {
        int at = wat.indexOf("(func $" + name);
        int next = wat.indexOf("\n  (func ", at + 1);
        return wat.substring(at, next < 0 ? wat.length() : next);
    }

    @Test
    void nvccSaxpyRunsItsRowsWithoutPerAccessChecks() throws IOException {
        String wat = wat("saxpy.ptx");
        String fast = AddressCheckElisionTest.fastRows(wat);
        assertTrue(fast.contains("if $passing") && fast.contains("f32.load") && fast.contains("f32.store"), wat);
        assertEquals(0, count(fast, "if $wild"), "no access of the fast row checks its address:\n" + fast);
        // x[i] and y[i] (read and written) through two row pointers plus 4 * threadIdx.x
        String loop = fast.substring(fast.indexOf("loop $fx"));
        assertEquals(3, count(loop, "local.get $row_ptr"), fast);
        // and before the loop, the same pointers at the row's first thread for the host's vector rows: y to
        // store, x and y to load
        String vector = fast.substring(fast.indexOf("if $vector"), fast.indexOf("loop $fx"));
        assertTrue(vector.contains("call $env.__cw_vector_row"), fast);
        assertEquals(3, count(vector, "local.get $row_ptr"), fast);
        // the general copy checks as before: both 64-bit addresses made pointers
        assertTrue(count(wat, "if $wild") > count(fast, "if $wild") + 1, wat);
    }

    @Test
    void nvccReductionsTreeStepRunsOnlyItsPassingThreadsInOneLoopFunction() throws IOException {
        String wat = wat("reduce.ptx");
        String fast = AddressCheckElisionTest.fastRows(wat);
        assertEquals(0, count(fast, "if $wild"), "no access of a fast row checks its address:\n" + fast);
        // do { if (tid < s) s[tid] += s[tid + s]; barrier; s >>= 1; } while (s != 0): the whole loop is one
        // function called once per block (its predicate and counter are not needed after it), and its thread
        // row runs the threads below s only (a range computed from the guard, x_bound)
        String loop = function(wat, "_Z9reduceSumPKfPfi$region1");
        assertTrue(loop.contains("loop $loop") && loop.contains("$x_bound") && loop.contains("if $passing"), loop);
        String runner = function(wat, "_Z9reduceSumPKfPfi ");
        assertFalse(runner.contains("loop $loop"), "the runner does not call a region per trip:\n" + runner);
    }
}
