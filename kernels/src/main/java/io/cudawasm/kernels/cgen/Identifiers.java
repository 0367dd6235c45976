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
