package io.cudawasm.kernels.wasm;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import io.cudawasm.kernels.abi.AccessSite;
import io.cudawasm.kernels.abi.BlockCopyAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.MemcheckAbi;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;
import io.cudawasm.kernels.abi.VectorTreeAbi;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.passes.Collectives;
import io.cudawasm.kernels.passes.Inliner;
import io.cudawasm.kernels.passes.LongRegionSplit;
import io.cudawasm.kernels.passes.RegionFission;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a KIR module to one WebAssembly module: a runner per kernel, a function per device
 * function, static data and shared-memory layout. The result is validated by Chicory's parser
 * before it leaves the compiler.
 */
public final class WasmEmitter {
    static final int G_SP = 0;
    static final int G_STACK_TOP = 1;
    static final int G_STACK_LIMIT = 2;
    static final int G_SHARED_BASE = 3;
    /** Read before the back edge of a loop that runs a bounded number of times ({@link KernelAbi#BOUNDED_LOOP_GLOBAL}). */
    static final int G_BOUNDED_LOOP = KernelAbi.BOUNDED_LOOP_GLOBAL;
    /**
     * The distance from one block's shared memory to the next's in a launch with thread block
     * clusters (the blocks of a cluster have consecutive memory regions), for distributed shared
     * memory ({@code map_shared_rank}); set by {@code __cw_init}.
     */
    static final int G_CLUSTER_STRIDE = 5;
    /** The linear index of the thread an instance runs in the independent-threads variant; set by {@code __cw_init}. */
    static final int G_THREAD = 6;
    /** memcheck modules only: the memcheck table's address, set by each runner call ({@link MemcheckAbi}). */
    static final int G_MEMCHECK_TABLE = 7;
    static final String INSIDE_NAME = "__cw_inside";
    /** Call-stack budget for a kernel that may recurse (the depth is not known statically). */
    static final int RECURSION_STACK_BYTES = 64 * 1024;
    /** The least frame of a function that can recurse: bounds the recursion by the stack limit. */
    static final int RECURSIVE_MIN_FRAME = 32;

    private final KModule kir;
    private final WasmOptions options;
    private final CompileBudget budget = CompileBudget.current();
    private final ModuleWriter writer = new ModuleWriter();
    private final Map<KFunction, Integer> functionIndices = new HashMap<>();
    private final Map<KFunction, List<SpecialReg>> hidden = new HashMap<>();
    private final Map<String, Integer> mathImports = new LinkedHashMap<>();
    private final Map<KGlobal, Integer> staticOffsets = new HashMap<>();
    private final Map<KGlobal, Integer> sharedOffsets = new HashMap<>();
    private final Map<KFunction, Integer> frameSizes = new HashMap<>();
    private int trapIndex;
    private int violationIndex = -1;
    private int insideIndex = -1;
    /** The accesses of a memcheck module, numbered as its violation reports name them. */
    private final List<AccessSite> sites = new ArrayList<>();
    private int staticEnd;
    private int staticShared;

    private WasmEmitter(KModule kir, WasmOptions options) {
        this.kir = kir;
        this.options = options;
    }

    public static WasmModule compile(KModule kir) {
        return compile(kir, WasmOptions.DEFAULT);
    }

    public static WasmModule compile(KModule kir, WasmOptions options) {
        return new WasmEmitter(kir, options).run();
    }

    WasmOptions options() {
        return options;
    }

    ModuleWriter writer() {
        return writer;
    }

    int functionIndex(KFunction f) {
        Integer i = functionIndices.get(f);
        if (i == null) {
            throw new IllegalStateException("function " + f.name() + " not declared");
        }
        return i;
    }

    List<SpecialReg> hiddenSpecials(KFunction f) {
        return hidden.getOrDefault(f, List.of());
    }

    int mathImport(String name) {
        Integer i = mathImports.get(name);
        if (i == null) {
            throw new IllegalStateException("math import " + name + " not declared");
        }
        return i;
    }

    int trapFunction() {
        return trapIndex;
    }

    /** The host's {@code __cw_vector_row} ({@link VectorRowAbi}), or -1 in the variants without fast rows. */
    int vectorRowFunction() {
        return vectorRowIndex;
    }

    private int vectorRowIndex = -1;

    /** The host's {@code __cw_vector_accumulate} ({@link VectorAccumulateAbi}), or -1 where there is no vector row. */
    int vectorAccumulateFunction() {
        return vectorAccumulateIndex;
    }

    private int vectorAccumulateIndex = -1;

    /** The host's {@code __cw_vector_tree} ({@link VectorTreeAbi}), or -1 where there is no vector row. */
    int vectorTreeFunction() {
        return vectorTreeIndex;
    }

    private int vectorTreeIndex = -1;

    /** The host's {@code __cw_block_copy} ({@link BlockCopyAbi}), or -1 where there is no vector row. */
    int blockCopyFunction() {
        return blockCopyIndex;
    }

    private int blockCopyIndex = -1;

    /** The parameters of {@code __cw_vector_accumulate}, as {@link VectorAccumulateAbi} lists them. */
    private static List<ValType> vectorAccumulateParams() {
        List<ValType> params = new ArrayList<>(List.of(ValType.I64, ValType.I32, ValType.I32, ValType.I32, ValType.I64,
                ValType.I64, ValType.I32, ValType.I64, ValType.F32));
        for (int k = 0; k < VectorRowAbi.MAX_LOADS; k++) {
            params.addAll(List.of(ValType.I64, ValType.I64, ValType.I64));
        }
        params.addAll(java.util.Collections.nCopies(VectorRowAbi.MAX_UNIFORMS, ValType.F32));
        return params;
    }

    /** Independent threads only: the host's {@code __cw_threads} ({@link io.cudawasm.kernels.abi.ThreadsAbi}). */
    int threadsFunction() {
        return threadsIndex;
    }

    private int threadsIndex = -1;
    private int nextSite;

    /** A number for a collective's place in the module (the lanes of a warp meet at the same one). */
    int newSite() {
        return nextSite++;
    }

    /** memcheck: the imported violation report. */
    int violationFunction() {
        return violationIndex;
    }

    /** memcheck: {@code (address, bytes) -> 1 when inside some live allocation}. */
    int insideFunction() {
        return insideIndex;
    }

    int addSite(AccessSite site) {
        sites.add(site);
        return sites.size() - 1;
    }

    int staticOffset(KGlobal g) {
        return staticOffsets.get(g);
    }

    int sharedOffset(KGlobal g) {
        Integer o = sharedOffsets.get(g);
        return o != null ? o : dynamicSharedOffset();
    }

    private int dynamicSharedOffset() {
        return (staticShared + 15) & ~15;
    }

    private WasmModule run() {
        layoutGlobals();
        computeHiddenSpecials();
        declareImports();
        writer.addGlobal("sp", ValType.I32, 0);
        writer.addGlobal("stack_top", ValType.I32, 0);
        writer.addGlobal("stack_limit", ValType.I32, 0);
        writer.addGlobal("shared_base", ValType.I32, 0);
        writer.addGlobal("bounded_loop", ValType.I32, 0);
        writer.addGlobal("cluster_stride", ValType.I32, 0);
        writer.addGlobal("thread", ValType.I32, 0);
        if (options.memcheck()) {
            writer.addGlobal("memcheck_table", ValType.I32, 0);
            insideIndex = writer.declareFunction(INSIDE_NAME,
                    new FuncType(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)), List.of("address", "bytes"));
        }
        // with independent threads a function runs for one thread, and its collectives are host calls
        Map<KFunction, Boolean> collective = options.independentThreads() ? new HashMap<>()
                : Collectives.functions(kir.functions());
        kir.functions().forEach(f -> collective.putIfAbsent(f, false));
        // collective device functions are inlined into their kernels; they need no code of their own
        List<KFunction> devices = kir.functions().stream().filter(f -> !f.isKernel() && !collective.get(f)).toList();
        List<KFunction> kernels = new ArrayList<>();
        for (KFunction k : kir.kernels()) {
            if (needsIndependentThreads(k, new HashSet<>())) {
                independentKernels.add(k.name()); // before inlining: the mark may be on a device function
            }
            // long straight-line code (fully unrolled loops) is cut into regions the JVM compiles
            KBlock body = options.independentThreads() ? k.body() : LongRegionSplit.apply(k.body());
            kernels.add(collective.get(k) || body != k.body() ? fissioned(k, body, collective) : k);
        }
        for (KFunction d : devices) {
            List<String> names = new ArrayList<>();
            if (d.returnType() instanceof StructType) {
                names.add("sret");
            }
            d.params().forEach(p -> names.add(p.uniqueName()));
            hiddenSpecials(d).forEach(r -> names.add(r.name().toLowerCase(java.util.Locale.ROOT)));
            functionIndices.put(d, writer.declareFunction(d.name(), FunctionEmitter.deviceSignature(d, hiddenSpecials(d)),
                    names));
        }
        for (KFunction k : kernels) {
            int idx = writer.declareFunction(k.name(), FunctionEmitter.runnerSignature(),
                    List.of("launch", "first_block", "block_count"));
            functionIndices.put(k, idx);
            writer.export(KernelAbi.runnerExport(k.name()), idx);
        }
        int init = writer.declareFunction(KernelAbi.INIT_EXPORT,
                new FuncType(List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32), List.of()),
                List.of("stack_top", "stack_limit", "shared_base", "cluster_stride", "thread"));
        writer.export(KernelAbi.INIT_EXPORT, init);
        for (KFunction k : kernels) {
            markRecursion(k, new LinkedHashSet<>(), new HashSet<>());
        }
        for (KFunction d : devices) {
            FunctionEmitter fe = new FunctionEmitter(this, d);
            fe.emitDevice(functionIndex(d), hiddenSpecials(d));
            frameSizes.put(d, fe.frameSize());
        }
        List<WasmKernel> infos = new ArrayList<>();
        for (KFunction k : kernels) {
            FunctionEmitter fe = new FunctionEmitter(this, k);
            fe.emitRunner(functionIndex(k));
            boolean fission = fissionedKernels.contains(k);
            infos.add(new WasmKernel(KernelAbi.signature(k), KernelAbi.runnerExport(k.name()), fe.frameSize(), fission,
                    callStack(k, new LinkedHashSet<>()), fission,
                    fission && io.cudawasm.kernels.kir.GridBarriers.inBody(k)
                            || io.cudawasm.kernels.kir.GridBarriers.usesWorkspace(k), k.clusterDims(),
                    independentKernels.contains(k.name())));
        }
        emitInit(init);
        if (options.memcheck()) {
            emitInside();
        }
        byte[] binary = writer.binary();
        validate(binary);
        return new WasmModule(binary, writer.text(), infos, symbols(), staticEnd, staticShared,
                List.copyOf(mathImports.keySet()), options, sites);
    }

    private final Set<KFunction> fissionedKernels = new java.util.HashSet<>();
    private final Set<String> independentKernels = new java.util.HashSet<>();

    /** Whether a function, or one it calls, needs independent threads ({@link KFunction#independentThreads}). */
    private boolean needsIndependentThreads(KFunction f, Set<KFunction> seen) {
        if (f.independentThreads()) {
            return true;
        }
        if (!seen.add(f)) {
            return false;
        }
        for (KFunction c : callees(f)) {
            if (needsIndependentThreads(c, seen)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A copy of a kernel with its collective-containing calls inlined and its body cut into
     * thread loops (the original KIR is left untouched for the other back ends).
     */
    private KFunction fissioned(KFunction k, KBlock body, Map<KFunction, Boolean> collective) {
        KFunction copy = k.copyWithLocals();
        copy.setBody(body);
        copy.setBody(RegionFission.apply(copy, Inliner.inlineCollectiveCalls(copy, collective)));
        budget.checkpoint(k.pos());
        fissionedKernels.add(copy);
        return copy;
    }

    private void emitInit(int index) {
        CodeWriter w = new CodeWriter();
        w.localGet(0, "stack_top");
        w.globalSet(G_SP, "sp");
        w.localGet(0, "stack_top");
        w.globalSet(G_STACK_TOP, "stack_top");
        w.localGet(1, "stack_limit");
        w.globalSet(G_STACK_LIMIT, "stack_limit");
        w.localGet(2, "shared_base");
        w.globalSet(G_SHARED_BASE, "shared_base");
        w.localGet(3, "cluster_stride");
        w.globalSet(G_CLUSTER_STRIDE, "cluster_stride");
        w.localGet(4, "thread");
        w.globalSet(G_THREAD, "thread");
        writer.define(index, List.of(), List.of(), w);
    }

    /**
     * memcheck's check for an address of unknown origin: {@code bytes} bytes at {@code address} lie
     * inside the block's shared memory, the worker's stack, or one of the allocations the runtime
     * listed in the memcheck table (buffers and {@code __device__}/{@code __constant__} variables).
     */
    private void emitInside() {
        CodeWriter w = new CodeWriter();
        int address = 0;
        int bytes = 1;
        int end = 2;
        int list = 3;
        int count = 4;
        int start = 5;
        int limit = 6;
        String[] names = {"address", "bytes", "end", "list", "count", "start", "limit"};
        w.localGet(address, "address");
        w.op(0xAD, "i64.extend_i32_u");
        w.localGet(bytes, "bytes");
        w.op(0xAD, "i64.extend_i32_u");
        w.op(0x7C, "i64.add");
        w.localSet(end, "end");
        // the block's shared memory: static arrays, then the launch's dynamic bytes
        w.globalGet(G_SHARED_BASE, "shared_base");
        w.localSet(start, "start");
        w.globalGet(G_SHARED_BASE, "shared_base");
        w.i32Const(dynamicSharedOffset());
        w.op(0x6A, "i32.add");
        w.globalGet(G_MEMCHECK_TABLE, "memcheck_table");
        w.memory(0x28, "i32.load", 2, MemcheckAbi.TABLE_DYNAMIC_SHARED);
        w.op(0x6A, "i32.add");
        w.localSet(limit, "limit");
        insideRange(w, names);
        // the worker's stack: every thread's frame and the device-call stack
        w.globalGet(G_STACK_LIMIT, "stack_limit");
        w.localSet(start, "start");
        w.globalGet(G_STACK_TOP, "stack_top");
        w.localSet(limit, "limit");
        insideRange(w, names);
        // the allocations: count, then (start, end) pairs
        w.globalGet(G_MEMCHECK_TABLE, "memcheck_table");
        w.memory(0x28, "i32.load", 2, MemcheckAbi.TABLE_ALLOCATIONS);
        w.localTee(list, "list");
        w.memory(0x28, "i32.load", 2, 0);
        w.localSet(count, "count");
        w.block("none", null);
        w.loop("next");
        w.localGet(count, "count");
        w.op(0x45, "i32.eqz");
        w.brIf("none");
        w.localGet(list, "list");
        w.memory(0x28, "i32.load", 2, 4);
        w.localSet(start, "start");
        w.localGet(list, "list");
        w.memory(0x28, "i32.load", 2, 8);
        w.localSet(limit, "limit");
        insideRange(w, names);
        w.localGet(list, "list");
        w.i32Const(8);
        w.op(0x6A, "i32.add");
        w.localSet(list, "list");
        w.localGet(count, "count");
        w.i32Const(1);
        w.op(0x6B, "i32.sub");
        w.localSet(count, "count");
        w.br("next");
        w.end();
        w.end();
        w.i32Const(0);
        writer.define(insideIndex, List.of(ValType.I64, ValType.I32, ValType.I32, ValType.I32, ValType.I32),
                List.of("end", "list", "count", "start", "limit"), w);
    }

    /** Returns 1 from the function when [address, end) lies within [start, limit). */
    private static void insideRange(CodeWriter w, String[] names) {
        w.localGet(0, names[0]);
        w.localGet(5, names[5]);
        w.op(0x4F, "i32.ge_u");
        w.localGet(2, names[2]);
        w.localGet(6, names[6]);
        w.op(0xAD, "i64.extend_i32_u");
        w.op(0x58, "i64.le_u");
        w.op(0x71, "i32.and");
        w.ifThen("inside", null);
        w.i32Const(1);
        w.ret();
        w.end();
    }

    /**
     * Marks the functions a depth-first walk of the call graph re-enters: every cycle of calls has
     * one (a cycle holds a back edge in any depth-first walk). Such a function gets a frame on the
     * linear-memory stack even when it needs none ({@link #RECURSIVE_MIN_FRAME}), so that recursion
     * ends at the stack limit with a trap after at most {@code RECURSION_STACK_BYTES / 32} rounds,
     * never by overflowing the JVM's own stack (which HotSpot does not always survive).
     */
    private void markRecursion(KFunction f, Set<KFunction> path, Set<KFunction> done) {
        if (path.contains(f)) {
            reentered.add(f);
            return;
        }
        if (!done.add(f)) {
            return;
        }
        path.add(f);
        budget.checkNesting(path.size(), f.pos());
        budget.checkpoint(f.pos());
        for (KFunction callee : callees(f)) {
            markRecursion(callee, path, done);
        }
        path.remove(f);
    }

    /** Whether calls can come back to {@code f} before it returns (see {@link #markRecursion}). */
    boolean reentered(KFunction f) {
        return reentered.contains(f);
    }

    /** Worst-case device-call stack of a function (a fixed budget when recursion is possible). */
    private int callStack(KFunction f, Set<KFunction> path) {
        Integer known = callStacks.get(f);
        if (known != null) {
            return known;
        }
        if (!path.add(f)) {
            recursionSeen = true;
            return RECURSION_STACK_BYTES;
        }
        // one Java frame per function of the call chain
        budget.checkNesting(path.size(), f.pos());
        budget.checkpoint(f.pos());
        boolean recursionBefore = recursionSeen;
        recursionSeen = false;
        int deepest = 0;
        for (KFunction callee : callees(f)) {
            deepest = Math.max(deepest, callStack(callee, path) + frameSizes.getOrDefault(callee, 0));
        }
        path.remove(f);
        int result = Math.min(Math.max(deepest, 0), Integer.MAX_VALUE / 4);
        if (!recursionSeen) {
            // no cycle below f: its depth does not depend on the path, so a diamond of calls is walked once
            callStacks.put(f, result);
        }
        recursionSeen |= recursionBefore;
        return result;
    }

    private final Map<KFunction, Integer> callStacks = new HashMap<>();
    private final Set<KFunction> reentered = new HashSet<>();
    private final Map<KFunction, Set<KFunction>> calleeSets = new HashMap<>();
    private boolean recursionSeen;

    private Set<KFunction> callees(KFunction f) {
        return calleeSets.computeIfAbsent(f, k -> {
            Set<KFunction> out = new LinkedHashSet<>();
            KirWalk.expressions(k.body(), e -> {
                if (e instanceof KExpr.Call c) {
                    out.add(c.callee());
                }
            });
            return out;
        });
    }

    private void layoutGlobals() {
        int offset = KernelAbi.STATIC_DATA_BASE;
        int shared = 0;
        for (KGlobal g : kir.globals()) {
            int align = g.alignment();
            if (g.space() == AddressSpace.SHARED) {
                if (!g.externShared()) {
                    // 16 for every array of 16 bytes or more, what bulk copies need (__align__(16)) wherever the
                    // variable falls among others, more where the declaration asks (__align__(128) for TMA)
                    shared = StructType.alignUp(shared, g.size() >= 16 ? Math.max(align, 16) : align);
                    sharedOffsets.put(g, shared);
                    shared += g.size();
                }
            } else {
                offset = StructType.alignUp(offset, Math.max(align, 8));
                staticOffsets.put(g, offset);
                offset += Math.max(1, g.size());
            }
        }
        staticEnd = StructType.alignUp(offset, 16);
        staticShared = shared;
    }

    private List<SymbolInfo> symbols() {
        List<SymbolInfo> out = new ArrayList<>();
        for (KGlobal g : kir.globals()) {
            Integer off = staticOffsets.get(g);
            if (off != null) {
                out.add(new SymbolInfo(sourceName(g), g.name(), g.space(), g.type().display(), g.size(), off, g.init()));
            }
        }
        return out;
    }

    private static String sourceName(KGlobal g) {
        return g.name().replaceAll("_\\d+$", "");
    }

    private static final java.util.regex.Pattern PTX_LOCAL_NAME =
            java.util.regex.Pattern.compile("^_ZZ.*E(\\d+)([A-Za-z_][A-Za-z0-9_]*)$");

    /**
     * The name a variable has in the source, for memcheck reports: the IR prefixes a {@code __shared__}
     * array with its function's name, and PTX names a function's static with an Itanium local name
     * ({@code _ZZ9reducePfE5cache} is {@code cache}).
     */
    String variableName(KGlobal g) {
        String n = g.name();
        java.util.regex.Matcher m = PTX_LOCAL_NAME.matcher(n);
        if (m.matches() && Integer.parseInt(m.group(1)) == m.group(2).length()) {
            return m.group(2);
        }
        if (g.space() == AddressSpace.SHARED) {
            String owner = "";
            for (KFunction f : kir.functions()) {
                String prefix = f.name().replaceAll("[^A-Za-z0-9_]", "_");
                if (n.startsWith(prefix + "_") && prefix.length() > owner.length()) {
                    owner = prefix;
                }
            }
            if (!owner.isEmpty()) {
                n = n.substring(owner.length() + 1);
            }
        }
        return n.replaceAll("_\\d+$", "");
    }

    private void computeHiddenSpecials() {
        Map<KFunction, Set<SpecialReg>> uses = new HashMap<>();
        for (KFunction f : kir.functions()) {
            Set<SpecialReg> s = EnumSet.noneOf(SpecialReg.class);
            KirWalk.expressions(f.body(), e -> {
                if (e instanceof KExpr.Special sp) {
                    if (sp.reg() == SpecialReg.LANE_ID || sp.reg() == SpecialReg.WARP_ID) {
                        s.addAll(List.of(SpecialReg.TID_X, SpecialReg.TID_Y, SpecialReg.TID_Z, SpecialReg.NTID_X,
                                SpecialReg.NTID_Y));
                    } else {
                        s.add(sp.reg());
                    }
                }
            });
            uses.put(f, s);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (KFunction f : kir.functions()) {
                for (KFunction callee : callees(f)) {
                    if (uses.get(f).addAll(uses.getOrDefault(callee, Set.of()))) {
                        changed = true;
                    }
                }
            }
        }
        for (KFunction f : kir.functions()) {
            if (!f.isKernel()) {
                if (options.memcheck()) {
                    // violation reports name the thread and block wherever the access is
                    uses.get(f).addAll(List.of(SpecialReg.TID_X, SpecialReg.TID_Y, SpecialReg.TID_Z,
                            SpecialReg.CTAID_X, SpecialReg.CTAID_Y, SpecialReg.CTAID_Z));
                }
                hidden.put(f, List.copyOf(uses.get(f)));
            }
        }
    }

    private void declareImports() {
        trapIndex = writer.addImport(KernelAbi.TRAP_MODULE, KernelAbi.TRAP_NAME,
                new FuncType(List.of(ValType.I32, ValType.I32), List.of()));
        if (options.memcheck()) {
            List<ValType> params = new ArrayList<>(List.of(ValType.I32, ValType.I64, ValType.I32, ValType.I32));
            params.addAll(java.util.Collections.nCopies(6, ValType.I32));
            violationIndex = writer.addImport(KernelAbi.TRAP_MODULE, MemcheckAbi.VIOLATION_NAME,
                    new FuncType(params, List.of()));
        }
        if (options.addressChecks() && !options.memcheck() && !options.independentThreads()) {
            // only the variants whose thread loops have fast rows (FunctionEmitter.planFastRow) hand rows over
            List<ValType> params = new ArrayList<>(List.of(ValType.I64, ValType.I32));
            params.addAll(java.util.Collections.nCopies(1 + VectorRowAbi.MAX_LOADS, ValType.I64));
            params.addAll(java.util.Collections.nCopies(VectorRowAbi.MAX_UNIFORMS, ValType.F32));
            vectorRowIndex = writer.addImport(KernelAbi.TRAP_MODULE, VectorRowAbi.IMPORT_NAME,
                    new FuncType(params, List.of(ValType.I32)));
            vectorAccumulateIndex = writer.addImport(KernelAbi.TRAP_MODULE, VectorAccumulateAbi.IMPORT_NAME,
                    new FuncType(vectorAccumulateParams(), List.of(ValType.I32)));
            List<ValType> copyParams = new ArrayList<>(List.of(ValType.I32, ValType.I32, ValType.I32));
            copyParams.addAll(java.util.Collections.nCopies(6 * BlockCopyAbi.MAX_STORES, ValType.I64));
            blockCopyIndex = writer.addImport(KernelAbi.TRAP_MODULE, BlockCopyAbi.IMPORT_NAME,
                    new FuncType(copyParams, List.of(ValType.I32)));
            List<ValType> treeParams = new ArrayList<>(List.of(ValType.I64, ValType.I32, ValType.I64, ValType.I64,
                    ValType.I64));
            treeParams.addAll(java.util.Collections.nCopies(2 * VectorRowAbi.MAX_LOADS, ValType.I64));
            treeParams.addAll(java.util.Collections.nCopies(VectorRowAbi.MAX_UNIFORMS, ValType.F32));
            vectorTreeIndex = writer.addImport(KernelAbi.TRAP_MODULE, VectorTreeAbi.IMPORT_NAME,
                    new FuncType(treeParams, List.of(ValType.I32)));
        }
        if (options.independentThreads()) {
            threadsIndex = writer.addImport(KernelAbi.TRAP_MODULE, io.cudawasm.kernels.abi.ThreadsAbi.IMPORT_NAME,
                    new FuncType(List.of(ValType.I32, ValType.I32, ValType.I64, ValType.I32, ValType.I32),
                            List.of(ValType.I64)));
        }
        Map<String, FuncType> needed = new LinkedHashMap<>();
        for (KFunction f : kir.functions()) {
            KirWalk.expressions(f.body(), e -> {
                MathEmitter.HostImport h = null;
                if (e instanceof KExpr.Math m) {
                    h = MathEmitter.hostImport(m);
                } else if (e instanceof KExpr.IntrinsicCall i) {
                    h = MathEmitter.hostImport(i);
                }
                if (h != null) {
                    needed.put(h.name(), h.type());
                }
            });
        }
        for (Map.Entry<String, FuncType> e : needed.entrySet()) {
            mathImports.put(e.getKey(), writer.addImport(KernelAbi.MATH_MODULE, e.getKey(), e.getValue()));
        }
    }

    private void validate(byte[] binary) {
        try {
            Parser.parse(binary);
        } catch (ChicoryException e) {
            throw CompileException.at(SourcePos.BUILTIN, "internal compiler error: the generated WebAssembly is invalid ("
                    + e.getMessage() + "); please report this kernel");
        }
    }
}
