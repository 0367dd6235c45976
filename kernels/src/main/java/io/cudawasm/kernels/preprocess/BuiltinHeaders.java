package io.cudawasm.kernels.preprocess;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The headers a CUDA source may include. CUDA's own headers are accepted as no-ops (what they
 * declare is built into the compiler); a few C headers supply the macros kernels use from them.
 */
final class BuiltinHeaders {
    private BuiltinHeaders() {}

    private static final Set<String> NO_OP = Set.of(
            "cuda_runtime.h", "cuda_runtime_api.h", "device_launch_parameters.h",
            "device_functions.h", "device_atomic_functions.h", "sm_20_atomic_functions.h",
            "sm_32_atomic_functions.h", "sm_60_atomic_functions.h", "sm_30_intrinsics.h",
            "sm_32_intrinsics.h", "cuda_device_runtime_api.h", "vector_types.h", "vector_functions.h",
            "math_functions.h", "crt/math_functions.h", "builtin_types.h",
            "driver_types.h", "host_defines.h", "helper_cuda.h", "helper_functions.h", "helper_math.h",
            "stdio.h", "cstdio", "stdlib.h", "cstdlib", "math.h", "cmath", "string.h", "cstring",
            "stddef.h", "cstddef", "stdbool.h", "iostream", "vector", "algorithm", "chrono", "ctime",
            "time.h", "cassert", "assert.h", "type_traits", "utility",
            // the CUDA samples' helpers: host code, except helper_math.h's vector functions, which are built in
            "helper_image.h", "helper_string.h", "helper_timer.h", "helper_cuda_drvapi.h", "cuda_profiler_api.h",
            "cuda_profiler.h", "cuda_occupancy.h", "sm_61_intrinsics.h",
            "sm_35_intrinsics.h", "texture_fetch_functions.h", "surface_functions.h", "cstdint.h", "memory", "string",
            "sstream", "fstream", "iomanip", "map", "cfloat.h", "numeric", "functional", "array", "cuda/std/cstdint");

    /** Libraries that cannot run here, refused where they are included. */
    static String refusal(String name) {
        if (name.startsWith("cub/") || name.equals("cub.cuh") || name.startsWith("thrust/")
                || name.startsWith("cuda/std/") && !name.equals("cuda/std/cstdint")) {
            return "'" + name + "': CUB/Thrust (and libcu++) are not supported: they are C++ template libraries this"
                    + " compiler does not carry; write the kernel with plain CUDA C++";
        }
        if (name.startsWith("curand")) {
            return "'" + name + "': cuRAND is not supported";
        }
        if (name.startsWith("cublas") || name.startsWith("cufft") || name.startsWith("cusparse")
                || name.startsWith("cudnn") || name.startsWith("nccl")) {
            return "'" + name + "': CUDA libraries (cuBLAS, cuFFT, cuSPARSE, cuDNN, NCCL) are not supported";
        }
        if (name.startsWith("mma.h")) {
            return "'" + name + "': tensor cores (WMMA) are not supported";
        }
        return null;
    }

    private static final String STDINT = """
            #define INT8_MIN (-128)
            #define INT8_MAX 127
            #define UINT8_MAX 255
            #define INT16_MIN (-32768)
            #define INT16_MAX 32767
            #define UINT16_MAX 65535
            #define INT32_MIN (-2147483647 - 1)
            #define INT32_MAX 2147483647
            #define UINT32_MAX 4294967295u
            #define INT64_MIN (-9223372036854775807LL - 1)
            #define INT64_MAX 9223372036854775807LL
            #define UINT64_MAX 18446744073709551615ULL
            #define SIZE_MAX 18446744073709551615ULL
            """;

    private static final String LIMITS = """
            #define CHAR_BIT 8
            #define SCHAR_MIN (-128)
            #define SCHAR_MAX 127
            #define UCHAR_MAX 255
            #define CHAR_MIN (-128)
            #define CHAR_MAX 127
            #define SHRT_MIN (-32768)
            #define SHRT_MAX 32767
            #define USHRT_MAX 65535
            #define INT_MIN (-2147483647 - 1)
            #define INT_MAX 2147483647
            #define UINT_MAX 4294967295u
            #define LONG_MIN (-9223372036854775807L - 1)
            #define LONG_MAX 9223372036854775807L
            #define ULONG_MAX 18446744073709551615UL
            #define LLONG_MIN (-9223372036854775807LL - 1)
            #define LLONG_MAX 9223372036854775807LL
            #define ULLONG_MAX 18446744073709551615ULL
            """;

    private static final String FLOAT = """
            #define FLT_RADIX 2
            #define FLT_MANT_DIG 24
            #define DBL_MANT_DIG 53
            #define FLT_DIG 6
            #define DBL_DIG 15
            #define FLT_EPSILON 1.19209290e-07F
            #define DBL_EPSILON 2.2204460492503131e-16
            #define FLT_MIN 1.17549435e-38F
            #define DBL_MIN 2.2250738585072014e-308
            #define FLT_MAX 3.40282347e+38F
            #define DBL_MAX 1.7976931348623157e+308
            #define FLT_TRUE_MIN 1.40129846e-45F
            #define DBL_TRUE_MIN 4.9406564584124654e-324
            #define FLT_MAX_EXP 128
            #define DBL_MAX_EXP 1024
            #define FLT_MIN_EXP (-125)
            #define DBL_MIN_EXP (-1021)
            """;

    private static final String MATH_CONSTANTS = """
            #define CUDART_INF_F __int_as_float(0x7f800000)
            #define CUDART_NAN_F __int_as_float(0x7fffffff)
            #define CUDART_MIN_DENORM_F __int_as_float(0x00000001)
            #define CUDART_MAX_NORMAL_F __int_as_float(0x7f7fffff)
            #define CUDART_NEG_ZERO_F __int_as_float(0x80000000)
            #define CUDART_ZERO_F 0.0f
            #define CUDART_ONE_F 1.0f
            #define CUDART_SQRT_HALF_F 0.707106781f
            #define CUDART_SQRT_TWO_F 1.414213562f
            #define CUDART_THIRD_F 0.333333333f
            #define CUDART_PIO4_F 0.785398163f
            #define CUDART_PIO2_F 1.570796327f
            #define CUDART_3PIO4_F 2.356194490f
            #define CUDART_2_OVER_PI_F 0.636619772f
            #define CUDART_PI_F 3.141592654f
            #define CUDART_L2E_F 1.442695041f
            #define CUDART_L2T_F 3.321928094f
            #define CUDART_LG2_F 0.301029996f
            #define CUDART_LGE_F 0.434294482f
            #define CUDART_LN2_F 0.693147181f
            #define CUDART_LNT_F 2.302585093f
            #define CUDART_2PI_F 6.283185307f
            #define CUDART_INF __longlong_as_double(0x7ff0000000000000ULL)
            #define CUDART_NAN __longlong_as_double(0xfff8000000000000ULL)
            #define CUDART_NEG_ZERO __longlong_as_double(0x8000000000000000ULL)
            #define CUDART_ZERO 0.0
            #define CUDART_ONE 1.0
            #define CUDART_SQRT_HALF 7.0710678118654757e-1
            #define CUDART_SQRT_2 1.4142135623730951e+0
            #define CUDART_THIRD 3.3333333333333333e-1
            #define CUDART_PIO4 7.8539816339744828e-1
            #define CUDART_PIO2 1.5707963267948966e+0
            #define CUDART_PI 3.1415926535897931e+0
            #define CUDART_2PI 6.2831853071795865e+0
            #define CUDART_L2E 1.4426950408889634e+0
            #define CUDART_LN2 6.9314718055994529e-1
            #define CUDART_LNT 2.3025850929940459e+0
            """;

    /**
     * The functors of cooperative_groups/reduce.h and scan.h ({@code cg::plus<T>} and friends, which the parser
     * maps to these reserved names); everything else of cooperative groups is built in.
     */
    private static final String COOPERATIVE_GROUPS = """
            #ifndef __CW_COOPERATIVE_GROUPS_FUNCTORS
            #define __CW_COOPERATIVE_GROUPS_FUNCTORS
            template <typename T> struct __cg_plus { __device__ T operator()(T a, T b) const { return a + b; } };
            template <typename T> struct __cg_less { __device__ T operator()(T a, T b) const { return b < a ? b : a; } };
            template <typename T> struct __cg_greater { __device__ T operator()(T a, T b) const { return a < b ? b : a; } };
            template <typename T> struct __cg_bit_and { __device__ T operator()(T a, T b) const { return a & b; } };
            template <typename T> struct __cg_bit_or { __device__ T operator()(T a, T b) const { return a | b; } };
            template <typename T> struct __cg_bit_xor { __device__ T operator()(T a, T b) const { return a ^ b; } };
            #endif
            """;

    private static final String ASSERT = """
            #define assert(e) do { if (!(e)) __trap(); } while (0)
            """;

    private static final Map<String, String> TEXT = Map.ofEntries(
            Map.entry("stdint.h", STDINT), Map.entry("cstdint", STDINT),
            Map.entry("limits.h", LIMITS), Map.entry("climits", LIMITS),
            Map.entry("float.h", FLOAT), Map.entry("cfloat", FLOAT),
            Map.entry("math_constants.h", MATH_CONSTANTS),
            Map.entry("assert.h", ASSERT), Map.entry("cassert", ASSERT),
            Map.entry("cuda.h", TensorMapHeader.TYPE), // CUtensorMap: the rest of the driver API is host code
            Map.entry("cooperative_groups.h", COOPERATIVE_GROUPS), Map.entry("cooperative_groups/reduce.h", COOPERATIVE_GROUPS),
            Map.entry("cooperative_groups/scan.h", COOPERATIVE_GROUPS),
            Map.entry(HalfPrecisionHeader.NAME, HalfPrecisionHeader.text()),
            Map.entry("cuda_fp16.hpp", HalfPrecisionHeader.text()),
            Map.entry(HalfPrecisionHeader.BFLOAT16_NAME, HalfPrecisionHeader.bfloat16Text()),
            Map.entry(HalfPrecisionHeader.CORE_NAME, HalfPrecisionHeader.core()),
            Map.entry("cuda_bf16.hpp", HalfPrecisionHeader.bfloat16Text()));

    /**
     * Macros every translation unit sees, as nvcc provides them for device code: the compiler
     * identification, math.h's constants (nvcc includes math.h implicitly) and assert.
     */
    static final String PRELUDE = """
            #define __CUDACC__ 1
            #define __NVCC__ 1
            #define __CUDA_ARCH__ 800
            #define __CUDACC_VER_MAJOR__ 12
            #define __CUDACC_VER_MINOR__ 6
            #define CUDA_VERSION 12060
            #define CUDART_VERSION 12060
            #define __CUDA_WASM__ 1
            #define __cplusplus 201703L
            #define NULL 0
            #define M_E 2.7182818284590452354
            #define M_LOG2E 1.4426950408889634074
            #define M_LOG10E 0.43429448190325182765
            #define M_LN2 0.69314718055994530942
            #define M_LN10 2.30258509299404568402
            #define M_PI 3.14159265358979323846
            #define M_PI_2 1.57079632679489661923
            #define M_PI_4 0.78539816339744830962
            #define M_1_PI 0.31830988618379067154
            #define M_2_PI 0.63661977236758134308
            #define M_2_SQRTPI 1.12837916709551257390
            #define M_SQRT2 1.41421356237309504880
            #define M_SQRT1_2 0.70710678118654752440
            #define INFINITY __int_as_float(0x7f800000)
            #define NAN __int_as_float(0x7fffffff)
            #define HUGE_VALF __int_as_float(0x7f800000)
            #define HUGE_VAL __longlong_as_double(0x7ff0000000000000ULL)
            #define MAXFLOAT 3.40282347e+38F
            #define assert(e) do { if (!(e)) __trap(); } while (0)
            """;

    /** The text of a header: supplied text for the C headers above, "" for no-op headers. */
    static Optional<String> lookup(String name) {
        String text = TEXT.getOrDefault(name, AsyncCopyHeaders.TEXT.get(name));
        if (text != null) {
            return Optional.of(text);
        }
        return NO_OP.contains(name) ? Optional.of("") : Optional.empty();
    }
}
