package io.cudawasm.kernels.opencl;

import io.cudawasm.kernels.cgen.StatusCodes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small OpenCL C functions the emitted code calls for what OpenCL lacks as a built-in: CUDA's
 * atomics with their exact semantics, bit reversal, guarded division, warp operations. Each is
 * added once, on first use, in dependency order.
 */
final class OpenClHelpers {
    private final Map<String, String> used = new LinkedHashMap<>();

    /** Adds a helper (and what it needs) and returns its name. */
    String use(String name) {
        if (used.containsKey(name)) {
            return name;
        }
        for (String dep : dependencies(name)) {
            use(dep);
        }
        used.put(name, text(name));
        return name;
    }

    boolean isEmpty() {
        return used.isEmpty();
    }

    /** Every helper used, in an order where each follows what it calls. */
    String source() {
        return String.join("\n", used.values());
    }

    private static String[] dependencies(String name) {
        if (name.startsWith("cw_div_") || name.startsWith("cw_rem_")) {
            return new String[] {"cw_fault"};
        }
        if (name.equals("cw_shfl_bits") || name.equals("cw_ballot") || name.equals("cw_warp_lanes")
                || name.equals("cw_block_count")) {
            return new String[] {"cw_thread_rank"};
        }
        return new String[0];
    }

    private static String text(String name) {
        switch (name) {
            case "cw_thread_rank":
                return """
                        /* threadIdx linearized, as CUDA numbers the lanes of warps */
                        static uint cw_thread_rank(void) {
                            return (uint)(get_local_id(0) + get_local_size(0) * (get_local_id(1) + get_local_size(1) * get_local_id(2)));
                        }
                        static uint cw_block_threads(void) {
                            return (uint)(get_local_size(0) * get_local_size(1) * get_local_size(2));
                        }
                        """;
            case "cw_fault":
                return """
                        /* the first fault of a launch is kept: [code, CUDA line] */
                        static void cw_fault(__global volatile int* status, int code, int line) {
                            if (atomic_cmpxchg(&status[0], 0, code) == 0) {
                                status[1] = line;
                            }
                        }
                        """;
            case "cw_saturate":
                return """
                        static float cw_saturate(float x) {
                            return x >= 1.0f ? 1.0f : (x > 0.0f ? x : 0.0f);
                        }
                        """;
            case "cw_ffs":
                return """
                        static int cw_ffs(int x) {
                            uint u = (uint)x;
                            return u == 0u ? 0 : 32 - (int)clz(u & (0u - u));
                        }
                        """;
            case "cw_ffsll":
                return """
                        static int cw_ffsll(long x) {
                            ulong u = (ulong)x;
                            return u == 0UL ? 0 : 64 - (int)clz(u & (0UL - u));
                        }
                        """;
            case "cw_brev":
                return """
                        static uint cw_brev(uint x) {
                            x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
                            x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
                            x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
                            x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
                            return (x >> 16) | (x << 16);
                        }
                        """;
            case "cw_brevll":
                return """
                        static ulong cw_brevll(ulong x) {
                            x = ((x >> 1) & 0x5555555555555555UL) | ((x & 0x5555555555555555UL) << 1);
                            x = ((x >> 2) & 0x3333333333333333UL) | ((x & 0x3333333333333333UL) << 2);
                            x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((x & 0x0F0F0F0F0F0F0F0FUL) << 4);
                            x = ((x >> 8) & 0x00FF00FF00FF00FFUL) | ((x & 0x00FF00FF00FF00FFUL) << 8);
                            x = ((x >> 16) & 0x0000FFFF0000FFFFUL) | ((x & 0x0000FFFF0000FFFFUL) << 16);
                            return (x >> 32) | (x << 32);
                        }
                        """;
            case "cw_mul24":
                return """
                        /* __mul24: the low 24 bits of each operand, sign-extended, multiplied (mod 2^32) */
                        static int cw_mul24(int a, int b) {
                            int x = ((int)((uint)a << 8)) >> 8;
                            int y = ((int)((uint)b << 8)) >> 8;
                            return (int)((uint)x * (uint)y);
                        }
                        """;
            case "cw_shfl_src":
                return """
                        /* the lane a CUDA shuffle reads (mode 0 idx, 1 up, 2 down, 3 xor), or the caller's own */
                        static uint cw_shfl_src(uint me, int mode, int lane, int width) {
                            uint w = (uint)width;
                            uint seg = me & ~(w - 1u);
                            uint d = (uint)lane;
                            if (mode == 0) {
                                return seg + (d & (w - 1u));
                            }
                            if (mode == 1) {
                                return me - seg >= d ? me - d : me;
                            }
                            if (mode == 2) {
                                return me - seg + d < w ? me + d : me;
                            }
                            uint x = me ^ d;
                            return x < seg + w ? x : me;
                        }
                        """;
            case "cw_shfl_bits":
                return """
                        /* a warp shuffle emulated through local memory: every work-item of the group must call it */
                        static ulong cw_shfl_bits(ulong v, int mode, int lane, int width, __local ulong* scratch) {
                            uint tid = cw_thread_rank();
                            barrier(CLK_LOCAL_MEM_FENCE);
                            scratch[tid] = v;
                            barrier(CLK_LOCAL_MEM_FENCE);
                            uint me = tid & 31u;
                            uint at = tid - me + cw_shfl_src(me, mode, lane, width);
                            return at < cw_block_threads() ? scratch[at] : v;
                        }
                        """;
            case "cw_ballot":
                return """
                        /* a warp ballot emulated through local memory: every work-item of the group must call it */
                        static uint cw_ballot(int pred, __local ulong* scratch) {
                            uint tid = cw_thread_rank();
                            uint n = cw_block_threads();
                            barrier(CLK_LOCAL_MEM_FENCE);
                            scratch[tid] = pred != 0 ? 1UL : 0UL;
                            barrier(CLK_LOCAL_MEM_FENCE);
                            uint base = tid & ~31u;
                            uint bits = 0u;
                            for (uint i = 0u; i < 32u && base + i < n; i++) {
                                if (scratch[base + i] != 0UL) {
                                    bits |= 1u << i;
                                }
                            }
                            return bits;
                        }
                        """;
            case "cw_warp_lanes":
                return """
                        /* the lanes that exist in the caller's warp (the last warp of a block may be partial) */
                        static uint cw_warp_lanes(void) {
                            uint tid = cw_thread_rank();
                            uint count = min(32u, cw_block_threads() - (tid & ~31u));
                            return count == 32u ? 0xFFFFFFFFu : (1u << count) - 1u;
                        }
                        """;
            case "cw_block_count":
                return """
                        /* __syncthreads_count: a barrier that also counts the threads whose predicate holds */
                        static int cw_block_count(int pred, __local int* counter) {
                            barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
                            if (cw_thread_rank() == 0u) {
                                *counter = 0;
                            }
                            barrier(CLK_LOCAL_MEM_FENCE);
                            if (pred) {
                                atomic_inc(counter);
                            }
                            barrier(CLK_LOCAL_MEM_FENCE);
                            return *counter;
                        }
                        """;
            default:
                return generated(name);
        }
    }

    /** Helpers made per type and address space: divisions and CAS-loop atomics. */
    private static String generated(String name) {
        String[] p = name.split("_");
        if (name.startsWith("cw_div_") || name.startsWith("cw_rem_")) {
            boolean div = p[1].equals("div");
            String t = p[2];
            boolean signed = !t.startsWith("u");
            String min = t.equals("int") ? "INT_MIN" : "LONG_MIN";
            StringBuilder sb = new StringBuilder();
            sb.append("static ").append(t).append(' ').append(name).append('(').append(t).append(" a, ").append(t)
                    .append(" b, __global volatile int* status) {\n");
            sb.append("    if (b == 0) {\n        cw_fault(status, ").append(StatusCodes.DIVIDE_BY_ZERO)
                    .append(", 0);\n        return 0;\n    }\n");
            if (signed) {
                if (div) {
                    sb.append("    if (b == -1) {\n        if (a == ").append(min).append(") {\n            cw_fault(status, ")
                            .append(StatusCodes.DIVIDE_BY_ZERO).append(", 0);\n        }\n        return (").append(t)
                            .append(")(0").append(t.equals("int") ? "u" : "UL").append(" - (u").append(t)
                            .append(")a);\n    }\n");
                } else {
                    sb.append("    if (b == -1) {\n        return 0;\n    }\n");
                }
            }
            sb.append("    return a ").append(div ? '/' : '%').append(" b;\n}\n");
            return sb.toString();
        }
        if (name.startsWith("cw_atomic_")) {
            return atomicHelper(name, p);
        }
        throw new IllegalArgumentException("no OpenCL helper " + name);
    }

    /** {@code cw_atomic_<op>_<type>_<space>}: float/double add, CUDA's wrapping inc/dec. */
    private static String atomicHelper(String name, String[] p) {
        String op = p[2];
        String t = p[3];
        String space = "__" + p[4];
        boolean wide = t.equals("double");
        String bits = wide ? "ulong" : "uint";
        String cas = wide ? "atom_cmpxchg" : "atomic_cmpxchg";
        String next = switch (op) {
            case "add" -> "as_" + bits + "(as_" + t + "(assumed) + v)";
            case "inc" -> "assumed >= v ? 0u : assumed + 1u";
            case "dec" -> "(assumed == 0u || assumed > v) ? v : assumed - 1u";
            default -> throw new IllegalArgumentException("no OpenCL helper " + name);
        };
        String result = op.equals("add") ? "as_" + t + "(old)" : "old";
        return "static " + t + " " + name + "(volatile " + space + " " + t + "* p, " + t + " v) {\n"
                + "    volatile " + space + " " + bits + "* q = (volatile " + space + " " + bits + "*)p;\n"
                + "    " + bits + " old = *q;\n"
                + "    " + bits + " assumed;\n"
                + "    do {\n"
                + "        assumed = old;\n"
                + "        old = " + cas + "(q, assumed, " + next + ");\n"
                + "    } while (old != assumed);\n"
                + "    return " + result + ";\n"
                + "}\n";
    }
}
