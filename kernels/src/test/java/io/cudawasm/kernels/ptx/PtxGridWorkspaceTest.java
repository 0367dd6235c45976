package io.cudawasm.kernels.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.wasm.WasmKernel;
import org.junit.jupiter.api.Test;

/**
 * nvcc's grid-wide synchronization in PTX: {@code %envreg1/2} hold the driver's grid workspace
 * address; a kernel that reaches memory through it ({@code grid.sync()}: an add to a counter there and
 * a spin on it) needs a cooperative launch and gets the module's hidden workspace, a kernel that only
 * tests it ({@code is_valid()}) reads the cooperative-launch flag. The spin's acquire load is an
 * atomic load, the add an atomic read-modify-write; the C back ends refuse the workspace by name.
 */
class PtxGridWorkspaceTest {
    /** The shape of nvcc's code for {@code this_grid().sync()} (compute_75), and an is_valid() kernel. */
    private static final String PTX = """
            .version 8.0
            .target sm_75
            .address_size 64

            .visible .entry synced(.param .u64 synced_param_0)
            {
            	.reg .pred %p<4>;
            	.reg .b32 %r<12>;
            	.reg .b64 %rd<6>;
            	mov.u32 %r1, %envreg2;
            	cvt.u64.u32 %rd1, %r1;
            	mov.u32 %r2, %envreg1;
            	cvt.u64.u32 %rd2, %r2;
            	bfi.b64 %rd3, %rd2, %rd1, 32, 32;
            	setp.ne.s64 %p1, %rd3, 0;
            	@%p1 bra $L_ok;
            	trap;
            $L_ok:
            	barrier.sync 0;
            	mov.u32 %r3, %tid.x;
            	setp.ne.s32 %p2, %r3, 0;
            	@%p2 bra $L_done;
            	add.s64 %rd4, %rd3, 4;
            	mov.u32 %r4, %nctaid.x;
            	mov.u32 %r5, %ctaid.x;
            	setp.eq.s32 %p3, %r5, 0;
            	mov.u32 %r11, -2147483647;
            	sub.s32 %r6, %r11, %r4;
            	selp.b32 %r7, %r6, 1, %p3;
            	atom.add.release.gpu.u32 %r8, [%rd4], %r7;
            $L_spin:
            	ld.acquire.gpu.u32 %r9, [%rd4];
            	xor.b32 %r10, %r9, %r8;
            	setp.gt.s32 %p3, %r10, -1;
            	@%p3 bra $L_spin;
            $L_done:
            	barrier.sync 0;
            	ret;
            }

            .visible .entry valid(.param .u64 valid_param_0)
            {
            	.reg .pred %p<2>;
            	.reg .b32 %r<4>;
            	.reg .b64 %rd<6>;
            	ld.param.u64 %rd1, [valid_param_0];
            	cvta.to.global.u64 %rd2, %rd1;
            	mov.u32 %r1, %envreg2;
            	cvt.u64.u32 %rd3, %r1;
            	mov.u32 %r2, %envreg1;
            	cvt.u64.u32 %rd4, %r2;
            	bfi.b64 %rd5, %rd4, %rd3, 32, 32;
            	setp.ne.s64 %p1, %rd5, 0;
            	selp.u32 %r3, 1, 0, %p1;
            	st.global.u32 [%rd2], %r3;
            	ret;
            }
            """;

    private static CompileResult compile() {
        return KernelCompiler.compile(CompileRequest.of("grid.ptx", PTX));
    }

    private static WasmKernel kernel(CompileResult r, String name) {
        return r.wasm().kernels().stream().filter(k -> k.signature().sourceName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aKernelThatSpinsOnTheWorkspaceNeedsACooperativeLaunchAndOneThatTestsItDoesNot() {
        CompileResult r = compile();
        assertTrue(kernel(r, "synced").gridSync(), "synced must be launched cooperatively");
        assertFalse(kernel(r, "valid").gridSync(), "is_valid() alone needs no cooperative launch");
        assertEquals(KernelAbi.GRID_WORKSPACE_BYTES, r.wasm().symbol(KernelAbi.GRID_WORKSPACE_SYMBOL).orElseThrow().size());
        assertTrue(r.wasm().symbol(KernelAbi.COOPERATIVE_SYMBOL).isPresent());
    }

    @Test
    void theSpinReadsWithAnAtomicLoadAndTheArrivalIsAnAtomicAdd() {
        String text = compile().wasm().text();
        assertTrue(text.contains("i32.atomic.load"), "no atomic load in:\n" + text);
        assertTrue(text.contains("i32.atomic.rmw.add"), "no atomic add");
    }

    @Test
    void theCBackEndsRefuseTheWorkspaceByName() {
        CompileResult r = KernelCompiler.compileForDevices(CompileRequest.of("grid.ptx", PTX));
        CompileException e = assertThrows(CompileException.class, () -> r.opencl(OpenClOptions.DEFAULT));
        assertTrue(e.getMessage().contains("grid-wide synchronization (grid.sync(), which nvcc's PTX does through the "
                + "grid workspace at %envreg1/2) is not supported on the OpenCL C back end"), e.getMessage());
        assertEquals("grid.ptx", e.first().file());
    }
}
