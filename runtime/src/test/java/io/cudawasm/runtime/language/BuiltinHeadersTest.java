package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The headers NVIDIA's samples include (issue 18, item 9): helper_math.h's vector operators and
 * functions are built in (checked against a Java reference on the WebAssembly and OpenCL paths;
 * nvcc would need the samples' own copy of the header), the host helpers are accepted, and CUB,
 * Thrust and cuRAND are refused where they are included.
 */
class BuiltinHeadersTest {

    @Test
    void helperMathVectorOperatorsAndFunctions() {
        String src = """
                #include <cuda_runtime.h>
                #include <cuda_profiler_api.h>
                #include <helper_cuda.h>
                #include <helper_functions.h>
                #include <helper_image.h>
                #include "helper_math.h"
                __global__ void vectors(const float3 *p, const float4 *q, float *out, int *iout)
                {
                    float3 a = p[0], b = p[1];
                    float3 c = a + b * 2.0f - make_float3(1.0f);
                    out[0] = c.x; out[1] = c.y; out[2] = c.z;
                    out[3] = dot(a, b);
                    out[4] = length(make_float3(3.0f, 4.0f, 0.0f));
                    float3 n = cross(a, b);
                    out[5] = n.x; out[6] = n.y; out[7] = n.z;
                    float4 w = make_float4(a, 1.0f) * q[0];
                    w += q[0];
                    w /= 2.0f;
                    out[8] = w.x; out[9] = w.w;
                    float3 back = make_float3(q[0]);
                    out[10] = back.z;
                    out[11] = lerp(1.0f, 3.0f, 0.25f);
                    out[12] = clamp(5.0f, 0.0f, 2.0f);
                    float3 cl = clamp(make_float3(-1.0f, 0.5f, 9.0f), 0.0f, 1.0f);
                    out[13] = cl.x + cl.y + cl.z;
                    float3 fl = floorf(make_float3(1.5f, -1.5f, 2.0f));
                    out[14] = fl.x + fl.y * 10.0f + fl.z * 100.0f;
                    float3 mn = fminf(a, b);
                    out[15] = mn.x + mn.y + mn.z;
                    out[16] = smoothstep(0.0f, 1.0f, 0.5f);
                    float3 r = reflect(make_float3(1.0f, -1.0f, 0.0f), make_float3(0.0f, 1.0f, 0.0f));
                    out[17] = r.y;
                    float3 u = normalize(make_float3(0.0f, 0.0f, 2.0f));
                    out[18] = u.z;
                    float3 neg = -a;
                    out[19] = neg.x;
                    int2 i2 = make_int2(7, -3) + make_int2(1);
                    int3 mx = max(make_int3(1, 5, -2), make_int3(4, 2, -1));
                    iout[0] = i2.x; iout[1] = i2.y; iout[2] = mx.x + mx.y * 10 + mx.z * 100;
                    iout[3] = clamp(12, 0, 10);
                    uint2 uu = make_uint2(3u, 4u) * 2u;
                    iout[4] = uu.x + uu.y;
                }
                """;
        float[] p = {1, 2, 3, 4, 5, 6};
        float[] q = {2, 4, 6, 8};
        float[] out = {1 + 8 - 1, 2 + 10 - 1, 3 + 12 - 1, 32, 5, 2 * 6 - 3 * 5, 3 * 4 - 1 * 6, 1 * 5 - 2 * 4,
            (1 * 2 + 2) / 2f, (1 * 8 + 8) / 2f, 6, 1.5f, 2, 0 + 0.5f + 1, 1 - 20 + 200, 6, 0.5f, 1, 1, -1};
        int[] iout = {8, -2, 4 + 50 - 100, 10, 14};
        AllPaths.check(CaseBuilder.of("helper_math", "vectors.cu", src).kernel("vectors").launch(Dim3.of(1), Dim3.of(1))
                .in("p", p).in("q", q).out("out", new float[out.length], out).out("iout", new int[iout.length], iout)
                .build(), EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
    }

    @Test
    void templateLibrariesAreRefusedWhereIncluded() {
        AllPaths.refuses("#include <stdio.h>\n#include <cub/cub.cuh>\n__global__ void k(int *a) {}\n",
                "refused.cu:2:10: error: 'cub/cub.cuh': CUB/Thrust (and libcu++) are not supported");
        AllPaths.refuses("#include <thrust/device_vector.h>\n", "'thrust/device_vector.h': CUB/Thrust");
        AllPaths.refuses("#include <curand_kernel.h>\n", "cuRAND is not supported");
    }

    @Test
    void bfloat16WithoutItsHeaderIsRefusedWhereUsed() {
        // half precision and bfloat16 themselves are supported: HalfPrecisionTest, BFloat16Test
        AllPaths.refuses("#include <cuda_fp16.h>\n__global__ void k(__nv_bfloat162 *a) { }\n",
                "refused.cu:2:19: error: bfloat16 type '__nv_bfloat162' needs #include <cuda_bf16.h>");
    }
}
