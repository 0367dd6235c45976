package io.cudawasm.kernels.passes;

import static io.cudawasm.kernels.passes.MaskExprs.and;
import static io.cudawasm.kernels.passes.MaskExprs.bool;
import static io.cudawasm.kernels.passes.MaskExprs.get;
import static io.cudawasm.kernels.passes.MaskExprs.not;

import io.cudawasm.kernels.kir.BlockReduceMode;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Moves every collective of a kernel (warp shuffle, vote, ballot, barrier reduction, barrier) to a
 * point that every thread of the block reaches, for back ends whose threads are real work-items
 * that emulate warps with work-group barriers (OpenCL without sub-groups of 32). OpenCL forbids a
 * barrier that only part of a work-group reaches, yet CUDA allows warp operations inside divergent
 * code ({@code if (lane < 8) v += __shfl_down_sync(0xff, v, 16)}); PoCL crashed on exactly that.
 *
 * <p>The kernel is rewritten SIMT-style, as {@link RegionFission} does for the CPU, but without
 * thread loops: each work-item keeps one boolean mask per level of divergent control flow around a
 * collective; the statements between collectives run under {@code if (mask)}; the collective
 * itself runs in every work-item, inactive ones contributing a neutral value (a ballot counts
 * active lanes only, a shuffle from an inactive lane yields what that lane last held, which CUDA
 * leaves undefined anyway). Decisions that every work-item must take alike — whether any thread
 * takes a branch, whether any thread is still in a loop — are block reductions
 * ({@code __syncthreads_or}), themselves at uniform points. {@code return}, {@code __trap()} and
 * jumps out of divergent loops clear the thread's masks instead of leaving, so the thread keeps
 * reaching the collectives that follow.
 *
 * <p>Conditions that are the same in every thread (over parameters, constants and "block
 * values": uniform locals assigned only at the collectives' own nesting level from such values)
 * stay ordinary control flow; block values are computed by every work-item, active or not, so all
 * work-items take those branches alike. Kernels whose collectives every thread already reaches
 * are left as they are.
 */
public final class UniformCollectives {
    private static final long FULL_MASK = 0xFFFF_FFFFL;

    private final KFunction kernel;
    private UniformityAnalysis uniformity;
    private final Set<KLocal> blockValues = new HashSet<>();
    private final Set<KLocal> assignedParams = new HashSet<>();
    /** The mask of threads that have not returned (a kernel-level local of every rewritten kernel that returns early). */
    public static final String ALIVE_MASK = "cw_alive";

    private KLocal rootMask;
    private boolean diverged;

    private UniformCollectives(KFunction kernel) {
        this.kernel = kernel;
    }

    /**
     * The kernel rewritten so every collective is reached by every thread (a copy: the original
     * KIR stays as it is for the other back ends), or empty when that already holds. Traps in the
     * rewritten kernel must record their fault without leaving the kernel (the masks end the
     * thread's work).
     *
     * @param collective for every function of the module, whether it performs a collective
     */
    public static Optional<KFunction> apply(KFunction kernel, Map<KFunction, Boolean> collective) {
        if (!Boolean.TRUE.equals(collective.get(kernel))) {
            return Optional.empty();
        }
        KFunction copy = kernel.copyWithLocals();
        copy.setBody(kernel.body());
        KBlock inlined = Inliner.inlineCollectiveCalls(copy, collective);
        if (switchWithCollective(inlined)) {
            // left as it was: the OpenCL emitter's barrier-based warp operations then need every
            // thread to reach them (README-gpu.md says so)
            return Optional.empty();
        }
        UniformCollectives pass = new UniformCollectives(copy);
        KBlock body = pass.run(inlined);
        if (!pass.diverged) {
            return Optional.empty();
        }
        copy.setBody(body);
        return Optional.of(copy);
    }

    private static boolean switchWithCollective(KBlock body) {
        boolean[] found = {false};
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Switch sw && Collectives.contains(s, Map.of())) {
                found[0] = true;
            }
        });
        return found[0];
    }

    // ------------------------------------------------------------------ masks

    /** Where lowering is: the active mask, the masks from the root, the innermost divergent loop. */
    private record Frame(KLocal mask, List<KLocal> stack, LoopMasks loop) {
        Frame push(KLocal m) {
            List<KLocal> s = new ArrayList<>(stack);
            s.add(m);
            return new Frame(m, s, loop);
        }

        Frame pushOnce(KLocal m) {
            List<KLocal> s = new ArrayList<>(stack);
            s.add(m);
            return new Frame(m, s, new LoopMasks(s.size() - 1, s.size() - 1));
        }

        Frame pushLoop(KLocal inLoop, KLocal iteration) {
            List<KLocal> s = new ArrayList<>(stack);
            s.add(inLoop);
            int inLoopIndex = s.size() - 1;
            s.add(iteration);
            return new Frame(iteration, s, new LoopMasks(inLoopIndex, inLoopIndex + 1));
        }
    }

    /** Indexes into the mask stack of a divergent loop's masks. */
    private record LoopMasks(int inLoop, int iteration) {}

    private KLocal local(String name, CType type) {
        return kernel.newLocal("cw_" + name, type, kernel.pos());
    }

    private KLocal mask(String name) {
        diverged = true;
        return local(name, ScalarType.BOOL);
    }

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    /** C truth: any scalar as a 0/1 bool (OpenCL's bool is a uchar, so 256 must not become 0). */
    private static KExpr truth(KExpr e) {
        return e.type() == ScalarType.BOOL ? e : new KExpr.Convert(ScalarType.BOOL, e);
    }

    private static KExpr ubin(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, ScalarType.UINT);
    }

    private static KStmt set(KLocal l, KExpr v) {
        return new KStmt.Assign(l, v.type().equals(l.type()) ? v : new KExpr.Convert(l.type(), v));
    }

    private static KExpr active(KLocal mask) {
        return mask == null ? bool(true) : get(mask);
    }

    /** {@code if (mask) then else otherwise} (just {@code then} when every thread is active). */
    private static List<KStmt> guarded(KLocal mask, List<KStmt> then, List<KStmt> otherwise) {
        if (mask == null) {
            return then;
        }
        return List.of(new KStmt.If(get(mask), new KBlock(then), new KBlock(otherwise)));
    }

    /** Whether any thread of the block has {@code mask} set: a barrier reduction every work-item reaches. */
    private List<KStmt> anyOf(KLocal mask, KLocal into) {
        return List.of(set(into, new KExpr.BlockReduce(BlockReduceMode.OR, get(mask), ScalarType.INT)));
    }

    // ------------------------------------------------------------------ driver

    private KBlock run(KBlock body) {
        List<KStmt> init = new ArrayList<>();
        KBlock renamed = copyAssignedParams(body, init);
        uniformity = UniformityAnalysis.of(renamed);
        findBlockValues(renamed);
        List<KStmt> out = new ArrayList<>(init);
        Frame root = new Frame(null, List.of(), null);
        if (leavesEarly(renamed)) {
            rootMask = mask(ALIVE_MASK.substring(3));
            out.add(set(rootMask, bool(true)));
            root = new Frame(rootMask, List.of(rootMask), null);
        }
        out.addAll(lower(renamed.statements(), root));
        return new KBlock(out);
    }

    /** A return or trap: the thread stops early and needs an "alive" mask to keep reaching collectives. */
    private static boolean leavesEarly(KBlock b) {
        boolean[] found = {false};
        KirWalk.statements(b, s -> {
            if (s instanceof KStmt.Return || s instanceof KStmt.Trap) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /** Parameters the kernel assigns get copies (ordinary locals), so every parameter left is uniform. */
    private KBlock copyAssignedParams(KBlock body, List<KStmt> init) {
        Map<KLocal, KLocal> copies = new HashMap<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a && a.target().isParam() && !copies.containsKey(a.target())) {
                copies.put(a.target(), kernel.newLocal(a.target().name(), a.target().type(), a.target().pos()));
            }
        });
        if (copies.isEmpty()) {
            return body;
        }
        assignedParams.addAll(copies.keySet());
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

    /**
     * Block values: uniform locals assigned only as statements of their own at the nesting level of
     * the collectives (never inside per-thread code), from constants, parameters and other block
     * values only (no loads, so computing them in an inactive work-item reads nothing CUDA would
     * not). Every work-item computes them, so every work-item holds the same value.
     */
    private void findBlockValues(KBlock body) {
        Map<KLocal, List<KExpr>> assigned = new HashMap<>();
        Set<KLocal> nested = new HashSet<>();
        scanAssignments(body.statements(), assigned, nested);
        for (KLocal l : assigned.keySet()) {
            if (!nested.contains(l) && uniformity.isUniform(l) && !l.isParam()) {
                blockValues.add(l);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (KLocal l : List.copyOf(blockValues)) {
                for (KExpr v : assigned.get(l)) {
                    if (!isBlockComputable(v)) {
                        blockValues.remove(l);
                        changed = true;
                        break;
                    }
                }
            }
        }
    }

    private void scanAssignments(List<KStmt> stmts, Map<KLocal, List<KExpr>> top, Set<KLocal> nested) {
        for (KStmt s : stmts) {
            if (s instanceof KStmt.Assign a) {
                top.computeIfAbsent(a.target(), k -> new ArrayList<>()).add(a.value());
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
                KirWalk.statements(new KBlock(List.of(s)), inner -> {
                    if (inner instanceof KStmt.Assign a) {
                        nested.add(a.target());
                    }
                });
            }
        }
    }

    /** Same in every thread and computable by any work-item: constants, parameters, block values; no loads. */
    private boolean isBlockComputable(KExpr e) {
        if (uniformity.isVarying(e)) {
            return false;
        }
        boolean[] ok = {true};
        KirWalk.expression(e, x -> {
            if (x instanceof KExpr.LocalGet g && !(g.local().isParam() && !assignedParams.contains(g.local()))
                    && !blockValues.contains(g.local())) {
                ok[0] = false;
            } else if (x instanceof KExpr.Load || x instanceof KExpr.Call || x instanceof KExpr.Atomic) {
                ok[0] = false;
            }
        });
        return ok[0];
    }


    // ------------------------------------------------------------------ lowering

    private List<KStmt> lower(List<KStmt> stmts, Frame f) {
        List<KStmt> out = new ArrayList<>();
        List<KStmt> region = new ArrayList<>();
        KStmt previous = null;
        for (KStmt s : stmts) {
            KStmt before = previous;
            previous = s;
            if (s instanceof KStmt.Assign a && blockValues.contains(a.target())) {
                flush(out, region, f);
                out.addAll(blockLevel(s, f));
                continue;
            }
            if (!Collectives.contains(s, Map.of())) {
                region.add(s);
                continue;
            }
            flush(out, region, f);
            if (s instanceof KStmt.Barrier) {
                out.add(s); // every work-item reaches it now, as OpenCL requires
            } else if (Collectives.collectiveOf(s) != null) {
                out.addAll(collective(s, f));
            } else if (s instanceof KStmt.If i) {
                out.addAll(lowerIf(i, f));
            } else if (s instanceof KStmt.Loop l) {
                out.addAll(lowerLoop(l, f, before));
            } else if (s instanceof KStmt.Nested n) {
                out.addAll(lower(n.block().statements(), f));
            } else {
                throw new IllegalStateException("unexpected collective statement " + s);
            }
        }
        flush(out, region, f);
        return out;
    }

    /**
     * A block value is computed by every work-item, active or not. Block values are never assigned
     * under divergent control (the uniformity analysis makes those varying); in a masked frame they
     * follow a {@code return} only, where computing them in the threads that left reads nothing
     * (no loads) and changes nothing anyone observes.
     */
    private List<KStmt> blockLevel(KStmt s, Frame f) {
        return List.of(s);
    }

    /** Statements without collectives: run by the active threads only. */
    private void flush(List<KStmt> out, List<KStmt> region, Frame f) {
        if (region.isEmpty()) {
            return;
        }
        if (f.mask() == null) {
            out.addAll(region);
        } else {
            JumpRewriter jumps = new JumpRewriter(f);
            List<KStmt> body = jumps.statements(region, false, false);
            if (jumps.exits > 0) {
                // a jump out of the region clears the masks and leaves this do { } while (0)
                body = List.of(new KStmt.Loop(true, bool(false), new KBlock(body), KBlock.EMPTY));
            }
            out.add(new KStmt.If(get(f.mask()), new KBlock(body), KBlock.EMPTY));
        }
        region.clear();
    }

    private List<KStmt> lowerIf(KStmt.If i, Frame f) {
        if (isBlockComputable(i.condition())) {
            // every work-item takes the same branch: no masks
            return List.of(new KStmt.If(i.condition(), new KBlock(lower(i.then().statements(), f)),
                    new KBlock(lower(i.otherwise().statements(), f))));
        }
        // Both branches run in every work-item, each under its mask, so no barrier sits inside a
        // condition. Inside a divergent branch every local is varying, so no loop there is uniform:
        // each ends when no thread iterates, and a branch no thread takes costs its collectives only.
        KLocal c = mask("cond");
        KLocal thenMask = mask("then");
        List<KStmt> out = new ArrayList<>(guarded(f.mask(), List.of(set(c, truth(i.condition()))),
                List.of(set(c, bool(false)))));
        out.add(set(thenMask, and(active(f.mask()), get(c))));
        out.addAll(lower(i.then().statements(), f.push(thenMask)));
        if (!i.otherwise().isEmpty()) {
            KLocal elseMask = mask("else");
            out.add(set(elseMask, and(active(f.mask()), not(get(c)))));
            out.addAll(lower(i.otherwise().statements(), f.push(elseMask)));
        }
        return out;
    }

    /**
     * The inliner follows every loop of an inlined body with {@code if (returned) break;}, and sets
     * {@code returned = 0} just before the body. Up to the first statement that may set it, the
     * flag is still 0 and those checks are dead; dropping them keeps a function whose only return
     * is its last statement free of jumps (and of masks).
     */
    private static List<KStmt> withoutDeadFlagChecks(List<KStmt> body, KStmt previous) {
        if (!(previous instanceof KStmt.Assign init && init.value() instanceof KExpr.IntConst zero
                && zero.value() == 0)) {
            return body;
        }
        KLocal flag = init.target();
        List<KStmt> out = new ArrayList<>();
        boolean mayBeSet = false;
        for (KStmt s : body) {
            boolean deadCheck = !mayBeSet && s instanceof KStmt.If i && i.condition() instanceof KExpr.LocalGet g
                    && g.local() == flag && i.otherwise().isEmpty() && i.then().statements().size() == 1
                    && i.then().statements().get(0) instanceof KStmt.Break;
            if (!deadCheck) {
                out.add(s);
            }
            mayBeSet |= assigns(s, flag);
        }
        return out;
    }

    private static boolean assigns(KStmt s, KLocal l) {
        boolean[] found = {false};
        KirWalk.statements(new KBlock(List.of(s)), x -> {
            if (x instanceof KStmt.Assign a && a.target() == l) {
                found[0] = true;
            }
        });
        return found[0];
    }

    private List<KStmt> lowerLoop(KStmt.Loop l, Frame f, KStmt previous) {
        if (l.doWhile() && l.condition() instanceof KExpr.IntConst c && c.value() == 0) {
            // do { } while (0), as the inliner wraps a function body: it runs once, so no loop is
            // needed; break and continue both end the thread's pass through it
            List<KStmt> body = withoutDeadFlagChecks(l.body().statements(), previous);
            if (!body.isEmpty() && body.get(body.size() - 1) instanceof KStmt.Break
                    && !KirWalk.leavesEarly(body.subList(0, body.size() - 1), true)) {
                // its only way out is the break at its end (a function's final return)
                return lower(body.subList(0, body.size() - 1), f);
            }
            KLocal once = mask("once");
            List<KStmt> out = new ArrayList<>();
            out.add(set(once, active(f.mask())));
            out.addAll(lower(body, f.pushOnce(once)));
            return out;
        }
        if (isBlockComputable(l.condition()) && !KirWalk.leavesEarly(l.body().statements(), true)) {
            // every work-item runs the same iterations: no masks
            return List.of(new KStmt.Loop(l.doWhile(), l.condition(), new KBlock(lower(l.body().statements(), f)),
                    new KBlock(lower(l.step().statements(), f))));
        }
        // test; for (;;) { if (no thread iterates) break; body; step; test }: the loop's one exit is
        // its head, and the vote that decides it is printed once, not before the loop and again in
        // its latch
        KLocal inLoop = mask("in_loop");
        KLocal iteration = mask("iteration");
        KLocal c = mask("loop_cond");
        KLocal anyIterating = local("any_iterating", ScalarType.INT);
        List<KStmt> test = List.of(
                new KStmt.If(get(inLoop), new KBlock(List.of(set(c, truth(l.condition())))),
                        new KBlock(List.of(set(c, bool(false))))),
                set(inLoop, and(get(inLoop), get(c))));
        List<KStmt> decide = new ArrayList<>();
        decide.add(set(iteration, get(inLoop)));
        decide.addAll(anyOf(iteration, anyIterating));
        List<KStmt> out = new ArrayList<>();
        out.add(set(inLoop, active(f.mask())));
        if (!l.doWhile()) {
            out.addAll(test); // a do-while tests after its body only
        }
        List<KStmt> iter = new ArrayList<>(decide);
        iter.add(new KStmt.If(not(truth(get(anyIterating))), new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY));
        Frame inner = f.pushLoop(inLoop, iteration);
        iter.addAll(lower(l.body().statements(), inner));
        if (!l.step().isEmpty()) {
            // the step runs for every thread still in the loop (continue included)
            Frame stepFrame = new Frame(inLoop, inner.stack().subList(0, inner.loop().inLoop() + 1), inner.loop());
            iter.addAll(lower(l.step().statements(), stepFrame));
        }
        iter.addAll(test);
        out.add(new KStmt.Loop(false, bool(true), new KBlock(iter), KBlock.EMPTY));
        return out;
    }

    // ------------------------------------------------------------------ collectives

    private List<KStmt> collective(KStmt s, Frame f) {
        if (f.mask() == null) {
            return List.of(s); // every work-item is here
        }
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

    /** Active threads set the operands; every work-item exchanges; active threads take the result. */
    private List<KStmt> shuffle(KExpr.WarpShuffle w, KLocal target, Frame f) {
        KLocal value = local("shfl_value", w.type());
        KLocal lane = local("shfl_lane", ScalarType.UINT);
        KLocal width = local("shfl_width", ScalarType.UINT);
        KLocal result = local("shfl_result", w.type());
        List<KStmt> out = new ArrayList<>(guarded(f.mask(),
                List.of(set(value, w.value()), set(lane, w.lane()), set(width, w.width())),
                List.of(set(value, new KExpr.IntConst(ScalarType.INT, 0)), set(lane, uint(0)), set(width, uint(32)))));
        out.add(set(result, new KExpr.WarpShuffle(w.mode(), uint(FULL_MASK), get(value), get(lane), get(width),
                w.type())));
        if (target != null) {
            out.addAll(guarded(f.mask(), List.of(set(target, get(result))), List.of()));
        }
        return out;
    }

    /** Ballots over active threads only: inactive lanes neither vote nor count as voters. */
    private List<KStmt> vote(KExpr.WarpVote v, KLocal target, Frame f) {
        KLocal pred = local("vote_pred", ScalarType.BOOL);
        KLocal laneMask = local("vote_mask", ScalarType.UINT);
        KLocal bits = local("ballot", ScalarType.UINT);
        KLocal voters = local("voters", ScalarType.UINT);
        List<KStmt> out = new ArrayList<>(guarded(f.mask(),
                List.of(set(pred, v.predicate() == null ? bool(true) : truth(v.predicate())), set(laneMask, v.mask())),
                List.of(set(pred, bool(false)), set(laneMask, uint(0)))));
        out.add(set(bits, new KExpr.WarpVote(VoteMode.BALLOT, uint(FULL_MASK), get(pred), ScalarType.UINT)));
        boolean needsVoters = v.mode() == VoteMode.ALL || v.mode() == VoteMode.ACTIVEMASK;
        if (needsVoters) {
            out.add(set(voters, new KExpr.WarpVote(VoteMode.BALLOT, uint(FULL_MASK), active(f.mask()), ScalarType.UINT)));
        }
        if (target == null) {
            return out;
        }
        KExpr masked = ubin(BinaryOp.AND, get(bits), get(laneMask));
        KExpr votersMasked = ubin(BinaryOp.AND, get(voters), get(laneMask));
        KExpr result = switch (v.mode()) {
            case BALLOT -> masked;
            case ACTIVEMASK -> votersMasked;
            case ANY -> new KExpr.Convert(ScalarType.INT, new KExpr.Binary(BinaryOp.NE, masked, uint(0), ScalarType.BOOL));
            case ALL -> new KExpr.Convert(ScalarType.INT, new KExpr.Binary(BinaryOp.EQ, masked, votersMasked,
                    ScalarType.BOOL));
        };
        out.addAll(guarded(f.mask(), List.of(set(target, result)), List.of()));
        return out;
    }

    /** __syncthreads_count/and/or over the active threads: inactive ones contribute nothing. */
    private List<KStmt> blockReduce(KExpr.BlockReduce r, KLocal target, Frame f) {
        KLocal pred = local("reduce_pred", ScalarType.BOOL);
        KLocal result = local("reduce_result", ScalarType.INT);
        List<KStmt> out = new ArrayList<>(guarded(f.mask(), List.of(set(pred, truth(r.predicate()))),
                List.of(set(pred, bool(false)))));
        if (r.mode() == BlockReduceMode.AND) {
            // all active threads hold it: no active thread fails it
            KExpr fails = and(active(f.mask()), not(get(pred)));
            out.add(set(result, new KExpr.BlockReduce(BlockReduceMode.OR, fails, ScalarType.INT)));
            out.add(set(result, new KExpr.Convert(ScalarType.INT, not(truth(get(result))))));
        } else {
            out.add(set(result, new KExpr.BlockReduce(r.mode(), get(pred), ScalarType.INT)));
        }
        if (target != null) {
            out.addAll(guarded(f.mask(), List.of(set(target, get(result))), List.of()));
        }
        return out;
    }

    // ------------------------------------------------------------------ jumps inside regions

    /**
     * Rewrites the jumps of a region that leave it: {@code return}, {@code __trap()} (after
     * recording its fault) and {@code break}/{@code continue} of an enclosing divergent loop clear
     * the thread's masks and leave the region's {@code do { } while (0)}; after an inner loop or
     * switch that such a jump left, {@code if (!mask) break;} carries it on outwards. Jumps to
     * loops and switches inside the region stay as they are.
     */
    private static final class JumpRewriter {
        private final Frame frame;
        /** How many jumps out of the region were rewritten so far. */
        int exits;

        JumpRewriter(Frame frame) {
            this.frame = frame;
        }

        private List<KStmt> clear(int from) {
            exits++;
            List<KStmt> out = new ArrayList<>();
            for (int i = from; i < frame.stack().size(); i++) {
                out.add(set(frame.stack().get(i), bool(false)));
            }
            out.add(new KStmt.Break());
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

        /** After an inner loop or switch: a thread whose masks a jump cleared keeps leaving. */
        private List<KStmt> carryOut(KStmt rebuilt, int before) {
            if (exits == before) {
                return List.of(rebuilt);
            }
            return List.of(rebuilt, new KStmt.If(not(get(frame.mask())), new KBlock(List.of(new KStmt.Break())),
                    KBlock.EMPTY));
        }

        private List<KStmt> statement(KStmt s, boolean inLoop, boolean inSwitch) {
            if (s instanceof KStmt.Return) {
                return clear(0);
            }
            if (s instanceof KStmt.Trap) {
                List<KStmt> out = new ArrayList<>();
                out.add(s); // records the fault; in a rewritten kernel it does not leave
                out.addAll(clear(0));
                return out;
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
                int before = exits;
                KStmt rebuilt = new KStmt.Loop(l.doWhile(), l.condition(), block(l.body(), true, false),
                        block(l.step(), true, false));
                return carryOut(rebuilt, before);
            }
            if (s instanceof KStmt.Switch sw) {
                int before = exits;
                List<KStmt.Case> cases = new ArrayList<>();
                for (KStmt.Case c : sw.cases()) {
                    // inside a switch, break leaves the switch; continue still targets the loop
                    cases.add(new KStmt.Case(c.values(), c.isDefault(), block(c.body(), inLoop, true)));
                }
                return carryOut(new KStmt.Switch(sw.selector(), cases), before);
            }
            if (s instanceof KStmt.Nested n) {
                return List.of(new KStmt.Nested(block(n.block(), inLoop, inSwitch)));
            }
            return List.of(s);
        }
    }
}
