package io.cudawasm.kernels.cgen;

import java.util.Set;

/** C identifiers for generated code: user names made safe for the target dialect. */
public final class Identifiers {
    private Identifiers() {}

    /**
     * Words a user's CUDA code may use as a name that OpenCL C reserves (keywords, address
     * spaces, built-in type names); such names get a trailing underscore.
     */
    private static final Set<String> OPENCL_RESERVED = Set.of(
            "global", "local", "constant", "private", "kernel", "__global", "__local", "__constant", "__private",
            "__kernel", "read_only", "write_only", "read_write", "__read_only", "__write_only", "__read_write",
            "generic", "__generic", "half", "__half", "__half2", "bool", "uchar", "ushort", "uint", "ulong", "quad", "complex",
            "imaginary", "image1d_t", "image2d_t", "image3d_t", "image1d_array_t", "image2d_array_t",
            "image1d_buffer_t", "sampler_t", "event_t", "size_t", "ptrdiff_t", "intptr_t", "uintptr_t", "vec_type_hint",
            "work_group_size_hint", "reqd_work_group_size", "uniform", "pipe", "true", "false");

    /**
     * OpenCL C 1.2's built-in functions (math, integer, common, geometric, relational, vector data,
     * synchronization, atomics, work-item and async-copy functions): a kernel of the same name
     * cannot be created (PoCL reports no such kernel).
     */
    private static final Set<String> OPENCL_BUILTIN_FUNCTIONS = Set.of(
            "acos", "acosh", "acospi", "asin", "asinh", "asinpi", "atan", "atan2", "atanh", "atanpi", "atan2pi", "cbrt",
            "ceil", "copysign", "cos", "cosh", "cospi", "erfc", "erf", "exp", "exp2", "exp10", "expm1", "fabs", "fdim",
            "floor", "fma", "fmax", "fmin", "fmod", "fract", "frexp", "hypot", "ilogb", "ldexp", "lgamma", "lgamma_r",
            "log", "log2", "log10", "log1p", "logb", "mad", "maxmag", "minmag", "modf", "nan", "nextafter", "pow",
            "pown", "powr", "remainder", "remquo", "rint", "rootn", "round", "rsqrt", "sin", "sincos", "sinh", "sinpi",
            "sqrt", "tan", "tanh", "tanpi", "tgamma", "trunc", "abs", "abs_diff", "add_sat", "hadd", "rhadd", "clamp",
            "clz", "mad_hi", "mad_sat", "max", "min", "mul_hi", "rotate", "sub_sat", "upsample", "popcount", "mad24",
            "mul24", "degrees", "mix", "radians", "step", "smoothstep", "sign", "cross", "dot", "distance", "length",
            "normalize", "fast_distance", "fast_length", "fast_normalize", "isequal", "isnotequal", "isgreater",
            "isgreaterequal", "isless", "islessequal", "islessgreater", "isfinite", "isinf", "isnan", "isnormal",
            "isordered", "isunordered", "signbit", "any", "all", "bitselect", "select", "shuffle", "shuffle2", "barrier",
            "mem_fence", "read_mem_fence", "write_mem_fence", "async_work_group_copy", "async_work_group_strided_copy",
            "wait_group_events", "prefetch", "printf", "get_work_dim", "get_global_size", "get_global_id",
            "get_local_size", "get_local_id", "get_num_groups", "get_group_id", "get_global_offset", "atomic_add",
            "atomic_sub", "atomic_xchg", "atomic_inc", "atomic_dec", "atomic_cmpxchg", "atomic_min", "atomic_max",
            "atomic_and", "atomic_or", "atomic_xor", "vload_half", "vstore_half", "vec_step");

    public static boolean isOpenClBuiltinFunction(String name) {
        return OPENCL_BUILTIN_FUNCTIONS.contains(name) || name.matches("(vload|vstore|vloada_half|vstorea_half|vload_half"
                + "|vstore_half|convert_|as_|native_|half_)[a-z0-9_]*");
    }

    /** Letters, digits and underscores only, not starting with a digit. */
    public static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]+", "_").replaceAll("_+$", "");
        if (s.isEmpty()) {
            return "unnamed";
        }
        return Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    /** A struct member or similar user name, renamed when OpenCL C reserves it. */
    public static String openClSafe(String name) {
        String s = sanitize(name);
        return OPENCL_RESERVED.contains(s) || isVectorTypeName(s) ? s + "_" : s;
    }

    private static boolean isVectorTypeName(String s) {
        return s.matches("(char|uchar|short|ushort|int|uint|long|ulong|float|double|half)(2|3|4|8|16)");
    }
}
