package io.cudawasm.kernels.wasm;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.passes.Collectives;
import io.cudawasm.kernels.passes.Inliner;
import io.cudawasm.kernels.passes.RegionFission;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
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
    /** Call-stack budget for a kernel that may recurse (the depth is not known statically). */
    static final int RECURSION_STACK_BYTES = 64 * 1024;

    private final KModule kir;
    private final CompileBudget budget = CompileBudget.current();
    private final ModuleWriter writer = new ModuleWriter();
    private final Map<KFunction, Integer> functionIndices = new HashMap<>();
    private final Map<KFunction, List<SpecialReg>> hidden = new HashMap<>();
    private final Map<String, Integer> mathImports = new LinkedHashMap<>();
    private final Map<KGlobal, Integer> staticOffsets = new HashMap<>();
    private final Map<KGlobal, Integer> sharedOffsets = new HashMap<>();
    private final Map<KFunction, Integer> frameSizes = new HashMap<>();
    private int trapIndex;
    private int staticEnd;
    private int staticShared;

    private WasmEmitter(KModule kir) {
        this.kir = kir;
    }

    public static WasmModule compile(KModule kir) {
        return new WasmEmitter(kir).run();
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
        Map<KFunction, Boolean> collective = Collectives.functions(kir.functions());
        // collective device functions are inlined into their kernels; they need no code of their own
        List<KFunction> devices = kir.functions().stream().filter(f -> !f.isKernel() && !collective.get(f)).toList();
        List<KFunction> kernels = new ArrayList<>();
        for (KFunction k : kir.kernels()) {
            kernels.add(collective.get(k) ? fissioned(k, collective) : k);
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
                new FuncType(List.of(ValType.I32, ValType.I32, ValType.I32), List.of()),
                List.of("stack_top", "stack_limit", "shared_base"));
        writer.export(KernelAbi.INIT_EXPORT, init);
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
                    callStack(k, new LinkedHashSet<>()), fission));
        }
        emitInit(init);
        byte[] binary = writer.binary();
        validate(binary);
        return new WasmModule(binary, writer.text(), infos, symbols(), staticEnd, staticShared,
                List.copyOf(mathImports.keySet()));
    }

    private final Set<KFunction> fissionedKernels = new java.util.HashSet<>();

    /**
     * A copy of a kernel with its collective-containing calls inlined and its body cut into
     * thread loops (the original KIR is left untouched for the other back ends).
     */
    private KFunction fissioned(KFunction k, Map<KFunction, Boolean> collective) {
        KFunction copy = new KFunction(k.name(), k.sourceName(), true, k.returnType(), k.params(), k.pos());
        for (io.cudawasm.kernels.kir.KLocal l : k.locals()) {
            copy.addLocal(l);
        }
        copy.setBody(k.body());
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
        writer.define(index, List.of(), List.of(), w);
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
            int align = Math.max(1, g.type().align());
            if (g.space() == AddressSpace.SHARED) {
                if (!g.externShared()) {
                    shared = StructType.alignUp(shared, align);
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
                hidden.put(f, List.copyOf(uses.get(f)));
            }
        }
    }

    private void declareImports() {
        trapIndex = writer.addImport(KernelAbi.TRAP_MODULE, KernelAbi.TRAP_NAME,
                new FuncType(List.of(ValType.I32, ValType.I32), List.of()));
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
