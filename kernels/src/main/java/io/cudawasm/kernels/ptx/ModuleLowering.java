package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.abi.DeviceLaunchAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A PTX module to a kernel IR module: variables become globals (a {@code .const} keeps its name,
 * so the host fills it by that name), every function gets its signature first (calls may precede
 * definitions), then each body is lowered.
 */
final class ModuleLowering {
    private final PtxModule ptx;
    private final List<Diagnostic> warnings;
    private final StorageTypes storage = new StorageTypes();
    private final CompileBudget budget = CompileBudget.current();
    private final Map<String, Binding> names = new LinkedHashMap<>();
    private final List<KGlobal> globals = new ArrayList<>();
    private final Set<String> globalNames = new HashSet<>();
    /**
     * A function's address, as a value ({@code mov.u64 %rd, f;}, {@code .u64 table[] = {f, g};}): its
     * index among the module's {@code .func}s with a body, from 1 (0 stays null). Only
     * {@code call}'s dispatch on it ({@link CallInstructions}) makes it a function again.
     */
    private final Map<String, Long> functionIndices = new LinkedHashMap<>();
    private HalfRuntime halfRuntime;

    ModuleLowering(PtxModule ptx, List<Diagnostic> warnings, io.cudawasm.kernels.devicelib.DeviceLimits limits) {
        this(ptx, warnings, new io.cudawasm.kernels.devicelib.DeviceLibrary(limits));
    }

    /** A module whose device library is another's (inline PTX's: the C module it is lowered into), or none (null). */
    ModuleLowering(PtxModule ptx, List<Diagnostic> warnings, io.cudawasm.kernels.devicelib.DeviceLibrary library) {
        this.ptx = ptx;
        this.warnings = warnings;
        this.deviceLibrary = library;
    }

    Map<String, Binding> names() {
        return names;
    }

    StorageTypes storage() {
        return storage;
    }

    List<Diagnostic> warnings() {
        return warnings;
    }

    /** The value of a function's address, or null for a kernel or a function without a body here. */
    Long functionIndex(String name) {
        return functionIndices.get(name);
    }

    private InlinePtx.Enclosing enclosing;

    /** Inline PTX: the C module around the snippet, for its .shared variables and calls (null: refused). */
    void enclosing(InlinePtx.Enclosing module) {
        this.enclosing = module;
    }

    /**
     * The variable of a {@code .shared} declaration in inline PTX, made by the enclosing C module
     * (one per asm statement and name, per block).
     */
    KGlobal inlineShared(PtxVariable v) {
        if (enclosing == null) {
            throw CompileException.at(v.pos(), "unsupported in inline assembly: .shared declarations here");
        }
        if (!v.init().isEmpty()) {
            throw CompileException.at(v.pos(), ".shared variables cannot be initialized");
        }
        CType t = storage.variableType(v);
        if (t instanceof ArrayType a && a.isIncomplete()) {
            throw CompileException.at(v.pos(), "unsupported in inline assembly: a .shared array without a size (dynamic"
                    + " shared memory); declare it in C (extern __shared__) and pass its address");
        }
        return enclosing.declareShared(Scopes.clean(v.name()), t, v.pos());
    }

    /**
     * The C function a {@code call} in inline PTX names: a {@code __device__ extern "C"} function of
     * the enclosing module (PTX calls functions by their PTX names, which nvcc keeps only for those).
     */
    KFunction inlineCallee(String name, SourcePos pos) {
        KFunction target = enclosing == null ? null : enclosing.function(name, pos);
        if (target == null) {
            throw CompileException.at(pos, "call of '" + name + "' in inline assembly: the module has no __device__"
                    + " extern \"C\" function of that name");
        }
        return target;
    }

    private Boolean countsTransactions;

    /** Whether the module keeps mbarrier transaction counts: it multicasts ({@link ClusterBulkCopies}). */
    boolean countsTransactions() {
        if (countsTransactions == null) {
            countsTransactions = enclosing != null ? enclosing.countsTransactions() : ClusterBulkCopies.multicasts(ptx);
        }
        return countsTransactions;
    }

    KModule lower() {
        for (PtxFunction f : ptx.functions()) {
            if (!f.entry() && f.hasBody() && !functionIndices.containsKey(f.name())) {
                functionIndices.put(f.name(), functionIndices.size() + 1L);
            }
        }
        for (PtxVariable v : ptx.variables()) {
            if (v.space() == StateSpace.LOCAL) {
                throw CompileException.at(v.pos(), "unsupported PTX feature: module-scope .local variables");
            }
            names.put(v.name(), new Binding.Global(addGlobal(v, null)));
        }
        Map<String, PtxFunction> defined = new LinkedHashMap<>();
        for (PtxFunction f : ptx.functions()) {
            PtxFunction previous = defined.get(f.name());
            if (previous != null && previous.hasBody() && f.hasBody()) {
                throw CompileException.at(f.pos(), "function '" + f.name() + "' is defined twice");
            }
            if (previous == null || f.hasBody()) {
                defined.put(f.name(), f);
            }
        }
        List<KFunction> functions = new ArrayList<>();
        Map<KFunction, PtxFunction> bodies = new LinkedHashMap<>();
        for (PtxFunction f : defined.values()) {
            KFunction k = f.hasBody() ? signature(f) : null;
            names.put(f.name(), new Binding.Function(k, f));
            if (k != null) {
                functions.add(k);
                bodies.put(k, f);
            }
        }
        for (Map.Entry<KFunction, PtxFunction> e : bodies.entrySet()) {
            new FunctionLowering(this, e.getValue(), e.getKey()).lower();
            KFunction k = e.getKey();
            budget.countIrNodes(KirSize.of(k.body()), k.pos(), k.sourceName());
        }
        if (deviceLibrary != null) {
            globals.addAll(deviceLibrary.globals());
            functions.addAll(deviceLibrary.functions());
        }
        if (halfRuntime != null) {
            functions.addAll(halfRuntime.functions());
        }
        return new KModule(ptx.file().name(), functions, globals, storage.structs());
    }

    /**
     * vprintf's buffer and formats, the heap and the clock counter, made when the PTX uses them; inline
     * PTX (a snippet lowered into a C function) has none and refuses them at {@code pos}.
     */
    io.cudawasm.kernels.devicelib.DeviceLibrary deviceLibrary(io.cudawasm.kernels.source.SourcePos pos, String what) {
        if (deviceLibrary == null) {
            throw CompileException.at(pos, what + " is not supported in inline PTX: write it in C (clock(), printf, "
                    + "malloc) around the asm statement");
        }
        return deviceLibrary;
    }

    private final io.cudawasm.kernels.devicelib.DeviceLibrary deviceLibrary;

    /** The rounding core of cuda_fp16.h, compiled the first time an .f16 instruction needs it. */
    HalfRuntime halfRuntime() {
        if (enclosing != null) {
            return enclosing.halfRuntime(); // inline PTX: the C module's, which carries its functions
        }
        if (halfRuntime == null) {
            halfRuntime = new HalfRuntime();
        }
        return halfRuntime;
    }

    /** A global for a variable; {@code owner} is the function of a function-scope .shared variable. */
    KGlobal addGlobal(PtxVariable v, String owner) {
        AddressSpace space = switch (v.space()) {
            case GLOBAL -> AddressSpace.GLOBAL;
            case CONST -> AddressSpace.CONSTANT;
            case SHARED -> AddressSpace.SHARED;
            default -> throw CompileException.at(v.pos(), "unsupported PTX feature: ."
                    + v.space().name().toLowerCase(java.util.Locale.ROOT) + " variables");
        };
        CType t = storage.variableType(v);
        boolean externShared = space == AddressSpace.SHARED && t instanceof ArrayType a && a.isIncomplete();
        if (!externShared && t.size() == 0) {
            throw CompileException.at(v.pos(), "variable '" + v.name() + "' has no size");
        }
        if (space == AddressSpace.SHARED && !v.init().isEmpty()) {
            throw CompileException.at(v.pos(), ".shared variables cannot be initialized");
        }
        // counted before the initializer's bytes are allocated
        if (space == AddressSpace.SHARED) {
            budget.countSharedMemory(externShared ? 0 : v.size(), v.pos(), v.name());
        } else {
            budget.countStaticData(v.size(), v.pos(), v.name());
            if (!v.init().isEmpty()) {
                budget.countInitialData(v.size(), v.pos(), v.name());
            }
        }
        String name = v.name();
        if (!globalNames.add(name)) {
            name = owner + "_" + name;
            globalNames.add(name);
        }
        KGlobal g = new KGlobal(name, t, space, StorageTypes.initialBytes(v, functionIndices), externShared, v.pos());
        globals.add(g);
        return g;
    }

    private KGlobal launchQueue;

    /** The launch queue's {@code __device__} pointer, made for the first launch from device code. */
    KGlobal launchQueue(SourcePos pos) {
        if (launchQueue == null) {
            budget.countStaticData(8, pos, DeviceLaunchAbi.QUEUE_SYMBOL);
            globalNames.add(DeviceLaunchAbi.QUEUE_SYMBOL);
            launchQueue = new KGlobal(DeviceLaunchAbi.QUEUE_SYMBOL, new PointerType(ScalarType.UCHAR,
                    AddressSpace.GLOBAL, false, false), AddressSpace.GLOBAL, null, false, pos);
            globals.add(launchQueue);
        }
        return launchQueue;
    }

    private KGlobal cooperativeFlag;
    private KGlobal gridWorkspace;

    /** The hidden flag the runtime sets to 1 for a cooperative launch (0 otherwise), as the source path's. */
    KGlobal cooperativeFlag(SourcePos pos) {
        if (cooperativeFlag == null) {
            // PTX made by nvcc from this compiler's own CUDA C (the CUDA back end's) declares the flag
            // itself, under the same name and meaning: one flag, which the runtime sets
            cooperativeFlag = globals.stream().filter(g -> g.name().equals(KernelAbi.COOPERATIVE_SYMBOL)
                    && g.type().size() >= 4).findFirst().orElse(null);
        }
        if (cooperativeFlag == null) {
            budget.countStaticData(4, pos, KernelAbi.COOPERATIVE_SYMBOL);
            globalNames.add(KernelAbi.COOPERATIVE_SYMBOL);
            cooperativeFlag = new KGlobal(KernelAbi.COOPERATIVE_SYMBOL, ScalarType.UINT, AddressSpace.GLOBAL, null,
                    false, pos);
            globals.add(cooperativeFlag);
        }
        return cooperativeFlag;
    }

    /** The grid workspace that {@code %envreg1/2} point to in a cooperative launch ({@link KernelAbi#GRID_WORKSPACE_SYMBOL}). */
    KGlobal gridWorkspace(SourcePos pos) {
        if (gridWorkspace == null) {
            budget.countStaticData(KernelAbi.GRID_WORKSPACE_BYTES, pos, KernelAbi.GRID_WORKSPACE_SYMBOL);
            globalNames.add(KernelAbi.GRID_WORKSPACE_SYMBOL);
            // 8-byte elements: aligned as the driver's workspace
            gridWorkspace = new KGlobal(KernelAbi.GRID_WORKSPACE_SYMBOL, new ArrayType(ScalarType.ULONGLONG,
                    KernelAbi.GRID_WORKSPACE_BYTES / 8), AddressSpace.GLOBAL, null, false, pos);
            globals.add(gridWorkspace);
        }
        return gridWorkspace;
    }

    private KFunction signature(PtxFunction f) {
        Optional<ItaniumDemangler.Signature> demangled = ItaniumDemangler.demangle(f.name());
        List<CType> types;
        if (f.entry()) {
            types = KernelParameters.types(f, demangled, storage);
        } else {
            types = new ArrayList<>();
            for (PtxVariable p : f.params()) {
                types.add(storage.paramType(p));
            }
        }
        List<KLocal> params = new ArrayList<>();
        for (int i = 0; i < f.params().size(); i++) {
            PtxVariable p = f.params().get(i);
            params.add(new KLocal(i, paramName(f.name(), p.name()), types.get(i), true, p.pos()));
        }
        if (f.returns().size() > 1) {
            throw CompileException.at(f.pos(), "unsupported PTX feature: a function with more than one return value");
        }
        CType ret = f.returns().isEmpty() ? new VoidType() : storage.paramType(f.returns().get(0));
        String sourceName = f.entry() ? demangled.map(ItaniumDemangler.Signature::name).orElse(f.name()) : f.name();
        KFunction k = new KFunction(f.name(), sourceName, f.entry(), ret, params, f.pos());
        k.setClusterDims(f.clusterDims());
        return k;
    }

    /** {@code _Z3fooPfi_param_1} is {@code param_1}: nvcc's parameter names repeat the function's. */
    private static String paramName(String function, String param) {
        String n = param.startsWith(function + "_") ? param.substring(function.length() + 1) : param;
        return Scopes.clean(n);
    }
}
