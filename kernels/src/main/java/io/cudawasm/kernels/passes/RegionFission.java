package io.cudawasm.kernels.passes;

import static io.cudawasm.kernels.passes.MaskExprs.and;
import static io.cudawasm.kernels.passes.MaskExprs.bool;
import static io.cudawasm.kernels.passes.MaskExprs.get;
import static io.cudawasm.kernels.passes.MaskExprs.not;

import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.BlockReduceMode;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.kir.ShuffleMode;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Region fission for the CPU path: the kernel body is cut at every collective (barrier, barrier
 * reduction, warp shuffle or vote) into regions, and each region becomes a loop over all threads
 * of the block ({@link KStmt.ThreadLoop}); code between thread loops runs once per block.
 *
 * <p>Control flow that contains collectives is executed SIMT-style with per-thread masks (one
 * boolean per thread per nesting level): an {@code if} computes a mask for each branch, a loop
 * keeps an "in the loop" and an "in this iteration" mask and runs while any thread is active, and
 * {@code break}/{@code continue}/{@code return} inside a region clear the thread's masks. Uniform
 * control flow (what CUDA requires around {@code __syncthreads()}) therefore runs exactly as on a
 * GPU, warp-divergent code around shuffles too; a block barrier that some live threads do not
 * reach stops the launch with a trap instead of giving a silently wrong answer.
 *
 * <p>Values that live from one region to the next are stored per thread ({@link KLocal#isThreadContext}),
 * the rest stay in registers; see {@link ThreadContextAnalysis}.
 */
public final class RegionFission {
    /** Trap code when a block barrier is reached by some threads only. */
    public static final String DIVERGENT_BARRIER = "__syncthreads() reached by some threads of the block only"
            + " (the barrier is in divergent control flow)";

    private final KFunction kernel;
    private final SourcePos pos;
    private final CompileBudget budget = CompileBudget.current();
    private int counter;
    private UniformityAnalysis uniformity;
    /** Locals with one value per block, assigned only at block level (kept in registers, never per thread). */
    private final java.util.Set<KLocal> blockValues = new java.util.HashSet<>();
    /** The "alive" mask (cleared by return), or null when the kernel never returns early. */
    private KLocal rootMask;

    private RegionFission(KFunction kernel) {
        this.kernel = kernel;
        this.pos = kernel.pos();
    }

    /** Whether a kernel needs fission: it (or an inlined callee) performs a collective. */
    public static boolean needed(KBlock body) {
        return Collectives.contains(body, Map.of());
    }

    /** Transforms a kernel body whose collective-containing calls are already inlined. */
    public static KBlock apply(KFunction kernel, KBlock body) {
        RegionFission f = new RegionFission(kernel);
        return f.run(body);
    }

    // ------------------------------------------------------------------ masks

    /** Where lowering is: the active mask, the mask stack from the root, the innermost collective loop. */
    private record Frame(KLocal mask, List<KLocal> stack, LoopMasks loop) {
        Frame push(KLocal m) {
            List<KLocal> s = new ArrayList<>(stack);
            s.add(m);
            return new Frame(m, s, loop);
        }

        Frame pushLoop(KLocal inLoop, KLocal iteration) {
            List<KLocal> s = new ArrayList<>(stack);
            s.add(inLoop);
            int inLoopIndex = s.size() - 1;
            s.add(iteration);
            return new Frame(iteration, s, new LoopMasks(inLoopIndex, inLoopIndex + 1));
        }
    }

    /** Indexes into the mask stack of a collective loop's masks. */
    private record LoopMasks(int inLoop, int iteration) {}

    private KLocal perThread(String name, CType type) {
        return kernel.newLocal("__" + name + (counter++), type, pos);
    }

    private KLocal uniform(String name, CType type) {
        KLocal l = perThread(name, type);
        l.markUniform();
        return l;
    }

    private static KExpr or(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.LOR, a, b, ScalarType.BOOL);
    }

    private static KStmt set(KLocal l, KExpr v) {
        return new KStmt.Assign(l, v);
    }

    private static KStmt threadLoop(List<KStmt> body) {
        return new KStmt.ThreadLoop(new KBlock(body));
    }

    /** A thread loop over the threads active in {@code mask} (null: every thread). */
    private static KStmt guarded(KLocal mask, List<KStmt> body) {
        if (mask == null) {
            return threadLoop(body);
        }
        return threadLoop(List.of(new KStmt.If(get(mask), new KBlock(body), KBlock.EMPTY)));
    }

    /** The mask as a condition (true when there is none). */
    private static KExpr active(KLocal mask) {
        return mask == null ? bool(true) : get(mask);
    }

    // ------------------------------------------------------------------ driver

    private KBlock run(KBlock body) {
        List<KStmt> init = new ArrayList<>();
        KBlock renamedBody = copyAssignedParams(body, init);
        markUnassignedParamsUniform(renamedBody);
        uniformity = UniformityAnalysis.of(renamedBody);
        findBlockValues(renamedBody);
        // threads only drop out of a block early through return: without one, no "alive" mask is needed
        KLocal m0 = null;
        if (containsReturn(renamedBody)) {
            m0 = perThread("alive", ScalarType.BOOL);
            init.add(0, set(m0, bool(true)));
        }
        List<KStmt> out = new ArrayList<>();
        if (!init.isEmpty()) {
            out.add(threadLoop(init));
        }
        rootMask = m0;
        Frame root = m0 == null ? new Frame(null, List.of(), null) : new Frame(m0, List.of(m0), null);
        out.addAll(lower(renamedBody.statements(), root));
        KBlock fissioned = new KBlock(out);
        // masks and thread loops add IR in proportion to the body; counted before the thread-loop definitions
        budget.countIrNodes(Math.max(0, KirSize.of(fissioned) - KirSize.of(body)), pos, kernel.sourceName());
        KBlock result = Rematerialization.apply(fissioned, Rematerialization.find(renamedBody, blockValues));
        ThreadContextAnalysis.mark(result);
        return result;
    }

    /**
     * Parameters the body never assigns (assigned ones were replaced by per-thread copies) hold the
     * same value in every thread: they stay registers, never per-thread context saved between thread
     * loops. One whose address is taken may be written through a pointer, so it stays per thread.
     */
    private void markUnassignedParamsUniform(KBlock body) {
        java.util.Set<KLocal> assigned = new java.util.HashSet<>();
        io.cudawasm.kernels.kir.KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a) {
                assigned.add(a.target());
            }
        });
        for (KLocal p : kernel.params()) {
            if (!assigned.contains(p) && !p.needsMemory()) {
                p.markUniform();
            }
        }
    }

    private static boolean containsReturn(KBlock b) {
        boolean[] found = {false};
        io.cudawasm.kernels.kir.KirWalk.statements(b, s -> {
            if (s instanceof KStmt.Return) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /**
     * Block values: uniform locals whose every assignment is a statement of its own at block level
     * (not nested inside per-thread control flow). Those assignments run once per block, and
     * conditions over block values (loop counters like {@code s >>= 1}) are evaluated once per
     * block instead of per thread with masks.
     */
    private void findBlockValues(KBlock body) {
        java.util.Set<KLocal> candidates = new java.util.HashSet<>();
        java.util.Set<KLocal> disqualified = new java.util.HashSet<>();
        scanAssignments(body.statements(), candidates, disqualified);
        for (KLocal l : candidates) {
            if (!disqualified.contains(l) && uniformity.isUniform(l) && !l.isParam()) {
                blockValues.add(l);
                l.markUniform();
            }
        }
    }

    private void scanAssignments(List<KStmt> stmts, java.util.Set<KLocal> top, java.util.Set<KLocal> nested) {
        for (KStmt s : stmts) {
            if (s instanceof KStmt.Assign a) {
                top.add(a.target());
            } else if (Collectives.contains(s, Map.of()) && (s instanceof KStmt.If || s instanceof KStmt.Loop
                    || s instanceof KStmt.Nested)) {
                if (s instanceof KStmt.If i) {
                    scanAssignments(i.then().statements(), top, nested);
                    scanAssignments(i.otherwise().statements(), top, nested);
                } else if (s instanceof KStmt.Loop l) {
                    scanAssignments(l.body().statements(), top, nested);
                    scanAssignments(l.step().statements(), top, nested);
                } else {
                    scanAssignments(((KStmt.Nested) s).block().statements(), top, nested);
                }
            } else {
                io.cudawasm.kernels.kir.KirWalk.statements(new KBlock(List.of(s)), inner -> {
                    if (inner instanceof KStmt.Assign a) {
                        nested.add(a.target());
                    }
                });
            }
        }
    }

    /** Uniform over the block and computable at block level: only block values, parameters, constants. */
    private boolean isBlockUniform(KExpr e) {
        if (uniformity.isVarying(e)) {
            return false;
        }
        boolean[] ok = {true};
        io.cudawasm.kernels.kir.KirWalk.expression(e, x -> {
            if (x instanceof KExpr.LocalGet g && !g.local().isParam() && !blockValues.contains(g.local())) {
                ok[0] = false;
            }
        });
        return ok[0];
    }


    /** Parameters the kernel assigns become per-thread copies (one register holds the launch value). */
    private KBlock copyAssignedParams(KBlock body, List<KStmt> init) {
        Map<KLocal, KLocal> copies = new java.util.LinkedHashMap<>(); // the copies in the order the body assigns them
        io.cudawasm.kernels.kir.KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a && a.target().isParam() && !copies.containsKey(a.target())) {
                KLocal copy = kernel.newLocal(a.target().name(), a.target().type(), a.target().pos());
                copies.put(a.target(), copy);
            }
        });
        if (copies.isEmpty()) {
            return body;
        }
        for (Map.Entry<KLocal, KLocal> e : copies.entrySet()) {
            init.add(set(e.getValue(), get(e.getKey())));
        }
        return new KirRewriter() {
            @Override
            protected KLocal local(KLocal l) {
                return copies.getOrDefault(l, l);
            }
        }.block(body);
    }

    private List<KStmt> lower(List<KStmt> stmts, Frame f) {
        budget.checkpoint(pos);
        List<KStmt> out = new ArrayList<>();
        List<KStmt> region = new ArrayList<>();
        for (KStmt s : stmts) {
            if (s instanceof KStmt.Assign a && blockValues.contains(a.target())) {
                flush(out, region, f);
                out.add(blockLevel(s, f));
                continue;
            }
            if (!Collectives.contains(s, Map.of())) {
                region.add(s);
                continue;
            }
            flush(out, region, f);
            if (s instanceof KStmt.Barrier b) {
                out.addAll(barrier(b.kind(), b.pos(), f));
            } else if (Collectives.collectiveOf(s) != null) {
                out.addAll(collective(s, f));
            } else if (s instanceof KStmt.If i) {
                out.addAll(lowerIf(i, f));
            } else if (s instanceof KStmt.Loop l) {
                out.addAll(lowerLoop(l, f));
            } else if (s instanceof KStmt.Nested n) {
                out.addAll(lower(n.block().statements(), f));
            } else if (s instanceof KStmt.Switch) {
                throw CompileException.at(pos, "a barrier or warp operation inside a switch statement is not supported "
                        + "on the CPU path: use if/else");
            } else {
                throw new IllegalStateException("unexpected collective statement " + s);
            }
        }
        flush(out, region, f);
        return out;
    }

    /**
     * A block-value assignment runs once per block. Inside masked control flow it runs only if
     * some thread is still active there (after every thread broke out, it must not happen).
     */
    private KStmt blockLevel(KStmt s, Frame f) {
        if (f.mask() == null) {
            return s;
        }
        KLocal any = uniform("any_active", ScalarType.BOOL);
        return new KStmt.Nested(new KBlock(List.of(set(any, bool(false)),
                threadLoop(List.of(set(any, or(get(any), get(f.mask()))))),
                new KStmt.If(get(any), new KBlock(List.of(s)), KBlock.EMPTY))));
    }

    private void flush(List<KStmt> out, List<KStmt> region, Frame f) {
        if (region.isEmpty()) {
            return;
        }
        List<KStmt> body = new JumpRewriter(f).statements(region, false, false);
        out.add(guarded(f.mask(), body));
        region.clear();
    }

    // ------------------------------------------------------------------ barriers

    /**
     * A block barrier is a region boundary. When it sits inside masked control flow, every live
     * thread must be active here, or the launch stops (CUDA requires all threads to reach it).
     */
    private List<KStmt> barrier(BarrierKind kind, SourcePos at, Frame f) {
        KLocal root = rootMask;
        if (kind == BarrierKind.GRID || kind == BarrierKind.CLUSTER) {
            return gridBarrier(kind, at, f);
        }
        // a warp's or a tile's barrier is a region boundary too, for whichever of their threads arrive:
        // the threads of a region all finish it before any starts the next, so the tiles (or warps)
        // that reach it are synchronized, and those that do not are not held up
        if (kind != BarrierKind.BLOCK || f.mask() == root) {
            return List.of();
        }
        // divergent: some thread waits here while another live thread does not (if nobody
        // arrives, e.g. after every thread broke out of the loop, the barrier is simply skipped)
        KLocal missing = uniform("missing", ScalarType.BOOL);
        KLocal arrived = uniform("arrived", ScalarType.BOOL);
        return List.of(set(missing, bool(false)), set(arrived, bool(false)),
                threadLoop(List.of(
                        set(missing, or(get(missing), and(active(root), not(get(f.mask()))))),
                        set(arrived, or(get(arrived), get(f.mask()))))),
                new KStmt.If(and(get(missing), get(arrived)),
                        new KBlock(List.of(new KStmt.Trap(DIVERGENT_BARRIER, at))), KBlock.EMPTY));
    }

    /**
     * A grid (or cluster) barrier is a block barrier (the region before it ends for every thread of
     * the block) followed, once per block, by the grid barrier itself, which the Wasm emitter turns
     * into a call to the host that returns when every block of the cooperative launch (of the
     * cluster) has called it. In masked
     * control flow, or after early returns, the block takes part only if some of its threads arrived
     * (after all of them left the loop around it, it is skipped, as its block barrier is).
     */
    private List<KStmt> gridBarrier(BarrierKind kind, SourcePos at, Frame f) {
        KStmt grid = new KStmt.Barrier(kind, at);
        if (f.mask() == null) {
            return List.of(grid);
        }
        // a block whose threads have all returned does not arrive (the launch then fails: on a GPU
        // the other blocks would wait for it forever)
        List<KStmt> out = new ArrayList<>(barrier(BarrierKind.BLOCK, at, f));
        KLocal arrived = uniform("grid_arrived", ScalarType.BOOL);
        out.add(set(arrived, bool(false)));
        out.add(threadLoop(List.of(set(arrived, or(get(arrived), get(f.mask()))))));
        out.add(new KStmt.If(get(arrived), new KBlock(List.of(grid)), KBlock.EMPTY));
        return out;
    }

    // ------------------------------------------------------------------ if

    private List<KStmt> lowerIf(KStmt.If i, Frame f) {
        if (isBlockUniform(i.condition())) {
            // every thread takes the same branch: decide once per block, no masks
            return List.of(new KStmt.If(i.condition(), new KBlock(lower(i.then().statements(), f)),
                    new KBlock(lower(i.otherwise().statements(), f))));
        }
        KLocal c = perThread("cond", ScalarType.BOOL);
        KLocal thenMask = perThread("then", ScalarType.BOOL);
        KLocal elseMask = perThread("else", ScalarType.BOOL);
        KLocal anyThen = uniform("any_then", ScalarType.BOOL);
        KLocal anyElse = uniform("any_else", ScalarType.BOOL);
        List<KStmt> out = new ArrayList<>();
        out.add(set(anyThen, bool(false)));
        out.add(set(anyElse, bool(false)));
        out.add(threadLoop(List.of(
                new KStmt.If(active(f.mask()), new KBlock(List.of(set(c, i.condition()))),
                        new KBlock(List.of(set(c, bool(false))))),
                set(thenMask, and(active(f.mask()), get(c))),
                set(elseMask, and(active(f.mask()), not(get(c)))),
                set(anyThen, or(get(anyThen), get(thenMask))),
                set(anyElse, or(get(anyElse), get(elseMask))))));
        out.add(new KStmt.If(get(anyThen), new KBlock(lower(i.then().statements(), f.push(thenMask))), KBlock.EMPTY));
        if (!i.otherwise().isEmpty()) {
            out.add(new KStmt.If(get(anyElse), new KBlock(lower(i.otherwise().statements(), f.push(elseMask))),
                    KBlock.EMPTY));
        }
        return out;
    }

    // ------------------------------------------------------------------ loops

    private List<KStmt> lowerLoop(KStmt.Loop l, Frame f) {
        if (isBlockUniform(l.condition()) && !KirWalk.leavesEarly(l.body().statements(), false)) {
            // every thread runs the same iterations: a block-level loop, no masks
            return List.of(new KStmt.Loop(l.doWhile(), l.condition(), new KBlock(lower(l.body().statements(), f)),
                    new KBlock(lower(l.step().statements(), f))));
        }
        KLocal inLoop = perThread("in_loop", ScalarType.BOOL);
        KLocal iteration = perThread("iteration", ScalarType.BOOL);
        KLocal c = perThread("loop_cond", ScalarType.BOOL);
        KLocal anyActive = uniform("any_iterating", ScalarType.BOOL);
        KLocal first = uniform("first_iteration", ScalarType.BOOL);
        List<KStmt> out = new ArrayList<>();
        out.add(threadLoop(List.of(set(inLoop, active(f.mask())))));
        out.add(set(first, bool(true)));
        List<KStmt> iter = new ArrayList<>();
        iter.add(set(anyActive, bool(false)));
        // evaluate the condition per thread (a do-while skips it the first time)
        List<KStmt> test = List.of(
                new KStmt.If(get(inLoop), new KBlock(List.of(set(c, l.condition()))), new KBlock(List.of(set(c, bool(false))))),
                set(inLoop, and(get(inLoop), get(c))));
        List<KStmt> perThread = new ArrayList<>();
        if (l.doWhile()) {
            perThread.add(new KStmt.If(not(get(first)), new KBlock(test), KBlock.EMPTY));
        } else {
            perThread.addAll(test);
        }
        perThread.add(set(iteration, get(inLoop)));
        perThread.add(set(anyActive, or(get(anyActive), get(iteration))));
        iter.add(threadLoop(perThread));
        iter.add(set(first, bool(false)));
        iter.add(new KStmt.If(not(get(anyActive)), new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY));
        Frame inner = f.pushLoop(inLoop, iteration);
        iter.addAll(lower(l.body().statements(), inner));
        if (!l.step().isEmpty()) {
            // the step runs for every thread still in the loop (continue included); block values once
            Frame stepFrame = new Frame(inLoop, inner.stack().subList(0, inner.loop().inLoop() + 1), inner.loop());
            iter.addAll(lower(l.step().statements(), stepFrame));
        }
        out.add(new KStmt.Loop(false, bool(true), new KBlock(iter), KBlock.EMPTY));
        return out;
    }

    // ------------------------------------------------------------------ collectives

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr ubin(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, ScalarType.UINT);
    }

    private static KExpr ucmp(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, ScalarType.BOOL);
    }

    private static KExpr toUint(KExpr e) {
        return e.type() == ScalarType.UINT ? e : new KExpr.Convert(ScalarType.UINT, e);
    }

    private static KExpr linear() {
        return new KExpr.Special(SpecialReg.LINEAR_TID);
    }

    private static KExpr blockThreads() {
        return ubin(BinaryOp.MUL, new KExpr.Special(SpecialReg.NTID_X), ubin(BinaryOp.MUL,
                new KExpr.Special(SpecialReg.NTID_Y), new KExpr.Special(SpecialReg.NTID_Z)));
    }

    private List<KStmt> collective(KStmt s, Frame f) {
        KExpr op = Collectives.collectiveOf(s);
        KLocal target = s instanceof KStmt.Assign a ? a.target() : null;
        if (op instanceof KExpr.WarpShuffle w) {
            return shuffle(w, target, f);
        }
        if (op instanceof KExpr.WarpVote v) {
            return vote(v, target, f);
        }
        return blockReduce((KExpr.BlockReduce) op, target, f);
    }

    private List<KStmt> shuffle(KExpr.WarpShuffle w, KLocal target, Frame f) {
        KLocal value = perThread("shfl_value", w.type());
        KLocal lane = perThread("shfl_lane", ScalarType.UINT);
        KLocal width = perThread("shfl_width", ScalarType.UINT);
        List<KStmt> out = new ArrayList<>();
        out.add(guarded(f.mask(), List.of(set(value, w.value()), set(lane, toUint(w.lane())),
                set(width, toUint(w.width())))));
        if (target == null) {
            return out;
        }
        KLocal laneId = perThread("lane_id", ScalarType.UINT);
        KLocal base = perThread("segment", ScalarType.UINT);
        KLocal src = perThread("src_lane", ScalarType.UINT);
        KLocal srcThread = perThread("src_thread", ScalarType.UINT);
        KExpr w1 = ubin(BinaryOp.SUB, get(width), uint(1));
        List<KStmt> body = new ArrayList<>();
        body.add(set(laneId, ubin(BinaryOp.AND, linear(), uint(31))));
        body.add(set(base, ubin(BinaryOp.AND, get(laneId), new KExpr.Unary(KExpr.UnaryOp.BIT_NOT, w1, ScalarType.UINT))));
        KExpr candidate;
        KExpr valid;
        if (w.mode() == ShuffleMode.IDX) {
            candidate = ubin(BinaryOp.ADD, get(base), ubin(BinaryOp.AND, get(lane), w1));
            valid = bool(true);
        } else if (w.mode() == ShuffleMode.UP) {
            // compare as signed: lane - delta may go below the segment
            KExpr cand = new KExpr.Binary(BinaryOp.SUB, new KExpr.Convert(ScalarType.INT, get(laneId)),
                    new KExpr.Convert(ScalarType.INT, get(lane)), ScalarType.INT);
            candidate = new KExpr.Convert(ScalarType.UINT, cand);
            valid = new KExpr.Binary(BinaryOp.GE, cand, new KExpr.Convert(ScalarType.INT, get(base)), ScalarType.BOOL);
        } else if (w.mode() == ShuffleMode.DOWN) {
            candidate = ubin(BinaryOp.ADD, get(laneId), get(lane));
            valid = ucmp(BinaryOp.LT, candidate, ubin(BinaryOp.ADD, get(base), get(width)));
        } else {
            candidate = ubin(BinaryOp.XOR, get(laneId), get(lane));
            valid = ucmp(BinaryOp.LT, candidate, ubin(BinaryOp.ADD, get(base), get(width)));
        }
        body.add(set(src, new KExpr.Select(valid, candidate, get(laneId), ScalarType.UINT)));
        KExpr thread = ubin(BinaryOp.ADD, ubin(BinaryOp.SUB, linear(), get(laneId)), get(src));
        body.add(set(srcThread, new KExpr.Select(ucmp(BinaryOp.LT, thread, blockThreads()), thread, linear(),
                ScalarType.UINT)));
        body.add(set(target, new KExpr.ThreadSlot(value, get(srcThread))));
        out.add(guarded(f.mask(), body));
        return out;
    }

    private List<KStmt> vote(KExpr.WarpVote v, KLocal target, Frame f) {
        KLocal pred = perThread("vote_pred", ScalarType.BOOL);
        KLocal mask = perThread("vote_mask", ScalarType.UINT);
        List<KStmt> out = new ArrayList<>();
        out.add(guarded(f.mask(), List.of(set(pred, v.predicate() == null ? bool(true) : v.predicate()),
                set(mask, v.mask()))));
        if (target == null) {
            return out;
        }
        KLocal j = perThread("lane", ScalarType.UINT);
        KLocal other = perThread("lane_thread", ScalarType.UINT);
        KLocal bits = perThread("ballot", ScalarType.UINT);
        KLocal voters = perThread("voters", ScalarType.UINT);
        KExpr warpStart = ubin(BinaryOp.SUB, linear(), ubin(BinaryOp.AND, linear(), uint(31)));
        KExpr bit = ubin(BinaryOp.SHL, uint(1), get(j));
        KExpr inBlockAndMask = and(ucmp(BinaryOp.LT, get(other), blockThreads()),
                ucmp(BinaryOp.NE, ubin(BinaryOp.AND, get(mask), bit), uint(0)));
        KExpr participates = f.mask() == null ? inBlockAndMask
                : and(inBlockAndMask, new KExpr.ThreadSlot(f.mask(), get(other)));
        List<KStmt> laneBody = List.of(
                set(other, ubin(BinaryOp.ADD, warpStart, get(j))),
                new KStmt.If(participates, new KBlock(List.of(
                        set(voters, ubin(BinaryOp.OR, get(voters), bit)),
                        new KStmt.If(new KExpr.ThreadSlot(pred, get(other)),
                                new KBlock(List.of(set(bits, ubin(BinaryOp.OR, get(bits), bit)))), KBlock.EMPTY))),
                        KBlock.EMPTY));
        List<KStmt> body = new ArrayList<>();
        body.add(set(bits, uint(0)));
        body.add(set(voters, uint(0)));
        body.add(set(j, uint(0)));
        body.add(new KStmt.Loop(false, ucmp(BinaryOp.LT, get(j), uint(32)), new KBlock(laneBody),
                new KBlock(List.of(set(j, ubin(BinaryOp.ADD, get(j), uint(1)))))));
        KExpr result = switch (v.mode()) {
            case BALLOT -> get(bits);
            case ACTIVEMASK -> get(voters);
            case ANY -> new KExpr.Convert(ScalarType.INT, ucmp(BinaryOp.NE, get(bits), uint(0)));
            case ALL -> new KExpr.Convert(ScalarType.INT, ucmp(BinaryOp.EQ, get(bits), get(voters)));
        };
        body.add(set(target, result.type() == target.type() ? result : new KExpr.Convert(target.type(), result)));
        out.add(guarded(f.mask(), body));
        return out;
    }

    private List<KStmt> blockReduce(KExpr.BlockReduce r, KLocal target, Frame f) {
        KLocal pred = perThread("reduce_pred", ScalarType.BOOL);
        KLocal acc = uniform("block_reduce", ScalarType.INT);
        List<KStmt> out = new ArrayList<>();
        out.add(guarded(f.mask(), List.of(set(pred, r.predicate()))));
        out.addAll(barrier(BarrierKind.BLOCK, pos, f));
        KExpr p = new KExpr.Convert(ScalarType.INT, get(pred));
        KExpr combined;
        if (r.mode() == BlockReduceMode.COUNT) {
            out.add(set(acc, new KExpr.IntConst(ScalarType.INT, 0)));
            combined = new KExpr.Binary(BinaryOp.ADD, get(acc), p, ScalarType.INT);
        } else if (r.mode() == BlockReduceMode.AND) {
            out.add(set(acc, new KExpr.IntConst(ScalarType.INT, 1)));
            combined = new KExpr.Binary(BinaryOp.AND, get(acc), p, ScalarType.INT);
        } else {
            out.add(set(acc, new KExpr.IntConst(ScalarType.INT, 0)));
            combined = new KExpr.Binary(BinaryOp.OR, get(acc), p, ScalarType.INT);
        }
        out.add(guarded(f.mask(), List.of(set(acc, combined))));
        if (target != null) {
            out.add(guarded(f.mask(), List.of(set(target, get(acc)))));
        }
        return out;
    }

    // ------------------------------------------------------------------ jumps inside regions

    /**
     * Rewrites the jumps of a region that leave it: {@code break}/{@code continue} of an enclosing
     * collective loop and {@code return} clear the thread's masks and end its pass through the
     * region. Jumps to loops and switches inside the region stay as they are.
     */
    private static final class JumpRewriter {
        private final Frame frame;

        JumpRewriter(Frame frame) {
            this.frame = frame;
        }

        private List<KStmt> clear(int from) {
            List<KStmt> out = new ArrayList<>();
            for (int i = from; i < frame.stack().size(); i++) {
                out.add(set(frame.stack().get(i), bool(false)));
            }
            out.add(new KStmt.ExitThread());
            return out;
        }

        List<KStmt> statements(List<KStmt> in, boolean inLoop, boolean inSwitch) {
            List<KStmt> out = new ArrayList<>();
            for (KStmt s : in) {
                out.addAll(statement(s, inLoop, inSwitch));
            }
            return out;
        }

        private KBlock block(KBlock b, boolean inLoop, boolean inSwitch) {
            return new KBlock(statements(b.statements(), inLoop, inSwitch));
        }

        private List<KStmt> statement(KStmt s, boolean inLoop, boolean inSwitch) {
            if (s instanceof KStmt.Return) {
                return clear(0);
            }
            if (s instanceof KStmt.Break && !inLoop && !inSwitch) {
                if (frame.loop() == null) {
                    throw new IllegalStateException("break outside a loop");
                }
                return clear(frame.loop().inLoop());
            }
            if (s instanceof KStmt.Continue && !inLoop) {
                if (frame.loop() == null) {
                    throw new IllegalStateException("continue outside a loop");
                }
                return clear(frame.loop().iteration());
            }
            if (s instanceof KStmt.If i) {
                return List.of(new KStmt.If(i.condition(), block(i.then(), inLoop, inSwitch),
                        block(i.otherwise(), inLoop, inSwitch)));
            }
            if (s instanceof KStmt.Loop l) {
                return List.of(new KStmt.Loop(l.doWhile(), l.condition(), block(l.body(), true, false),
                        block(l.step(), true, false)));
            }
            if (s instanceof KStmt.Switch sw) {
                List<KStmt.Case> cases = new ArrayList<>();
                for (KStmt.Case c : sw.cases()) {
                    // inside a switch, break leaves the switch; continue still targets the loop
                    cases.add(new KStmt.Case(c.values(), c.isDefault(), block(c.body(), inLoop, true)));
                }
                return List.of(new KStmt.Switch(sw.selector(), cases));
            }
            if (s instanceof KStmt.Nested n) {
                return List.of(new KStmt.Nested(block(n.block(), inLoop, inSwitch)));
            }
            return List.of(s);
        }
    }
}
