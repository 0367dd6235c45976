package io.cudawasm.kernels.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Address checks are left out only where the index ranges prove the byte offset fits: a tiled
 * matmul's and a tree reduction's shared-memory accesses (threadIdx, a counted loop, a halving
 * stride) have none, their global accesses (indices from blockIdx and parameters) keep theirs. Within
 * a statement, accesses with the same index share one check, unless the first may not run. A thread
 * row that runs the fast way (pointers linear in threadIdx.x, checked once for the row) has no
 * per-access check of those pointers; its general copy keeps them.
 */
class AddressCheckElisionTest {
    private static long checks(String wat) {
        return wat.lines().filter(l -> l.contains("if $wild")).count();
    }

    /** The fast copies of thread rows: from each {@code if $fast} to its {@code else}. */
    static String fastRows(String wat) {
        StringBuilder out = new StringBuilder();
        List<String> lines = wat.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("if $fast")) {
                String indent = line.substring(0, line.indexOf("if"));
                for (int j = i + 1; j < lines.size() && !lines.get(j).equals(indent + "else"); j++) {
                    out.append(lines.get(j)).append('\n');
                }
            }
        }
        return out.toString();
    }

    @Test
    void sharedMemoryIndicesFromThreadIdxAndCountedLoopsNeedNoCheck() {
        String wat = KernelCompiler.compile(CompileRequest.of("t.cu", """
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
                            sum += As[threadIdx.y][k] * Bs[k][threadIdx.x];
                        __syncthreads();
                    }
                    C[row * n + col] = sum;
                }
                """)).wasm().text();
        // the 3 pointer parameters as they are loaded, and A, B and C; not the tile stores or the As and
        // Bs reads of the inner loop
        assertEquals(6, checks(wat), wat);
        String inner = wat.substring(wat.indexOf("loop $loop", wat.indexOf("loop $loop") + 1));
        assertEquals(0, checks(inner.substring(0, inner.indexOf("end"))), "the k loop has no check:\n" + inner);
    }

    @Test
    void aHalvingStrideStaysBounded() {
        String wat = KernelCompiler.compile(CompileRequest.of("r.cu", """
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
                """)).wasm().text();
        // the 2 pointer parameters as they are loaded, in and out; not s
        assertEquals(4, checks(wat), wat);
    }

    @Test
    void aLoopBoundByAParameterKeepsItsCheck() {
        String wat = KernelCompiler.compile(CompileRequest.of("l.cu", """
                __global__ void k(float* x, int n) {
                    __shared__ float s[64];
                    for (int i = 0; i < n; i++) s[i] = 0.0f;
                    x[threadIdx.x] = s[threadIdx.x];
                }
                """)).wasm().text();
        // the pointer parameter as it is loaded, and s[i] with i < n; not x[threadIdx.x] or s[threadIdx.x]
        // (a loop without a bounded trip count keeps the thread loop general: no fast row)
        assertEquals(2, checks(wat), wat);
        assertEquals("", fastRows(wat), wat);
    }

    @Test
    void accessesWithTheSameIndexShareOneCheck() {
        String wat = KernelCompiler.compile(CompileRequest.of("s.cu", """
                __global__ void saxpy(int n, float a, const float* x, float* y) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) y[i] = a * x[i] + y[i];
                }
                """)).wasm().text();
        // x and y as they are loaded, and i * 4 once in the general thread loop; none in the fast row,
        // which checks the row's first and last index before it
        assertEquals(2 + 1, checks(wat), wat);
        assertTrue(fastRows(wat).contains("f32.load"), wat);
        assertEquals(0, checks(fastRows(wat)), wat);
    }

    @Test
    void anIndexFirstCheckedInABranchIsCheckedAgainAfterIt() {
        String wat = KernelCompiler.compile(CompileRequest.of("b.cu", """
                __global__ void k(const int* x, int* y, int i, int c) {
                    y[0] = (c > 0 && x[i] > 0) ? x[i] : 0;
                }
                """)).wasm().text();
        // x and y as loaded; x[i] in the right side of && (which may not run), again in the branch
        // of ?: (it may not run either), so each of them checks in the general thread loop; the fast
        // row checks x + i once before it
        assertEquals(2 + 2, checks(wat), wat);
        assertEquals(0, checks(fastRows(wat)), wat);
    }
}
