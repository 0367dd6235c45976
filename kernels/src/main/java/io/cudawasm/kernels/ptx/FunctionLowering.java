package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.abi.DeviceLaunchAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers one PTX function body: declarations bind names, instructions become kernel IR in basic
 * blocks, and the blocks are structured into KIR's if/loop form. Also the shared toolbox of the
 * instruction families: reading operands as a type, writing results, forming addresses.
 */
final class FunctionLowering {
    private final ModuleLowering module;
    private final PtxFunction decl;
    private final CompileBudget budget = CompileBudget.current();
    private final KFunction fn;
    private final Scopes scopes;
    private final List<BasicBlock> blocks = new ArrayList<>();
    private final Map<String, BasicBlock> labels = new LinkedHashMap<>();
    private final Map<String, SourcePos> labelUses = new HashMap<>();
    private BasicBlock current;
    /** Block-scope acquire loads by block id: in a loop they wait for other threads of the block. */
    private final Map<Integer, Instruction> blockScopeWaits = new java.util.HashMap<>();
    private List<KStmt> out;
    private KLocal returnValue;
    /** PTX's carry flag (CC.CF) of {@code add.cc}/{@code addc} chains, 0 or 1; made on first use. */
    private KLocal carry;
    /** Lowering an inline assembly snippet into a C function rather than a PTX function. */
    private boolean inline;
    /** How the function uses the driver's grid workspace ({@code %envreg1/2}, nvcc's cooperative groups). */
    private GridWorkspaceUses.Analysis workspace = GridWorkspaceUses.Analysis.NONE;
    /** The instruction lowered last (nvcc's trap for a missing grid workspace follows a branch on it). */
    private Instruction previous;

    private final IntegerInstructions integers = new IntegerInstructions(this);
    private final FloatInstructions floats = new FloatInstructions(this);
    private final ComparisonInstructions comparisons = new ComparisonInstructions(this);
    private final ConversionInstructions conversions = new ConversionInstructions(this);
    private final MemoryInstructions memory = new MemoryInstructions(this);
    private final ParallelInstructions parallel = new ParallelInstructions(this);
    private final AsyncInstructions async = new AsyncInstructions(this);
    private final CallInstructions calls = new CallInstructions(this);
    private final VideoInstructions video = new VideoInstructions(this);
    private final HalfInstructions halves = new HalfInstructions(this);

    FunctionLowering(ModuleLowering module, PtxFunction decl, KFunction fn) {
        this.module = module;
        this.decl = decl;
        this.fn = fn;
        this.scopes = new Scopes(fn, module.names());
    }

    KFunction fn() {
        return fn;
    }

    /** Whether this lowers an inline PTX snippet of a C function. */
    boolean inline() {
        return inline;
    }

    ModuleLowering module() {
        return module;
    }

    Scopes scopes() {
        return scopes;
    }

    void lower() {
        List<PtxVariable> params = decl.params();
        for (int i = 0; i < params.size(); i++) {
            scopes.bind(params.get(i).name(), new Binding.Param(fn.params().get(i), params.get(i)));
        }
        if (!decl.returns().isEmpty()) {
            PtxVariable r = decl.returns().get(0);
            returnValue = fn.newLocal("retval", fn.returnType(), r.pos());
            scopes.bind(r.name(), new Binding.Param(returnValue, r));
        }
        workspace = GridWorkspaceUses.analyze(decl.body());
        scopes.push();
        current = newBlock(null, decl.pos());
        out = current.statements();
        for (PtxStatement s : ScopedLabels.resolve(decl.body())) {
            budget.checkpoint(s.pos());
            statement(s);
        }
        if (!current.isTerminated()) {
            current.terminate(new Terminator.Exit());
        }
        for (Map.Entry<String, SourcePos> use : labelUses.entrySet()) {
            if (labels.get(use.getKey()).pos() == null) {
                throw CompileException.at(use.getValue(), "undefined label '" + use.getKey() + "'");
            }
        }
        threadEmptyBlocks();
        initializeCarry();
        ControlFlowGraph cfg = new ControlFlowGraph(blocks, 0);
        stopWaitsForTheBlock(cfg);
        List<StructuredNode> code = Structurer.structure(cfg, this::returnStatement);
        KBlock structured = StructuredLowering.lower(fn, StructuredSimplifier.simplify(code), decl.pos());
        fn.setBody(InductionVariables.apply(fn,
                SingleUseForwarding.apply(PredicateInlining.apply(UniformCopies.apply(structured)))));
    }

    /**
     * A loop around a block-scope acquire load ({@code ld.acquire.cta}) waits until another thread
     * of the block writes: nvcc's code for cooperative-groups tiles of more than 32 threads syncs
     * their warps so, in shared memory. The threads of a block run one region at a time on the CPU
     * path (and as a work-group's work-items on OpenCL, with no forward progress between them), so
     * such a loop would never end. The loop stops the kernel instead, with a trap naming why, where
     * it starts: a module's other kernels (nvcc's PTX of a sample file holds them all) still run.
     * With independent threads (each thread a host thread of its own) the loop waits as on a GPU.
     */
    private void stopWaitsForTheBlock(ControlFlowGraph cfg) {
        for (Map.Entry<Integer, Instruction> wait : blockScopeWaits.entrySet()) {
            int b = wait.getKey();
            if (b < blocks.size() && cfg.innermostLoop(b) >= 0) {
                Instruction ins = wait.getValue();
                String why = "'" + ins.mnemonic() + "' waits in a loop for other threads of the block (a spin-wait in "
                        + "memory, as nvcc compiles the sync of cooperative-groups tiles of more than 32 threads), which "
                        + "never ends where a block's threads run region by region";
                blocks.get(cfg.innermostLoop(b)).statements().add(0, new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT,
                        new KExpr.IntrinsicCall(io.cudawasm.kernels.kir.Intrinsic.INDEPENDENT_THREADS, List.of(),
                                ScalarType.BOOL), ScalarType.BOOL), new KBlock(List.of(new KStmt.Trap(why, ins.pos()))),
                        KBlock.EMPTY));
                module.warnings().add(io.cudawasm.kernels.source.Diagnostic.warning(ins.pos(), why + ": '"
                        + fn.sourceName() + "' stops here with a trap when launched, unless with independent threads"
                        + " (--independent-threads); or compile the CUDA source instead, whose tile barriers are supported"));
            }
        }
    }

    /**
     * Lowers the statements of an inline assembly template into the C function {@code fn}: the
     * operands are registers bound by the caller, everything the snippet declares is local to it,
     * and falling off its end is the end of the returned block; {@code ret}/{@code exit} jump to
     * that end and the block then returns from the C function.
     */
    KBlock lowerSnippet(List<PtxStatement> body, InlinePtx.CarryFlag sharedCarry) {
        inline = true;
        carry = sharedCarry.local; // made by an earlier snippet: carries across, not cleared again
        scopes.push();
        current = newBlock(null, decl.pos());
        out = current.statements();
        for (PtxStatement s : body) {
            budget.checkpoint(s.pos());
            statement(s);
        }
        if (snippetEnd != null) {
            if (!current.isTerminated()) {
                current.terminate(new Terminator.Jump(snippetEnd.id()));
            }
            current = snippetEnd;
            blocks.get(0).statements().add(0, new KStmt.Assign(snippetReturned, Exprs.u32(0)));
        }
        if (!current.isTerminated()) {
            current.terminate(new Terminator.Exit());
        }
        for (Map.Entry<String, SourcePos> use : labelUses.entrySet()) {
            if (labels.get(use.getKey()).pos() == null) {
                throw CompileException.at(use.getValue(), "undefined label '" + use.getKey() + "'");
            }
        }
        if (sharedCarry.local == null && carry != null) {
            sharedCarry.local = carry;
            initializeCarry();
        }
        ControlFlowGraph cfg = new ControlFlowGraph(blocks, 0);
        // the one Exit is the snippet's last block, which every way out passes: its return is in
        // tail position and StructuredLowering drops it
        List<StructuredNode> code = Structurer.structure(cfg, () -> new KStmt.Return(null));
        KBlock lowered = StructuredLowering.lower(fn, StructuredSimplifier.simplify(code), decl.pos());
        boolean[] escapes = {false};
        io.cudawasm.kernels.kir.KirWalk.statements(lowered, st -> escapes[0] |= st instanceof KStmt.Return);
        if (escapes[0]) {
            throw CompileException.at(decl.pos(), "unsupported control flow in inline assembly: a branch that"
                    + " never reaches the end of the snippet");
        }
        if (snippetReturned != null) {
            List<KStmt> then = new ArrayList<>(lowered.statements());
            then.add(new KStmt.If(Exprs.compare(KExpr.BinaryOp.NE, new KExpr.LocalGet(snippetReturned), Exprs.u32(0)),
                    new KBlock(List.of(new KStmt.Return(null))), KBlock.EMPTY));
            lowered = new KBlock(then);
        }
        return lowered;
    }

    /**
     * {@code exit} in a device function: the marker of passes/DeviceExits (where its predicate holds),
     * which ends the thread once the function is taken into the kernel; the code after it goes on in
     * a block of its own.
     */
    private void deviceExit(Instruction ins) {
        KStmt marker = new KStmt.Trap(io.cudawasm.kernels.abi.KernelAbi.DEVICE_EXIT, ins.pos(),
                io.cudawasm.kernels.abi.KernelAbi.TRAP_DEVICE_EXIT);
        if (ins.guard() == null) {
            out.add(marker);
            return;
        }
        BasicBlock exit = newBlock(null, ins.pos());
        BasicBlock after = newBlock(null, ins.pos());
        current.terminate(new Terminator.Branch(guard(ins.guard()), exit.id(), after.id()));
        exit.statements().add(marker);
        exit.terminate(new Terminator.Jump(after.id()));
        current = after;
        out = current.statements();
    }

    /** Set by {@code ret}/{@code exit} in an inline snippet: the C function returns right after the snippet. */
    private KLocal snippetReturned;
    /** Where {@code ret}/{@code exit} in an inline snippet go: the snippet's end, then the function's return. */
    private BasicBlock snippetEnd;

    /**
     * {@code ret} or {@code exit} inside inline assembly of a kernel: the thread ends there. The
     * snippet sets a flag and leaves at its end, after which the kernel returns (the outputs are not
     * written back: nothing after the asm statement runs); a guarded one does so where its predicate
     * holds. In a device function, {@code exit} ends the thread all the same (a marker that
     * passes/DeviceExits turns into the kernel's return), and {@code ret} is refused: nvcc pastes the
     * snippet into whichever function it inlines the call into, so {@code ret} leaves the device
     * function or the whole kernel as nvcc decides.
     */
    private void snippetReturn(Instruction ins) {
        if (!fn.isKernel()) {
            if (ins.opcode().equals("exit")) {
                deviceExit(ins);
                return;
            }
            throw unsupported(ins, "'ret' in inline assembly of a device function (nvcc pastes the snippet where it"
                    + " inlines the call, so it would leave the function or the whole kernel as nvcc decides): return"
                    + " from the function in C, use it in the kernel, or end the thread with 'exit'");
        }
        if (snippetReturned == null) {
            snippetReturned = local("asm_returned", Exprs.UINT);
            snippetEnd = newBlock(null, ins.pos());
        }
        BasicBlock setFlag = ins.guard() == null ? current : newBlock(null, ins.pos());
        int after = -1;
        if (ins.guard() != null) {
            after = newBlock(null, ins.pos()).id();
            current.terminate(new Terminator.Branch(guard(ins.guard()), setFlag.id(), after));
        }
        setFlag.statements().add(new KStmt.Assign(snippetReturned, Exprs.u32(1)));
        setFlag.terminate(new Terminator.Jump(snippetEnd.id()));
        current = after >= 0 ? blocks.get(after) : newBlock(null, ins.pos());
        out = current.statements();
    }

    /** The carry flag starts cleared (PTX leaves it undefined; OpenCL C must not read an unset local). */
    private void initializeCarry() {
        if (carry != null) {
            blocks.get(0).statements().add(0, new KStmt.Assign(carry, Exprs.u32(0)));
        }
    }

    /** The carry flag's local (an unsigned int holding 0 or 1). */
    KLocal carryFlag() {
        if (carry == null) {
            carry = local("cc_cf", Exprs.UINT);
        }
        return carry;
    }

    /**
     * Branches to a block that does nothing but jump on go straight to its target, and branches to
     * a bare {@code ret} become returns where they are: {@code @p bra RET} is {@code if (p) return},
     * as the source had it, rather than an if around the rest of the kernel.
     */
    private void threadEmptyBlocks() {
        for (BasicBlock b : blocks) {
            Terminator t = b.terminator();
            if (t instanceof Terminator.Jump j) {
                b.retarget(new Terminator.Jump(resolve(j.target())));
            } else if (t instanceof Terminator.Branch br) {
                b.retarget(new Terminator.Branch(br.condition(), resolve(br.ifTrue()), resolve(br.ifFalse())));
            }
        }
    }

    private int resolve(int target) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int t = target;
        while (t != Terminator.RETURN && blocks.get(t).statements().isEmpty() && seen.add(t)) {
            budget.checkpoint(decl.pos());
            Terminator next = blocks.get(t).terminator();
            if (next instanceof Terminator.Exit) {
                return Terminator.RETURN;
            }
            if (!(next instanceof Terminator.Jump j)) {
                break;
            }
            t = j.target();
        }
        return t;
    }

    private KStmt returnStatement() {
        return new KStmt.Return(returnValue == null ? null : new KExpr.LocalGet(returnValue));
    }

    // ------------------------------------------------------------------ blocks

    private BasicBlock newBlock(String label, SourcePos pos) {
        BasicBlock b = new BasicBlock(blocks.size(), label, pos);
        blocks.add(b);
        return b;
    }

    private BasicBlock labelBlock(String name, SourcePos usePos) {
        BasicBlock b = labels.get(name);
        if (b == null) {
            b = newBlock(name, null);
            labels.put(name, b);
        }
        if (usePos != null) {
            labelUses.putIfAbsent(name, usePos);
        }
        return b;
    }

    private void startBlock(BasicBlock b) {
        if (!current.isTerminated()) {
            current.terminate(new Terminator.Jump(b.id()));
        }
        current = b;
        out = b.statements();
    }

    private void statement(PtxStatement s) {
        if (s instanceof PtxStatement.Label l) {
            BasicBlock b = labelBlock(l.name(), null);
            if (b.pos() != null) {
                throw CompileException.at(l.pos(), "label '" + l.name() + "' is defined twice");
            }
            b.definedAt(l.pos());
            startBlock(b);
        } else if (s instanceof PtxStatement.ScopeStart) {
            scopes.push();
        } else if (s instanceof PtxStatement.ScopeEnd) {
            scopes.pop();
        } else if (s instanceof PtxStatement.Declaration d) {
            declare(d.variable());
        } else if (s instanceof Instruction ins) {
            instruction(ins);
        }
    }

    private void declare(PtxVariable v) {
        if (inline && v.space() == StateSpace.SHARED) {
            // one variable per block for the asm statement, a shared variable of the enclosing module
            scopes.bind(v.name(), new Binding.Global(module.inlineShared(v)));
            return;
        }
        if (inline && v.space() != StateSpace.REG && v.space() != StateSpace.PARAM) {
            throw CompileException.at(v.pos(), "unsupported in inline assembly: ."
                    + v.space().name().toLowerCase(java.util.Locale.ROOT) + " declarations (only .reg, .param and .shared)");
        }
        switch (v.space()) {
            case REG -> scopes.declareRegisters(v);
            case PARAM -> {
                CType t = module.storage().paramType(v);
                scopes.bind(v.name(), new Binding.Param(fn.newLocal(Scopes.clean(v.name()), t, v.pos()), v));
            }
            case LOCAL -> {
                CType t = module.storage().variableType(v);
                KLocal l = fn.newLocal(Scopes.clean(v.name()), t, v.pos());
                l.markAddressTaken();
                if (!v.init().isEmpty()) {
                    throw CompileException.at(v.pos(), "unsupported PTX feature: initialized .local variables");
                }
                scopes.bind(v.name(), new Binding.Local(l));
            }
            case SHARED -> {
                KGlobal g = module.addGlobal(v, decl.name());
                scopes.bind(v.name(), new Binding.Global(g));
            }
            default -> throw CompileException.at(v.pos(), "a " + v.space().name().toLowerCase(java.util.Locale.ROOT)
                    + " variable cannot be declared inside a function");
        }
    }

    private void instruction(Instruction parsed) {
        Instruction ins = withRegisterNames(parsed);
        Instruction before = previous;
        previous = ins;
        String op = ins.opcode();
        if (op.equals("bra") || op.equals("ret") || op.equals("exit")) {
            controlTransfer(ins);
            return;
        }
        if (op.equals("trap") && ins.guard() == null && before != null && workspace.testsWorkspace(before)) {
            // cooperative groups' own abort: grid.sync() found no grid workspace (not a cooperative launch)
            out.add(new KStmt.Trap(KernelAbi.NO_GRID_WORKSPACE, ins.pos()));
            return;
        }
        if (ins.guard() == null) {
            dispatch(ins);
            return;
        }
        List<KStmt> saved = out;
        List<KStmt> guarded = new ArrayList<>();
        out = guarded;
        dispatch(ins);
        out = saved;
        if (!guarded.isEmpty()) {
            out.add(new KStmt.If(guard(ins.guard()), new KBlock(guarded), KBlock.EMPTY));
        }
    }

    /**
     * PTX names registers without a {@code %} too ({@code .reg .pred p;}, common in inline
     * assembly): a name the parser read as a symbol is a register operand when it is bound to one.
     */
    private Instruction withRegisterNames(Instruction ins) {
        boolean changed = false;
        List<PtxOperand> operands = new ArrayList<>(ins.operands().size());
        for (PtxOperand o : ins.operands()) {
            PtxOperand r = registerNames(o);
            changed |= r != o;
            operands.add(r);
        }
        return changed ? new Instruction(ins.guard(), ins.opcode(), ins.modifiers(), operands, ins.pos(), ins.origin())
                : ins;
    }

    private PtxOperand registerNames(PtxOperand o) {
        if (o instanceof PtxOperand.Symbol s && scopes.lookup(s.name()) instanceof Binding.Register) {
            return new PtxOperand.Register(s.name(), s.pos());
        }
        if (o instanceof PtxOperand.Address a && a.base() != null) {
            PtxOperand base = registerNames(a.base());
            return base == a.base() ? a : new PtxOperand.Address(base, a.offset(), a.pos());
        }
        if (o instanceof PtxOperand.Negated n) {
            PtxOperand inner = registerNames(n.operand());
            return inner == n.operand() ? n : new PtxOperand.Negated(inner, n.pos());
        }
        if (o instanceof PtxOperand.Pair p) {
            PtxOperand a = registerNames(p.first());
            PtxOperand b = registerNames(p.second());
            return a == p.first() && b == p.second() ? p : new PtxOperand.Pair(a, b, p.pos());
        }
        if (o instanceof PtxOperand.IndexedAddress a) {
            PtxOperand base = registerNames(a.base());
            PtxOperand.Vector coordinates = (PtxOperand.Vector) registerNames(new PtxOperand.Vector(a.coordinates(),
                    a.pos()));
            return new PtxOperand.IndexedAddress(base, coordinates.elements(), a.pos());
        }
        if (o instanceof PtxOperand.Vector v) {
            List<PtxOperand> elems = new ArrayList<>();
            boolean changed = false;
            for (PtxOperand e : v.elements()) {
                PtxOperand r = registerNames(e);
                changed |= r != e;
                elems.add(r);
            }
            return changed ? new PtxOperand.Vector(elems, v.pos()) : v;
        }
        return o;
    }

    private KExpr guard(PtxStatement.Guard g) {
        Binding.Register r = scopes.register(g.register(), g.pos());
        if (r.type() != PtxType.PRED) {
            throw CompileException.at(g.pos(), "guard '" + g.register() + "' is not a predicate register");
        }
        KExpr p = new KExpr.LocalGet(r.local());
        return g.negated() ? Exprs.not(p) : p;
    }

    private void controlTransfer(Instruction ins) {
        Terminator t;
        int after = -1;
        if (ins.opcode().equals("bra")) {
            if (ins.operands().size() != 1 || !(ins.operand(0) instanceof PtxOperand.Symbol target)) {
                throw unsupported(ins, "indirect or malformed branch (bra takes one label)");
            }
            int to = labelBlock(target.name(), target.pos()).id();
            if (ins.guard() == null) {
                t = new Terminator.Jump(to);
            } else {
                after = newBlock(null, ins.pos()).id();
                t = new Terminator.Branch(guard(ins.guard()), to, after);
            }
        } else {
            if (inline) {
                snippetReturn(ins);
                return;
            }
            if (ins.opcode().equals("exit") && !fn.isKernel()) {
                deviceExit(ins);
                return;
            }
            if (ins.guard() == null) {
                t = new Terminator.Exit();
            } else {
                after = newBlock(null, ins.pos()).id();
                t = new Terminator.Branch(guard(ins.guard()), Terminator.RETURN, after);
            }
        }
        current.terminate(t);
        current = after >= 0 ? blocks.get(after) : newBlock(null, ins.pos());
        out = current.statements();
    }

    /**
     * Registers and call parameters that hold a module variable's address, as nvcc passes vprintf its
     * format ({@code mov R, $str; cvta.global R2, R; st.param [param0], R2}).
     */
    private final Map<String, String> addresses = new HashMap<>();

    private void trackAddresses(Instruction ins) {
        List<PtxOperand> ops = ins.operands();
        String op = ins.opcode();
        if ((op.equals("mov") || op.equals("cvta")) && ops.size() == 2 && ops.get(0) instanceof PtxOperand.Register d) {
            String symbol = ops.get(1) instanceof PtxOperand.Symbol s ? s.name()
                    : ops.get(1) instanceof PtxOperand.Register r ? addresses.get(r.name()) : null;
            if (symbol != null) {
                addresses.put(d.name(), symbol);
                return;
            }
        }
        if (op.equals("st") && ops.size() == 2 && paramOf(ops.get(0)) != null && ops.get(1) instanceof PtxOperand.Register r
                && addresses.containsKey(r.name())) {
            addresses.put(((PtxOperand.Symbol) ((PtxOperand.Address) ops.get(0)).base()).name(), addresses.get(r.name()));
            return;
        }
        if (!ops.isEmpty() && ops.get(0) instanceof PtxOperand.Register d) {
            addresses.remove(d.name());
        }
    }

    /** The module variable whose address a register or call parameter holds here, or null. */
    String addressHeldBy(String name) {
        return addresses.get(name);
    }

    private void dispatch(Instruction ins) {
        String op = ins.opcode();
        trackAddresses(ins);
        switch (op) {
            case "call" -> calls.call(ins);
            case "mov" -> conversions.mov(ins);
            case "cvt" -> conversions.cvt(ins);
            case "cvta" -> conversions.cvta(ins);
            case "ld", "ldu", "st", "atom", "red", "prefetch", "prefetchu" -> {
                if (op.equals("ld") && ins.has("acquire") && ins.has("cta")) {
                    blockScopeWaits.putIfAbsent(current.id(), ins);
                }
                memory.lower(ins);
            }
            case "setp", "selp", "slct", "set" -> comparisons.lower(ins);
            case "bar", "barrier", "membar", "fence", "shfl", "vote", "activemask", "redux", "match" -> parallel.lower(ins);
            case "cp" -> async.copy(ins);
            case "mbarrier" -> async.mbarrier(ins);
            case "mapa", "getctarank" -> async.cluster(ins);
            case "trap" -> out.add(new KStmt.Trap("trap instruction", ins.pos()));
            case "nanosleep", "pmevent", "brkpt" -> { }
            case "add", "sub", "mul", "mad", "fma", "div", "rem", "min", "max", "abs", "neg" -> {
                PtxType t = type(ins);
                if (t.isFloat()) {
                    floats.lower(ins, t);
                } else if (t.isInteger()) {
                    integers.lower(ins, t);
                } else if (t.kind() == PtxType.Kind.HALF) {
                    halves.arithmetic(ins, t);
                } else {
                    throw unsupported(ins, "arithmetic on " + t.spelling() + " values");
                }
            }
            case "mul24", "mad24", "sad", "popc", "clz", "brev", "bfind", "fns", "bfe", "bfi", "prmt", "shf", "shl", "shr",
                    "and", "or", "xor", "not", "cnot", "lop3", "addc", "subc", "madc" -> integers.lower(ins, type(ins));
            case "vadd4", "vsub4", "vabsdiff4", "vmin4", "vmax4" -> video.lower(ins);
            case "rcp", "sqrt", "rsqrt", "sin", "cos", "ex2", "lg2", "tanh", "copysign", "testp" ->
                    floats.lower(ins, type(ins));
            default -> throw unsupported(ins, null);
        }
    }

    // ------------------------------------------------------------------ toolbox for instruction families

    HalfInstructions halves() {
        return halves;
    }

    void emit(KStmt s) {
        out.add(s);
    }

    /** The statements {@code lowering} emits, collected apart (a case of an indirect call's switch). */
    List<KStmt> capture(Runnable lowering) {
        List<KStmt> saved = out;
        List<KStmt> captured = new java.util.ArrayList<>();
        out = captured;
        try {
            lowering.run();
        } finally {
            out = saved;
        }
        return captured;
    }

    private KLocal launchError;

    /** The function's last device-launch error (cudaGetLastError), cleared on entry; made on first use. */
    KLocal launchError() {
        if (launchError == null) {
            launchError = local("cw_launch_error", ScalarType.INT);
            blocks.get(0).statements().add(0, new KStmt.Assign(launchError,
                    new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS)));
        }
        return launchError;
    }

    PtxType type(Instruction ins) {
        return ins.type().orElseThrow(() -> CompileException.at(ins.pos(), "'" + ins.mnemonic() + "' needs a type"));
    }

    CompileException unsupported(Instruction ins, String detail) {
        return CompileException.at(ins.pos(), "unsupported PTX instruction '" + ins.mnemonic() + "'"
                + (detail == null ? "" : ": " + detail));
    }

    void arity(Instruction ins, int n) {
        if (ins.operands().size() != n) {
            throw CompileException.at(ins.pos(), "'" + ins.mnemonic() + "' takes " + n + " operands, "
                    + ins.operands().size() + " given");
        }
    }

    /** This function's statements and locals, for the device library's lowerings. */
    io.cudawasm.kernels.devicelib.KirSink sink() {
        return new io.cudawasm.kernels.devicelib.KirSink() {
            @Override
            public KLocal temp(String name, CType type) {
                return local(name, type);
            }

            @Override
            public void emit(KStmt statement) {
                out.add(statement);
            }
        };
    }

    /** A new local of the function (for values the lowering computes in several steps). */
    KLocal local(String name, CType type) {
        // at the instruction being lowered (the last one seen), for errors found in what it made
        return fn.newLocal(name, type, previous != null ? previous.sourcePos() : decl.pos());
    }

    /** A fresh local holding {@code e} (for values used more than once); simple values stay as they are. */
    KExpr temp(KExpr e) {
        if (e instanceof KExpr.LocalGet || e instanceof KExpr.IntConst || e instanceof KExpr.FloatConst
                || e instanceof KExpr.Special) {
            return e;
        }
        KLocal t = local("t", e.type());
        out.add(new KStmt.Assign(t, e));
        return new KExpr.LocalGet(t);
    }

    static boolean isCollective(KExpr e) {
        return e instanceof KExpr.Atomic || e instanceof KExpr.WarpShuffle || e instanceof KExpr.WarpVote
                || e instanceof KExpr.BlockReduce || e instanceof KExpr.Call;
    }

    /**
     * {@code %envreg2} and {@code %envreg1}, the low and high halves of the driver's grid workspace
     * address: in a cooperative launch the module's hidden workspace when the function reaches memory
     * through it ({@code grid.sync()}), else the cooperative-launch flag (all that
     * {@code this_grid().is_valid()} tests); 0 outside a cooperative launch, as on a GPU, and always
     * 0 for the high half (addresses are below 2^31).
     */
    private KExpr gridWorkspace(PtxOperand.Register r) {
        if (r.name().equals("%envreg1")) {
            return Exprs.u32(0);
        }
        KGlobal flag = module.cooperativeFlag(r.pos());
        // read as a uint whatever the flag's declared type (nvcc's PTX of the CUDA back end's C declares bytes)
        KExpr cooperative = new KExpr.Load(new KExpr.GlobalAddr(flag, new PointerType(ScalarType.UINT, flag.space(), false,
                false)));
        if (!workspace.reachesMemory()) {
            return cooperative;
        }
        KGlobal ws = module.gridWorkspace(r.pos());
        KExpr address = Exprs.convert(new KExpr.GlobalAddr(ws, new PointerType(ws.type(), ws.space(), false, false)),
                ScalarType.UINT);
        return Exprs.select(Exprs.compare(KExpr.BinaryOp.NE, cooperative, Exprs.u32(0)), address, Exprs.u32(0));
    }

    /** An operand's value as PTX type {@code t}. */
    KExpr read(PtxOperand op, PtxType t) {
        return read(op, t.kir());
    }

    KExpr read(PtxOperand op, ScalarType t) {
        if (op instanceof PtxOperand.Register r) {
            if (SpecialRegisters.isClock(r.name())) {
                // a count every read advances (DeviceLibrary.readClock), not cycles or nanoseconds
                return Exprs.as(module.deviceLibrary(r.pos(), "'" + r.name() + "'").readClock(sink()), t);
            }
            if (GridWorkspaceUses.isWorkspaceRegister(r.name()) && !inline) {
                return Exprs.as(gridWorkspace(r), t);
            }
            if (SpecialRegisters.isSpecial(r.name())) {
                KExpr v = SpecialRegisters.value(r.name());
                if (v == null && r.name().startsWith("%globaltimer") && async.backsOff(decl.body())) {
                    v = Exprs.u32(0); // the back-off of nvcc's barrier spin loops (AsyncInstructions)
                }
                if (v == null) {
                    throw CompileException.at(r.pos(), "unsupported PTX special register '" + r.name() + "'");
                }
                return Exprs.as(v, t);
            }
            return Exprs.as(new KExpr.LocalGet(scopes.register(r.name(), r.pos()).local()), t);
        }
        if (op instanceof PtxOperand.IntImmediate i) {
            if (t.kind().isFloating()) {
                return new KExpr.FloatConst(t, i.value());
            }
            return Exprs.convert(new KExpr.IntConst(ScalarType.LONGLONG, i.value()), t);
        }
        if (op instanceof PtxOperand.FloatImmediate f) {
            if (t.kind() == ScalarKind.FLOAT) {
                return new KExpr.FloatConst(t, f.single() ? f.value() : (float) f.value());
            }
            if (t.kind() == ScalarKind.DOUBLE) {
                return new KExpr.FloatConst(t, f.value());
            }
            if (t.kind().isInteger() && t.kind() != ScalarKind.BOOL) {
                long bits = f.single() && t.size() == 8 ? Double.doubleToRawLongBits(f.value()) : f.bits();
                if (!f.single() && t.size() == 4) {
                    bits = Float.floatToRawIntBits((float) f.value()) & 0xFFFF_FFFFL;
                }
                return Exprs.convert(new KExpr.IntConst(ScalarType.LONGLONG, bits), t);
            }
            throw CompileException.at(f.pos(), "a floating-point constant cannot be used as a predicate");
        }
        if (op instanceof PtxOperand.Negated n) {
            if (t.kind() != ScalarKind.BOOL) {
                throw CompileException.at(n.pos(), "'!' applies to predicates only");
            }
            return Exprs.not(read(n.operand(), t));
        }
        if (op instanceof PtxOperand.Symbol s) {
            if (s.name().equals("WARP_SZ")) {
                return Exprs.constant(t, 32);
            }
            if (scopes.lookup(s.name()) instanceof Binding.Function f && f.function() != null
                    && f.function().isKernel()) {
                // a kernel's address is what cudaGetParameterBufferV2 takes: here its id in the launch queue
                return Exprs.as(new KExpr.IntConst(ScalarType.ULONGLONG,
                        DeviceLaunchAbi.kernelId(f.function().name()) & 0xffffffffL), t);
            }
            return Exprs.as(symbolAddress(s.name(), s.pos(), StateSpace.GENERIC), t);
        }
        throw CompileException.at(op.pos(), "expected a register or constant operand");
    }

    /** The predicate value of an operand ({@code %p} or {@code !%p}). */
    KExpr predicate(PtxOperand op) {
        return read(op, ScalarType.BOOL);
    }

    /** Assigns {@code value} to a destination register (converted to its type) or drops it at a sink. */
    void write(PtxOperand dst, KExpr value) {
        if (dst instanceof PtxOperand.Sink) {
            if (isCollective(value)) {
                out.add(new KStmt.Eval(value));
            }
            return;
        }
        if (!(dst instanceof PtxOperand.Register r)) {
            throw CompileException.at(dst.pos(), "expected a destination register");
        }
        if (SpecialRegisters.isSpecial(r.name())) {
            throw CompileException.at(r.pos(), "special register '" + r.name() + "' is read-only");
        }
        KLocal l = scopes.register(r.name(), r.pos()).local();
        if (isCollective(value) && !value.type().equals(l.type())) {
            KLocal t = fn.newLocal("t", value.type(), r.pos());
            out.add(new KStmt.Assign(t, value));
            value = new KExpr.LocalGet(t);
        }
        out.add(new KStmt.Assign(l, Exprs.as(value, (ScalarType) l.type())));
    }

    /** The address of a named variable as a byte pointer. */
    KExpr symbolAddress(String name, SourcePos pos, StateSpace space) {
        Binding b = scopes.lookup(name);
        PointerType bytes = new PointerType(ScalarType.UCHAR, space.addressSpace(), false, false);
        if (b instanceof Binding.Global g) {
            KGlobal global = g.global();
            AddressSpace as = global.space();
            return Exprs.convert(new KExpr.GlobalAddr(global, new PointerType(global.type(), as, false, false)), bytes);
        }
        if (b instanceof Binding.Local l) {
            return Exprs.convert(new KExpr.LocalAddr(l.local(), new PointerType(l.local().type())), bytes);
        }
        if (b instanceof Binding.Param p) {
            p.local().markAddressTaken();
            return Exprs.convert(new KExpr.LocalAddr(p.local(), new PointerType(p.local().type())), bytes);
        }
        if (b instanceof Binding.Function && module.functionIndex(name) != null) {
            // a function pointer: the function's index, which an indirect call dispatches on
            return Exprs.convert(new KExpr.IntConst(ScalarType.ULONGLONG, module.functionIndex(name)), bytes);
        }
        if (b instanceof Binding.Function) {
            throw CompileException.at(pos, "unsupported PTX feature: the address of function '" + name + "'");
        }
        if (b instanceof Binding.Register) {
            throw CompileException.at(pos, "'" + name + "' is a register, not a variable");
        }
        throw CompileException.at(pos, "undeclared name '" + name + "'");
    }

    /**
     * A typed pointer for {@code [base+offset]} (plus {@code extra} bytes) in a state space. PTX
     * addresses are byte addresses in registers; all spaces share the one linear memory here.
     */
    KExpr pointer(PtxOperand op, StateSpace space, ScalarType element, long extra) {
        if (!(op instanceof PtxOperand.Address a)) {
            throw CompileException.at(op.pos(), "expected an address '[...]'");
        }
        PointerType bytes = new PointerType(ScalarType.UCHAR, space.addressSpace(), false, false);
        KExpr base;
        if (a.base() == null) {
            base = Exprs.convert(new KExpr.IntConst(ScalarType.ULONGLONG, 0), bytes);
        } else if (a.base() instanceof PtxOperand.Register r) {
            Binding.Register reg = scopes.register(r.name(), r.pos());
            ScalarType rt = (ScalarType) reg.local().type();
            if (!rt.kind().isInteger() || rt.size() < 4) {
                throw CompileException.at(r.pos(), "address register '" + r.name() + "' must be a 32- or 64-bit integer");
            }
            base = Exprs.convert(new KExpr.LocalGet(reg.local()), bytes);
        } else {
            PtxOperand.Symbol s = (PtxOperand.Symbol) a.base();
            base = Exprs.convert(symbolAddress(s.name(), s.pos(), space), bytes);
        }
        long offset = a.offset() + extra;
        if (offset != 0) {
            base = new KExpr.PtrAdd(base, new KExpr.IntConst(ScalarType.LONGLONG, offset));
        }
        return new KExpr.Convert(new PointerType(element, space.addressSpace(), false, false), base);
    }

    /** The binding of {@code [name]} or {@code [name+off]} when it names a .param, else null. */
    Binding.Param paramOf(PtxOperand op) {
        if (op instanceof PtxOperand.Address a && a.base() instanceof PtxOperand.Symbol s
                && scopes.lookup(s.name()) instanceof Binding.Param p) {
            return p;
        }
        return null;
    }
}
