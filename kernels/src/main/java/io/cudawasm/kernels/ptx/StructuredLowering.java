package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.passes.Collectives;
import io.cudawasm.kernels.ptx.StructuredNode.Label;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Structured form to kernel IR. KIR's {@code break} and {@code continue} only reach the innermost
 * loop, so every construct that is branched to becomes a KIR loop: a {@link StructuredNode.Loop}
 * a {@code while (true)} (its label is {@code continue}, its exits {@code break}), a remaining
 * {@link StructuredNode.Block} a {@code do { ... } while (false)} (its label is {@code break}).
 * A branch that leaves more than one KIR loop sets the local {@code __ptx_jump} to the label's id
 * and breaks; after each loop it passed, a check either finishes the jump or breaks again.
 * nvcc's output rarely needs this; everything else becomes plain if/else and loops.
 */
final class StructuredLowering {
    private final KFunction fn;
    private final SourcePos pos;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final Map<Label, Target> targets = new HashMap<>();
    private KLocal jump;

    /** One KIR loop being lowered; {@code pending} are labels whose jumps pass through its end. */
    private static final class Frame {
        final Map<Integer, Label> pending = new TreeMap<>();
    }

    private record Target(Frame frame, boolean isContinue) {}

    private StructuredLowering(KFunction fn, SourcePos pos) {
        this.fn = fn;
        this.pos = pos;
    }

    static KBlock lower(KFunction fn, List<StructuredNode> code, SourcePos pos) {
        StructuredLowering l = new StructuredLowering(fn, pos);
        List<KStmt> body = withoutTailReturns(l.list(code));
        if (l.jump != null) {
            body.add(0, new KStmt.Assign(l.jump, new KExpr.IntConst(ScalarType.INT, 0)));
        }
        return new KBlock(body);
    }

    /**
     * Returns without a value in tail position are removed: one where the body ends anyway is
     * dropped, and {@code if (c) return; rest} becomes {@code if (!c) { rest }} when the rest has
     * no collective (nvcc ends most kernels with {@code @p bra $L_exit}). The region fission pass
     * keeps a per-thread "alive" mask, and runs every later region under it, only for kernels that
     * can still return early; a reduction whose last line is {@code if (tid == 0) out[..] = s[0]}
     * otherwise pays for that mask in every barrier region.
     */
    private static List<KStmt> withoutTailReturns(List<KStmt> code) {
        List<KStmt> out = new ArrayList<>();
        for (int i = 0; i < code.size(); i++) {
            KStmt s = code.get(i);
            if (s instanceof KStmt.Return r && r.value() == null) {
                return out; // what follows cannot be reached
            }
            if (s instanceof KStmt.If f) {
                List<KStmt> rest = code.subList(i + 1, code.size());
                if (isBareReturn(f.then()) && !collectiveOrCall(rest)) {
                    List<KStmt> kept = new ArrayList<>(f.otherwise().statements());
                    kept.addAll(rest);
                    List<KStmt> body = withoutTailReturns(kept);
                    if (!body.isEmpty()) {
                        out.add(new KStmt.If(StructuredSimplifier.negate(f.condition()), new KBlock(body), KBlock.EMPTY));
                    }
                    return out;
                }
                if (rest.isEmpty()) {
                    out.add(new KStmt.If(f.condition(), new KBlock(withoutTailReturns(f.then().statements())),
                            new KBlock(withoutTailReturns(f.otherwise().statements()))));
                    return out;
                }
            }
            out.add(s);
        }
        return out;
    }

    private static boolean isBareReturn(KBlock b) {
        return b.statements().size() == 1 && b.statements().get(0) instanceof KStmt.Return r && r.value() == null;
    }

    /** Barriers and warp collectives, and (conservatively) calls, which may contain them. */
    private static boolean collectiveOrCall(List<KStmt> code) {
        KBlock b = new KBlock(code);
        if (Collectives.contains(b, Map.of())) {
            return true;
        }
        boolean[] call = {false};
        KirWalk.expressions(b, e -> {
            if (e instanceof KExpr.Call) {
                call[0] = true;
            }
        });
        return call[0];
    }

    private List<KStmt> list(List<StructuredNode> code) {
        List<KStmt> out = new ArrayList<>();
        for (StructuredNode n : code) {
            node(n, out);
        }
        return out;
    }

    private void node(StructuredNode n, List<KStmt> out) {
        if (n instanceof StructuredNode.Leaf leaf) {
            out.add(leaf.statement());
        } else if (n instanceof StructuredNode.If i) {
            List<KStmt> then = list(i.then());
            List<KStmt> otherwise = list(i.otherwise());
            if (then.isEmpty() && otherwise.isEmpty()) {
                return;
            }
            if (then.isEmpty()) {
                out.add(new KStmt.If(StructuredSimplifier.negate(i.condition()), new KBlock(otherwise), KBlock.EMPTY));
            } else {
                out.add(new KStmt.If(i.condition(), new KBlock(then), new KBlock(otherwise)));
            }
        } else if (n instanceof StructuredNode.Loop l) {
            loop(l, out);
        } else if (n instanceof StructuredNode.Block b) {
            Frame f = new Frame();
            targets.put(b.label(), new Target(f, false));
            frames.push(f);
            List<KStmt> body = list(b.body());
            frames.pop();
            out.add(new KStmt.Loop(true, bool(false), new KBlock(body), KBlock.EMPTY));
            dispatch(f, out);
        } else if (n instanceof StructuredNode.Br br) {
            branch(br.label(), out);
        }
    }

    private void loop(StructuredNode.Loop l, List<KStmt> out) {
        Frame f = new Frame();
        targets.put(l.label(), new Target(f, true));
        for (Label exit : l.exits()) {
            targets.put(exit, new Target(f, false));
        }
        frames.push(f);
        List<KStmt> body = list(l.body());
        frames.pop();
        for (Label exit : l.exits()) {
            targets.remove(exit);
        }
        out.add(loopStatement(body));
        dispatch(f, out);
    }

    /**
     * {@code while (true) { body; if (c) continue; else break; }} is {@code do { body } while (c)}
     * when nothing else continues the loop; otherwise the loop stays a {@code while (true)}.
     */
    private static KStmt loopStatement(List<KStmt> body) {
        int n = body.size();
        if (n >= 2 && body.get(n - 1) instanceof KStmt.Break && body.get(n - 2) instanceof KStmt.If last
                && last.otherwise().isEmpty() && isOnly(last.then(), KStmt.Continue.class)
                && continues(body.subList(0, n - 2)) == 0) {
            // while (true) { body; if (c) continue; break; } is do { body } while (c)
            return new KStmt.Loop(true, last.condition(), new KBlock(body.subList(0, n - 2)), KBlock.EMPTY);
        }
        if (n >= 2 && body.get(n - 1) instanceof KStmt.Continue && body.get(n - 2) instanceof KStmt.If last
                && last.otherwise().isEmpty() && isOnly(last.then(), KStmt.Break.class)
                && continues(body.subList(0, n - 2)) == 0) {
            return new KStmt.Loop(true, StructuredSimplifier.negate(last.condition()),
                    new KBlock(body.subList(0, n - 2)), KBlock.EMPTY);
        }
        if (!body.isEmpty() && body.get(body.size() - 1) instanceof KStmt.If last
                && continues(body.subList(0, body.size() - 1)) == 0) {
            KExpr c = null;
            if (isOnly(last.then(), KStmt.Continue.class) && isBreakOrEmpty(last.otherwise())) {
                c = last.condition();
            } else if (isOnly(last.otherwise(), KStmt.Continue.class) && isBreakOrEmpty(last.then())) {
                c = StructuredSimplifier.negate(last.condition());
            }
            if (c != null) {
                return new KStmt.Loop(true, c, new KBlock(body.subList(0, body.size() - 1)), KBlock.EMPTY);
            }
        }
        List<KStmt> b = new ArrayList<>(body);
        if (!b.isEmpty() && b.get(b.size() - 1) instanceof KStmt.Continue) {
            b.remove(b.size() - 1);
        } else if (fallsThrough(b)) {
            b.add(new KStmt.Break());
        }
        return new KStmt.Loop(false, bool(true), new KBlock(b), KBlock.EMPTY);
    }

    private static boolean isOnly(KBlock b, Class<? extends KStmt> kind) {
        return b.statements().size() == 1 && kind.isInstance(b.statements().get(0));
    }

    private static boolean isBreakOrEmpty(KBlock b) {
        return b.isEmpty() || isOnly(b, KStmt.Break.class);
    }

    /** Continue statements that belong to this loop (not to a loop nested in it). */
    private static int continues(List<KStmt> code) {
        int n = 0;
        for (KStmt s : code) {
            if (s instanceof KStmt.Continue) {
                n++;
            } else if (s instanceof KStmt.If i) {
                n += continues(i.then().statements()) + continues(i.otherwise().statements());
            } else if (s instanceof KStmt.Nested nested) {
                n += continues(nested.block().statements());
            }
        }
        return n;
    }

    /** Conservatively: whether control can reach the end of {@code code}. */
    private static boolean fallsThrough(List<KStmt> code) {
        if (code.isEmpty()) {
            return true;
        }
        KStmt last = code.get(code.size() - 1);
        if (last instanceof KStmt.Break || last instanceof KStmt.Continue || last instanceof KStmt.Return
                || last instanceof KStmt.Trap) {
            return false;
        }
        if (last instanceof KStmt.If i) {
            return fallsThrough(i.then().statements()) || fallsThrough(i.otherwise().statements());
        }
        if (last instanceof KStmt.Loop l) {
            return !(l.condition() instanceof KExpr.IntConst c && c.value() != 0 && !l.doWhile()) || breaks(l.body());
        }
        return true;
    }

    private static boolean breaks(KBlock b) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Break) {
                return true;
            }
            if (s instanceof KStmt.If i && (breaks(i.then()) || breaks(i.otherwise()))) {
                return true;
            }
        }
        return false;
    }

    private void branch(Label label, List<KStmt> out) {
        Target t = targets.get(label);
        if (t == null) {
            throw new IllegalStateException("branch to " + label + " outside its construct");
        }
        if (frames.peek() == t.frame()) {
            out.add(t.isContinue() ? new KStmt.Continue() : new KStmt.Break());
            return;
        }
        out.add(new KStmt.Assign(jumpFlag(), new KExpr.IntConst(ScalarType.INT, label.id() + 1)));
        out.add(new KStmt.Break());
        for (Frame f : frames) {
            if (f == t.frame()) {
                break;
            }
            f.pending.put(label.id(), label);
        }
    }

    /** After a KIR loop that multi-level jumps pass through: finish those aimed here, pass the others on. */
    private void dispatch(Frame done, List<KStmt> out) {
        if (done.pending.isEmpty()) {
            return;
        }
        boolean passOn = false;
        for (Label label : done.pending.values()) {
            Target t = targets.get(label);
            if (t != null && t.frame() == frames.peek()) {
                KExpr isMine = new KExpr.Binary(KExpr.BinaryOp.EQ, new KExpr.LocalGet(jump),
                        new KExpr.IntConst(ScalarType.INT, label.id() + 1), ScalarType.BOOL);
                out.add(new KStmt.If(isMine, new KBlock(List.of(
                        new KStmt.Assign(jump, new KExpr.IntConst(ScalarType.INT, 0)),
                        t.isContinue() ? new KStmt.Continue() : new KStmt.Break())), KBlock.EMPTY));
            } else {
                passOn = true;
            }
        }
        if (passOn) {
            KExpr pending = new KExpr.Binary(KExpr.BinaryOp.NE, new KExpr.LocalGet(jump),
                    new KExpr.IntConst(ScalarType.INT, 0), ScalarType.BOOL);
            out.add(new KStmt.If(pending, new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY));
        }
    }

    private KLocal jumpFlag() {
        if (jump == null) {
            jump = fn.newLocal("__ptx_jump", ScalarType.INT, pos);
        }
        return jump;
    }

    private static KExpr bool(boolean v) {
        return new KExpr.IntConst(ScalarType.BOOL, v ? 1 : 0);
    }
}
