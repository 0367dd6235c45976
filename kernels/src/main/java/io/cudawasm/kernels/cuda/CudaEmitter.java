package io.cudawasm.kernels.cuda;

import io.cudawasm.kernels.cgen.CallScope;
import io.cudawasm.kernels.cgen.CodeBuffer;
import io.cudawasm.kernels.cgen.Declarators;
import io.cudawasm.kernels.cgen.FunctionWriter;
import io.cudawasm.kernels.cgen.Identifiers;
import io.cudawasm.kernels.cgen.StatusCodes;
import io.cudawasm.kernels.cgen.StructCollector;
import io.cudawasm.kernels.devicelib.RoundedArithmetic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * KIR to CUDA C++ for NVRTC or nvcc. Printing from KIR rather than passing the user's source on
 * keeps every back end on the same semantics (the checker's conversions, template instances and
 * lowered cooperative groups), needs no CUDA headers beyond what NVRTC builds in, and gives
 * kernels {@code extern "C"} names that match the other back ends. Compile with
 * {@code -fmad=false} for results comparable with the Wasm path.
 */
public final class CudaEmitter {
    /** The {@code extern __shared__} array all dynamic shared variables alias. */
    static final String DYNAMIC_SHARED = "cw_dyn_shared";
    /** The {@code __device__ int[2]} faults are recorded in: code, CUDA line. */
    public static final String STATUS_SYMBOL = "cw_status";

    private final KModule module;
    private final Map<String, io.cudawasm.kernels.kir.ClusterDims> launchClusters;
    private final Map<StructType, String> structNames = new LinkedHashMap<>();

    private CudaEmitter(KModule module, Map<String, io.cudawasm.kernels.kir.ClusterDims> launchClusters) {
        this.module = module;
        this.launchClusters = Map.copyOf(launchClusters);
    }

    public static CudaProgram emit(KModule module) {
        return new CudaEmitter(module, Map.of()).emit();
    }

    /**
     * The module with {@code __cluster_dims__} compiled into kernels that do not declare a cluster
     * shape ({@code launchClusters}: kernel name to shape): how the CUDA back end runs a shape given
     * only at launch, since a launch attribute needs {@code cuLaunchKernelEx}. A kernel's own
     * {@code __cluster_dims__} stays as it is.
     */
    public static CudaProgram emit(KModule module, Map<String, io.cudawasm.kernels.kir.ClusterDims> launchClusters) {
        return new CudaEmitter(module, launchClusters).emit();
    }

    /**
     * Whether the module's barrier objects are all the built-in headers' (16 bytes, with room for the
     * counters cw_barrier keeps): then the CUDA C runs them as objects of independent threads. PTX's
     * 8-byte mbarriers (nvcc's code, lowered to the same operations) keep the block-barrier form.
     */
    private static boolean headerBarriersOnly(List<KFunction> reached) {
        boolean[] ptx = {false};
        for (KFunction f : reached) {
            io.cudawasm.kernels.kir.KirWalk.expressions(f.body(), e -> {
                if (e instanceof io.cudawasm.kernels.kir.KExpr.IntrinsicCall i && !i.args().isEmpty()
                        && (i.op() == io.cudawasm.kernels.kir.Intrinsic.THREAD_BARRIER_INIT
                        || i.op() == io.cudawasm.kernels.kir.Intrinsic.THREAD_BARRIER_ARRIVE
                        || i.op() == io.cudawasm.kernels.kir.Intrinsic.THREAD_BARRIER_WAIT)
                        && i.args().get(0).type() instanceof io.cudawasm.kernels.types.PointerType p
                        && p.pointee() instanceof io.cudawasm.kernels.types.ScalarType) {
                    ptx[0] = true;
                }
            });
        }
        return !ptx[0];
    }

    private CudaProgram emit() {
        List<KFunction> reached = reachable();
        List<StructType> structs = StructCollector.collect(reached, module.globals());
        nameStructs(structs);
        CudaDialect d = new CudaDialect(structNames, headerBarriersOnly(reached));

        CodeBuffer functions = new CodeBuffer();
        List<String> prototypes = new ArrayList<>();
        List<CudaProgram.Kernel> kernels = new ArrayList<>();
        for (KFunction f : reached) {
            FunctionWriter w = new FunctionWriter(f, d, scope(), n -> n);
            List<String> params = new ArrayList<>();
            for (KLocal p : f.params()) {
                params.add(w.declaration(p));
            }
            String paramText = params.isEmpty() ? "void" : String.join(", ", params);
            functions.at(f.pos());
            if (f.isKernel()) {
                io.cudawasm.kernels.kir.ClusterDims cluster = f.clusterDims() != null ? f.clusterDims()
                        : launchClusters.get(f.name());
                functions.line("extern \"C\" __global__ void " + (cluster == null ? ""
                        : "__cluster_dims__(" + cluster.x() + ", " + cluster.y() + ", " + cluster.z() + ") ")
                        + f.name() + "(" + paramText + ") {");
                kernels.add(new CudaProgram.Kernel(f.name(), f.sourceName(),
                        io.cudawasm.kernels.kir.GridBarriers.cooperative(f), cluster));
            } else {
                String proto = "static __device__ " + Declarators.declare(d, f.returnType(), deviceName(f) + "("
                        + paramText + ")", null, null);
                prototypes.add(proto + ";");
                functions.line(proto + " {");
            }
            functions.indent();
            w.declareLocals(functions);
            w.body(functions);
            functions.outdent();
            functions.line("}");
            functions.line("");
        }

        CodeBuffer out = new CodeBuffer();
        out.line("// CUDA C++ generated by cuda-wasm from " + module.sourceName() + "; compile with -fmad=false");
        out.line("");
        printStructs(structs, d, out);
        out.line("__device__ int " + STATUS_SYMBOL + "[2];");
        List<CudaProgram.Symbol> symbols = new ArrayList<>();
        boolean dynamicShared = false;
        for (KGlobal g : module.globals()) {
            if (g.space() == AddressSpace.SHARED) {
                if (g.externShared()) {
                    dynamicShared = true;
                } else {
                    out.line("__shared__ " + (g.align() > g.type().align() ? "__align__(" + g.align() + ") " : "")
                            + Declarators.declare(d, g.type(), g.name(), null, null) + ";");
                }
                continue;
            }
            String qualifier = g.space() == AddressSpace.CONSTANT ? "__constant__" : "__device__";
            out.line(qualifier + " __align__(16) unsigned char " + g.name() + "[" + Math.max(1, g.size()) + "]"
                    + initializer(g.init()) + ";");
            symbols.add(new CudaProgram.Symbol(g.name(), g.name().replaceAll("_\\d+$", ""), g.size(),
                    g.space() == AddressSpace.CONSTANT));
        }
        if (dynamicShared) {
            out.line("extern __shared__ __align__(16) unsigned char " + DYNAMIC_SHARED + "[];");
        }
        out.line("");
        printHelpers(d.helpers(), out);
        for (String p : prototypes) {
            out.line(p);
        }
        if (!prototypes.isEmpty()) {
            out.line("");
        }
        out.append(functions);
        SourcePos origin = module.kernels().isEmpty() ? SourcePos.BUILTIN : module.kernels().get(0).pos();
        return new CudaProgram(module.sourceName(), out.text(), kernels, symbols, out.lineMap(), origin);
    }

    private static String deviceName(KFunction f) {
        return "cw_" + Identifiers.sanitize(f.name());
    }

    private static CallScope scope() {
        return new CallScope() {
            @Override
            public AddressSpace spaceOf(KLocal local) {
                return AddressSpace.GENERIC;
            }

            @Override
            public AddressSpace spaceOf(KExpr pointer) {
                return AddressSpace.GENERIC;
            }

            @Override
            public String callee(KExpr.Call call) {
                // the device library's directed roundings are CUDA's own intrinsics of the same name
                return RoundedArithmetic.isIntrinsic(call.callee()) ? call.callee().name() : deviceName(call.callee());
            }

            @Override
            public List<String> hiddenArguments(KExpr.Call call) {
                return List.of();
            }
        };
    }

    /** Kernels and the device functions they call, in source order. */
    private List<KFunction> reachable() {
        Set<KFunction> seen = new LinkedHashSet<>();
        List<KFunction> work = new ArrayList<>(module.kernels());
        while (!work.isEmpty()) {
            KFunction f = work.remove(work.size() - 1);
            if (seen.add(f)) {
                KirWalk.expressions(f.body(), e -> {
                    if (e instanceof KExpr.Call c) {
                        work.add(c.callee());
                    }
                });
            }
        }
        List<KFunction> ordered = new ArrayList<>();
        for (KFunction f : module.functions()) {
            if (seen.contains(f) && !RoundedArithmetic.isIntrinsic(f)) {
                ordered.add(f);
            }
        }
        return ordered;
    }

    private void nameStructs(List<StructType> structs) {
        Set<String> used = new HashSet<>();
        for (StructType s : structs) {
            String base = s.isVector() || s.name().equals("dim3") || s.name().equals("uint3") ? s.name()
                    : Identifiers.sanitize(s.name().replace("::", "_"));
            String n = base;
            for (int i = 2; !used.add(n); i++) {
                n = base + "_" + i;
            }
            structNames.put(s, n);
        }
    }

    private void printStructs(List<StructType> structs, CudaDialect d, CodeBuffer out) {
        List<StructType> own = structs.stream().filter(s -> !s.isVector() && !s.name().equals("dim3")
                && !s.name().equals("uint3")).toList();
        for (StructType s : own) {
            out.line(d.struct(s) + ";");
        }
        for (StructType s : own) {
            int natural = 1;
            for (Field f : s.fields()) {
                natural = Math.max(natural, f.type().align());
            }
            String align = s.align() > natural ? "__align__(" + s.align() + ") " : "";
            out.line((s.isUnion() ? "union " : "struct ") + align + structNames.get(s) + " {");
            out.indent();
            for (Field f : s.fields()) {
                out.line(Declarators.declare(d, f.type(), f.name(), null, null) + ";");
            }
            out.outdent();
            out.line("};");
            if (s.fields().isEmpty()) {
                // an empty class (a functor such as cg::plus<int>, a lambda without captures): C++
                // gives it one byte, the compiler none; it holds no data either way
                continue;
            }
            out.line("static_assert(sizeof(" + d.struct(s) + ") == " + s.size() + ", \"layout of " + s.name()
                    + " differs from the compiler's\");");
        }
        if (!own.isEmpty()) {
            out.line("");
        }
    }

    private static String initializer(byte[] init) {
        if (init == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" = {");
        for (int i = 0; i < init.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "0x%02x", init[i] & 0xFF));
        }
        return sb.append('}').toString();
    }

    private static void printHelpers(Set<String> helpers, CodeBuffer out) {
        if (helpers.contains("cw_thread_rank")) {
            out.lines("""
                    static __device__ unsigned int cw_thread_rank(void) {
                        return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
                    }
                    """);
        }
        if (helpers.contains("cw_fault")) {
            out.lines("""
                    /* the first fault of a launch is kept: [code, CUDA line] */
                    static __device__ void cw_fault(int code, int line) {
                        if (atomicCAS(&%s[0], 0, code) == 0) {
                            %s[1] = line;
                        }
                    }
                    """.formatted(STATUS_SYMBOL, STATUS_SYMBOL));
        }
        if (helpers.contains("cw_tile_sync")) {
            out.lines("""
                    /* a barrier over the caller's cooperative-groups tile of more than 32 threads: CUDA's own,
                       which finds its scratch in the memory sm_80 and later reserve for it */
                    #include <cooperative_groups.h>
                    #if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
                    #error "tiles of more than 32 threads need sm_80 or later on the CUDA back end"
                    #endif
                    template <unsigned int N> static __device__ void cw_tile_sync(void) {
                        cooperative_groups::tiled_partition<N>(cooperative_groups::this_thread_block()).sync();
                    }
                    """);
        }
        if (helpers.contains("cw_barrier")) {
            out.lines("""
                    /* the built-in headers' barrier objects (cuda::barrier, a pipeline's stages) on a GPU, whose
                       threads run independently: {expected (8 bytes), pending, completed phases}; an arrival
                       counts pending down, the last one of a phase resets it and counts the phase, a waiter polls
                       the phases. PTX's named barriers of part of a block are the GPU's own */
                    static __device__ unsigned cw_barrier_init(void *b, unsigned count) {
                        unsigned *w = (unsigned *)((char *)b + 8);
                        *(long long *)b = count;
                        w[0] = count;
                        w[1] = 0u;
                        __threadfence_block();
                        return 0u;
                    }
                    static __device__ unsigned cw_barrier_arrive(void *b, unsigned n) {
                        unsigned *w = (unsigned *)((char *)b + 8);
                        unsigned phase = *(volatile unsigned *)&w[1];
                        __threadfence_block();
                        if (atomicSub(&w[0], n) == n) {
                            *(volatile unsigned *)&w[0] = (unsigned)*(volatile long long *)b;
                            __threadfence_block();
                            atomicAdd(&w[1], 1u);
                        }
                        return phase;
                    }
                    static __device__ unsigned cw_barrier_wait(void *b, unsigned phase, int parity) {
                        volatile unsigned *completed = (volatile unsigned *)((char *)b + 12);
                        if (parity) {
                            while ((*completed & 1u) == (phase & 1u)) { __nanosleep(32); }
                        } else {
                            while ((int)(*completed - phase) <= 0) { __nanosleep(32); }
                        }
                        __threadfence_block();
                        return 0u;
                    }
                    static __device__ unsigned cw_barrier_named(unsigned id, unsigned count, int arriveOnly) {
                        if (arriveOnly) {
                            asm volatile("bar.arrive %0, %1;" :: "r"(id), "r"(count) : "memory");
                        } else {
                            asm volatile("bar.sync %0, %1;" :: "r"(id), "r"(count) : "memory");
                        }
                        return 0u;
                    }
                    """);
        }
        if (helpers.contains("cw_grid_sync")) {
            out.lines("""
                    /* grid.sync(): CUDA's own grid barrier, valid in a cooperative launch (the CUDA back end
                       launches a kernel that reaches one with cuLaunchCooperativeKernel) */
                    #include <cooperative_groups.h>
                    static __device__ void cw_grid_sync(void) {
                        cooperative_groups::this_grid().sync();
                    }
                    """);
        }
        for (String h : helpers) {
            if (h.startsWith("cw_div_") || h.startsWith("cw_rem_")) {
                out.lines(division(h));
            }
        }
    }

    private static String division(String name) {
        boolean div = name.startsWith("cw_div_");
        ScalarKindName k = ScalarKindName.of(name.substring(7));
        StringBuilder sb = new StringBuilder();
        sb.append("static __device__ ").append(k.spelling).append(' ').append(name).append('(').append(k.spelling)
                .append(" a, ").append(k.spelling).append(" b) {\n");
        sb.append("    if (b == 0) {\n        cw_fault(").append(StatusCodes.DIVIDE_BY_ZERO)
                .append(", 0);\n        return 0;\n    }\n");
        if (k.signed) {
            if (div) {
                sb.append("    if (b == -1) {\n        if (a == ").append(k.min).append(") {\n            cw_fault(")
                        .append(StatusCodes.DIVIDE_BY_ZERO).append(", 0);\n        }\n        return (")
                        .append(k.spelling).append(")(0 - (unsigned ").append(k.spelling).append(")a);\n    }\n");
            } else {
                sb.append("    if (b == -1) {\n        return 0;\n    }\n");
            }
        }
        sb.append("    return a ").append(div ? '/' : '%').append(" b;\n}\n");
        return sb.toString();
    }

    /** The integer kinds division helpers exist for. */
    private record ScalarKindName(String spelling, boolean signed, String min) {
        static ScalarKindName of(String lower) {
            return switch (lower) {
                case "int" -> new ScalarKindName("int", true, "(-2147483647 - 1)");
                case "uint" -> new ScalarKindName("unsigned int", false, null);
                case "long" -> new ScalarKindName("long", true, "(-9223372036854775807L - 1L)");
                case "ulong" -> new ScalarKindName("unsigned long", false, null);
                case "longlong" -> new ScalarKindName("long long", true, "(-9223372036854775807LL - 1LL)");
                default -> new ScalarKindName("unsigned long long", false, null);
            };
        }
    }
}
