package io.cudawasm.kernels.check;

import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.HashMap;
import java.util.Map;

/**
 * The types CUDA's headers define: libc typedefs and the vector types with the alignments of
 * vector_types.h (float4 is 16-byte aligned, float3 only 4).
 */
public final class BuiltinTypes {
    private BuiltinTypes() {}

    private static final Map<String, CType> TYPES = new HashMap<>();

    static {
        TYPES.put("size_t", ScalarType.ULONG);
        // a graph conditional node's handle, made by host code and passed to kernels as a number
        TYPES.put("cudaGraphConditionalHandle", ScalarType.ULONGLONG);
        TYPES.put("ptrdiff_t", ScalarType.LONG);
        TYPES.put("intptr_t", ScalarType.LONG);
        TYPES.put("uintptr_t", ScalarType.ULONG);
        TYPES.put("int8_t", ScalarType.SCHAR);
        TYPES.put("uint8_t", ScalarType.UCHAR);
        TYPES.put("int16_t", ScalarType.SHORT);
        TYPES.put("uint16_t", ScalarType.USHORT);
        TYPES.put("int32_t", ScalarType.INT);
        TYPES.put("uint32_t", ScalarType.UINT);
        TYPES.put("int64_t", ScalarType.LONG);
        TYPES.put("uint64_t", ScalarType.ULONG);
        TYPES.put("uint", ScalarType.UINT);
        TYPES.put("ushort", ScalarType.USHORT);
        TYPES.put("uchar", ScalarType.UCHAR);
        TYPES.put("ulong", ScalarType.ULONG);
        TYPES.put("cudaError_t", ScalarType.INT);
        // texture and surface objects are 64-bit handles: kernels taking them compile, fetches are refused
        TYPES.put("cudaTextureObject_t", ScalarType.ULONGLONG);
        TYPES.put("cudaSurfaceObject_t", ScalarType.ULONGLONG);
        TYPES.put("clock_t", ScalarType.LONG);
        // a stream in device code is a handle the launch queue records (dynamic parallelism)
        TYPES.put("cudaStream_t", ScalarType.ULONGLONG);
        vectors("char", ScalarKind.SCHAR, 1, 2, 1, 4);
        vectors("uchar", ScalarKind.UCHAR, 1, 2, 1, 4);
        vectors("short", ScalarKind.SHORT, 2, 4, 2, 8);
        vectors("ushort", ScalarKind.USHORT, 2, 4, 2, 8);
        vectors("int", ScalarKind.INT, 4, 8, 4, 16);
        vectors("uint", ScalarKind.UINT, 4, 8, 4, 16);
        vectors("long", ScalarKind.LONG, 8, 16, 8, 16);
        vectors("ulong", ScalarKind.ULONG, 8, 16, 8, 16);
        vectors("longlong", ScalarKind.LONGLONG, 8, 16, 8, 16);
        vectors("ulonglong", ScalarKind.ULONGLONG, 8, 16, 8, 16);
        vectors("float", ScalarKind.FLOAT, 4, 8, 4, 16);
        vectors("double", ScalarKind.DOUBLE, 8, 16, 8, 16);
        TYPES.put("dim3", StructType.vector("dim3", ScalarKind.UINT, 3, 4));
    }

    private static void vectors(String base, ScalarKind k, int a1, int a2, int a3, int a4) {
        TYPES.put(base + "1", StructType.vector(base + "1", k, 1, a1));
        TYPES.put(base + "2", StructType.vector(base + "2", k, 2, a2));
        TYPES.put(base + "3", StructType.vector(base + "3", k, 3, a3));
        TYPES.put(base + "4", StructType.vector(base + "4", k, 4, a4));
    }

    static CType lookup(String name) {
        return TYPES.get(name);
    }

    /** CUDA's vector type of this name (float4, uint2, ...) with its layout, or null. */
    public static StructType vectorType(String name) {
        return TYPES.get(name) instanceof StructType s && s.isVector() ? s : null;
    }

    /** uint3, the type of threadIdx and blockIdx: the same layout as dim3. */
    static StructType uint3() {
        return (StructType) TYPES.get("uint3");
    }

    static StructType dim3() {
        return (StructType) TYPES.get("dim3");
    }

    /** Half-precision type names, declared by cuda_fp16.h and cuda_bf16.h: named without them, an error says which. */
    static boolean isHalf(String name) {
        return name.equals("half") || name.equals("__half") || name.equals("half2") || name.equals("__half2")
                || name.equals("__nv_bfloat16") || name.equals("nv_bfloat16") || name.equals("__nv_bfloat162")
                || name.equals("nv_bfloat162");
    }
}
