package io.cudawasm.kernels.opencl;

import io.cudawasm.kernels.cgen.CallScope;
import io.cudawasm.kernels.cgen.CodeBuffer;
import io.cudawasm.kernels.cgen.Declarators;
import io.cudawasm.kernels.cgen.FunctionWriter;
import io.cudawasm.kernels.cgen.Identifiers;
import io.cudawasm.kernels.cgen.StructCollector;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.passes.Collectives;
import io.cudawasm.kernels.passes.UniformCollectives;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
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
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * KIR to OpenCL C 1.2. One pass infers pointer address spaces (instantiating device functions per
 * combination), one collects the hidden state each function reaches ({@link HiddenParam}), then
 * the program is printed: pragmas (contraction off, extensions), structs with CUDA's layout
 * (checked at build time), helpers, prototypes, device functions callees first, kernels.
 */
public final class OpenClEmitter {
    private static final Pattern DOUBLE = Pattern.compile("\\bdouble\\b");

    private final KModule module;
    private final OpenClOptions options;
    private final Map<KGlobal, Integer> offsets = new HashMap<>();
    private final List<SymbolSlot> symbols = new ArrayList<>();
    private final Map<StructType, String> structNames = new LinkedHashMap<>();
    /** Kernels {@link UniformCollectives} rewrote: their traps must not return. */
    private final Set<KFunction> rewritten = new HashSet<>();
    private int constantBytes;
    private int deviceBytes;
    private AddressSpaceInference inference;
    private OpenClDialect dialect;

    private OpenClEmitter(KModule module, OpenClOptions options) {
        this.module = module;
        this.options = options;
    }

    /** Translates a module; throws {@link CompileException} for what OpenCL C 1.2 cannot express. */
    public static OpenClProgram emit(KModule module, OpenClOptions options) {
        return new OpenClEmitter(module, options).emit();
    }

    private AddressSpace globalSpace(KGlobal g) {
        if (g.space() == AddressSpace.CONSTANT) {
            return constantSpace();
        }
        return g.space() == AddressSpace.SHARED ? AddressSpace.SHARED : AddressSpace.GLOBAL;
    }

    private OpenClProgram emit() {
        layoutSymbols();
        inference = new AddressSpaceInference(this::globalSpace);
        List<FunctionInstance> kernels = new ArrayList<>();
        Map<KFunction, Boolean> collective = Collectives.functions(module.functions());
        for (KFunction k : module.kernels()) {
            // warp operations and barriers in divergent code move to points every work-item reaches
            KFunction printed = UniformCollectives.apply(k, collective).orElse(k);
            if (printed != k) {
                rewritten.add(printed);
            } else if (io.cudawasm.kernels.kir.GridBarriers.reachedFrom(k)) {
                printed = GridPhases.withCallsInlined(k, collective);
            }
            kernels.add(inference.kernel(printed));
        }
        List<FunctionInstance> all = inference.instances();
        for (FunctionInstance inst : all) {
            collectHidden(inst);
        }
        List<KFunction> reached = new ArrayList<>();
        for (FunctionInstance inst : all) {
            if (!reached.contains(inst.function())) {
                reached.add(inst.function());
            }
        }
        List<StructType> structs = StructCollector.collect(reached, module.globals());
        nameStructs(structs);
        dialect = new OpenClDialect(options, structNames, offsets);

        CodeBuffer functions = new CodeBuffer();
        List<String> prototypes = new ArrayList<>();
        List<OpenClKernel> kernelInfos = new ArrayList<>();
        for (FunctionInstance inst : all) {
            if (inst.function().isKernel()) {
                kernelInfos.add(printKernel(inst, functions));
            } else {
                prototypes.add(printDevice(inst, functions) + ";");
            }
        }
        CodeBuffer structText = new CodeBuffer();
        printStructs(structs, structText);

        String body = structText.text() + dialect.helpers().source() + functions.text();
        Set<String> extensions = new LinkedHashSet<>();
        if (DOUBLE.matcher(body).find()) {
            extensions.add("cl_khr_fp64");
        }
        extensions.addAll(dialect.extensions());

        CodeBuffer out = new CodeBuffer();
        out.line("/* OpenCL C 1.2 generated by cuda-wasm from " + module.sourceName().replace("*/", "* /")
                + " (" + options.abi().name().toLowerCase(java.util.Locale.ROOT) + " ABI) */");
        out.line("#pragma OPENCL FP_CONTRACT OFF");
        for (String e : extensions) {
            out.line("#pragma OPENCL EXTENSION " + e + " : enable");
        }
        out.line("");
        out.append(structText);
        if (!dialect.helpers().isEmpty()) {
            out.lines(dialect.helpers().source());
        }
        for (String p : prototypes) {
            out.line(p);
        }
        if (!prototypes.isEmpty()) {
            out.line("");
        }
        out.append(functions);
        SourcePos origin = module.kernels().isEmpty() ? SourcePos.BUILTIN : module.kernels().get(0).pos();
        return new OpenClProgram(module.sourceName(), out.text(), options, kernelInfos, symbols, constantBytes, deviceBytes,
                extensions, out.lineMap(), origin);
    }

    // ------------------------------------------------------------------ symbols and structs

    private void layoutSymbols() {
        for (KGlobal g : module.globals()) {
            if (g.space() == AddressSpace.SHARED) {
                continue;
            }
            boolean constant = g.space() == AddressSpace.CONSTANT;
            int align = Math.max(8, g.type().align());
            int at = StructType.alignUp(constant ? constantBytes : deviceBytes, align);
            offsets.put(g, at);
            symbols.add(new SymbolSlot(g.name(), g.name().replaceAll("_\\d+$", ""), constant, at, g.size(), g.init()));
            int end = at + Math.max(1, g.size());
            if (constant) {
                constantBytes = StructType.alignUp(end, 16);
            } else {
                deviceBytes = StructType.alignUp(end, 16);
            }
        }
    }

    private void nameStructs(List<StructType> structs) {
        Set<String> used = new HashSet<>();
        for (StructType s : structs) {
            String base = s.isVector() || s.name().equals("dim3") || s.name().equals("uint3") ? "cw_" + s.name()
                    : Identifiers.openClSafe(s.name().replace("::", "_")); // cuda_fp16.h's __half is a clang keyword
            String n = base;
            for (int i = 2; !used.add(n); i++) {
                n = base + "_" + i;
            }
            structNames.put(s, n);
        }
    }

    private void printStructs(List<StructType> structs, CodeBuffer out) {
        if (structs.isEmpty()) {
            return;
        }
        OpenClDialect d = new OpenClDialect(options, structNames, offsets);
        for (StructType s : structs) {
            out.line(d.struct(s) + ";");
        }
        for (StructType s : structs) {
            int natural = 1;
            for (Field f : s.fields()) {
                natural = Math.max(natural, f.type().align());
            }
            String align = s.align() > natural ? "__attribute__((aligned(" + s.align() + "))) " : "";
            out.line((s.isUnion() ? "union " : "struct ") + align + structNames.get(s) + " {");
            out.indent();
            if (s.fields().isEmpty()) {
                out.line("char cw_empty;");
            }
            for (Field f : s.fields()) {
                AddressSpace target = f.type() instanceof PointerType p && p.space() == AddressSpace.LOCAL
                        ? AddressSpace.LOCAL : null; // a lambda's capture by reference points to private memory
                out.line(Declarators.declare(d, f.type(), Identifiers.openClSafe(f.name()), null, target) + ";");
            }
            out.outdent();
            out.line("};");
            if (!s.fields().isEmpty()) {
                // the build fails here if OpenCL lays the struct out differently from CUDA
                out.line("typedef char cw_layout_" + structNames.get(s) + "[(sizeof(" + d.struct(s) + ") == " + s.size()
                        + ") ? 1 : -1];");
            }
        }
        out.line("");
    }

    // ------------------------------------------------------------------ hidden state

    private void collectHidden(FunctionInstance inst) {
        KFunction f = inst.function();
        Set<HiddenParam> h = inst.hidden;
        KirWalk.expressions(f.body(), e -> {
            if (e instanceof KExpr.GlobalAddr ga) {
                KGlobal g = ga.global();
                if (g.space() == AddressSpace.SHARED) {
                    if (g.externShared()) {
                        h.add(HiddenParam.DYNAMIC_SHARED);
                    } else {
                        inst.shared.put(g.name(), g);
                    }
                } else {
                    h.add(g.space() == AddressSpace.CONSTANT ? HiddenParam.CONSTANTS : HiddenParam.DEVICE_VARIABLES);
                }
            } else if (e instanceof KExpr.Special s && options.slicedGrid() && isBlockOrGrid(s.reg())) {
                h.add(HiddenParam.GRID);
            } else if ((e instanceof KExpr.WarpShuffle || e instanceof KExpr.WarpVote v && v.mode() != VoteMode.ACTIVEMASK)
                    && !options.subgroups()) {
                h.add(HiddenParam.WARP_SCRATCH);
            } else if (e instanceof KExpr.BlockReduce) {
                h.add(HiddenParam.BLOCK_REDUCE);
            } else if (e instanceof KExpr.Binary b && options.guardDivision() && isFaultingDivision(b)) {
                h.add(HiddenParam.STATUS);
            }
        });
        KirWalk.statements(f.body(), s -> {
            if (s instanceof KStmt.Trap) {
                h.add(HiddenParam.STATUS);
            }
        });
        if (FunctionWriter.mayFallOffEnd(f)) {
            h.add(HiddenParam.STATUS);
        }
        if (f.isKernel() && options.slicedGrid() && GridPhases.needed(f)) {
            h.add(HiddenParam.GRID); // the frames are indexed by the block's place in the whole grid
        }
        for (FunctionInstance callee : inst.calls.values()) {
            h.addAll(callee.hidden);
            inst.shared.putAll(callee.shared);
        }
        if (options.abi() == OpenClOptions.Abi.TORNADOVM && h.contains(HiddenParam.DYNAMIC_SHARED)) {
            throw CompileException.at(f.pos(), "extern __shared__ memory is not supported with TornadoVM's kernel ABI");
        }
    }

    private static boolean isBlockOrGrid(SpecialReg r) {
        return switch (r) {
            case CTAID_X, CTAID_Y, CTAID_Z, NCTAID_X, NCTAID_Y, NCTAID_Z -> true;
            default -> false;
        };
    }

    private static boolean isFaultingDivision(KExpr.Binary b) {
        if ((b.op() != KExpr.BinaryOp.DIV && b.op() != KExpr.BinaryOp.REM) || !(b.type() instanceof ScalarType st)
                || !st.kind().isInteger()) {
            return false;
        }
        return !(b.right() instanceof KExpr.IntConst c && c.value() != 0 && !(st.kind().isSigned() && c.value() == -1));
    }

    private String hiddenDeclaration(HiddenParam h) {
        return switch (h) {
            case CONSTANTS -> dialect.qualifier(constantSpace()) + "uchar* " + h.cName();
            case DEVICE_VARIABLES -> "__global uchar* " + h.cName();
            case DYNAMIC_SHARED -> "__local uchar* " + h.cName();
            case WARP_SCRATCH -> "__local ulong* " + h.cName();
            case BLOCK_REDUCE -> "__local int* " + h.cName();
            case STATUS -> "__global volatile int* " + h.cName();
            case GRID -> "uint8 " + h.cName();
        };
    }

    /** Where {@code __constant__} variables live under these options. */
    private AddressSpace constantSpace() {
        return options.constantsInGlobalMemory() || options.abi() == OpenClOptions.Abi.TORNADOVM
                ? AddressSpace.GLOBAL : AddressSpace.CONSTANT;
    }

    private static List<HiddenParam> ordered(Set<HiddenParam> hidden) {
        List<HiddenParam> out = new ArrayList<>();
        for (HiddenParam h : HiddenParam.values()) {
            if (hidden.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    private String sharedDeclaration(KGlobal g) {
        return Declarators.declare(dialect, new PointerType(g.type()), OpenClDialect.sharedName(g), null,
                AddressSpace.SHARED);
    }

    /** The hidden arguments a call to {@code callee} passes, by the names the caller has in scope. */
    private static List<String> hiddenNames(FunctionInstance callee) {
        List<String> names = new ArrayList<>();
        for (HiddenParam h : ordered(callee.hidden)) {
            names.add(h.cName());
        }
        for (KGlobal g : new TreeMap<>(callee.shared).values()) {
            names.add(OpenClDialect.sharedName(g));
        }
        return names;
    }

    private CallScope scope(FunctionInstance inst) {
        return new CallScope() {
            @Override
            public AddressSpace spaceOf(KLocal local) {
                AddressSpace s = inst.spaces.get(local);
                return s == null ? AddressSpace.GLOBAL : s;
            }

            @Override
            public AddressSpace spaceOf(KExpr pointer) {
                AddressSpace s = inference.spaceOf(pointer, inst, true);
                return s == null ? AddressSpace.GLOBAL : s;
            }

            @Override
            public String callee(KExpr.Call call) {
                return inst.calls.get(call).emittedName();
            }

            @Override
            public List<String> hiddenArguments(KExpr.Call call) {
                return hiddenNames(inst.calls.get(call));
            }
        };
    }

    private FunctionWriter writer(FunctionInstance inst) {
        dialect.current(inst.function().pos());
        FunctionWriter w = new FunctionWriter(inst.function(), dialect, scope(inst), Identifiers::openClSafe);
        if (options.injectAfter() != null) {
            w.injectAfter(options.injectAfter(), options.injectCode());
        }
        if (rewritten.contains(inst.function())) {
            w.predicatedKernel();
        }
        return w;
    }

    // ------------------------------------------------------------------ functions

    /** Prints a device function instance; returns its prototype. */
    private String printDevice(FunctionInstance inst, CodeBuffer out) {
        KFunction f = inst.function();
        FunctionWriter w = writer(inst);
        List<String> params = new ArrayList<>();
        for (KLocal p : f.params()) {
            params.add(w.declaration(p));
        }
        for (HiddenParam h : ordered(inst.hidden)) {
            params.add(hiddenDeclaration(h));
        }
        for (KGlobal g : new TreeMap<>(inst.shared).values()) {
            params.add(sharedDeclaration(g));
        }
        String declarator = inst.emittedName() + "(" + (params.isEmpty() ? "void" : String.join(", ", params)) + ")";
        String prototype = "static " + Declarators.declare(dialect, f.returnType(), declarator, null,
                f.returnType() instanceof PointerType ? inst.returnSpace : null);
        w.gridBarriers((b, o) -> GridPhases.refuseInDeviceFunction(b, f));
        out.at(f.pos());
        out.line(prototype + " {");
        out.indent();
        w.declareLocals(out);
        w.body(out);
        out.outdent();
        out.line("}");
        out.line("");
        return prototype;
    }

    private OpenClKernel printKernel(FunctionInstance inst, CodeBuffer out) {
        KFunction f = inst.function();
        FunctionWriter w = writer(inst);
        boolean tornado = options.abi() == OpenClOptions.Abi.TORNADOVM;
        List<String> params = new ArrayList<>();
        List<ArgSlot> slots = new ArrayList<>();
        List<String> prologue = new ArrayList<>();
        if (tornado) {
            params.add("__global long* _kernel_context");
            params.add("__constant uchar* _constant_region");
            params.add("__local uchar* _local_region");
            params.add("__global int* _atomics");
            slots.add(new ArgSlot.TornadoKernelContext());
            slots.add(new ArgSlot.TornadoConstantRegion());
            slots.add(new ArgSlot.TornadoLocalRegion(inst.hidden.contains(HiddenParam.WARP_SCRATCH)));
            slots.add(new ArgSlot.TornadoAtomics());
        }
        for (int i = 0; i < f.params().size(); i++) {
            KLocal p = f.params().get(i);
            checkKernelParam(f, p);
            if (tornado && p.type() instanceof PointerType) {
                params.add("__global uchar* " + p.uniqueName() + "_raw");
                prologue.add(w.declaration(p) + " = (" + w.typeName(p.type(), AddressSpace.GLOBAL) + ")("
                        + p.uniqueName() + "_raw + " + TornadoAbi.ARRAY_HEADER_BYTES + ");");
            } else {
                params.add(w.declaration(p));
            }
            slots.add(new ArgSlot.Param(i));
        }
        Set<HiddenParam> hidden = EnumSet.noneOf(HiddenParam.class);
        hidden.addAll(inst.hidden);
        for (HiddenParam h : ordered(hidden)) {
            switch (h) {
                case CONSTANTS -> slots.add(new ArgSlot.Constants());
                case DEVICE_VARIABLES -> slots.add(new ArgSlot.DeviceVariables());
                case DYNAMIC_SHARED -> slots.add(new ArgSlot.DynamicShared());
                case WARP_SCRATCH -> {
                    if (tornado) {
                        // the ABI's one __local argument: a kernel-scope __local array here made PoCL's
                        // emulated shuffles read stale lanes now and then under load
                        prologue.add("__local ulong* " + h.cName() + " = (__local ulong*)_local_region;");
                        continue;
                    }
                    slots.add(new ArgSlot.WarpScratch());
                }
                case STATUS -> slots.add(new ArgSlot.Status());
                case GRID -> slots.add(new ArgSlot.Grid());
                case BLOCK_REDUCE -> {
                    // an argument, not a kernel-scope __local int[1]: with that, PoCL 3.1 on two or
                    // more threads let a work-group's votes see another's count now and then (about
                    // 1 launch in 25 of a divergent ballot loop; never with one PoCL thread)
                    if (tornado) {
                        // the ABI's one __local argument, after the warp scratch (ArgSlot.TornadoLocalRegion)
                        String after = hidden.contains(HiddenParam.WARP_SCRATCH)
                                ? " + 8 * get_local_size(0) * get_local_size(1) * get_local_size(2)" : "";
                        prologue.add("__local int* " + h.cName() + " = (__local int*)(_local_region" + after + ");");
                        continue;
                    }
                    slots.add(new ArgSlot.BlockReduce());
                }
            }
            if (tornado && (h == HiddenParam.CONSTANTS || h == HiddenParam.DEVICE_VARIABLES || h == HiddenParam.STATUS)) {
                params.add("__global uchar* " + h.cName() + "_raw");
                String decl = hiddenDeclaration(h);
                String type = decl.substring(0, decl.lastIndexOf(' '));
                prologue.add(decl + " = (" + type + ")(" + h.cName() + "_raw + " + TornadoAbi.ARRAY_HEADER_BYTES + ");");
            } else {
                params.add(hiddenDeclaration(h));
            }
        }
        GridPhases phases = null;
        if (GridPhases.needed(f)) {
            if (tornado) {
                throw CompileException.at(f.pos(), "kernel '" + f.sourceName() + "' synchronizes its grid (grid.sync()), "
                        + "which TornadoVM's kernel ABI cannot express (it needs a state buffer and a phase argument)");
            }
            phases = new GridPhases(inst, w, dialect);
            params.addAll(phases.params());
            slots.add(new ArgSlot.PhaseState());
            slots.add(new ArgSlot.Phase());
            GridPhases p = phases;
            w.gridBarriers(p::barrier);
        }
        for (KGlobal g : new TreeMap<>(inst.shared).values()) {
            String mem = OpenClDialect.sharedName(g) + "_mem";
            prologue.add(Declarators.declare(dialect, g.type(), mem, AddressSpace.SHARED, null) + ";");
            prologue.add(sharedDeclaration(g) + " = &" + mem + ";");
        }
        out.at(f.pos());
        // sub-groups stand in for warps only when they are exactly 32 work-items wide
        String attribute = options.subgroups() ? "__attribute__((intel_reqd_sub_group_size(32))) " : "";
        out.line("__kernel " + attribute + "void " + inst.emittedName() + "(" + String.join(", ", params) + ") {");
        out.indent();
        for (String p : prologue) {
            out.line(p);
        }
        w.declareLocals(out);
        if (phases != null) {
            phases.prologue(out);
        }
        w.body(out);
        if (phases != null) {
            phases.epilogue(out);
        }
        out.outdent();
        out.line("}");
        out.line("");
        return new OpenClKernel(f.name(), f.sourceName(), inst.emittedName(), slots,
                phases == null ? null : phases.info(), f.clusterDims());
    }

    private void checkKernelParam(KFunction f, KLocal p) {
        CType t = p.type();
        if (t instanceof PointerType pt && pt.pointee() instanceof PointerType) {
            throw CompileException.at(p.pos(), "kernel parameter '" + p.name() + "' is a pointer to a pointer; OpenCL "
                    + "kernels cannot take those (buffers have no device address the host can store)");
        }
        if (t instanceof StructType s) {
            if (containsPointer(s)) {
                throw CompileException.at(p.pos(), "kernel parameter '" + p.name() + "' is a struct with a pointer "
                        + "member; OpenCL kernels cannot take those");
            }
            if (options.abi() == OpenClOptions.Abi.TORNADOVM) {
                throw CompileException.at(p.pos(), "kernel parameter '" + p.name() + "' is a struct; TornadoVM's "
                        + "kernel ABI passes only arrays and scalars");
            }
        }
        if (f.isKernel() && t instanceof ArrayType) {
            throw CompileException.at(p.pos(), "array kernel parameter '" + p.name() + "'");
        }
    }

    private static boolean containsPointer(CType t) {
        if (t instanceof PointerType) {
            return true;
        }
        if (t instanceof ArrayType a) {
            return containsPointer(a.element());
        }
        if (t instanceof StructType s) {
            for (Field f : s.fields()) {
                if (containsPointer(f.type())) {
                    return true;
                }
            }
        }
        return false;
    }
}
