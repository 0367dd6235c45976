package io.cudawasm.kernels.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.AccessSite;
import io.cudawasm.kernels.abi.AccessSite.Access;
import io.cudawasm.kernels.abi.AccessSite.Region;
import io.cudawasm.kernels.abi.MemcheckAbi;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A memcheck module is a separate variant: it numbers every access with its source position and
 * where its pointer came from (a parameter, a {@code __shared__} or local array, a variable, or
 * unknown), and imports the violation report; the normal module has none of it.
 */
class MemcheckModuleTest {
    private static final String SOURCE = """
            __constant__ float coeff[4];
            __device__ float first(const float* p) { return p[0]; }
            __global__ void k(const float* in, float* out, int n) {
                __shared__ float tile[64];
                float local[4];
                const float* row = in + blockIdx.x * 64;
                tile[threadIdx.x] = row[threadIdx.x];
                __syncthreads();
                for (int i = 0; i < 4; i++) local[i] = tile[(threadIdx.x + i) % 64] * coeff[i];
                out[threadIdx.x] = local[threadIdx.x % 4] + first(in);
            }
            """;

    private static AccessSite site(List<AccessSite> sites, Access access, int line, Region region) {
        return sites.stream().filter(s -> s.access() == access && s.line() == line && s.region() == region).findFirst()
                .orElseThrow(() -> new AssertionError("no " + access + " of " + region + " at line " + line + " in "
                        + sites));
    }

    @Test
    void sitesNameTheOriginOfEveryAccess() {
        CompileResult r = KernelCompiler.compile(CompileRequest.of("m.cu", SOURCE));
        WasmModule m = r.memcheckWasm();
        assertTrue(m.options().memcheck());
        List<AccessSite> sites = m.sites();
        AccessSite rowRead = site(sites, Access.READ, 7, Region.PARAMETER);
        assertEquals("in", rowRead.name(), "derived through a local pointer, still the parameter's buffer");
        assertEquals(0, rowRead.parameter());
        assertEquals("m.cu", rowRead.file());
        assertEquals("tile", site(sites, Access.WRITE, 7, Region.SHARED).name());
        assertEquals("tile", site(sites, Access.READ, 9, Region.SHARED).name());
        assertEquals("coeff", site(sites, Access.READ, 9, Region.STATIC).name());
        assertEquals("local", site(sites, Access.WRITE, 9, Region.LOCAL).name());
        assertEquals("local", site(sites, Access.READ, 10, Region.LOCAL).name());
        AccessSite out = site(sites, Access.WRITE, 10, Region.PARAMETER);
        assertEquals("out", out.name());
        assertEquals(1, out.parameter());
        AccessSite inDevice = site(sites, Access.READ, 2, Region.UNKNOWN);
        assertEquals("first", inDevice.function(), "a device function's pointer parameter has no known origin");
        assertTrue(m.text().contains(MemcheckAbi.VIOLATION_NAME), "the module imports the violation report");
    }

    @Test
    void theNormalModuleCarriesNoChecks() {
        CompileResult r = KernelCompiler.compile(CompileRequest.of("m.cu", SOURCE));
        assertTrue(r.wasm().sites().isEmpty());
        assertFalse(r.wasm().text().contains(MemcheckAbi.VIOLATION_NAME));
        assertEquals(WasmOptions.DEFAULT, r.wasm().options());
        assertNotEquals(r.wasm().binary().length, r.memcheckWasm().binary().length);
    }

    @Test
    void uncheckedCodeWrapsAndCheckedCodeTraps() {
        CompileResult r = KernelCompiler.compile(CompileRequest.of("m.cu",
                "__global__ void k(int* x, long long i) { x[i] = 1; }"));
        String unchecked = WasmEmitter.compile(r.kir(), WasmOptions.UNCHECKED).text();
        String checked = r.wasm().text();
        assertFalse(unchecked.contains("i64.shr_u") || unchecked.contains("call $env.__cw_trap"), unchecked);
        assertTrue(checked.contains("i64.shr_u") && checked.contains("call $env.__cw_trap"), checked);
    }

    @Test
    void ptxLineInformationGivesTheCudaLine() {
        String ptx = """
                .version 8.0
                .target sm_75
                .address_size 64
                .visible .entry k(.param .u64 k_param_0)
                {
                	.reg .b32 %r<3>;
                	.reg .b64 %rd<5>;
                	.loc	1 12 3
                	ld.param.u64 %rd1, [k_param_0];
                	cvta.to.global.u64 %rd2, %rd1;
                	mov.u32 %r1, %tid.x;
                	mul.wide.u32 %rd3, %r1, 4;
                	add.s64 %rd4, %rd2, %rd3;
                	.loc	1 14 5
                	st.global.u32 [%rd4], %r1;
                	ret;
                }
                	.file	1 "/home/me/src/scale.cu"
                """;
        WasmModule m = KernelCompiler.compile(CompileRequest.of("k.ptx", ptx)).memcheckWasm();
        AccessSite store = site(m.sites(), Access.WRITE, 14, Region.PARAMETER);
        assertEquals("scale.cu", store.file());
        assertEquals(5, store.column());
        WasmModule noLines = KernelCompiler.compile(CompileRequest.of("k.ptx",
                ptx.replaceAll("(?m)^\\s*\\.(loc|file).*$", ""))).memcheckWasm();
        AccessSite ptxLine = noLines.sites().stream().filter(s -> s.access() == Access.WRITE).findFirst().orElseThrow();
        assertEquals("k.ptx", ptxLine.file(), "without line information, the PTX instruction's own line");
    }
}
