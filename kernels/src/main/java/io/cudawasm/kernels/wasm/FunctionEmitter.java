package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.VoidType;
import io.cudawasm.kernels.wasm.HostRowEmitter.BlockCopies;
import io.cudawasm.kernels.wasm.HostRowEmitter.GridRow;
import io.cudawasm.kernels.wasm.HostRowEmitter.RowAccumulate;
import io.cudawasm.kernels.wasm.HostRowEmitter.RowCopy;
import io.cudawasm.kernels.wasm.HostRowEmitter.RowVector;
import io.cudawasm.kernels.wasm.HostRowEmitter.SteppedSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits one KIR function as WebAssembly: a device function, or a kernel's runner, which loops
 * over the blocks it is given and, inside each block, over the block's threads.
 *
 * <p>Code shape chosen for Chicory's compiler (Wasm to JVM bytecode): values live in Wasm locals
 * (JVM locals), addresses fold constant offsets into the load/store immediate, and the thread loop
 * is inside Wasm, so a whole block runs per call from Java. Thread rows that the host runs in one call
 * (vector rows, accumulating rows, block copies, vector trees, grid rows) are planned and emitted by
 * {@link HostRowEmitter}, around the fast rows this class emits.
 */
final class FunctionEmitter {
    final WasmEmitter module;
    private final KFunction fn;
    private final CompileBudget budget = CompileBudget.current();
    private final CodeWriter w = new CodeWriter();
    private final HostRowEmitter hostRows = new HostRowEmitter(this, w);
    private final List<ValType> paramTypes = new ArrayList<>();
    private final List<String> paramNames = new ArrayList<>();
    private final List<ValType> localTypes = new ArrayList<>();
    private final List<String> localNames = new ArrayList<>();
    final Map<KLocal, Integer> registers = new HashMap<>();
    final Map<KLocal, Integer> frameSlots = new HashMap<>();
    /** Struct parameters of device functions: the Wasm param holds their address. */
    private final Map<KLocal, Integer> addressParams = new HashMap<>();
    final Map<SpecialReg, Integer> specials = new EnumMap<>(SpecialReg.class);
    private final Map<ValType, Deque<Integer>> freeScratch = new EnumMap<>(ValType.class);
    private final Deque<String> breakTargets = new ArrayDeque<>();
    private final Deque<String> continueTargets = new ArrayDeque<>();
    /** Threads per iteration of an unrolled thread loop (blockDim.x must be a multiple). */
    private static final int UNROLL = Integer.getInteger("cudawasm.unroll", 4);
    int frameSize;
    int fpLocal = -1;
    private int sretParam = -1;
    private int retLocal = -1;
    private int labelCounter;
    private String returnTarget;
    /** Region fission: the body has thread loops; code outside them runs once per block. */
    private boolean fission;
    int linearLocal = -1;
    /** Whether the body reads the linear thread id: if not, thread loops do not maintain it. */
    boolean tracksLinear;
    /** The shared-memory base, read once from its global: Chicory's global reads cost far more than locals. */
    private int sharedBaseLocal = -1;
    /** The worker's stack top in a local (a runner with regions reads it once and hands it to them), or -1. */
    /** The lowest thread frame of a fissioned kernel's block (thread {@code linear}'s is {@code linear * frameSize} above it). */
    private int framesLocal = -1;
    private final Deque<String> threadEnds = new ArrayDeque<>();
    int[] threadCounters;
    int[] blockDims;
    /** The runner of a fissioned kernel emits each region as a function of its own (see {@link #callRegion}). */
    private boolean outlineRegions;
    private int regionCount;
    /** Locals the runner mentions outside thread loops: a region must hand back those it assigns. */
    private java.util.Set<KLocal> blockLevelLocals = java.util.Set.of();
    /** 64-bit integer locals kept in an i32: only their low half is ever used ({@link Low32Locals}). */
    java.util.Set<KLocal> low32 = java.util.Set.of();
    /** Locals whose value flows between regions or to block-level code: regions take and return them. */
    final java.util.Set<KLocal> flowing = new java.util.HashSet<>();
    /** Pointer arithmetic in 64 bits with a trap instead of a wrap ({@link WasmOptions#addressChecks}). */
    private final boolean checks;
    /** Every access checked against its origin's bounds ({@link WasmOptions#memcheck}). */
    private final boolean memcheck;
    /** The independent-threads variant: the function runs for one thread, collectives are host calls. */
    private final boolean independent;
    /** memcheck: the checks around each access (null without memcheck). */
    private final MemcheckEmitter checker;
    /** Ranges of index expressions: offsets that provably fit need no check (null without checks). */
    private final IndexRanges ranges;
    /** memcheck: whether the code being emitted runs as one thread (not block-level code of a kernel with barriers). */
    private boolean threadKnown = true;
    /** The source position of the access being emitted: an address check inside it reports it. */
    private SourcePos sitePos;
    /** Constant offsets up to this go into a load's or store's offset immediate (see {@link #withOffset}). */
    private static final long MAX_FOLDED_OFFSET = 1L << 30;

    FunctionEmitter(WasmEmitter module, KFunction fn) {
        this(module, fn, module.options().addressChecks() ? IndexRanges.of(fn) : null,
                module.options().memcheck() ? Provenance.of(fn) : null);
    }

    private FunctionEmitter(WasmEmitter module, KFunction fn, IndexRanges ranges, Provenance provenance) {
        this.module = module;
        this.fn = fn;
        this.checks = module.options().addressChecks();
        this.memcheck = module.options().memcheck();
        this.independent = module.options().independentThreads();
        this.checker = memcheck ? new MemcheckEmitter(this, w, module, fn, provenance) : null;
        this.ranges = ranges;
    }

    /** The emitter of one region function of a fissioned kernel: same frame layout as the runner. */
    private FunctionEmitter(FunctionEmitter runner) {
        this(runner.module, runner.fn, runner.ranges, runner.memcheck ? runner.checker.provenance() : null);
        frameSlots.putAll(runner.frameSlots);
        frameSize = runner.frameSize;
        tracksLinear = runner.tracksLinear;
        low32 = runner.low32;
        flowing.addAll(runner.flowing);
        fission = true;
    }

    int frameSize() {
        return frameSize;
    }

    static ValType valType(CType t) {
        if (t instanceof ScalarType s) {
            return switch (s.kind()) {
                case FLOAT -> ValType.F32;
                case DOUBLE -> ValType.F64;
                case LONG, ULONG, LONGLONG, ULONGLONG -> ValType.I64;
                default -> ValType.I32;
            };
        }
        return ValType.I32;
    }

    /** Wasm signature of a device function: [sret] params [specials...]. */
    static FuncType deviceSignature(KFunction f, List<SpecialReg> hidden) {
        List<ValType> params = new ArrayList<>();
        if (f.returnType() instanceof StructType) {
            params.add(ValType.I32);
        }
        for (KLocal p : f.params()) {
            params.add(valType(p.type()));
        }
        for (int i = 0; i < hidden.size(); i++) {
            params.add(ValType.I32);
        }
        List<ValType> results = f.returnType() instanceof VoidType || f.returnType() instanceof StructType
                ? List.of() : List.of(valType(f.returnType()));
        return new FuncType(params, results);
    }

    static FuncType runnerSignature() {
        return new FuncType(List.of(ValType.I32, ValType.I32, ValType.I32), List.of());
    }

    int addLocal(ValType t, String name) {
        localTypes.add(t);
        localNames.add(name);
        return paramTypes.size() + localTypes.size() - 1;
    }

    private String localName(int index) {
        return index < paramNames.size() ? paramNames.get(index) : localNames.get(index - paramNames.size());
    }

    void get(int index) {
        w.localGet(index, localName(index));
    }

    void set(int index) {
        w.localSet(index, localName(index));
    }

    void tee(int index) {
        w.localTee(index, localName(index));
    }

    private int scratch(ValType t) {
        Deque<Integer> free = freeScratch.computeIfAbsent(t, k -> new ArrayDeque<>());
        return free.isEmpty() ? addLocal(t, "s" + localTypes.size()) : free.pop();
    }

    private void release(ValType t, int index) {
        freeScratch.get(t).push(index);
    }

    String label(String base) {
        return base + (labelCounter++);
    }

    /**
     * Assigns frame slots to memory-resident locals; returns the aligned frame size: a multiple of 16,
     * except for a kernel whose threads each have a frame at once (fissioned), where it is a multiple of
     * its slots' largest alignment: then a float kept across barriers lies 4 bytes from the next
     * thread's, and a row's or block's accumulators move as one block of floats (VectorAccumulateAbi).
     */
    private void layoutFrame() {
        int offset = 0;
        int align = 1;
        for (KLocal l : allLocals()) {
            if ((!l.needsMemory() && !l.isThreadContext()) || addressParams.containsKey(l)) {
                continue;
            }
            int a = Math.max(1, l.type().align());
            align = Math.max(align, a);
            offset = StructType.alignUp(offset, a);
            frameSlots.put(l, offset);
            offset += Math.max(1, l.type().size());
        }
        boolean perThread = fn.isKernel() && containsThreadLoop(fn.body());
        frameSize = StructType.alignUp(offset, perThread ? Math.min(align, 16) : 16);
        if (!fn.isKernel() && module.reentered(fn)) {
            frameSize = Math.max(frameSize, WasmEmitter.RECURSIVE_MIN_FRAME);
        }
    }

    private List<KLocal> allLocals() {
        List<KLocal> all = new ArrayList<>(fn.params());
        all.addAll(fn.locals());
        return all;
    }

    /** The locals a block assigns or reads: those assigned first, then those read. */
    private static java.util.Set<KLocal> mentioned(KBlock scope) {
        java.util.Set<KLocal> mentioned = assigned(scope);
        KirWalk.expressions(scope, e -> {
            if (e instanceof KExpr.LocalGet g) {
                mentioned.add(g.local());
            } else if (e instanceof KExpr.LocalAddr a) {
                mentioned.add(a.local());
            } else if (e instanceof KExpr.ThreadSlot t) {
                mentioned.add(t.local());
            }
        });
        return mentioned;
    }

    /** The locals a block assigns, in order. */
    static java.util.Set<KLocal> assigned(KBlock scope) {
        java.util.Set<KLocal> assigned = new java.util.LinkedHashSet<>();
        KirWalk.statements(scope, st -> {
            if (st instanceof KStmt.Assign a) {
                assigned.add(a.target());
            }
        });
        return assigned;
    }

    private void findLow32Locals() {
        low32 = Low32Locals.of(fn.body(), l -> !l.needsMemory() && !l.isThreadContext() && !l.isParam(), !checks);
    }

    /** The Wasm type of a local's register. */
    private ValType registerType(KLocal l) {
        return low32.contains(l) ? ValType.I32 : valType(l.type());
    }

    private void declareRegisters(KBlock scope) {
        // locals the code no longer mentions (folded away by the front end) get no Wasm local: every
        // local costs the JVM's compilers, and C1 gives up on functions with too many
        java.util.Set<KLocal> mentioned = mentioned(scope);
        for (KLocal l : allLocals()) {
            if (!l.needsMemory() && !registers.containsKey(l) && mentioned.contains(l)) {
                // thread-context locals get a register too: loaded and stored around each thread loop
                registers.put(l, addLocal(registerType(l), l.uniqueName()));
            }
        }
    }

    // ------------------------------------------------------------------ device functions

    void emitDevice(int functionIndex, List<SpecialReg> hidden) {
        if (fn.returnType() instanceof StructType) {
            sretParam = paramTypes.size();
            paramTypes.add(ValType.I32);
            paramNames.add("sret");
        }
        for (KLocal p : fn.params()) {
            int idx = paramTypes.size();
            paramTypes.add(valType(p.type()));
            paramNames.add(p.uniqueName());
            if (p.type() instanceof StructType) {
                addressParams.put(p, idx);
            } else if (!p.needsMemory()) {
                registers.put(p, idx);
            } else {
                addressParams.remove(p);
            }
        }
        for (SpecialReg r : hidden) {
            specials.put(r, paramTypes.size());
            paramTypes.add(ValType.I32);
            paramNames.add(r.name().toLowerCase(java.util.Locale.ROOT));
        }
        layoutFrame();
        findLow32Locals();
        declareRegisters(fn.body());
        cacheSharedBase(fn.body());
        boolean hasResult = !(fn.returnType() instanceof VoidType) && !(fn.returnType() instanceof StructType);
        if (frameSize > 0) {
            fpLocal = addLocal(ValType.I32, "fp");
            w.globalGet(WasmEmitter.G_SP, "sp");
            w.i32Const(frameSize);
            w.op(0x6B, "i32.sub");
            tee(fpLocal);
            w.globalGet(WasmEmitter.G_STACK_LIMIT, "stack_limit");
            w.op(0x49, "i32.lt_u");
            w.ifThen(label("ovf"), null);
            trap(KernelAbi.TRAP_STACK_OVERFLOW, fn.pos());
            w.end();
            get(fpLocal);
            w.globalSet(WasmEmitter.G_SP, "sp");
            copyAddressTakenParams();
            if (hasResult) {
                retLocal = addLocal(valType(fn.returnType()), "ret");
            }
            returnTarget = label("exit");
            w.block(returnTarget, null);
            block(fn.body());
            if (hasResult) {
                trap(KernelAbi.TRAP_MISSING_RETURN, fn.pos());
            }
            w.end();
            get(fpLocal);
            w.i32Const(frameSize);
            w.op(0x6A, "i32.add");
            w.globalSet(WasmEmitter.G_SP, "sp");
            if (hasResult) {
                get(retLocal);
            }
        } else {
            block(fn.body());
            if (hasResult) {
                trap(KernelAbi.TRAP_MISSING_RETURN, fn.pos());
            }
        }
        module.writer().define(functionIndex, localTypes, localNames, w);
    }

    private void copyAddressTakenParams() {
        for (KLocal p : fn.params()) {
            if (p.needsMemory() && !(p.type() instanceof StructType) && frameSlots.containsKey(p)) {
                int idx = fn.params().indexOf(p) + (sretParam >= 0 ? 1 : 0);
                get(fpLocal);
                w.localGet(idx, paramNames.get(idx));
                storeScalar(p.type(), frameSlots.get(p));
            }
        }
    }

    // ------------------------------------------------------------------ kernel runner

    void emitRunner(int functionIndex) {
        paramTypes.addAll(List.of(ValType.I32, ValType.I32, ValType.I32));
        paramNames.addAll(List.of("launch", "first_block", "block_count"));
        int launch = 0;
        int firstBlock = 1;
        int blockCount = 2;
        layoutFrame();
        findLow32Locals();
        declareRegisters(fn.body());
        cacheSharedBase(fn.body());
        int gdx = addLocal(ValType.I32, "grid_x");
        int gdy = addLocal(ValType.I32, "grid_y");
        int gdz = addLocal(ValType.I32, "grid_z");
        int bdx = addLocal(ValType.I32, "block_x");
        int bdy = addLocal(ValType.I32, "block_y");
        int bdz = addLocal(ValType.I32, "block_z");
        int bid = addLocal(ValType.I32, "block");
        int end = addLocal(ValType.I32, "block_end");
        int bx = addLocal(ValType.I32, "bx");
        int by = addLocal(ValType.I32, "by");
        int bz = addLocal(ValType.I32, "bz");
        int[] counters = declareThreadCounters();
        int tx = counters[0];
        int ty = counters[1];
        int tz = counters[2];
        specials.put(SpecialReg.NCTAID_X, gdx);
        specials.put(SpecialReg.NCTAID_Y, gdy);
        specials.put(SpecialReg.NCTAID_Z, gdz);
        specials.put(SpecialReg.NTID_X, bdx);
        specials.put(SpecialReg.NTID_Y, bdy);
        specials.put(SpecialReg.NTID_Z, bdz);
        specials.put(SpecialReg.CTAID_X, bx);
        specials.put(SpecialReg.CTAID_Y, by);
        specials.put(SpecialReg.CTAID_Z, bz);
        int[] dims = {gdx, gdy, gdz, bdx, bdy, bdz};
        for (int i = 0; i < 6; i++) {
            w.localGet(launch, "launch");
            w.memory(0x28, "i32.load", 2, KernelAbi.LAUNCH_GRID + 4L * i);
            set(dims[i]);
        }
        SpecialReg[] cluster = {SpecialReg.CLUSTER_NX, SpecialReg.CLUSTER_NY, SpecialReg.CLUSTER_NZ};
        for (int i = 0; i < 3; i++) {
            int local = addLocal(ValType.I32, "cluster_" + "xyz".charAt(i));
            w.localGet(launch, "launch");
            w.memory(0x28, "i32.load", 2, KernelAbi.LAUNCH_CLUSTER + 4L * i);
            set(local);
            specials.put(cluster[i], local);
        }
        if (memcheck) {
            w.localGet(launch, "launch");
            w.memory(0x28, "i32.load", 2, KernelAbi.LAUNCH_MEMCHECK_TABLE);
            w.globalSet(WasmEmitter.G_MEMCHECK_TABLE, "memcheck_table");
            checker.cacheParameterBounds(fn.body());
        }
        // parameters live in registers for the whole call
        var sig = KernelAbi.signature(fn);
        for (int i = 0; i < fn.params().size(); i++) {
            KLocal p = fn.params().get(i);
            Integer reg = registers.get(p);
            if (reg != null) {
                w.localGet(launch, "launch");
                loadScalar(p.type(), KernelAbi.LAUNCH_PARAMS + (long) sig.params().get(i).offset());
                set(reg);
            }
        }
        fission = containsThreadLoop(fn.body());
        outlineRegions = fission;
        threadKnown = !fission;
        if (fission) {
            blockLevelLocals = blockLevelLocals(fn.body());
            flowing.addAll(blockLevelLocals);
            KirWalk.statements(fn.body(), st -> {
                if (st instanceof KStmt.ThreadLoop t) {
                    flowing.addAll(exposure(t.body(), l -> !l.isThreadContext()).readFirst());
                }
            });
        }
        blockDims = new int[] {bdx, bdy, bdz};
        if (fission) {
            // every thread of a block has its frame at once, in order from the lowest: frames + linear * frameSize
            // with frames = stack_top - threads * frameSize; device calls use the stack below all of them,
            // from a multiple of 16
            fpLocal = addLocal(ValType.I32, "fp");
            linearLocal = addLocal(ValType.I32, "linear");
            specials.put(SpecialReg.LINEAR_TID, linearLocal);
            tracksLinear = readsSpecial(fn.body(), SpecialReg.LINEAR_TID);
            framesLocal = addLocal(ValType.I32, "frames");
            w.globalGet(WasmEmitter.G_STACK_TOP, "stack_top");
            get(bdx);
            get(bdy);
            w.op(0x6C, "i32.mul");
            get(bdz);
            w.op(0x6C, "i32.mul");
            w.i32Const(frameSize);
            w.op(0x6C, "i32.mul");
            w.op(0x6B, "i32.sub");
            tee(framesLocal);
            w.i32Const(-16);
            w.op(0x71, "i32.and");
            w.globalSet(WasmEmitter.G_SP, "sp");
            w.globalGet(WasmEmitter.G_SP, "sp");
            w.globalGet(WasmEmitter.G_STACK_LIMIT, "stack_limit");
            w.op(0x49, "i32.lt_u");
            w.ifThen(label("ovf"), null);
            trap(KernelAbi.TRAP_STACK_OVERFLOW, fn.pos());
            w.end();
        } else if (frameSize > 0) {
            fpLocal = addLocal(ValType.I32, "fp");
            w.globalGet(WasmEmitter.G_STACK_TOP, "stack_top");
            w.i32Const(frameSize);
            w.op(0x6B, "i32.sub");
            tee(fpLocal);
            w.globalGet(WasmEmitter.G_STACK_LIMIT, "stack_limit");
            w.op(0x49, "i32.lt_u");
            w.ifThen(label("ovf"), null);
            trap(KernelAbi.TRAP_STACK_OVERFLOW, fn.pos());
            w.end();
            get(fpLocal);
            w.globalSet(WasmEmitter.G_SP, "sp");
        } else {
            w.globalGet(WasmEmitter.G_STACK_TOP, "stack_top");
            w.globalSet(WasmEmitter.G_SP, "sp");
        }
        w.localGet(firstBlock, "first_block");
        tee(bid);
        w.localGet(blockCount, "block_count");
        w.op(0x6A, "i32.add");
        set(end);
        FastRow plan = fission || independent || paramsNeedCopy() ? null : planFastRow(fn.body());
        GridRow grid = frameSize > 0 ? null : hostRows.gridRow(plan);
        if (grid != null) {
            hostRows.gridCall(grid, bid, end);
        }
        String blocksDone = label("blocks_done");
        w.block(blocksDone, null);
        get(bid);
        get(end);
        w.op(0x4E, "i32.ge_s");
        w.brIf(blocksDone);
        // the first block's coordinates from its linear index; the next ones by counting
        get(bid);
        get(gdx);
        w.op(0x70, "i32.rem_u");
        set(bx);
        get(bid);
        get(gdx);
        w.op(0x6E, "i32.div_u");
        tee(by);
        get(gdy);
        w.op(0x6E, "i32.div_u");
        set(bz);
        get(by);
        get(gdy);
        w.op(0x70, "i32.rem_u");
        set(by);
        String blockLoop = label("block_loop");
        w.loop(blockLoop);
        if (fission) {
            if (fn.params().stream().anyMatch(frameSlots::containsKey)) {
                forEachThread(blockDims[0], this::copyKernelMemoryParams);
            }
            block(fn.body());
        } else if (independent) {
            // one thread, the instance's own (its index set by __cw_init): x first, as CUDA counts them
            w.globalGet(WasmEmitter.G_THREAD, "thread");
            get(bdx);
            w.op(0x70, "i32.rem_u");
            set(tx);
            w.globalGet(WasmEmitter.G_THREAD, "thread");
            get(bdx);
            w.op(0x6E, "i32.div_u");
            get(bdy);
            w.op(0x70, "i32.rem_u");
            set(ty);
            w.globalGet(WasmEmitter.G_THREAD, "thread");
            get(bdx);
            get(bdy);
            w.op(0x6C, "i32.mul");
            w.op(0x6E, "i32.div_u");
            set(tz);
            threadBody();
        } else {
            // no frames or linear index to carry past the block here (blockRan leaves those alone then)
            BlockCopies copies = frameSize > 0 ? null : hostRows.blockCopies(plan, List.of(), List.of(), false);
            threadLoops(tz, bdz, () -> skippable(copies == null ? null : hostRows.blockCopy(copies), () -> threadLoops(ty, bdy, () -> {
                if (plan != null) {
                    // the general loop is the fallback: one copy of the body, not the unrolled four
                    versionedRow(plan, () -> fastThread(plan, null, List.of(), List.of()), null, hostRows.rowCopy(plan),
                            hostRows.rowVector(plan), hostRows.rowAccumulate(plan, List.of(), List.of()),
                            () -> threadLoops(tx, bdx, this::threadBody));
                } else if (unrollThreadLoop()) {
                    unrolledThreadLoop(tx, bdx);
                } else {
                    threadLoops(tx, bdx, this::threadBody);
                }
            })));
        }
        // next block: bx + 1, carrying into by and bz (three divisions a block cost more than a small kernel's block)
        get(bx);
        w.i32Const(1);
        w.op(0x6A, "i32.add");
        tee(bx);
        get(gdx);
        w.op(0x46, "i32.eq");
        w.ifThen(label("next_row"), null);
        w.i32Const(0);
        set(bx);
        get(by);
        w.i32Const(1);
        w.op(0x6A, "i32.add");
        tee(by);
        get(gdy);
        w.op(0x46, "i32.eq");
        w.ifThen(label("next_plane"), null);
        w.i32Const(0);
        set(by);
        get(bz);
        w.i32Const(1);
        w.op(0x6A, "i32.add");
        set(bz);
        w.end();
        w.end();
        get(bid);
        w.i32Const(1);
        w.op(0x6A, "i32.add");
        tee(bid);
        get(end);
        w.op(0x48, "i32.lt_s");
        w.brIf(blockLoop);
        w.end();
        w.end();
        module.writer().define(functionIndex, localTypes, localNames, w);
    }

    private void threadLoops(int counter, int limit, Runnable body) {
        w.i32Const(0);
        set(counter);
        String loop = label("t");
        w.loop(loop);
        body.run();
        boundedBackEdge();
        get(counter);
        w.i32Const(1);
        w.op(0x6A, "i32.add");
        tee(counter);
        get(limit);
        w.op(0x48, "i32.lt_s");
        w.brIf(loop);
        w.end();
    }

    /**
     * Marks the back edge that follows as one of a loop with a bounded trip count (a thread loop: at
     * most blockDim of them), so the runtime may drop Chicory's interrupt check there
     * ({@link KernelAbi#BOUNDED_LOOP_GLOBAL}). Nothing but the loop's own counter and bound may follow
     * before the branch: the first check after the mark is the branch's.
     */
    private void boundedBackEdge() {
        w.globalGet(WasmEmitter.G_BOUNDED_LOOP, "bounded_loop");
        w.drop();
    }

    /**
     * Small straight-line kernels run four threads per loop iteration when blockDim.x allows:
     * Chicory's JIT-compiled code gains most from unrolled loops (the loop overhead and the
     * per-access checks then overlap), as long as the body stays small enough to inline.
     */
    private boolean unrollThreadLoop() {
        if (memcheck) {
            return false; // four copies of a checked body make a method too large for the JIT
        }
        int[] memoryOps = {0};
        boolean[] loops = {false};
        io.cudawasm.kernels.kir.KirWalk.statements(fn.body(), s -> {
            if (s instanceof KStmt.Loop || s instanceof KStmt.Switch) {
                loops[0] = true;
            }
            if (s instanceof KStmt.Store) {
                memoryOps[0]++;
            }
        });
        KirWalk.expressions(fn.body(), e -> {
            if (e instanceof KExpr.Load || e instanceof KExpr.Atomic || e instanceof KExpr.Call) {
                memoryOps[0]++;
            }
        });
        return !loops[0] && memoryOps[0] * UNROLL <= 32;
    }

    private void unrolledThreadLoop(int tx, int bdx) {
        w.i32Const(0);
        set(tx);
        get(bdx);
        w.i32Const(UNROLL - 1);
        w.op(0x71, "i32.and");
        w.op(0x45, "i32.eqz");
        w.ifThen(label("unrolled"), null);
        String loop = label("tu");
        w.loop(loop);
        for (int k = 0; k < UNROLL; k++) {
            threadBody();
            get(tx);
            w.i32Const(1);
            w.op(0x6A, "i32.add");
            set(tx);
        }
        boundedBackEdge();
        get(tx);
        get(bdx);
        w.op(0x48, "i32.lt_s");
        w.brIf(loop);
        w.end();
        w.elseBranch();
        threadLoops(tx, bdx, this::threadBody);
        w.end();
    }

    private void threadBody() {
        String next = label("thread_end");
        returnTarget = next;
        w.block(next, null);
        copyKernelMemoryParams();
        block(fn.body());
        w.end();
    }

    /**
     * Each thread starts with the launch's parameter values: parameters the body assigns are
     * reloaded, and struct or address-taken ones get a fresh copy in the thread's frame.
     */
    private void copyKernelMemoryParams() {
        var sig = KernelAbi.signature(fn);
        java.util.Set<KLocal> assigned = new java.util.HashSet<>();
        io.cudawasm.kernels.kir.KirWalk.statements(fn.body(), s -> {
            if (s instanceof KStmt.Assign a && a.target().isParam()) {
                assigned.add(a.target());
            }
        });
        for (int i = 0; i < fn.params().size(); i++) {
            KLocal p = fn.params().get(i);
            Integer reg = registers.get(p);
            if (reg != null && assigned.contains(p)) {
                w.localGet(0, "launch");
                loadScalar(p.type(), KernelAbi.LAUNCH_PARAMS + (long) sig.params().get(i).offset());
                set(reg);
                continue;
            }
            Integer slot = frameSlots.get(p);
            if (slot == null) {
                continue;
            }
            long from = KernelAbi.LAUNCH_PARAMS + (long) sig.params().get(i).offset();
            if (p.type() instanceof StructType s) {
                copyBytes(() -> {
                    get(fpLocal);
                }, slot, () -> w.localGet(0, "launch"), from, s.size());
            } else {
                get(fpLocal);
                w.localGet(0, "launch");
                loadScalar(p.type(), from);
                storeScalar(p.type(), slot);
            }
        }
    }

    /** Whether {@link #copyKernelMemoryParams} has anything to do (each thread then starts with a copy). */
    private boolean paramsNeedCopy() {
        boolean[] assigns = {false};
        KirWalk.statements(fn.body(), s -> {
            if (s instanceof KStmt.Assign a && a.target().isParam()) {
                assigns[0] = true;
            }
        });
        return assigns[0] || fn.params().stream().anyMatch(frameSlots::containsKey);
    }

    private static boolean containsThreadLoop(KBlock b) {
        boolean[] found = {false};
        io.cudawasm.kernels.kir.KirWalk.statements(b, s -> {
            if (s instanceof KStmt.ThreadLoop) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /**
     * One region of a fissioned kernel: the body runs for every thread of the block in turn,
     * with the thread's frame; its context locals are loaded first and stored after.
     */
    private void threadLoop(KBlock body) {
        if (outlineRegions && callRegion(body)) {
            return;
        }
        List<KLocal> written = assigned(body).stream().filter(KLocal::isThreadContext).toList();
        java.util.Set<KLocal> load = exposure(body, KLocal::isThreadContext).both();
        int xLimit = blockDims[0];
        java.util.Optional<ThreadRange> range = ThreadRange.of(body);
        if (range.isPresent()) {
            xLimit = addLocal(ValType.I32, "x_limit");
            emitXLimit(range.get(), xLimit);
        }
        boolean outerThreadKnown = threadKnown;
        threadKnown = true;
        Runnable perThread = () -> {
            String end = label("thread_end");
            threadEnds.push(end);
            w.block(end, null);
            for (KLocal l : load) {
                get(fpLocal);
                loadScalar(l.type(), frameSlots.get(l));
                set(registers.get(l));
            }
            block(body);
            w.end();
            threadEnds.pop();
            for (KLocal l : written) {
                get(fpLocal);
                get(registers.get(l));
                storeScalar(l.type(), frameSlots.get(l));
            }
        };
        FastRow plan = planFastRow(body);
        if (plan == null) {
            forEachThread(xLimit, perThread);
        } else {
            int finalXLimit = xLimit;
            int fpRow = frameSize > 0 ? addLocal(ValType.I32, "fp_row") : -1;
            int linearRow = tracksLinear ? addLocal(ValType.I32, "linear_row") : -1;
            // a thread that loads or stores frame slots has an effect of its own: no bulk copy for its row
            boolean ownEffects = !load.isEmpty() || !written.isEmpty();
            RowCopy copy = ownEffects ? null : hostRows.rowCopy(plan);
            RowVector vector = ownEffects ? null : hostRows.rowVector(plan);
            RowAccumulate accumulate = hostRows.rowAccumulate(plan, load, written);
            List<SteppedSource> blockSources = hostRows.blockSources(plan, accumulate, range.isPresent());
            // where one call may take the block's rows, the rows keep no call of their own: when that call
            // declines, a row's would too, and a second copy of the set-up made region functions too large
            // for HotSpot to compile well (the tiled matmul's ran 6x slower with vector rows off)
            RowAccumulate perRow = blockSources == null ? accumulate : null;
            BlockCopies copies = hostRows.blockCopies(plan, load, written, range.isPresent());
            // a block copy's rows keep only the general loop, for the same reason: when the host declines,
            // (host rows off, a fault, overlapping stores) the threads run one by one, checked
            Runnable general = () -> threadRow(finalXLimit, perThread);
            forEachThreadRow(copies != null ? general : () -> versionedRow(plan,
                    () -> fastThread(plan, new int[] {fpRow, linearRow}, load, written), new int[] {fpRow, linearRow},
                    copy, vector, perRow, general),
                    () -> blockSources != null ? hostRows.blockAccumulate(accumulate, blockSources)
                            : copies != null ? hostRows.blockCopy(copies) : null);
        }
        threadKnown = outerThreadKnown;
    }

    /**
     * A region of a fissioned kernel as a function of its own, called once per block: the JVM
     * compiles each region separately, with the whole inlining budget for its own memory accesses
     * (in one large runner method, HotSpot stops inlining them part way, and the late regions, the
     * hot ones, run with a call per access). Block-level values the region reads come in as
     * parameters with the block coordinates and sizes; one it assigns goes back as the result. A
     * region that assigns several stays inline (false), which spares the JVM multi-value returns.
     */
    private boolean callRegion(KBlock body) {
        return callRegion(body, false);
    }

    /** Largest block-level loop (in IR nodes) that becomes one region function with the thread loops in it. */
    private static final int LOOP_REGION_MAX_NODES = 400;

    /** What an inline {@code fmaf} counts for in {@link #LOOP_REGION_MAX_NODES}. */
    private static final int FMA_NODES = 20;

    /**
     * A block-level loop around thread loops (a reduction's {@code for (s = n / 2; s > 0; s >>= 1)} with its
     * step's thread loop) as one function called once per block, its thread loops inline: one call per
     * block instead of one per trip, for loops small enough to leave HotSpot its inlining budget.
     */
    private boolean callLoopRegion(KStmt.Loop l) {
        KBlock whole = new KBlock(List.of(l));
        if (!containsThreadLoop(whole)) {
            return false;
        }
        int[] nodes = {0};
        KirWalk.statements(whole, st -> nodes[0]++);
        // an exact fmaf is some 40 Wasm instructions inline (FusedMultiplyAdd): nvcc's contracted loops
        // are far larger than their node count says
        KirWalk.expressions(whole, e -> nodes[0] += e instanceof KExpr.Math m && m.fn() == MathFn.FMA ? FMA_NODES : 1);
        return nodes[0] <= LOOP_REGION_MAX_NODES && callRegion(whole, true);
    }

    private boolean callRegion(KBlock body, boolean loopRegion) {
        java.util.function.Predicate<KLocal> blockRegister = l -> registers.containsKey(l) && !l.isThreadContext();
        Exposure entry = exposure(body, blockRegister);
        List<KLocal> inputs = entry.both().stream().filter(l -> entry.readFirst().contains(l) || flowing.contains(l))
                .toList();
        List<KLocal> outputs = assigned(body).stream().filter(l -> registers.containsKey(l) && flowing.contains(l))
                .toList();
        if (outputs.size() > 1 && loopRegion && !nestsRegionLoops((KStmt.Loop) body.statements().get(0))) {
            // PTX's loops assign a predicate and a counter that nothing reads outside the loop, nor
            // before assigning it in the loop ({@code do { ... s >>= 1; p = s != 0; } while (p)}): they
            // need not come back. (A nest of such loops stays as it was: a bitonic sort's, one function,
            // ran 5 % slower than its inner loop as one.)
            java.util.Set<KLocal> needed = readsOutside(body.statements().get(0));
            readsBeforeAssignment(body, new java.util.HashSet<>(), blockRegister, needed, true);
            outputs = outputs.stream().filter(needed::contains).toList();
        }
        if (outputs.size() > 1) {
            return false;
        }
        List<SpecialReg> blockSpecials = regionSpecials(body);
        String name = fn.name() + "$region" + regionCount++;
        int index = new FunctionEmitter(this).emitRegion(name, body, inputs, outputs, blockSpecials, loopRegion);
        for (KLocal l : inputs) {
            get(registers.get(l));
        }
        for (SpecialReg r : blockSpecials) {
            get(specials.get(r));
        }
        get(framesLocal);
        if (usesShared(body)) {
            sharedBase();
        }
        w.call(index, name);
        outputs.forEach(l -> set(registers.get(l)));
        return true;
    }

    /** Whether a loop has another loop with thread loops in it. */
    private static boolean nestsRegionLoops(KStmt.Loop l) {
        boolean[] found = {false};
        KirWalk.statements(new KBlock(List.of(l)), st -> {
            if (st != l && st instanceof KStmt.Loop inner && containsThreadLoop(new KBlock(List.of(inner)))) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /** The locals the function reads anywhere but in {@code except} (a statement of its body, by identity). */
    private java.util.Set<KLocal> readsOutside(KStmt except) {
        KBlock rest = new io.cudawasm.kernels.kir.KirRewriter() {
            @Override
            public List<KStmt> stmt(KStmt st) {
                return st == except ? List.of() : super.stmt(st);
            }
        }.block(fn.body());
        java.util.Set<KLocal> read = new java.util.HashSet<>();
        KirWalk.expressions(rest, e -> {
            if (e instanceof KExpr.LocalGet g) {
                read.add(g.local());
            }
        });
        return read;
    }

    /** The locals of threadIdx.x, .y and .z, which the thread loops count. */
    private int[] declareThreadCounters() {
        threadCounters = new int[] {addLocal(ValType.I32, "tx"), addLocal(ValType.I32, "ty"),
            addLocal(ValType.I32, "tz")};
        specials.put(SpecialReg.TID_X, threadCounters[0]);
        specials.put(SpecialReg.TID_Y, threadCounters[1]);
        specials.put(SpecialReg.TID_Z, threadCounters[2]);
        return threadCounters;
    }

    /** Block coordinates and sizes a region needs: the sizes always (its thread loops), the rest when read. */
    private List<SpecialReg> regionSpecials(KBlock body) {
        java.util.Set<SpecialReg> read = EnumSet.of(SpecialReg.NTID_X, SpecialReg.NTID_Y, SpecialReg.NTID_Z);
        if (memcheck) {
            read.addAll(List.of(SpecialReg.CTAID_X, SpecialReg.CTAID_Y, SpecialReg.CTAID_Z)); // for violation reports
        }
        KirWalk.expressions(body, e -> {
            if (e instanceof KExpr.Special sp) {
                read.add(sp.reg());
            } else if (e instanceof KExpr.Call c) {
                read.addAll(module.hiddenSpecials(c.callee()));
            }
        });
        return BLOCK_SPECIALS.stream().filter(read::contains).toList();
    }

    /** What a region function may be given besides the block's values: the block coordinates and sizes. */
    private static final List<SpecialReg> BLOCK_SPECIALS = List.of(SpecialReg.NCTAID_X, SpecialReg.NCTAID_Y,
            SpecialReg.NCTAID_Z, SpecialReg.NTID_X, SpecialReg.NTID_Y, SpecialReg.NTID_Z, SpecialReg.CTAID_X,
            SpecialReg.CTAID_Y, SpecialReg.CTAID_Z, SpecialReg.CLUSTER_NX, SpecialReg.CLUSTER_NY, SpecialReg.CLUSTER_NZ);

    private int emitRegion(String name, KBlock body, List<KLocal> inputs, List<KLocal> outputs,
            List<SpecialReg> blockSpecials, boolean loopRegion) {
        for (KLocal l : inputs) {
            registers.put(l, paramTypes.size());
            paramTypes.add(registerType(l));
            paramNames.add(l.uniqueName());
        }
        for (SpecialReg r : blockSpecials) {
            specials.put(r, paramTypes.size());
            paramTypes.add(ValType.I32);
            paramNames.add(r.name().toLowerCase(java.util.Locale.ROOT));
        }
        // the globals the runner read once, as parameters: a global read is a chain of loads in Chicory's code
        framesLocal = paramTypes.size();
        paramTypes.add(ValType.I32);
        paramNames.add("frames");
        if (usesShared(body)) {
            sharedBaseLocal = paramTypes.size();
            paramTypes.add(ValType.I32);
            paramNames.add("shared_base");
        }
        List<ValType> results = outputs.stream().map(this::registerType).toList();
        int index = module.writer().declareFunction(name, new FuncType(List.copyOf(paramTypes), results),
                List.copyOf(paramNames));
        declareRegisters(body);
        if (memcheck) {
            checker.cacheParameterBounds(body);
        }
        declareThreadCounters();
        blockDims = new int[] {specials.get(SpecialReg.NTID_X), specials.get(SpecialReg.NTID_Y),
                specials.get(SpecialReg.NTID_Z)};
        fpLocal = addLocal(ValType.I32, "fp");
        linearLocal = addLocal(ValType.I32, "linear");
        specials.put(SpecialReg.LINEAR_TID, linearLocal);
        if (loopRegion) {
            threadKnown = false;
            block(body); // the loop, its thread loops inline
        } else {
            threadLoop(body);
        }
        for (KLocal l : outputs) {
            get(registers.get(l));
        }
        module.writer().define(index, localTypes, localNames, w);
        return index;
    }

    /** Locals the kernel body mentions outside its thread loops. */
    private static java.util.Set<KLocal> blockLevelLocals(KBlock body) {
        java.util.Set<KLocal> out = new java.util.HashSet<>();
        for (KStmt st : body.statements()) {
            if (st instanceof KStmt.ThreadLoop) {
                continue;
            }
            KBlock one = new KBlock(List.of(st));
            if (containsThreadLoop(one)) {
                // control flow around thread loops: its own conditions and block-level statements
                out.addAll(mentionedOutsideThreadLoops(st));
            } else {
                out.addAll(mentioned(one));
            }
        }
        return out;
    }

    private static java.util.Set<KLocal> mentionedOutsideThreadLoops(KStmt st) {
        java.util.Set<KLocal> out = new java.util.HashSet<>();
        if (st instanceof KStmt.If i) {
            out.addAll(mentioned(new KBlock(List.of(new KStmt.Eval(i.condition())))));
            out.addAll(blockLevelLocals(i.then()));
            out.addAll(blockLevelLocals(i.otherwise()));
        } else if (st instanceof KStmt.Loop l) {
            out.addAll(mentioned(new KBlock(List.of(new KStmt.Eval(l.condition())))));
            out.addAll(blockLevelLocals(l.body()));
            out.addAll(blockLevelLocals(l.step()));
        } else if (st instanceof KStmt.Nested n) {
            out.addAll(blockLevelLocals(n.block()));
        } else if (st instanceof KStmt.Switch sw) {
            out.addAll(mentioned(new KBlock(List.of(new KStmt.Eval(sw.selector())))));
            sw.cases().forEach(c -> out.addAll(blockLevelLocals(c.body())));
        } else {
            out.addAll(mentioned(new KBlock(List.of(st))));
        }
        return out;
    }

    /**
     * How a region uses locals on entry: those it may read before assigning them, and those it
     * assigns only on some paths (after the region they keep their old value on the others).
     * A top-level assignment before any early thread exit is certain to run.
     */
    record Exposure(java.util.Set<KLocal> readFirst, java.util.Set<KLocal> maybeAssigned) {
        java.util.Set<KLocal> both() {
            java.util.Set<KLocal> all = new java.util.LinkedHashSet<>(readFirst);
            all.addAll(maybeAssigned);
            return all;
        }
    }

    static Exposure exposure(KBlock body, java.util.function.Predicate<KLocal> which) {
        java.util.Set<KLocal> readFirst = new java.util.LinkedHashSet<>();
        readsBeforeAssignment(body, new java.util.HashSet<>(), which, readFirst, false);
        java.util.Set<KLocal> maybeAssigned = new java.util.LinkedHashSet<>();
        java.util.Set<KLocal> defined = new java.util.HashSet<>();
        boolean certain = true;
        for (KStmt st : body.statements()) {
            KBlock one = new KBlock(List.of(st));
            boolean exits = containsExit(one);
            if (st instanceof KStmt.Assign a && certain && !exits) {
                defined.add(a.target());
            } else {
                for (KLocal l : assigned(one)) {
                    if (which.test(l) && !defined.contains(l)) {
                        maybeAssigned.add(l);
                    }
                }
            }
            certain &= !exits;
        }
        return new Exposure(readFirst, maybeAssigned);
    }

    /**
     * Adds to {@code out} the locals read where no assignment certainly came first: a block's
     * statements in order, nested blocks seeing what was assigned before them (their own
     * assignments count after them for plain nested blocks, which always run, and for both branches
     * of an {@code if}); returns the locals certainly assigned by the end of the block. With
     * {@code exact}, a thread loop's body is followed like a branch (each thread assigns its
     * registers before reading them) and a do-while's condition after its body when no
     * {@code continue} can skip part of it; without, both count as read on entry.
     */
    private static java.util.Set<KLocal> readsBeforeAssignment(KBlock block, java.util.Set<KLocal> defined,
            java.util.function.Predicate<KLocal> which, java.util.Set<KLocal> out, boolean exact) {
        for (KStmt st : block.statements()) {
            if (st instanceof KStmt.If i) {
                KirWalk.expression(i.condition(), e -> reads(e, defined, which, out));
                java.util.Set<KLocal> both = readsBeforeAssignment(i.then(), new java.util.HashSet<>(defined), which,
                        out, exact);
                both.retainAll(readsBeforeAssignment(i.otherwise(), new java.util.HashSet<>(defined), which, out,
                        exact));
                defined.addAll(both); // assigned on both branches
            } else if (st instanceof KStmt.Loop l && exact && l.doWhile() && !continues(l.body())) {
                java.util.Set<KLocal> after = readsBeforeAssignment(l.body(), new java.util.HashSet<>(defined), which,
                        out, exact);
                KirWalk.expression(l.condition(), e -> reads(e, after, which, out));
                readsBeforeAssignment(l.step(), after, which, out, exact);
            } else if (st instanceof KStmt.Loop l) {
                KirWalk.expression(l.condition(), e -> reads(e, defined, which, out));
                readsBeforeAssignment(l.body(), new java.util.HashSet<>(defined), which, out, exact);
                // a continue may skip the body's assignments on the way to the step
                readsBeforeAssignment(l.step(), new java.util.HashSet<>(defined), which, out, exact);
            } else if (st instanceof KStmt.Switch sw) {
                KirWalk.expression(sw.selector(), e -> reads(e, defined, which, out));
                sw.cases().forEach(c -> readsBeforeAssignment(c.body(), new java.util.HashSet<>(defined), which, out,
                        exact));
            } else if (st instanceof KStmt.Nested n) {
                readsBeforeAssignment(n.block(), defined, which, out, exact); // adds to defined: it always runs
            } else if (st instanceof KStmt.ThreadLoop t && exact) {
                readsBeforeAssignment(t.body(), new java.util.HashSet<>(defined), which, out, exact);
            } else {
                KirWalk.expressions(new KBlock(List.of(st)), e -> reads(e, defined, which, out));
                if (st instanceof KStmt.Assign a) {
                    defined.add(a.target());
                }
            }
        }
        return defined;
    }

    /** Whether a loop body contains a {@code continue} of that loop (not one of a loop nested in it). */
    private static boolean continues(KBlock body) {
        for (KStmt st : body.statements()) {
            if (st instanceof KStmt.Continue) {
                return true;
            }
            boolean inner = st instanceof KStmt.If i ? continues(i.then()) || continues(i.otherwise())
                    : st instanceof KStmt.Nested n ? continues(n.block())
                    : st instanceof KStmt.ThreadLoop t ? continues(t.body())
                    : st instanceof KStmt.Switch sw && sw.cases().stream().anyMatch(c -> continues(c.body()));
            if (inner) {
                return true;
            }
        }
        return false;
    }

    /** Adds the locals {@code e} reads that are not yet defined (expressions only, not their operands). */
    private static void reads(KExpr e, java.util.Set<KLocal> defined, java.util.function.Predicate<KLocal> which,
            java.util.Set<KLocal> out) {
        if (e instanceof KExpr.LocalGet g && which.test(g.local()) && !defined.contains(g.local())) {
            out.add(g.local());
        }
    }

    private static boolean containsExit(KBlock b) {
        boolean[] found = {false};
        KirWalk.statements(b, s -> {
            if (s instanceof KStmt.ExitThread || s instanceof KStmt.Return) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /**
     * Runs code for each thread of the block with {@code linear}, the thread indices and {@code fp} set;
     * threadIdx.x runs up to the local {@code xLimit} ({@code blockDim.x} unless narrowed, see
     * {@link ThreadRange}), and the threads it skips still advance {@code linear} and {@code fp}.
     */
    private void forEachThread(int xLimit, Runnable perThread) {
        forEachThreadRow(() -> threadRow(xLimit, perThread));
    }

    /** Sets {@code linear} and {@code fp} for the block's first thread and runs {@code row} for each (y, z). */
    private void forEachThreadRow(Runnable row) {
        forEachThreadRow(row, () -> null);
    }

    /**
     * {@link #forEachThreadRow(Runnable)} with {@code before} emitted ahead of each {@code threadIdx.y}
     * loop: it may run the rows another way and leave an i32 local, non-zero when it did (the loop is
     * skipped then), or emit nothing and give null.
     */
    private void forEachThreadRow(Runnable row, java.util.function.Supplier<Integer> before) {
        if (tracksLinear) {
            w.i32Const(0);
            set(linearLocal);
        }
        get(framesLocal);
        set(fpLocal);
        threadLoops(threadCounters[2], blockDims[2],
                () -> skippable(before.get(), () -> threadLoops(threadCounters[1], blockDims[1], row)));
    }

    /** {@code rows}, unless {@code done} (an i32 local, or null for none) is non-zero. */
    private void skippable(Integer done, Runnable rows) {
        if (done != null) {
            get(done);
            w.op(0x45, "i32.eqz");
            w.ifThen(label("rows"), null);
        }
        rows.run();
        if (done != null) {
            w.end();
        }
    }

    /** One row of threads (threadIdx.x up to {@code xLimit}), advancing {@code linear} and {@code fp} over the whole row. */
    private void threadRow(int xLimit, Runnable perThread) {
        threadLoops(threadCounters[0], xLimit, () -> {
            perThread.run();
            if (tracksLinear) {
                get(linearLocal);
                w.i32Const(1);
                w.op(0x6A, "i32.add");
                set(linearLocal);
            }
            if (frameSize > 0) {
                get(fpLocal);
                w.i32Const(frameSize);
                w.op(0x6A, "i32.add");
                set(fpLocal);
            }
        });
        if (xLimit != blockDims[0]) {
            // skipped threads: linear += blockDim.x - xLimit, fp += (blockDim.x - xLimit) * frameSize
            if (tracksLinear) {
                get(linearLocal);
                get(blockDims[0]);
                get(xLimit);
                w.op(0x6B, "i32.sub");
                w.op(0x6A, "i32.add");
                set(linearLocal);
            }
            if (frameSize > 0) {
                get(fpLocal);
                get(blockDims[0]);
                get(xLimit);
                w.op(0x6B, "i32.sub");
                w.i32Const(frameSize);
                w.op(0x6C, "i32.mul");
                w.op(0x6A, "i32.add");
                set(fpLocal);
            }
        }
    }

    /**
     * {@code xLimit = max(1, min(bound, blockDim.x))} where bound is U for {@code threadIdx.x < U} and
     * U + 1 for {@code threadIdx.x == U}, compared unsigned: no thread at or beyond it can pass the guard.
     * At least one iteration, because thread loops test at the bottom; the guard stays in the body.
     */
    private void emitXLimit(ThreadRange range, int xLimit) {
        expr(range.bound());
        if (range.inclusive()) {
            w.i32Const(1);
            w.op(0x6A, "i32.add");
        }
        set(xLimit);
        get(xLimit);
        get(blockDims[0]);
        get(xLimit);
        get(blockDims[0]);
        w.op(0x49, "i32.lt_u");
        w.select();
        set(xLimit);
        w.i32Const(1);
        get(xLimit);
        get(xLimit);
        w.i32Const(1);
        w.op(0x48, "i32.lt_s");
        w.select();
        set(xLimit);
    }

    // ------------------------------------------------------------------ fast thread rows

    /**
     * A row of a thread loop (the threads of one threadIdx.y and .z) in its fast form, versioned against
     * the general loop. Before the row, once: the range of threadIdx.x that passes the body's guard
     * ({@link RowGuard}), and for every pointer of the body that is invariant plus affine indices
     * ({@link ThreadAffine}) its value at threadIdx.x = 0 in a local. Whether the row's first and last
     * passing threads would pass every address check of these pointers, and whether no guard index wraps,
     * is tested there too, in 64 bits: the values are linear in threadIdx.x, so the two ends bound them.
     * If so, the fast loop runs exactly the passing threads, without the guard, each pointer as its row
     * value plus {@code coeff * threadIdx.x} and no check (the same 32-bit value the general code computes,
     * modulo 2^32, and the same checks passing); if not, the row runs the general loop, which checks
     * every access as always and traps where it did. HotSpot then sees counted loops with addresses
     * linear in the counter, and removes its own bounds checks of the memory array from them.
     */
    final class FastRow {
        final ThreadAffine affine;
        final RowGuard guard;
        /** What a passing thread runs: the body without its guard. */
        final KBlock body;
        /**
         * The hoisted pointers (by form; accesses add their immediates), each with whether the general
         * code checks none of its uses (offsets the index ranges bound), so the row need not check it
         * either; and their locals.
         */
        final Map<ThreadAffine.Pointer, Boolean> chains = new java.util.LinkedHashMap<>();
        final Map<ThreadAffine.Pointer, Integer> bases = new HashMap<>();

        FastRow(ThreadAffine affine, RowGuard guard, KBlock body) {
            this.affine = affine;
            this.guard = guard;
            this.body = body;
        }
    }

    /** The fast row being emitted (null elsewhere): accesses through its hoisted pointers use them. */
    FastRow fast;

    /** Bodies larger than this keep the general loop only: the fast one is a second copy of the body. */
    private static final int FAST_ROW_MAX_NODES = 600;

    /**
     * Bodies with more memory accesses than this keep the general loop only. HotSpot inlines every
     * access of a method (a Wasm load is a call to the memory in Chicory's code) until the method
     * reaches its size limit, and calls the rest; two copies of an unrolled body of 32 loads (a PTX
     * tiled matmul's inner product) passed it and ran 2-7x slower than the general loop alone, which
     * checks such a body's few distinct base registers once per statement anyway.
     */
    private static final int FAST_ROW_MAX_ACCESSES = 16;

    /** The fast form of a thread loop's body, or null when it has nothing to gain or cannot have one. */
    FastRow planFastRow(KBlock body) {
        if (!checks || memcheck) {
            return null;
        }
        int[] nodes = {0};
        int[] accesses = {0};
        boolean[] unsupported = {false};
        KirWalk.statements(body, s -> {
            nodes[0]++;
            if (s instanceof KStmt.Store) {
                accesses[0]++;
            }
            // a loop that keeps its interrupt check dominates the thread's time, and the row gains nothing
            // there; the naive matmul ran 5 % slower with a fast row around its inner loop
            // except an accumulating row's loop, which the host runs (rowAccumulate)
            unsupported[0] |= s instanceof KStmt.Barrier || s instanceof KStmt.ThreadLoop
                    || s instanceof KStmt.Loop l && !(counted(l) && plain(l.condition())) && hostRows.accumulateLoop(l) == null;
        });
        KirWalk.expressions(body, e -> {
            nodes[0]++;
            if (e instanceof KExpr.Load || e instanceof KExpr.Atomic) {
                accesses[0]++;
            }
        });
        if (unsupported[0] || nodes[0] > FAST_ROW_MAX_NODES || accesses[0] > FAST_ROW_MAX_ACCESSES) {
            return null;
        }
        java.util.Set<KLocal> assignedHere = assigned(body);
        java.util.function.Predicate<KLocal> register = l -> registers.containsKey(l) && !l.needsMemory()
                && !l.isThreadContext() && !low32.contains(l);
        java.util.function.Predicate<KLocal> invariant = l -> register.test(l) && !assignedHere.contains(l);
        java.util.function.Predicate<KLocal> candidate = l -> register.test(l) && !flowing.contains(l);
        ThreadAffine affine = ThreadAffine.of(body, invariant, candidate);
        RowGuard guard = RowGuard.of(body, affine, a -> register.test(a.target()) && !flowing.contains(a.target())
                && trapFree(a.value()));
        KBlock fastBody = body;
        if (guard != null) {
            List<KStmt> all = new ArrayList<>(guard.prefix());
            all.addAll(guard.rest());
            fastBody = new KBlock(all);
            // what the passing threads run always runs for them: registers assigned there (PTX's address
            // registers after nvcc's early exit) are affine in the fast body
            affine = ThreadAffine.of(fastBody, invariant, candidate);
        }
        FastRow row = new FastRow(affine, guard, fastBody);
        collectChains(fastBody, row);
        return row.chains.isEmpty() && guard == null ? null : row;
    }

    /** Cannot trap and has no effect: may run for threads the guard then sends away (or not run for them). */
    boolean trapFree(KExpr e) {
        if (e instanceof KExpr.IntConst || e instanceof KExpr.FloatConst || e instanceof KExpr.Special
                || e instanceof KExpr.GlobalAddr) {
            return true; // a variable's address is a constant
        }
        if (e instanceof KExpr.LocalGet g) {
            return registers.containsKey(g.local()) && !low32.contains(g.local());
        }
        if (e instanceof KExpr.Convert c) {
            CType from = c.operand().type();
            boolean arithmetic = from.isInteger() && c.type().isInteger() || from.isArithmetic() && c.type().isFloating();
            // a pointer as an integer (PTX's mov of a shared array's address) or as another pointer: its bits
            boolean pointerBits = from instanceof PointerType
                    && (c.type().isInteger() || c.type() instanceof PointerType);
            return (arithmetic || pointerBits) && trapFree(c.operand());
        }
        if (e instanceof KExpr.Unary u) {
            return trapFree(u.operand());
        }
        if (e instanceof KExpr.Binary b) {
            if ((b.op() == KExpr.BinaryOp.DIV || b.op() == KExpr.BinaryOp.REM) && b.type().isInteger()) {
                return b.right() instanceof KExpr.IntConst k && k.value() != 0 && k.value() != -1 && trapFree(b.left());
            }
            return trapFree(b.left()) && trapFree(b.right());
        }
        if (e instanceof KExpr.Select s) {
            return trapFree(s.condition()) && trapFree(s.ifTrue()) && trapFree(s.ifFalse());
        }
        return false;
    }

    /** Finds the pointers the fast body's accesses and pointer values use, as the emitter will meet them. */
    private void collectChains(KBlock b, FastRow row) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Assign a) {
                chainsIn(a.value(), row);
            } else if (s instanceof KStmt.Store st) {
                CType t = ((PointerType) st.address().type()).pointee();
                if (t instanceof StructType || t instanceof ArrayType) {
                    chainsIn(st.address(), row);
                } else {
                    accessChain(st.address(), row);
                }
                chainsIn(st.value(), row);
            } else if (s instanceof KStmt.Eval e) {
                chainsIn(e.expr(), row);
            } else if (s instanceof KStmt.If i) {
                chainsIn(i.condition(), row);
                collectChains(i.then(), row);
                collectChains(i.otherwise(), row);
            } else if (s instanceof KStmt.Loop l) {
                chainsIn(l.condition(), row);
                collectChains(l.body(), row);
                collectChains(l.step(), row);
            } else if (s instanceof KStmt.Switch sw) {
                chainsIn(sw.selector(), row);
                sw.cases().forEach(c -> collectChains(c.body(), row));
            } else if (s instanceof KStmt.Return r && r.value() != null) {
                chainsIn(r.value(), row);
            } else if (s instanceof KStmt.Nested n) {
                collectChains(n.block(), row);
            }
        }
    }

    private void accessChain(KExpr address, FastRow row) {
        Folded f = fold(address);
        if (f.kind != Base.EXPR) {
            return;
        }
        ThreadAffine.Pointer p = row.affine.pointer(f.base);
        if (p != null) {
            // unchecked in the general code: a pointer local (checked where it was made), or a chain of
            // additions whose offset provably fits; the row then computes the same 32 bits. The access's
            // immediate stays in the access, as in the general code (Chicory adds it only to a base
            // below 2^31), so accesses at constant offsets from one pointer share its row value and
            // the JIT one bounds check (an unrolled loop's s[tid + 16 * k])
            boolean unchecked = f.base instanceof KExpr.LocalGet || f.base instanceof KExpr.PtrAdd top
                    && fits(offsetRange(Chain.of(top)), Integer.MIN_VALUE, Integer.MAX_VALUE);
            row.chains.merge(p, unchecked, Boolean::logicalAnd);
        } else {
            chainsIn(f.base, row);
        }
    }

    private static boolean fits(IndexRanges.Range r, long min, long max) {
        return r != null && r.within(min, max);
    }

    private void chainsIn(KExpr e, FastRow row) {
        if (e instanceof KExpr.Load l) {
            if (l.type() instanceof StructType || l.type() instanceof ArrayType) {
                chainsIn(l.address(), row);
            } else {
                accessChain(l.address(), row);
            }
            return;
        }
        if (e instanceof KExpr.PtrAdd p) {
            Folded f = fold(p);
            ThreadAffine.Pointer form = f.kind == Base.EXPR && f.base == p ? row.affine.pointer(p) : null;
            if (form != null) {
                // as the general code: a small offset from a variable, shared array or frame slot is unchecked
                Chain chain = Chain.of(p);
                boolean unchecked = fits(offsetRange(chain), -KernelAbi.GUARD_BYTES, KernelAbi.GUARD_BYTES - 1)
                        && (chain.root() instanceof KExpr.GlobalAddr || chain.root() instanceof KExpr.LocalAddr
                        && !addressParams.containsKey(((KExpr.LocalAddr) chain.root()).local()));
                row.chains.merge(form, unchecked, Boolean::logicalAnd);
                return;
            }
        }
        for (KExpr child : KirWalk.children(e)) {
            chainsIn(child, row);
        }
    }

    /** The local holding a hoisted pointer for an access or pointer value here, or null. */
    private Integer fastBase(Folded f) {
        if (fast == null || f.kind != Base.EXPR) {
            return null;
        }
        ThreadAffine.Pointer p = fast.affine.pointer(f.base);
        return p == null ? null : fast.bases.get(p);
    }

    /** Pushes a hoisted pointer for the current thread: its row value plus {@code coeff * threadIdx.x}. */
    private void fastAddress(Folded f) {
        get(fastBase(f));
        long coeff = fast.affine.pointer(f.base).coeff();
        if (coeff != 0) {
            get(threadCounters[0]);
            if (Long.bitCount(coeff) == 1) {
                if (coeff > 1) {
                    w.i32Const(Long.numberOfTrailingZeros(coeff));
                    w.op(0x74, "i32.shl");
                }
            } else {
                w.i32Const((int) coeff);
                w.op(0x6C, "i32.mul");
            }
            w.op(0x6A, "i32.add");
        }
    }

    /**
     * A row of threads: the fast loop when its preconditions hold, else {@code general}. {@code rowState}
     * (fission only) holds two locals for the row's first {@code fp} and {@code linear}, which the fast
     * loop computes from threadIdx.x and leaves as the general row would.
     */
    private void versionedRow(FastRow row, Runnable thread, int[] rowState, RowCopy copy, RowVector vector,
            RowAccumulate accumulate, Runnable general) {
        int tx = threadCounters[0];
        int[] range = rowRange(row);
        int lo = range[0];
        int hi = range[1];
        int wild = range[2];
        if (rowState == null) {
            hostRows.skipGridDone(lo, hi);
        }
        get(wild);
        w.op(0x45, "i32.eqz");
        w.ifThen(label("fast"), null);
        if (rowState != null) {
            if (frameSize > 0) {
                get(fpLocal);
                set(rowState[0]);
            }
            if (tracksLinear) {
                get(linearLocal);
                set(rowState[1]);
            }
        }
        get(lo);
        get(hi);
        w.op(0x48, "i32.lt_s");
        w.ifThen(label("passing"), null);
        if (copy != null) {
            hostRows.bulkCopy(row, copy, lo, hi);
        } else {
            get(lo);
            set(tx);
            if (vector != null) {
                hostRows.vectorRow(row, vector, lo, hi);
            } else if (accumulate != null) {
                hostRows.vectorAccumulate(row, accumulate, lo, hi, rowState);
            }
        }
        if (accumulate != null) {
            // the host may have run every thread (vectorAccumulate)
            get(tx);
            get(hi);
            w.op(0x48, "i32.lt_s");
            w.ifThen(label("rest"), null);
        }
        String loop = label("fx");
        w.loop(loop);
        thread.run();
        boundedBackEdge();
        get(tx);
        w.i32Const(1);
        w.op(0x6A, "i32.add");
        tee(tx);
        get(hi);
        w.op(0x48, "i32.lt_s");
        w.brIf(loop);
        w.end();
        if (accumulate != null) {
            w.end();
        }
        w.end();
        if (rowState != null) {
            if (frameSize > 0) {
                get(rowState[0]);
                get(blockDims[0]);
                w.i32Const(frameSize);
                w.op(0x6C, "i32.mul");
                w.op(0x6A, "i32.add");
                set(fpLocal);
            }
            if (tracksLinear) {
                get(rowState[1]);
                get(blockDims[0]);
                w.op(0x6A, "i32.add");
                set(linearLocal);
            }
        }
        w.elseBranch();
        general.run();
        w.end();
    }


    /** One thread of a fast row; {@code rowState} as for {@link #versionedRow}, null in a runner without regions. */
    private void fastThread(FastRow row, int[] rowState, java.util.Collection<KLocal> load, List<KLocal> written) {
        int tx = threadCounters[0];
        if (rowState != null) {
            if (frameSize > 0) {
                get(rowState[0]);
                get(tx);
                w.i32Const(frameSize);
                w.op(0x6C, "i32.mul");
                w.op(0x6A, "i32.add");
                set(fpLocal);
            }
            if (tracksLinear) {
                get(rowState[1]);
                get(tx);
                w.op(0x6A, "i32.add");
                set(linearLocal);
            }
        }
        String end = label("thread_end");
        if (rowState != null) {
            threadEnds.push(end);
        } else {
            returnTarget = end;
        }
        w.block(end, null);
        for (KLocal l : load) {
            get(fpLocal);
            loadScalar(l.type(), frameSlots.get(l));
            set(registers.get(l));
        }
        FastRow outer = fast;
        fast = row;
        block(row.body);
        fast = outer;
        w.end();
        if (rowState != null) {
            threadEnds.pop();
        }
        for (KLocal l : written) {
            get(fpLocal);
            get(registers.get(l));
            storeScalar(l.type(), frameSlots.get(l));
        }
    }

    /**
     * Emits the row's preconditions: returns locals {lo, hi, wild} with the passing threads [lo, hi) and
     * wild non-zero when the fast loop must not run (an index could wrap, or a check could fail); sets the
     * hoisted pointers' locals.
     */
    private int[] rowRange(FastRow row) {
        int bdx = blockDims[0];
        int lo = addLocal(ValType.I32, "x_lo");
        int hi = addLocal(ValType.I32, "x_hi");
        int wild = addLocal(ValType.I32, "x_wild");
        w.i32Const(0);
        set(wild);
        int[] range = threadRange(bdx, row.guard == null ? List.of() : row.guard.invariants(),
                row.guard == null ? List.of() : row.guard.bounds(), wild);
        int lo64 = range[0];
        int hi64 = range[1];
        get(lo64);
        w.op(0xA7, "i32.wrap_i64");
        set(lo);
        get(hi64);
        w.op(0xA7, "i32.wrap_i64");
        set(hi);
        int last64 = addLocal(ValType.I64, "x_last");
        get(hi64);
        w.i64Const(1);
        w.op(0x7D, "i64.sub");
        set(last64);
        for (Map.Entry<ThreadAffine.Pointer, Boolean> e : row.chains.entrySet()) {
            hoistPointer(e.getKey(), row, e.getValue() ? null : new int[] {lo64, last64}, wild);
        }
        return new int[] {lo, hi, wild};
    }

    /**
     * Emits the thread indices {@code [lo, hi)} of a dimension of size {@code dim} (an i32 local) for
     * which every one of {@code invariants} and {@code bounds} holds, as two new i64 locals, each within
     * {@code [0, dim]}; sets {@code wild} where a bound's index could wrap ({@link #narrowToBound}).
     */
    int[] threadRange(int dim, List<KExpr> invariants, List<RowGuard.Bound> bounds, int wild) {
        int lo64 = addLocal(ValType.I64, "x_lo64");
        int hi64 = addLocal(ValType.I64, "x_hi64");
        int dim64 = addLocal(ValType.I64, "x_dim");
        get(dim);
        w.op(0xAC, "i64.extend_i32_s");
        tee(dim64);
        set(hi64);
        w.i64Const(0);
        set(lo64);
        for (KExpr c : invariants) {
            get(hi64);
            w.i64Const(0);
            condition(c);
            w.select();
            set(hi64);
        }
        for (RowGuard.Bound b : bounds) {
            narrowToBound(b, dim64, BLOCK_DIMENSION_MAX, lo64, hi64, wild);
        }
        // lo in [0, dim] (it only grew from 0), hi in [0, dim] (it only shrank from dim)
        minInto(lo64, dim64, 0);
        int zero = addLocal(ValType.I64, "x_zero");
        w.i64Const(0);
        set(zero);
        maxInto(hi64, zero, 0);
        return new int[] {lo64, hi64};
    }

    /** A block's dimension is at most this many threads. */
    private static final long BLOCK_DIMENSION_MAX = 1024;

    /**
     * Narrows {@code [lo64, hi64)} (i64 locals) to the indices {@code i} in {@code [0, end64)} (an i64
     * local, at most {@code mostEnd}: a block dimension's threads, or a grid row's global indices) for
     * which {@code base + i op value} holds, and sets {@code wild} where {@code base + i} could wrap
     * over that range (then the range would not be the guard's).
     */
    void narrowToBound(RowGuard.Bound b, int end64, long mostEnd, int lo64, int hi64, int wild) {
        int u = addLocal(ValType.I64, "x_guard");
        expr(b.lhs().base());
        widen(b.unsigned());
        set(u);
        // base + index must not wrap for any index; where the base's known range leaves room for the
        // most the end can be, the check is not emitted
        IndexRanges.Range known = ranges.of(b.lhs().base());
        boolean noWrap = b.unsigned() ? fits(known, 0, 0xFFFF_FFFFL - mostEnd)
                : fits(known, Integer.MIN_VALUE, Integer.MAX_VALUE - mostEnd);
        if (!noWrap) {
            get(u);
            get(end64);
            w.op(0x7C, "i64.add");
            w.i64Const(b.unsigned() ? -1 : (1L << 31) - 1);
            w.op(0x7C, "i64.add");
            w.i64Const(32);
            w.op(0x88, "i64.shr_u");
            flagNonZero(wild);
        }
        // the passing threads: index op value - base
        int d = addLocal(ValType.I64, "x_bound");
        expr(b.value());
        widen(b.unsigned());
        get(u);
        w.op(0x7D, "i64.sub");
        set(d);
        switch (b.op()) {
            case LT -> minInto(hi64, d, 0);
            case LE -> minInto(hi64, d, 1);
            case GT -> maxInto(lo64, d, 1);
            case GE -> maxInto(lo64, d, 0);
            case EQ -> {
                maxInto(lo64, d, 0);
                minInto(hi64, d, 1);
            }
            default -> throw new IllegalStateException(b.op().name());
        }
    }

    /**
     * The row value of a pointer (at threadIdx.x = 0) into a new local, and the checks at the row's ends:
     * each index within its type (no wrap), the address within [0, 2^31), where the general code checks
     * the pointer an access adds its immediate to (Chicory rejects the sum from 2^31, in both).
     * {@code ends} null: no checks, as in the general code (which then computes the same 32 bits).
     */
    private void hoistPointer(ThreadAffine.Pointer p, FastRow row, int[] ends, int wild) {
        int base = addLocal(ValType.I32, label("row_ptr"));
        expr(p.root());
        for (ThreadAffine.Term t : p.terms()) {
            if (expr(t.index().base()) == ValType.I64) {
                w.op(0xA7, "i32.wrap_i64"); // a 64-bit invariant of an address made from integers: its low half
            }
            if (Integer.bitCount(t.stride()) == 1) {
                if (t.stride() > 1) {
                    w.i32Const(Integer.numberOfTrailingZeros(t.stride()));
                    w.op(0x74, "i32.shl");
                }
            } else {
                w.i32Const(t.stride());
                w.op(0x6C, "i32.mul");
            }
            w.op(0x6A, "i32.add");
        }
        set(base);
        row.bases.put(p, base);
        if (ends == null) {
            return; // the general code does not check it either
        }
        int address = addLocal(ValType.I64, "row_addr");
        expr(p.root());
        widen(true);
        set(address);
        for (ThreadAffine.Term t : p.terms()) {
            int v = addLocal(ValType.I64, "row_index");
            if (expr(t.index().base()) == ValType.I32) {
                widen(!t.signed());
            }
            set(v);
            get(address);
            get(v);
            w.i64Const(t.stride());
            w.op(0x7E, "i64.mul");
            w.op(0x7C, "i64.add");
            set(address);
            if (t.index().coeff() != 0) {
                for (int end : ends) {
                    get(v);
                    get(end);
                    w.i64Const(t.index().coeff());
                    w.op(0x7E, "i64.mul");
                    w.op(0x7C, "i64.add");
                    flagOutsideType(t.signed(), wild);
                }
            }
        }
        long coeff = p.coeff();
        for (int end : coeff != 0 ? ends : new int[] {-1}) {
            get(address);
            if (end >= 0) {
                get(end);
                w.i64Const(coeff);
                w.op(0x7E, "i64.mul");
                w.op(0x7C, "i64.add");
            }
            w.i64Const(31);
            w.op(0x88, "i64.shr_u");
            flagNonZero(wild);
        }
    }

    /**
     * Sets {@code flag} when the i64 on the stack, an index's exact value, lies outside its 32-bit type
     * (signed: [-2^31, 2^31); unsigned: [0, 2^32)): then the index wrapped, and the general code, which
     * extends it as it is, would compute another address. Shifts only (Chicory makes a comparison a call).
     */
    void flagOutsideType(boolean signed, int flag) {
        if (signed) {
            w.i64Const(1L << 31);
            w.op(0x7C, "i64.add");
        }
        w.i64Const(32);
        w.op(0x88, "i64.shr_u");
        flagNonZero(flag);
    }

    /** The i32 on the stack to i64, zero- or sign-extended. */
    void widen(boolean unsigned) {
        w.op(0xAC, "i64.extend_i32_s");
        if (unsigned) {
            w.i64Const(0xFFFF_FFFFL);
            w.op(0x83, "i64.and");
        }
    }

    /** {@code flag |= (i64 on the stack != 0)}. */
    void flagNonZero(int flag) {
        w.op(0x50, "i64.eqz");
        w.op(0x45, "i32.eqz");
        get(flag);
        w.op(0x72, "i32.or");
        set(flag);
    }

    /** {@code target = min(target, value + add)}, signed i64. */
    void minInto(int target, int value, long add) {
        boundInto(target, value, add, 0x53, "i64.lt_s");
    }

    /** {@code target = max(target, value + add)}, signed i64. */
    void maxInto(int target, int value, long add) {
        boundInto(target, value, add, 0x55, "i64.gt_s");
    }

    /** {@code target = (target CMP value + add) ? target : value + add}: min with lt_s, max with gt_s. */
    private void boundInto(int target, int value, long add, int compareOpcode, String compareName) {
        for (int copy = 0; copy < 2; copy++) {
            get(target);
            get(value);
            if (add != 0) {
                w.i64Const(add);
                w.op(0x7C, "i64.add");
            }
        }
        w.op(compareOpcode, compareName);
        w.select();
        set(target);
    }

    // ------------------------------------------------------------------ statements

    /**
     * Emits a block's statements, each with a source position for the address checks in it: its own
     * first load, store or pointer addition with one, else that of a statement after it (the front end
     * puts temporaries, such as a cast pointer, right before the statement that uses them).
     */
    void block(KBlock b) {
        List<KStmt> statements = b.statements();
        if (!checks) {
            for (KStmt s : statements) {
                budget.checkpoint(fn.pos());
                statement(s);
            }
            return;
        }
        SourcePos[] positions = new SourcePos[statements.size() + 1];
        positions[statements.size()] = sitePos;
        for (int i = statements.size() - 1; i >= 0; i--) {
            SourcePos own = firstPosition(statements.get(i));
            positions[i] = own != null ? own : positions[i + 1];
        }
        SourcePos outer = sitePos;
        for (int i = 0; i < statements.size(); i++) {
            budget.checkpoint(fn.pos());
            sitePos = positions[i];
            if (i + 1 < statements.size() && forwardable(statements.get(i), statements.get(i + 1))) {
                // t = p + i; store t <- v: the address goes to the store itself, where its check is cheaper
                KStmt.Assign temp = (KStmt.Assign) statements.get(i);
                sitePos = positions[i + 1];
                statement(forward(temp, statements.get(i + 1)));
                i++;
                continue;
            }
            statement(statements.get(i));
        }
        sitePos = outer;
    }

    /**
     * Whether {@code t = p + i} can be substituted into the store that follows it: the front end keeps
     * the address of an assignment's target in such a temporary, and as a pointer value it would need
     * a check of the whole address, while as a store's address only its offset is checked, once for
     * all accesses with the same index. The temporary must be a plain register read nowhere else, and
     * the address free of loads and calls (it is computed at each use).
     */
    boolean forwardable(KStmt first, KStmt next) {
        if (!checks || memcheck || !(first instanceof KStmt.Assign a) || !(a.value() instanceof KExpr.PtrAdd)
                || !(next instanceof KStmt.Store store) || !registers.containsKey(a.target())
                || a.target().isThreadContext() || a.target().isParam() || flowing.contains(a.target())
                || low32.contains(a.target())) {
            return false;
        }
        boolean[] pure = {true};
        KirWalk.expression(a.value(), e -> {
            if (e instanceof KExpr.Load || e instanceof KExpr.Call || e instanceof KExpr.Atomic
                    || e instanceof KExpr.LocalGet g && g.local() == a.target()) {
                pure[0] = false;
            }
        });
        int[] inNext = {0};
        KirWalk.expressions(new KBlock(List.of(store)), e -> {
            if (e instanceof KExpr.LocalGet g && g.local() == a.target()) {
                inNext[0]++;
            }
        });
        return pure[0] && inNext[0] > 0 && inNext[0] == reads().getOrDefault(a.target(), 0);
    }

    KStmt forward(KStmt.Assign temp, KStmt next) {
        return new io.cudawasm.kernels.kir.KirRewriter() {
            @Override
            public KExpr expr(KExpr e) {
                return e instanceof KExpr.LocalGet g && g.local() == temp.target() ? temp.value() : super.expr(e);
            }
        }.stmt(next).get(0);
    }

    private Map<KLocal, Integer> readCounts;

    /** How often each local is read in the function (computed on first use). */
    private Map<KLocal, Integer> reads() {
        if (readCounts == null) {
            readCounts = new HashMap<>();
            KirWalk.expressions(fn.body(), e -> {
                if (e instanceof KExpr.LocalGet g) {
                    readCounts.merge(g.local(), 1, Integer::sum);
                } else if (e instanceof KExpr.ThreadSlot t) {
                    readCounts.merge(t.local(), 1, Integer::sum);
                } else if (e instanceof KExpr.LocalAddr l) {
                    readCounts.merge(l.local(), 1, Integer::sum);
                }
            });
        }
        return readCounts;
    }

    private static SourcePos firstPosition(KStmt s) {
        if (s instanceof KStmt.Store st && st.pos() != null) {
            return st.pos();
        }
        SourcePos[] found = {null};
        KirWalk.expressions(new KBlock(List.of(s)), e -> {
            if (found[0] == null) {
                found[0] = e instanceof KExpr.Load l ? l.pos() : e instanceof KExpr.PtrAdd p ? p.pos()
                        : e instanceof KExpr.Atomic a ? a.pos() : null;
            }
        });
        return found[0];
    }

    private void statement(KStmt s) {
        forgetOffsets();
        emitStatement(s);
        forgetOffsets();
    }

    private void emitStatement(KStmt s) {
        if (s instanceof KStmt.Assign a) {
            assign(a.target(), a.value());
        } else if (s instanceof KStmt.Store st) {
            store(st.address(), st.value(), st.pos());
        } else if (s instanceof KStmt.Eval e) {
            ValType t = expr(e.expr());
            if (t != null) {
                w.drop();
            }
        } else if (s instanceof KStmt.If i) {
            expr(i.condition());
            w.ifThen(label("if"), null);
            block(i.then());
            if (!i.otherwise().isEmpty()) {
                w.elseBranch();
                block(i.otherwise());
            }
            w.end();
        } else if (s instanceof KStmt.Loop l) {
            if (!(outlineRegions && callLoopRegion(l))) {
                hostRows.treeOrLoop(l);
            }
        } else if (s instanceof KStmt.Switch sw) {
            switchStatement(sw);
        } else if (s instanceof KStmt.Break) {
            w.br(breakTargets.peek());
        } else if (s instanceof KStmt.Continue) {
            w.br(continueTargets.peek());
        } else if (s instanceof KStmt.Return r) {
            returnStatement(r);
        } else if (s instanceof KStmt.Nested n) {
            block(n.block());
        } else if (s instanceof KStmt.Fence) {
            w.atomicFence();
        } else if (s instanceof KStmt.Trap t) {
            trap(t.code(), t.pos());
        } else if (s instanceof KStmt.ThreadLoop t) {
            threadLoop(t.body());
        } else if (s instanceof KStmt.ExitThread) {
            w.br(threadEnds.peek());
        } else if (s instanceof KStmt.Barrier b && independent) {
            new ThreadCalls(this, w, module).barrier(b);
        } else if (s instanceof KStmt.Barrier b && b.kind() == BarrierKind.GRID && threadEnds.isEmpty()) {
            hostBarrier(KernelAbi.GRID_SYNC, b.pos());
        } else if (s instanceof KStmt.Barrier b && b.kind() == BarrierKind.CLUSTER && threadEnds.isEmpty()) {
            hostBarrier(KernelAbi.CLUSTER_SYNC, b.pos());
        } else if (s instanceof KStmt.Barrier b) {
            throw CompileException.at(b.pos(), "internal: barrier reached the Wasm emitter without region fission");
        } else {
            throw new IllegalStateException("unhandled statement " + s);
        }
    }

    /**
     * A grid or cluster barrier, once per block between its thread loops: the host's trap function
     * with {@link KernelAbi#GRID_SYNC} ({@link KernelAbi#CLUSTER_SYNC}) returns once every block of
     * the cooperative launch (of the block's cluster) has called it, or throws, ending the block,
     * when the launch failed or was stopped meanwhile.
     */
    private void hostBarrier(int code, SourcePos pos) {
        boolean ownFile = pos != null && fn.pos() != null && pos.fileName().equals(fn.pos().fileName());
        w.i32Const(code);
        w.i32Const(ownFile ? pos.line() : 0);
        w.call(module.trapFunction(), "env.__cw_trap");
    }

    /** Tells the host a thread reads the word at the address in {@code addressLocal}, maybe waiting on it ({@link KernelAbi#SPIN_WAIT}). */
    void spinHint(int addressLocal) {
        w.i32Const(KernelAbi.SPIN_WAIT);
        getLocal(addressLocal);
        w.call(module.trapFunction(), "env.__cw_trap");
    }

    private void trap(int code, SourcePos pos) {
        w.i32Const(code);
        // the host reports the line against the module's file: a line of another file (a header, the
        // CUDA source of PTX line information) would name the wrong place
        boolean ownFile = pos != null && fn.pos() != null && pos.fileName().equals(fn.pos().fileName());
        w.i32Const(ownFile ? pos.line() : 0);
        w.call(module.trapFunction(), "env.__cw_trap");
        w.unreachable();
    }

    private void returnStatement(KStmt.Return r) {
        if (fn.isKernel()) {
            w.br(returnTarget);
            return;
        }
        if (r.value() != null) {
            if (fn.returnType() instanceof StructType st) {
                copyStruct(() -> w.localGet(sretParam, "sret"), 0, r.value(), st.size());
            } else {
                expr(r.value());
                if (retLocal >= 0) {
                    set(retLocal);
                }
            }
        }
        if (returnTarget != null) {
            w.br(returnTarget);
        } else {
            w.ret();
        }
    }

    private boolean containsContinue(KBlock b) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Continue) {
                return true;
            }
            if (s instanceof KStmt.If i && (containsContinue(i.then()) || containsContinue(i.otherwise()))) {
                return true;
            }
            if (s instanceof KStmt.Nested n && containsContinue(n.block())) {
                return true;
            }
            if (s instanceof KStmt.Switch sw) {
                for (KStmt.Case c : sw.cases()) {
                    if (containsContinue(c.body())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * A loop. One with a bounded trip count is tested at the bottom: {@code while (c) body} is emitted as
     * {@code if (c) do body while (c)}, the shape HotSpot turns into a counted loop (tested at the top, with
     * an unconditional branch back, it stayed a general loop with a safepoint poll and no unrolling). The
     * others keep Chicory's interrupt check, which stops that anyway, and there the top-tested shape
     * measured faster (the naive matmul's inner loop by 20 %).
     */
    void loop(KStmt.Loop l) {
        String brk = label("brk");
        String top = label("loop");
        String cont = label("cont");
        boolean alwaysTrue = l.condition() instanceof KExpr.IntConst c && c.value() != 0;
        boolean bounded = counted(l) && plain(l.condition());
        w.block(brk, null);
        // tested at the bottom only when its interrupt check goes (bounded): with the check left in, the
        // top-tested shape ran the naive matmul's inner loop 20 % faster
        boolean invert = bounded;
        if (!invert) {
            w.loop(top);
        }
        if (!l.doWhile() && !alwaysTrue) {
            condition(l.condition());
            w.op(0x45, "i32.eqz");
            w.brIf(brk);
        }
        if (invert) {
            w.loop(top);
        }
        breakTargets.push(brk);
        continueTargets.push(cont);
        boolean needCont = containsContinue(l.body());
        if (needCont) {
            w.block(cont, null);
        }
        block(l.body());
        if (needCont) {
            w.end();
        }
        breakTargets.pop();
        continueTargets.pop();
        block(l.step());
        forgetOffsets(); // the condition again: nothing checked before the body may be reused after it
        if (bounded) {
            boundedBackEdge();
        }
        if (alwaysTrue || !invert && !l.doWhile()) {
            w.br(top);
        } else {
            condition(l.condition());
            w.brIf(top);
        }
        w.end();
        w.end();
    }

    /** No memory access or call: nothing of Chicory's (no interrupt check) between a bounded mark and its branch. */
    static boolean plain(KExpr e) {
        boolean[] plain = {true};
        KirWalk.expression(e, x -> plain[0] &= !(x instanceof KExpr.Load || x instanceof KExpr.Call
                || x instanceof KExpr.Atomic || x instanceof KExpr.Math || x instanceof KExpr.IntrinsicCall
                || x instanceof KExpr.LocalGet g && g.local().needsMemory()));
        return plain[0];
    }

    /** Loops that run at most this many times may drop their interrupt check ({@link #boundedBackEdge}). */
    private static final long MAX_BOUNDED_TRIPS = 4096;

    /**
     * Whether a loop certainly runs at most {@link #MAX_BOUNDED_TRIPS} times: its step is {@code k = k + c}
     * ({@code c} a non-zero constant) and nothing else assigns k, so k moves by at least 1 each time
     * round, and the index ranges bound every value k takes to an interval that few steps cross; or its
     * step halves a counter that is never negative and the loop runs while the counter is above a constant.
     */
    private boolean counted(KStmt.Loop l) {
        if (ranges == null || l.step().statements().size() != 1
                || !(l.step().statements().get(0) instanceof KStmt.Assign step)
                || !(step.value() instanceof KExpr.Binary b) || !(b.left() instanceof KExpr.LocalGet g)
                || g.local() != step.target() || !(b.right() instanceof KExpr.IntConst c)
                || step.target().needsMemory() || !step.target().type().isInteger()) {
            return false;
        }
        if (assigned(l.body()).contains(step.target())) {
            return false;
        }
        IndexRanges.Range r = ranges.of(g);
        if (b.op() == KExpr.BinaryOp.SHR && c.value() >= 1 && c.value() < 64
                && (ThreadAffine.unsigned(step.target().type()) || r != null && r.lo() >= 0)) {
            // {@code while (k > L) k >>= c} with k never negative: k shrinks each time round and is zero after
            // 64 steps at most, which ends the loop when its condition is k > L (L >= 0) or k != 0
            return l.condition() instanceof KExpr.Binary cond && cond.left() instanceof KExpr.LocalGet cg
                    && cg.local() == step.target() && cond.right() instanceof KExpr.IntConst lim
                    && (cond.op() == KExpr.BinaryOp.GT && lim.value() >= 0 || cond.op() == KExpr.BinaryOp.NE
                    && lim.value() == 0);
        }
        long delta = b.op() == KExpr.BinaryOp.ADD ? c.value() : b.op() == KExpr.BinaryOp.SUB ? -c.value() : 0;
        if (delta == 0 || Math.abs(delta) > MAX_BOUNDED_TRIPS) {
            return false;
        }
        return r != null && r.within(-(1L << 40), 1L << 40) && (r.hi() - r.lo()) / Math.abs(delta) < MAX_BOUNDED_TRIPS;
    }

    void condition(KExpr c) {
        ValType t = expr(c);
        if (t != ValType.I32) {
            throw new IllegalStateException("condition of type " + t);
        }
    }

    private void switchStatement(KStmt.Switch sw) {
        String exit = label("sw_end");
        List<KStmt.Case> cases = sw.cases();
        int n = cases.size();
        String[] caseLabels = new String[n];
        for (int i = 0; i < n; i++) {
            caseLabels[i] = label("case");
        }
        ValType st = valType(sw.selector().type());
        int sel = scratch(st);
        w.block(exit, null);
        for (int i = n - 1; i >= 0; i--) {
            w.block(caseLabels[i], null);
        }
        expr(sw.selector());
        set(sel);
        String defaultTarget = exit;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (cases.get(i).isDefault()) {
                defaultTarget = caseLabels[i];
            }
            for (long v : cases.get(i).values()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                count++;
            }
        }
        boolean table = st == ValType.I32 && count > 3 && max - min < 1024 && max - min <= 4L * count + 8;
        if (table) {
            List<String> targets = new ArrayList<>();
            for (long v = min; v <= max; v++) {
                String t = defaultTarget;
                for (int i = 0; i < n; i++) {
                    if (cases.get(i).values().contains(v)) {
                        t = caseLabels[i];
                    }
                }
                targets.add(t);
            }
            get(sel);
            if (min != 0) {
                w.i32Const((int) min);
                w.op(0x6B, "i32.sub");
            }
            w.brTable(targets, defaultTarget);
        } else {
            for (int i = 0; i < n; i++) {
                for (long v : cases.get(i).values()) {
                    get(sel);
                    if (st == ValType.I32) {
                        w.i32Const((int) v);
                        w.op(0x46, "i32.eq");
                    } else {
                        w.i64Const(v);
                        w.op(0x51, "i64.eq");
                    }
                    w.brIf(caseLabels[i]);
                }
            }
            w.br(defaultTarget);
        }
        release(st, sel);
        breakTargets.push(exit);
        for (int i = 0; i < n; i++) {
            w.end();
            block(cases.get(i).body());
        }
        breakTargets.pop();
        w.end();
    }

    // ------------------------------------------------------------------ assignment and stores

    private void assign(KLocal target, KExpr value) {
        Integer reg = registers.get(target);
        if (reg != null) {
            if (low32.contains(target)) {
                lowHalf(value);
            } else {
                expr(value);
            }
            set(reg);
            return;
        }
        CType t = target.type();
        if (t instanceof StructType || t instanceof ArrayType) {
            if (value instanceof KExpr.Call call) {
                emitCall(call, () -> localAddress(target));
                return;
            }
            if (memcheck && value instanceof KExpr.Load l) {
                checker.checkedCopy(() -> localAddress(target), l, t.size());
                return;
            }
            copyStruct(() -> localAddress(target), 0, value, t.size());
            return;
        }
        localAddress(target);
        expr(value);
        storeScalar(t, 0);
    }

    private void localAddress(KLocal l) {
        Integer ap = addressParams.get(l);
        if (ap != null) {
            get(ap);
            return;
        }
        Integer slot = frameSlots.get(l);
        if (slot == null) {
            throw new IllegalStateException("local " + l + " has no memory slot");
        }
        get(fpLocal);
        if (slot != 0) {
            w.i32Const(slot);
            w.op(0x6A, "i32.add");
        }
    }

    private void store(KExpr address, KExpr value, SourcePos pos) {
        SourcePos outer = enterSite(pos);
        try {
            store(address, value);
        } finally {
            sitePos = outer;
        }
    }

    private void store(KExpr address, KExpr value) {
        CType t = ((PointerType) address.type()).pointee();
        if (memcheck) {
            checker.checkedStore(address, value, t);
            return;
        }
        if (t instanceof StructType || t instanceof ArrayType) {
            Folded f = fold(address);
            copyStruct(() -> emitAccessBase(f), f.offset, value, t.size());
            return;
        }
        Folded f = fold(address);
        if (fastBase(f) != null) {
            fastAddress(f);
            expr(value);
            storeScalar(t, f.offset);
            return;
        }
        emitAccessBase(f);
        expr(value);
        storeScalar(t, f.offset);
    }

    /** Copies {@code size} bytes from the struct value's address to {@code dst + dstOffset}. */
    private void copyStruct(Runnable dst, long dstOffset, KExpr value, int size) {
        Folded src = structSource(value);
        copyBytes(dst, dstOffset, () -> emitAccessBase(src), src.offset, size);
    }

    private Folded structSource(KExpr value) {
        if (value instanceof KExpr.Load l) {
            return fold(l.address());
        }
        if (value instanceof KExpr.LocalGet lg) {
            return fold(new KExpr.LocalAddr(lg.local(), new PointerType(lg.local().type())));
        }
        throw new IllegalStateException("unexpected struct value " + value);
    }

    private void copyBytes(Runnable dst, long dstOffset, Runnable src, long srcOffset, int size) {
        int d = scratch(ValType.I32);
        int s = scratch(ValType.I32);
        dst.run();
        set(d);
        src.run();
        set(s);
        int done = 0;
        while (done < size) {
            int chunk = size - done >= 8 ? 8 : size - done >= 4 ? 4 : size - done >= 2 ? 2 : 1;
            get(d);
            get(s);
            switch (chunk) {
                case 8 -> {
                    w.memory(0x29, "i64.load", 0, srcOffset + done);
                    w.memory(0x37, "i64.store", 0, dstOffset + done);
                }
                case 4 -> {
                    w.memory(0x28, "i32.load", 0, srcOffset + done);
                    w.memory(0x36, "i32.store", 0, dstOffset + done);
                }
                case 2 -> {
                    w.memory(0x2F, "i32.load16_u", 0, srcOffset + done);
                    w.memory(0x3B, "i32.store16", 0, dstOffset + done);
                }
                default -> {
                    w.memory(0x2D, "i32.load8_u", 0, srcOffset + done);
                    w.memory(0x3A, "i32.store8", 0, dstOffset + done);
                }
            }
            done += chunk;
        }
        release(ValType.I32, s);
        release(ValType.I32, d);
    }

    private static int alignLog2(int size) {
        return Integer.numberOfTrailingZeros(Math.max(1, size));
    }

    void loadScalar(CType t, long offset) {
        if (t instanceof PointerType) {
            if (checks) {
                // all 8 bytes: a pointer whose high half is set (written as an integer, or passed in a
                // struct argument) must not be taken for the address in its low half
                w.memory(0x29, "i64.load", 3, offset);
                checkedAddress(sitePos);
                return;
            }
            w.memory(0x28, "i32.load", 2, offset);
            return;
        }
        ScalarKind k = ((ScalarType) t).kind();
        switch (k) {
            case BOOL, UCHAR -> w.memory(0x2D, "i32.load8_u", 0, offset);
            case CHAR, SCHAR -> w.memory(0x2C, "i32.load8_s", 0, offset);
            case SHORT -> w.memory(0x2E, "i32.load16_s", 1, offset);
            case USHORT -> w.memory(0x2F, "i32.load16_u", 1, offset);
            case INT, UINT -> w.memory(0x28, "i32.load", 2, offset);
            case LONG, ULONG, LONGLONG, ULONGLONG -> w.memory(0x29, "i64.load", 3, offset);
            case FLOAT -> w.memory(0x2A, "f32.load", 2, offset);
            case DOUBLE -> w.memory(0x2B, "f64.load", 3, offset);
            default -> throw new IllegalStateException(k.name());
        }
    }

    private void storeScalar(CType t, long offset) {
        if (t instanceof PointerType) {
            // pointers occupy 8 bytes in memory, as on the GPU
            w.op(0xAD, "i64.extend_i32_u");
            w.memory(0x37, "i64.store", 3, offset);
            return;
        }
        ScalarKind k = ((ScalarType) t).kind();
        switch (k) {
            case BOOL, UCHAR, CHAR, SCHAR -> w.memory(0x3A, "i32.store8", 0, offset);
            case SHORT, USHORT -> w.memory(0x3B, "i32.store16", 1, offset);
            case INT, UINT -> w.memory(0x36, "i32.store", 2, offset);
            case LONG, ULONG, LONGLONG, ULONGLONG -> w.memory(0x37, "i64.store", 3, offset);
            case FLOAT -> w.memory(0x38, "f32.store", 2, offset);
            case DOUBLE -> w.memory(0x39, "f64.store", 3, offset);
            default -> throw new IllegalStateException(k.name());
        }
    }

    // ------------------------------------------------------------------ addresses

    /** An address split into a dynamic base and a constant offset for the memarg immediate. */
    record Folded(KExpr base, Base kind, long offset) {}

    enum Base { EXPR, ZERO, FRAME, SHARED, ADDRESS_PARAM }

    Folded fold(KExpr address) {
        if (address instanceof KExpr.FieldAddr f) {
            Folded inner = fold(f.structPointer());
            return withOffset(inner, f.field().offset(), address);
        }
        if (address instanceof KExpr.PtrAdd p && p.index() instanceof KExpr.IntConst c) {
            long delta = c.value() * ((PointerType) p.type()).stride();
            return withOffset(fold(p.pointer()), delta, address);
        }
        if (address instanceof KExpr.Convert c && c.operand().type() instanceof PointerType) {
            return fold(c.operand());
        }
        if (address instanceof KExpr.LocalAddr l) {
            if (addressParams.containsKey(l.local())) {
                return new Folded(address, Base.ADDRESS_PARAM, 0);
            }
            return new Folded(null, Base.FRAME, frameSlots.get(l.local()));
        }
        if (address instanceof KExpr.GlobalAddr g) {
            KGlobal global = g.global();
            if (global.space() == AddressSpace.SHARED) {
                return new Folded(null, Base.SHARED, module.sharedOffset(global));
            }
            return new Folded(null, Base.ZERO, module.staticOffset(global));
        }
        return new Folded(address, Base.EXPR, 0);
    }

    /**
     * Folds a constant into the offset immediate while it stays at most {@link #MAX_FOLDED_OFFSET}:
     * Chicory adds the immediate to the base as a Java int, so an immediate of 2^31 or more would
     * wrap onto a lower address instead of trapping. A base below 2^31 plus an immediate below 2^30
     * either is the true address or is negative as an int, which the memory rejects.
     */
    private Folded withOffset(Folded inner, long delta, KExpr whole) {
        long off = inner.offset + delta;
        if (off < 0 || off > MAX_FOLDED_OFFSET) {
            return new Folded(whole, Base.EXPR, 0);
        }
        return new Folded(inner.base, inner.kind, off);
    }

    private static boolean readsSpecial(KBlock body, SpecialReg reg) {
        boolean[] found = {false};
        KirWalk.expressions(body, e -> {
            if (e instanceof KExpr.Special s && s.reg() == reg) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /** Copies the shared-memory base into a local when the function touches shared memory. */
    private void cacheSharedBase(KBlock scope) {
        if (usesShared(scope)) {
            sharedBaseLocal = addLocal(ValType.I32, "shared_base");
            w.globalGet(WasmEmitter.G_SHARED_BASE, "shared_base");
            set(sharedBaseLocal);
        }
    }

    private static boolean usesShared(KBlock scope) {
        boolean[] shared = {false};
        KirWalk.expressions(scope, e -> {
            if (e instanceof KExpr.GlobalAddr g && g.global().space() == AddressSpace.SHARED) {
                shared[0] = true;
            }
        });
        return shared[0];
    }

    private void emitBase(Folded f) {
        switch (f.kind) {
            case ZERO -> w.i32Const(0);
            case FRAME -> get(fpLocal);
            case SHARED -> get(sharedBaseLocal);
            case ADDRESS_PARAM -> localAddress(((KExpr.LocalAddr) f.base).local());
            case EXPR -> expr(f.base);
        }
    }

    private void emitAddress(KExpr address) {
        Folded f = fold(address);
        emitBase(f);
        if (f.offset != 0) {
            w.i32Const((int) f.offset);
            w.op(0x6A, "i32.add");
            if (checks && f.kind == Base.EXPR) {
                // a pointer below 2^31 plus at most 2^30 is exact in 32 bits; it must stay below 2^31
                int sum = scratch(ValType.I32);
                tee(sum);
                w.i32Const(31);
                w.op(0x76, "i32.shr_u"); // the sign bit
                w.ifThen(label("wild"), null);
                addressFault(sum, ValType.I32, sitePos);
                w.end();
                get(sum);
                release(ValType.I32, sum);
            }
        }
    }

    /** Makes {@code pos} (or, when null, the enclosing one) the current site; returns the previous. */
    private SourcePos enterSite(SourcePos pos) {
        SourcePos outer = sitePos;
        if (pos != null) {
            sitePos = pos;
        }
        return outer;
    }

    private ValType load(KExpr.Load l) {
        CType t = l.type();
        if (t instanceof StructType || t instanceof ArrayType) {
            emitAddress(l.address());
            return ValType.I32;
        }
        if (memcheck) {
            return checker.checkedLoad(l, t);
        }
        Folded f = fold(l.address());
        if (fastBase(f) != null) {
            fastAddress(f);
            loadScalar(t, f.offset);
            return valType(t);
        }
        emitAccessBase(f);
        loadScalar(t, f.offset);
        return valType(t);
    }

    /**
     * The base address of a load, store or struct copy (its offset immediate follows). A chain of
     * pointer additions that only feeds the access is computed as its base pointer plus one 32-bit
     * byte offset: the offset's sum is formed in 64 bits and must lie in [-2^31, 2^31), and then the
     * 32-bit address is either the true one or at least 2^31, where the memory rejects it. Checking
     * the offset alone, not the address, lets the JIT share the check between accesses with the same
     * index into different buffers ({@code y[i] = a * x[i] + y[i]} checks {@code i} once).
     */
    private void emitAccessBase(Folded f) {
        if (f.kind == Base.EXPR && checks && !memcheck && f.base instanceof KExpr.PtrAdd top) {
            Chain chain = Chain.of(top);
            emitAddress(chain.root());
            IndexRanges.Range known = offsetRange(chain);
            if (known != null && known.within(Integer.MIN_VALUE, Integer.MAX_VALUE)) {
                addOffsets32(chain); // the offset provably fits: no check
                return;
            }
            List<OffsetKey> key = chain.adds().stream()
                    .map(p -> new OffsetKey(p.index(), ((PointerType) p.type()).stride())).toList();
            Integer checked = offsets.get(key);
            if (checked != null) {
                get(checked); // checked already by an access before this one in the statement
                w.op(0x6A, "i32.add");
                return;
            }
            if (chain.adds().size() == 1 && narrowOffset(chain.adds().get(0), key, top)) {
                return;
            }
            for (int i = 0; i < chain.adds().size(); i++) {
                byteOffset64(chain.adds().get(i).index(), ((PointerType) chain.adds().get(i).type()).stride());
                if (i > 0) {
                    w.op(0x7C, "i64.add");
                }
            }
            int offset = scratch(ValType.I64);
            // (offset + 2^31) >>> 32 is 0 exactly when the offset lies in [-2^31, 2^31); no comparison,
            // which Chicory makes a method call
            tee(offset);
            w.i64Const(1L << 31);
            w.op(0x7C, "i64.add");
            w.i64Const(32);
            w.op(0x88, "i64.shr_u");
            w.op(0xA7, "i32.wrap_i64");
            w.ifThen(label("wild"), null);
            addressFault(offset, ValType.I64, top.pos() != null ? top.pos() : sitePos);
            w.end();
            get(offset);
            w.op(0xA7, "i32.wrap_i64");
            int kept = scratch(ValType.I32);
            tee(kept);
            offsets.put(key, kept);
            w.op(0x6A, "i32.add");
            release(ValType.I64, offset);
            return;
        }
        emitBase(f);
    }

    /**
     * The common case, one 32-bit index scaled by a power of two 2^k, checked in 32 bits: a signed
     * index i times 2^k fits [-2^31, 2^31) when (i + 2^(31-k)) >>> (32-k) is 0 (always, for k = 0), an
     * unsigned one when i >>> (31-k) is 0. Three JVM instructions instead of five in 64 bits. Leaves
     * the offset added to the pointer on the stack; false (nothing emitted) when the index does not fit
     * the case.
     */
    private boolean narrowOffset(KExpr.PtrAdd add, List<OffsetKey> key, KExpr.PtrAdd top) {
        int stride = ((PointerType) add.type()).stride();
        if (!(add.index().type() instanceof ScalarType t) || !t.isInteger() || t.size() > 4
                || Integer.bitCount(stride) != 1 || stride > 1 << 30) {
            return false;
        }
        int k = Integer.numberOfTrailingZeros(stride);
        boolean signed = t.kind().isSigned();
        int index = scratch(ValType.I32);
        expr(add.index());
        set(index);
        if (!signed || k > 0) {
            get(index);
            if (signed) {
                w.i32Const(1 << (31 - k));
                w.op(0x6A, "i32.add");
                w.i32Const(32 - k);
            } else {
                w.i32Const(31 - k);
            }
            w.op(0x76, "i32.shr_u");
            w.ifThen(label("wild"), null);
            addressFault(index, ValType.I32, top.pos() != null ? top.pos() : sitePos);
            w.end();
        }
        get(index);
        if (k > 0) {
            w.i32Const(k);
            w.op(0x74, "i32.shl");
        }
        int kept = scratch(ValType.I32);
        tee(kept);
        offsets.put(key, kept);
        w.op(0x6A, "i32.add");
        release(ValType.I32, index);
        return true;
    }

    /** The indices and strides of an access's pointer additions: accesses with equal keys have equal offsets. */
    private record OffsetKey(KExpr index, int stride) {}

    /**
     * Checked offsets (keyed by their indices and strides) and checked pointers made from integers
     * (keyed by the integer expression) of the statement being emitted, in locals, for the accesses
     * after them ({@code y[i] = a * x[i] + y[i]} checks {@code i * 4} once; PTX's
     * {@code st [%rd7]} after {@code ld [%rd7]} checks {@code %rd7} once). Within one statement no
     * local changes, so an expression has one value; what is found in code that may not run (a branch
     * of a conditional, the right side of {@code &&}) is not kept for what follows. In insertion order:
     * their locals are released, and then reused, in the same order in every run.
     */
    private Map<Object, Integer> offsets = new java.util.LinkedHashMap<>();

    private void forgetOffsets() {
        offsets.values().forEach(l -> release(ValType.I32, l));
        offsets = new java.util.LinkedHashMap<>();
    }

    /** Enters code that may not run: it may use the offsets known so far, but what it adds is dropped after. */
    private Map<Object, Integer> conditional() {
        Map<Object, Integer> outer = offsets;
        offsets = new java.util.LinkedHashMap<>(outer);
        return outer;
    }

    private void leaveConditional(Map<Object, Integer> outer) {
        offsets.forEach((k, l) -> {
            if (!outer.containsKey(k)) {
                release(ValType.I32, l);
            }
        });
        offsets = outer;
    }

    /** A chain of pointer additions (through pointer-to-pointer conversions) down to the pointer it starts from. */
    record Chain(KExpr root, List<KExpr.PtrAdd> adds) {
        static Chain of(KExpr.PtrAdd top) {
            List<KExpr.PtrAdd> adds = new ArrayList<>();
            KExpr root = top;
            while (true) {
                if (root instanceof KExpr.PtrAdd p) {
                    adds.add(p);
                    root = p.pointer();
                } else if (root instanceof KExpr.Convert c && c.operand().type() instanceof PointerType) {
                    root = c.operand();
                } else {
                    return new Chain(root, adds);
                }
            }
        }
    }

    /** The range of a chain's byte offset, from its indices' ranges; null when one is unknown. */
    private IndexRanges.Range offsetRange(Chain chain) {
        long lo = 0;
        long hi = 0;
        for (KExpr.PtrAdd p : chain.adds()) {
            IndexRanges.Range r = ranges.of(p.index());
            long stride = ((PointerType) p.type()).stride();
            if (r == null || !r.within(-(1L << 40), 1L << 40) || stride > 1 << 20) {
                return null;
            }
            lo += r.lo() * stride;
            hi += r.hi() * stride;
        }
        return new IndexRanges.Range(lo, hi);
    }

    /** Adds a chain's byte offsets in 32 bits to the pointer on the stack (exact when their sum fits an int). */
    private void addOffsets32(Chain chain) {
        for (KExpr.PtrAdd p : chain.adds()) {
            index(p.index(), ((PointerType) p.type()).stride());
            w.op(0x6A, "i32.add");
        }
    }

    /**
     * {@code index * stride} as an i64, the index extended by its own signedness: the byte offset
     * CUDA's 64-bit pointer arithmetic adds (a 64-bit index wraps at 2^64, as it does on the GPU).
     */
    private void byteOffset64(KExpr idx, int stride) {
        if (idx instanceof KExpr.IntConst c) {
            w.i64Const(c.value() * stride);
            return;
        }
        if (expr(idx) == ValType.I32) {
            extend(idx.type());
        }
        if (stride == 1) {
            return;
        }
        if (Integer.bitCount(stride) == 1) {
            w.i64Const(Integer.numberOfTrailingZeros(stride));
            w.op(0x86, "i64.shl");
        } else {
            w.i64Const(stride);
            w.op(0x7E, "i64.mul");
        }
    }

    /**
     * Turns the i64 address on the stack into an i32 pointer, trapping when it is not below
     * {@link KernelAbi#ADDRESS_LIMIT}: every pointer value then is its true address, so an access
     * through it either reaches that address or traps, and never another buffer.
     */
    private void checkedAddress(SourcePos pos) {
        int a = scratch(ValType.I64);
        // (a >>> 31) | (a >>> 32), cut to 32 bits, is 0 exactly when a lies in [0, 2^31): shifts and
        // ors are single JVM instructions in Chicory's code, where a comparison is a method call
        tee(a);
        w.i64Const(31);
        w.op(0x88, "i64.shr_u");
        w.op(0xA7, "i32.wrap_i64");
        get(a);
        w.i64Const(32);
        w.op(0x88, "i64.shr_u");
        w.op(0xA7, "i32.wrap_i64");
        w.op(0x72, "i32.or");
        w.ifThen(label("wild"), null);
        addressFault(a, ValType.I64, pos);
        w.end();
        get(a);
        w.op(0xA7, "i32.wrap_i64");
        release(ValType.I64, a);
    }

    /**
     * The cold path of a failed address check: the address (in local {@code address} of type
     * {@code type}) does not fit. A memcheck module reports it first, as a violation of the access
     * being emitted or as pointer arithmetic of its own.
     */
    private void addressFault(int address, ValType type, SourcePos pos) {
        if (memcheck) {
            checker.reportAddressFault(address, type, pos);
        }
        trap(KernelAbi.TRAP_ADDRESS, pos);
    }

    // ------------------------------------------------------------------ expressions

    /** Emits an expression; returns the Wasm type it leaves on the stack (null for none). */
    ValType expr(KExpr e) {
        if (e instanceof KExpr.IntConst c) {
            if (valType(c.type()) == ValType.I64) {
                w.i64Const(c.value());
                return ValType.I64;
            }
            w.i32Const((int) c.value());
            return ValType.I32;
        }
        if (e instanceof KExpr.FloatConst f) {
            if (f.type().kind() == ScalarKind.FLOAT) {
                w.f32Const((float) f.value());
                return ValType.F32;
            }
            w.f64Const(f.value());
            return ValType.F64;
        }
        if (e instanceof KExpr.NullPtr) {
            w.i32Const(0);
            return ValType.I32;
        }
        if (e instanceof KExpr.LocalGet l) {
            if (low32.contains(l.local())) {
                throw new IllegalStateException("internal: " + l.local() + " is kept in 32 bits but read in full");
            }
            Integer reg = registers.get(l.local());
            if (reg != null) {
                get(reg);
                return valType(l.type());
            }
            if (l.type() instanceof StructType || l.type() instanceof ArrayType) {
                localAddress(l.local());
                return ValType.I32;
            }
            Folded f = fold(new KExpr.LocalAddr(l.local(), new PointerType(l.type())));
            emitBase(f);
            loadScalar(l.type(), f.offset);
            return valType(l.type());
        }
        if (e instanceof KExpr.LocalAddr || e instanceof KExpr.GlobalAddr || e instanceof KExpr.FieldAddr) {
            emitAddress(e);
            return ValType.I32;
        }
        if (e instanceof KExpr.Special s) {
            return special(s.reg());
        }
        if (e instanceof KExpr.Load l) {
            SourcePos outer = enterSite(l.pos());
            try {
                return load(l);
            } finally {
                sitePos = outer;
            }
        }
        if (e instanceof KExpr.PtrAdd p) {
            Folded f = fold(p);
            if (f.base == p && fastBase(f) != null) {
                fastAddress(f); // checked for the whole row before it
                return ValType.I32;
            }
            if (f.kind != Base.EXPR || f.base != p) {
                emitAddress(p);
                return ValType.I32;
            }
            if (checks) {
                Chain chain = Chain.of(p);
                IndexRanges.Range known = offsetRange(chain);
                if (known != null && known.within(-KernelAbi.GUARD_BYTES, KernelAbi.GUARD_BYTES - 1)
                        && (chain.root() instanceof KExpr.GlobalAddr || chain.root() instanceof KExpr.LocalAddr
                        && !addressParams.containsKey(((KExpr.LocalAddr) chain.root()).local()))) {
                    // a variable, shared array or frame slot lies in [64 KiB, 2^31 - 64 KiB): less than 64 KiB
                    // from it is still below 2^31 and never wraps
                    emitAddress(chain.root());
                    addOffsets32(chain);
                    return ValType.I32;
                }
                expr(p.pointer());
                w.op(0xAC, "i64.extend_i32_s"); // a pointer is below 2^31: the same as unsigned, and no call in Chicory
                byteOffset64(p.index(), ((PointerType) p.type()).stride());
                w.op(0x7C, "i64.add");
                checkedAddress(p.pos() != null ? p.pos() : sitePos);
                return ValType.I32;
            }
            expr(p.pointer());
            index(p.index(), ((PointerType) p.type()).stride());
            w.op(0x6A, "i32.add");
            return ValType.I32;
        }
        if (e instanceof KExpr.PtrDiff d) {
            expr(d.left());
            expr(d.right());
            w.op(0x6B, "i32.sub");
            int stride = ((PointerType) d.left().type()).stride();
            if (stride != 1) {
                w.i32Const(stride);
                w.op(0x6D, "i32.div_s");
            }
            w.op(0xAC, "i64.extend_i32_s");
            return ValType.I64;
        }
        if (e instanceof KExpr.Unary u) {
            return unary(u);
        }
        if (e instanceof KExpr.Binary b) {
            return binary(b);
        }
        if (e instanceof KExpr.Convert c) {
            return convert(c);
        }
        if (e instanceof KExpr.Select s) {
            return select(s);
        }
        if (e instanceof KExpr.Call c) {
            return emitCall(c, null);
        }
        if (e instanceof KExpr.Math m) {
            return new MathEmitter(this, w, module).math(m);
        }
        if (e instanceof KExpr.IntrinsicCall i && ThreadCalls.handles(i.op())) {
            return new ThreadCalls(this, w, module).intrinsic(i);
        }
        if (e instanceof KExpr.IntrinsicCall i) {
            return new MathEmitter(this, w, module).intrinsic(i);
        }
        if (independent && (e instanceof KExpr.WarpShuffle || e instanceof KExpr.WarpVote
                || e instanceof KExpr.BlockReduce)) {
            return new ThreadCalls(this, w, module).collective(e);
        }
        if (e instanceof KExpr.Atomic a) {
            SourcePos outer = enterSite(a.pos());
            try {
                return memcheck ? checker.checkedAtomic(a) : new AtomicEmitter(this, w).atomic(a, () -> emitAddress(a.address()));
            } finally {
                sitePos = outer;
            }
        }
        if (e instanceof KExpr.ThreadSlot t) {
            // another thread's frame: frames + thread * frameSize
            get(framesLocal);
            expr(t.thread());
            w.i32Const(frameSize);
            w.op(0x6C, "i32.mul");
            w.op(0x6A, "i32.add");
            loadScalar(t.type(), frameSlots.get(t.local()));
            return valType(t.type());
        }
        throw new IllegalStateException("unhandled expression " + e);
    }

    ValType emit(KExpr e) {
        return expr(e);
    }

    // ------------------------------------------------------------------ for MemcheckEmitter

    int newLocal(ValType t, String name) {
        return addLocal(t, name);
    }

    void emitAddressOf(KExpr address) {
        emitAddress(address);
    }

    void localAddressOf(KLocal l) {
        localAddress(l);
    }

    /** Pushes the block's shared-memory base. */
    void sharedBase() {
        if (sharedBaseLocal >= 0) {
            get(sharedBaseLocal);
        } else {
            w.globalGet(WasmEmitter.G_SHARED_BASE, "shared_base");
        }
    }

    void storeScalarAt(CType t, long offset) {
        storeScalar(t, offset);
    }

    void copyBytesTo(Runnable dst, Runnable src, int size) {
        copyBytes(dst, 0, src, 0, size);
    }

    void copyStructTo(Runnable dst, KExpr value, int size) {
        copyStruct(dst, 0, value, size);
    }

    SourcePos sitePos() {
        return sitePos;
    }

    /** The local holding a special register here, or null. */
    Integer specialLocal(SpecialReg r) {
        return specials.get(r);
    }

    /** Whether the code being emitted runs as one thread (not block-level code of a kernel with barriers). */
    boolean threadKnown() {
        return threadKnown;
    }

    int scratchLocal(ValType t) {
        return scratch(t);
    }

    void releaseLocal(ValType t, int index) {
        release(t, index);
    }

    void getLocal(int index) {
        get(index);
    }

    void setLocal(int index) {
        set(index);
    }

    void teeLocal(int index) {
        tee(index);
    }

    String newLabel(String base) {
        return label(base);
    }

    /** Index scaled by the element size, as i32 (addresses are 32-bit on this path). */
    private void index(KExpr idx, int stride) {
        if (idx instanceof KExpr.IntConst c) {
            w.i32Const((int) (c.value() * stride));
            return;
        }
        lowHalf(idx);
        if (stride != 1) {
            if (Integer.bitCount(stride) == 1) {
                w.i32Const(Integer.numberOfTrailingZeros(stride));
                w.op(0x74, "i32.shl");
            } else {
                w.i32Const(stride);
                w.op(0x6C, "i32.mul");
            }
        }
    }

    private ValType special(SpecialReg r) {
        Integer idx = specials.get(r);
        if (idx != null) {
            get(idx);
            return ValType.I32;
        }
        if (r == SpecialReg.LINEAR_TID) {
            linearThreadId();
            return ValType.I32;
        }
        if (r == SpecialReg.LANE_ID || r == SpecialReg.WARP_ID) {
            linearThreadId();
            if (r == SpecialReg.LANE_ID) {
                w.i32Const(31);
                w.op(0x71, "i32.and");
            } else {
                w.i32Const(5);
                w.op(0x76, "i32.shr_u");
            }
            return ValType.I32;
        }
        throw new IllegalStateException("special register " + r + " not available in " + fn.name());
    }

    /** threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z) */
    private void linearThreadId() {
        special(SpecialReg.TID_X);
        special(SpecialReg.NTID_X);
        special(SpecialReg.TID_Y);
        special(SpecialReg.NTID_Y);
        special(SpecialReg.TID_Z);
        w.op(0x6C, "i32.mul");
        w.op(0x6A, "i32.add");
        w.op(0x6C, "i32.mul");
        w.op(0x6A, "i32.add");
    }

    private ValType emitCall(KExpr.Call c, Runnable sretAddress) {
        KFunction callee = c.callee();
        if (callee.returnType() instanceof StructType) {
            if (sretAddress == null) {
                throw new IllegalStateException("struct call without a destination");
            }
            sretAddress.run();
        }
        for (KExpr a : c.args()) {
            expr(a);
        }
        for (SpecialReg r : module.hiddenSpecials(callee)) {
            special(r);
        }
        w.call(module.functionIndex(callee), callee.name());
        if (callee.returnType() instanceof VoidType || callee.returnType() instanceof StructType) {
            return null;
        }
        return valType(callee.returnType());
    }

    private ValType unary(KExpr.Unary u) {
        ValType t = valType(u.type());
        switch (u.op()) {
            case NEG -> {
                if (t == ValType.F32) {
                    expr(u.operand());
                    w.op(0x8C, "f32.neg");
                } else if (t == ValType.F64) {
                    expr(u.operand());
                    w.op(0x9A, "f64.neg");
                } else if (t == ValType.I64) {
                    w.i64Const(0);
                    expr(u.operand());
                    w.op(0x7D, "i64.sub");
                } else {
                    w.i32Const(0);
                    expr(u.operand());
                    w.op(0x6B, "i32.sub");
                }
            }
            case BIT_NOT -> {
                expr(u.operand());
                if (t == ValType.I64) {
                    w.i64Const(-1);
                    w.op(0x85, "i64.xor");
                } else {
                    w.i32Const(-1);
                    w.op(0x73, "i32.xor");
                }
            }
            case NOT -> {
                expr(u.operand());
                w.op(0x45, "i32.eqz");
            }
        }
        return t;
    }

    private ValType binary(KExpr.Binary b) {
        KExpr.BinaryOp op = b.op();
        if (op == KExpr.BinaryOp.LAND || op == KExpr.BinaryOp.LOR) {
            expr(b.left());
            w.ifThen(label(op == KExpr.BinaryOp.LAND ? "and" : "or"), ValType.I32);
            Map<Object, Integer> outer = conditional();
            if (op == KExpr.BinaryOp.LAND) {
                expr(b.right());
                w.elseBranch();
                w.i32Const(0);
            } else {
                w.i32Const(1);
                w.elseBranch();
                expr(b.right());
            }
            w.end();
            leaveConditional(outer);
            return ValType.I32;
        }
        CType operandType = b.left().type();
        boolean pointer = operandType instanceof PointerType;
        ValType t = valType(operandType);
        boolean unsigned = pointer || operandType instanceof ScalarType s && (s.kind().isUnsigned()
                || s.kind() == ScalarKind.BOOL);
        expr(b.left());
        expr(b.right());
        BinaryOps.emit(w, op, t, unsigned);
        return op.isComparison() ? ValType.I32 : t;
    }

    private ValType select(KExpr.Select s) {
        ValType t = valType(s.type());
        if (isSafe(s.ifTrue()) && isSafe(s.ifFalse())) {
            expr(s.ifTrue());
            expr(s.ifFalse());
            expr(s.condition());
            w.select();
            return t;
        }
        expr(s.condition());
        w.ifThen(label("sel"), t);
        Map<Object, Integer> outer = conditional();
        expr(s.ifTrue());
        leaveConditional(outer);
        w.elseBranch();
        conditional();
        expr(s.ifFalse());
        leaveConditional(outer);
        w.end();
        return t;
    }

    /** Cheap and cannot trap: may be evaluated even when not selected. */
    private static boolean isSafe(KExpr e) {
        if (e instanceof KExpr.IntConst || e instanceof KExpr.FloatConst || e instanceof KExpr.LocalGet
                || e instanceof KExpr.Special || e instanceof KExpr.NullPtr || e instanceof KExpr.LocalAddr
                || e instanceof KExpr.GlobalAddr) {
            return !(e instanceof KExpr.LocalGet l && l.local().needsMemory());
        }
        if (e instanceof KExpr.Convert c) {
            return isSafe(c.operand());
        }
        if (e instanceof KExpr.Unary u) {
            return isSafe(u.operand());
        }
        if (e instanceof KExpr.Binary b) {
            boolean intDiv = (b.op() == KExpr.BinaryOp.DIV || b.op() == KExpr.BinaryOp.REM) && b.type().isInteger();
            return !intDiv && isSafe(b.left()) && isSafe(b.right());
        }
        return false;
    }

    private ValType convert(KExpr.Convert c) {
        CType to = c.type();
        CType from = c.operand().type();
        if (checks && to instanceof PointerType && !(from instanceof PointerType)) {
            return integerToPointer(c.operand());
        }
        if (Low32Locals.operandLow(c, false, !checks)) {
            // a 64-bit integer made a pointer or a 32-bit integer: only its low half counts
            lowHalf(c.operand());
            return Conversions.emit(w, ScalarType.UINT, to, ValType.I32);
        }
        ValType ft = expr(c.operand());
        if (Conversions.isUnsignedLongToFloating(from, to)) {
            return Conversions.unsignedLongToFloating(this, w, to);
        }
        return Conversions.emit(w, from, to, ft);
    }

    /**
     * An integer made a pointer: as C extends it to 64 bits (a negative int is a huge address), it
     * must be below {@link KernelAbi#ADDRESS_LIMIT}.
     */
    private ValType integerToPointer(KExpr value) {
        if (value instanceof KExpr.IntConst k && k.value() >= 0 && k.value() < KernelAbi.ADDRESS_LIMIT) {
            w.i32Const((int) k.value());
            return ValType.I32;
        }
        Integer known = offsets.get(value);
        if (known != null) {
            get(known);
            return ValType.I32;
        }
        if (expr(value) == ValType.I32) {
            extend(value.type());
        }
        checkedAddress(sitePos);
        if (!memcheck) {
            int kept = scratch(ValType.I32);
            tee(kept);
            offsets.put(value, kept);
        }
        return ValType.I32;
    }

    /**
     * Extends the i32 on the stack to i64 by the signedness of {@code t}; unsigned as sign extension
     * and a mask, which Chicory compiles to JVM instructions (its {@code i64.extend_i32_u} is a call).
     */
    private void extend(CType t) {
        w.op(0xAC, "i64.extend_i32_s");
        if (!(t instanceof ScalarType s && s.kind().isSigned())) {
            w.i64Const(0xFFFF_FFFFL);
            w.op(0x83, "i64.and");
        }
    }

    /**
     * An integer expression modulo 2^32, as an i32: 64-bit chains of the operations that keep the
     * low half ({@link Low32Locals}) are computed in 32 bits, anything else in full and wrapped.
     */
    private void lowHalf(KExpr e) {
        if (!Low32Locals.isWide(e.type())) {
            if (expr(e) == ValType.I64) {
                w.op(0xA7, "i32.wrap_i64");
            }
            return;
        }
        if (e instanceof KExpr.IntConst c) {
            w.i32Const((int) c.value());
        } else if (e instanceof KExpr.LocalGet g && low32.contains(g.local())) {
            get(registers.get(g.local()));
        } else if (e instanceof KExpr.Convert c && Low32Locals.operandLow(c, true, !checks)) {
            lowHalf(c.operand());
        } else if (e instanceof KExpr.Convert c && valType(c.operand().type()) == ValType.I32) {
            expr(c.operand()); // sign or zero extension: the low half is the value itself
        } else if (e instanceof KExpr.Binary b && Low32Locals.keepsLowBits(b.op())) {
            lowHalf(b.left());
            lowHalf(b.right());
            switch (b.op()) {
                case ADD -> w.op(0x6A, "i32.add");
                case SUB -> w.op(0x6B, "i32.sub");
                case MUL -> w.op(0x6C, "i32.mul");
                case AND -> w.op(0x71, "i32.and");
                case OR -> w.op(0x72, "i32.or");
                default -> w.op(0x73, "i32.xor");
            }
        } else if (e instanceof KExpr.Binary b && Low32Locals.isSmallShift(b)) {
            lowHalf(b.left());
            w.i32Const((int) ((KExpr.IntConst) b.right()).value());
            w.op(0x74, "i32.shl");
        } else if (e instanceof KExpr.Unary u && u.op() == KExpr.UnaryOp.NEG) {
            w.i32Const(0);
            lowHalf(u.operand());
            w.op(0x6B, "i32.sub");
        } else if (e instanceof KExpr.Unary u && u.op() == KExpr.UnaryOp.BIT_NOT) {
            lowHalf(u.operand());
            w.i32Const(-1);
            w.op(0x73, "i32.xor");
        } else {
            expr(e);
            w.op(0xA7, "i32.wrap_i64");
        }
    }
}
