package io.cudawasm.kernels.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parameter types of unmangled ({@code extern "C"}) PTX kernels: a pointer is read-only (an input,
 * not an output of the launch) only when every global write is traced to another parameter.
 */
class PtxParameterTypesTest {

    private static List<String> params(String body) {
        String ptx = """
                .version 8.0
                .target sm_75
                .address_size 64
                .func sink(.param .b64 sink_param_0)
                {
                	ret;
                }
                .visible .entry k(.param .u64 k_param_0, .param .u64 k_param_1, .param .u32 k_param_2)
                {
                	.reg .b32 %r<8>;
                	.reg .f32 %f<4>;
                	.reg .b64 %rd<12>;
                	ld.param.u64 %rd1, [k_param_0];
                	ld.param.u64 %rd2, [k_param_1];
                	ld.param.u32 %r1, [k_param_2];
                	cvta.to.global.u64 %rd3, %rd1;
                	cvta.to.global.u64 %rd4, %rd2;
                	mov.u32 %r2, %tid.x;
                	mul.wide.u32 %rd5, %r2, 4;
                	add.s64 %rd6, %rd3, %rd5;
                	add.s64 %rd7, %rd4, %rd5;
                	ld.global.f32 %f1, [%rd6];
                """ + body + """
                	ret;
                }
                """;
        KernelSignature k = KernelCompiler.compile(CompileRequest.of("k.ptx", ptx)).kernels().get(0);
        return k.params().stream().map(ParamInfo::type).toList();
    }

    @Test
    void aPointerOnlyReadFromIsConst() {
        assertEquals(List.of("const float*", "float*", "unsigned int"), params("""
                	st.global.f32 [%rd7], %f1;
                """));
    }

    @Test
    void aWriteThroughAnAddressOfUnknownOriginLeavesEveryPointerWritable() {
        // the address comes out of memory: it could point into either buffer
        assertEquals(List.of("float*", "unsigned long long*", "unsigned int"), params("""
                	ld.global.u64 %rd8, [%rd7];
                	st.global.f32 [%rd8], %f1;
                """));
    }

    @Test
    void aPointerHandedToAFunctionOrStoredAsDataIsWritable() {
        assertEquals(List.of("float*", "float*", "unsigned int"), params("""
                	{
                	.param .b64 arg0;
                	st.param.b64 [arg0], %rd6;
                	call.uni sink, (arg0);
                	}
                	st.global.f32 [%rd7], %f1;
                """));
        // stored as data: the second buffer is then written as 64-bit words
        assertEquals(List.of("float*", "unsigned long long*", "unsigned int"), params("""
                	st.global.u64 [%rd7], %rd6;
                """));
    }

    @Test
    void aDoubleZeroedWithAnIntegerStoreIsADoublePointer() {
        // nvcc stores 0.0 to a double* as st.global.u64 [p], 0 (conjugateGradientMultiBlockCG's dot_result)
        assertEquals(List.of("const float*", "double*", "unsigned int"), params("""
                	.reg .f64 %fd<2>;
                	mov.u64 %rd8, 0;
                	st.global.u64 [%rd7], %rd8;
                	cvt.f64.f32 %fd1, %f1;
                	atom.global.add.f64 %fd1, [%rd7], %fd1;
                """));
        // other disagreements stay bytes
        assertEquals(List.of("const float*", "unsigned char*", "unsigned int"), params("""
                	mov.u64 %rd8, 0;
                	st.global.u32 [%rd7], %r1;
                	st.global.u64 [%rd7], %rd8;
                """));
    }
}
