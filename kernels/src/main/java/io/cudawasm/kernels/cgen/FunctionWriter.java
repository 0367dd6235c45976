package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Prints one KIR function's locals and body as C. Expressions come out fully parenthesized, so C's
 * precedence never matters; every conversion KIR makes explicit is an explicit cast here. What the
 * dialects spell differently goes through {@link Dialect}, what depends on the function instance
 * (pointer spaces, callee names, hidden arguments) through {@link CallScope}.
 */
public final class FunctionWriter {
    /** Name of the zero value a trapping non-void device function returns. */
    public static final String NONE_VALUE = "cw_none";

    private final KFunction fn;
    private final CompileBudget budget = CompileBudget.current();
    private final Dialect d;
    private final CallScope scope;
    private final UnaryOperator<String> fieldNames;
    private final Deque<LoopFrame> loops = new ArrayDeque<>();
    private int labels;
    private String injectAfter;
    private String injectCode;
    private boolean predicated;
    private GridBarrierWriter gridBarriers;

    /** How a loop was printed decides how its {@code continue}s are. */
    private record LoopFrame(String continueLabel) {}

    /** Where the statement being printed is, for refusals found in its expressions. */
    private CodeBuffer buffer;

    /**
     * @param fieldNames the C name of a struct member (dialects rename reserved words)
     */
    public FunctionWriter(KFunction fn, Dialect dialect, CallScope scope, UnaryOperator<String> fieldNames) {
        this.fn = fn;
        this.d = dialect;
        this.scope = scope;
        this.fieldNames = fieldNames;
    }

    /**
     * Prints a kernel rewritten by {@link io.cudawasm.kernels.passes.UniformCollectives}: a trap
     * records its fault and does not return (the masks end the thread's work, so that it still
     * reaches the collectives the other threads wait in), and scalar locals are {@code volatile}
     * and start at 0. PoCL 3.1 treats a value that every incoming edge computes from uniform data
     * as uniform across the work-group and keeps one copy of it across barriers, ignoring that
     * it was assigned under a mask ({@code if (active) j = j + 1} inside a barrier loop): the
     * work-group then shared one {@code j}, loops ended early and reductions came out wrong.
     * Values in memory are opaque to that analysis.
     */
    public void predicatedKernel() {
        this.predicated = true;
    }

    /** Prints a grid barrier of this function; the back end's own way, instead of {@link Dialect#gridBarrier()}. */
    @FunctionalInterface
    public interface GridBarrierWriter {
        void write(KStmt.Barrier barrier, CodeBuffer out);
    }

    /** Grid barriers are printed by {@code writer} (OpenCL: the kernel ends its phase there). */
    public void gridBarriers(GridBarrierWriter writer) {
        this.gridBarriers = writer;
    }

    /** Test hook: prints {@code code} after the first assignment to the local named {@code localName}. */
    public void injectAfter(String localName, String code) {
        this.injectAfter = localName;
        this.injectCode = code;
    }

    // ------------------------------------------------------------------ declarations

    /** {@code T name} for a parameter or local, with the pointer's inferred target space. */
    public String declaration(KLocal l) {
        return Declarators.declare(d, l.type(), l.uniqueName(), null, l.type() instanceof PointerType
                ? scope.spaceOf(l) : null);
    }

    /** A type name for casts; {@code target} is where a pointer type points. */
    public String typeName(CType t, AddressSpace target) {
        return Declarators.typeName(d, t, target);
    }

    /** Declares the function's locals (parameters are declared by the caller's signature). */
    public void declareLocals(CodeBuffer out) {
        for (KLocal l : fn.locals()) {
            out.at(l.pos());
            if (predicated && l.type() instanceof ScalarType) {
                out.line("volatile " + declaration(l) + " = 0;");
            } else {
                out.line(declaration(l) + (predicated && l.type() instanceof PointerType ? " = 0" : "") + ";");
            }
        }
        if (needsNoneValue()) {
            String zero = fn.returnType() instanceof StructType ? " = {0}" : "";
            out.line(Declarators.declare(d, fn.returnType(), NONE_VALUE, null, fn.returnType() instanceof PointerType
                    ? d.pointerInMemorySpace() : null) + zero + ";");
        }
    }

    private boolean needsNoneValue() {
        if (!(fn.returnType() instanceof StructType) || fn.isKernel()) {
            return false;
        }
        boolean[] traps = {mayFallOffEnd(fn)};
        io.cudawasm.kernels.kir.KirWalk.statements(fn.body(), s -> traps[0] |= s instanceof KStmt.Trap);
        return traps[0];
    }

    /** Prints the body; a non-void device function that can run off its end records a trap there. */
    public void body(CodeBuffer out) {
        block(fn.body(), out);
        if (!fn.isKernel() && !(fn.returnType() instanceof VoidType) && ControlFlow.fallsThrough(fn.body())) {
            out.at(fn.pos());
            out.line(d.trap(KernelAbi.TRAP_MISSING_RETURN, fn.pos().line()) + ";");
            out.line("return " + noneValue() + ";");
        }
    }

    /** True when this function can record a trap (for deciding on the status parameter). */
    public static boolean mayFallOffEnd(KFunction f) {
        return !f.isKernel() && !(f.returnType() instanceof VoidType) && ControlFlow.fallsThrough(f.body());
    }

    private String noneValue() {
        if (fn.returnType() instanceof StructType) {
            return NONE_VALUE;
        }
        if (fn.returnType() instanceof PointerType) {
            return "0";
        }
        return "((" + typeName(fn.returnType(), null) + ")0)";
    }

    // ------------------------------------------------------------------ statements

    private void block(KBlock b, CodeBuffer out) {
        for (KStmt s : b.statements()) {
            budget.checkpoint(fn.pos());
            statement(s, out);
        }
    }

    private void braced(KBlock b, CodeBuffer out) {
        out.indent();
        block(b, out);
        out.outdent();
    }

    private void statement(KStmt s, CodeBuffer out) {
        buffer = out;
        if (s instanceof KStmt.Assign a) {
            out.at(a.target().pos());
            if (a.target().type() instanceof ArrayType at) {
                copyArray(out, "(&" + a.target().uniqueName() + ")", AddressSpace.LOCAL, a.value(), at);
            } else {
                out.line(a.target().uniqueName() + " = " + expr(a.value()) + ";");
            }
            if (a.target().name().equals(injectAfter)) {
                out.line(injectCode);
                injectAfter = null;
            }
        } else if (s instanceof KStmt.Store st) {
            out.at(st.pos());
            CType pointee = ((PointerType) st.address().type()).pointee();
            if (pointee instanceof ArrayType at) {
                copyArray(out, expr(st.address()), scope.spaceOf(st.address()), st.value(), at);
            } else {
                out.line("*" + expr(st.address()) + " = " + expr(st.value()) + ";");
            }
        } else if (s instanceof KStmt.Eval e) {
            out.line(expr(e.expr()) + ";");
        } else if (s instanceof KStmt.If i) {
            out.line("if (" + expr(i.condition()) + ") {");
            braced(i.then(), out);
            if (!i.otherwise().isEmpty()) {
                out.line("} else {");
                braced(i.otherwise(), out);
            }
            out.line("}");
        } else if (s instanceof KStmt.Loop l) {
            loop(l, out);
        } else if (s instanceof KStmt.Switch sw) {
            out.line("switch (" + expr(sw.selector()) + ") {");
            ScalarKind k = sw.selector().type() instanceof ScalarType st ? st.kind() : ScalarKind.INT;
            for (KStmt.Case c : sw.cases()) {
                for (long v : c.values()) {
                    out.line("case " + Literals.integer(k, v, d::literalSuffix, d::scalar) + ":");
                }
                if (c.isDefault()) {
                    out.line("default:");
                }
                out.indent();
                block(c.body(), out);
                if (c.body().isEmpty()) {
                    out.line(";");
                }
                out.outdent();
            }
            out.line("}");
        } else if (s instanceof KStmt.Break) {
            out.line("break;");
        } else if (s instanceof KStmt.Continue) {
            LoopFrame f = loops.peek();
            out.line(f != null && f.continueLabel() != null ? "goto " + f.continueLabel() + ";" : "continue;");
        } else if (s instanceof KStmt.Return r) {
            out.line(r.value() == null ? "return;" : "return " + expr(r.value()) + ";");
        } else if (s instanceof KStmt.Nested n) {
            out.line("{");
            braced(n.block(), out);
            out.line("}");
        } else if (s instanceof KStmt.Barrier b && b.kind() == BarrierKind.GRID && gridBarriers != null) {
            out.at(b.pos());
            gridBarriers.write(b, out);
        } else if (s instanceof KStmt.Barrier b && b.kind() == BarrierKind.GRID) {
            String grid = d.gridBarrier();
            if (grid == null) {
                throw CompileException.at(b.pos(), "grid-wide synchronization (grid.sync()) is not supported on the "
                        + d.name() + " back end (no barrier across the work-groups of one launch): it runs on the "
                        + "WebAssembly (CPU) path and the CUDA back end, which launch such a kernel cooperatively");
            }
            out.at(b.pos());
            out.line(grid + ";");
        } else if (s instanceof KStmt.Barrier b) {
            // a cluster barrier too: the OpenCL dialect's work-group barrier, since a work-group is a
            // cluster of one there (larger clusters are refused at launch)
            out.at(b.pos());
            out.line(d.barrier(b.kind(), b.mask() == null ? null : expr(b.mask())) + ";");
        } else if (s instanceof KStmt.Fence f) {
            out.line(d.fence(f.scope()) + ";");
        } else if (s instanceof KStmt.Trap t) {
            out.at(t.pos());
            out.line("{");
            out.indent();
            out.line(d.trap(t.code(), t.pos() == null ? 0 : t.pos().line()) + ";");
            if (!predicated) {
                out.line(fn.isKernel() || fn.returnType() instanceof VoidType ? "return;" : "return " + noneValue() + ";");
            }
            out.outdent();
            out.line("}");
        } else {
            throw CompileException.at(fn.pos(), "internal: " + s.getClass().getSimpleName()
                    + " reached the " + d.name() + " emitter (CPU-only KIR)");
        }
    }

    private void loop(KStmt.Loop l, CodeBuffer out) {
        if (l.doWhile()) {
            // the step holds the condition's side effects: a continue must run them too
            String label = !l.step().isEmpty() && ControlFlow.continues(l.body()) ? "cw_continue_" + labels++ : null;
            loops.push(new LoopFrame(label));
            out.line("do {");
            braced(l.body(), out);
            loops.pop();
            loops.push(new LoopFrame(null));
            if (label != null) {
                out.line(label + ":;");
            }
            braced(l.step(), out);
            out.line("} while (" + expr(l.condition()) + ");");
            loops.pop();
            return;
        }
        String cond = expr(l.condition());
        if (l.step().isEmpty() || !ControlFlow.continues(l.body())) {
            loops.push(new LoopFrame(null));
            out.line("while (" + cond + ") {");
            braced(l.body(), out);
            braced(l.step(), out);
            out.line("}");
        } else if (ControlFlow.isExpressionList(l.step())) {
            loops.push(new LoopFrame(null));
            List<String> steps = new ArrayList<>();
            for (KStmt s : l.step().statements()) {
                steps.add(stepExpression(s));
            }
            out.line("for (; " + cond + "; " + String.join(", ", steps) + ") {");
            braced(l.body(), out);
            out.line("}");
        } else {
            String label = "cw_continue_" + labels++;
            loops.push(new LoopFrame(label));
            out.line("while (" + cond + ") {");
            braced(l.body(), out);
            out.line(label + ":;");
            loops.pop();
            loops.push(new LoopFrame(null));
            braced(l.step(), out);
            out.line("}");
        }
        loops.pop();
    }

    private String stepExpression(KStmt s) {
        if (s instanceof KStmt.Assign a) {
            return a.target().uniqueName() + " = " + expr(a.value());
        }
        if (s instanceof KStmt.Store st) {
            return "*" + expr(st.address()) + " = " + expr(st.value());
        }
        return expr(((KStmt.Eval) s).expr());
    }

    /** C cannot assign arrays: copy element by element (arrays as values only come from struct-like copies). */
    private void copyArray(CodeBuffer out, String destination, AddressSpace destSpace, KExpr value, ArrayType type) {
        CType elem = type.baseElement();
        long count = type.size() / Math.max(1, elem.size());
        String source;
        AddressSpace srcSpace;
        if (value instanceof KExpr.Load ld) {
            source = expr(ld.address());
            srcSpace = scope.spaceOf(ld.address());
        } else if (value instanceof KExpr.LocalGet lg) {
            source = "(&" + lg.local().uniqueName() + ")";
            srcSpace = AddressSpace.LOCAL;
        } else {
            throw CompileException.at(fn.pos(), "internal: unexpected array value in " + d.name() + " emitter");
        }
        PointerType ep = new PointerType(elem);
        out.line("for (int cw_i = 0; cw_i < " + count + "; cw_i++) {");
        out.indent();
        out.line("((" + typeName(ep, destSpace) + ")" + destination + ")[cw_i] = ((" + typeName(ep, srcSpace) + ")"
                + source + ")[cw_i];");
        out.outdent();
        out.line("}");
    }

    // ------------------------------------------------------------------ expressions

    /** Prints an expression. */
    public String expr(KExpr e) {
        if (e instanceof KExpr.IntConst c) {
            return Literals.integer(c.type().kind(), c.value(), d::literalSuffix, d::scalar);
        }
        if (e instanceof KExpr.FloatConst f) {
            return Literals.floating(f.type().kind(), f.value(), d::floatBits);
        }
        if (e instanceof KExpr.NullPtr n) {
            return "((" + typeName(n.type(), scope.spaceOf(n)) + ")0)";
        }
        if (e instanceof KExpr.LocalGet l) {
            return l.local().uniqueName();
        }
        if (e instanceof KExpr.LocalAddr l) {
            return "(&" + l.local().uniqueName() + ")";
        }
        if (e instanceof KExpr.GlobalAddr g && g.global().name().equals(KernelAbi.GRID_WORKSPACE_SYMBOL)
                && !d.spinsOnGridWorkspace()) {
            // nvcc's PTX of grid.sync(): its blocks spin on a counter in the grid workspace, which needs
            // every block running at once (a cooperative launch); refused as the source path's grid barrier
            throw CompileException.at(g.global().pos(), "grid-wide synchronization (grid.sync(), which nvcc's PTX "
                    + "does through the grid workspace at %envreg1/2) is not supported on the " + d.name()
                    + " back end: it runs on the WebAssembly (CPU) path and the CUDA back end, which launch such a kernel"
                    + " cooperatively");
        }
        if (e instanceof KExpr.GlobalAddr g) {
            return d.globalAddress(g.global(), "(" + typeName(g.type(), scope.spaceOf(g)) + ")");
        }
        if (e instanceof KExpr.Special s) {
            return d.special(s.reg());
        }
        if (e instanceof KExpr.Load l) {
            return "(*" + expr(l.address()) + ")";
        }
        if (e instanceof KExpr.PtrAdd p) {
            PointerType pt = (PointerType) p.type();
            if (pt.pointee() instanceof VoidType) {
                return "((" + typeName(pt, scope.spaceOf(p)) + ")((" + byteType(p) + ")" + expr(p.pointer()) + " + "
                        + expr(p.index()) + "))";
            }
            return "(" + expr(p.pointer()) + " + " + expr(p.index()) + ")";
        }
        if (e instanceof KExpr.FieldAddr f) {
            return "(&" + expr(f.structPointer()) + "->" + fieldNames.apply(f.field().name()) + ")";
        }
        if (e instanceof KExpr.PtrDiff p) {
            String a = expr(p.left());
            String b = expr(p.right());
            if (((PointerType) p.left().type()).pointee() instanceof VoidType) {
                a = "((" + byteType(p.left()) + ")" + a + ")";
                b = "((" + byteType(p.right()) + ")" + b + ")";
            }
            return "((" + d.scalar(p.type().kind()) + ")(" + a + " - " + b + "))";
        }
        if (e instanceof KExpr.Unary u) {
            String x = expr(u.operand());
            String r = switch (u.op()) {
                case NEG -> "(-" + x + ")";
                case BIT_NOT -> "(~" + x + ")";
                case NOT -> "(!" + x + ")";
            };
            return u.op() == KExpr.UnaryOp.NOT ? r : narrow(u.type(), r);
        }
        if (e instanceof KExpr.Binary b) {
            return binary(b);
        }
        if (e instanceof KExpr.Convert c) {
            return convert(c);
        }
        if (e instanceof KExpr.Select s) {
            return "(" + expr(s.condition()) + " ? " + expr(s.ifTrue()) + " : " + expr(s.ifFalse()) + ")";
        }
        if (e instanceof KExpr.Call c) {
            List<String> args = new ArrayList<>();
            for (KExpr a : c.args()) {
                args.add(expr(a));
            }
            args.addAll(scope.hiddenArguments(c));
            return scope.callee(c) + "(" + String.join(", ", args) + ")";
        }
        if (e instanceof KExpr.Math m) {
            return d.math(m.fn(), m.type().kind() == ScalarKind.FLOAT, printAll(m.args()));
        }
        if (e instanceof KExpr.IntrinsicCall i && i.op() == io.cudawasm.kernels.kir.Intrinsic.MAP_SHARED_RANK) {
            return d.mapSharedRank(typeName(i.type(), scope.spaceOf(i.args().get(0))), expr(i.args().get(0)),
                    expr(i.args().get(1)));
        }
        if (e instanceof KExpr.IntrinsicCall i && i.op() == io.cudawasm.kernels.kir.Intrinsic.SHARED_RANK_OF) {
            return d.sharedRankOf(expr(i.args().get(0)));
        }
        if (e instanceof KExpr.IntrinsicCall i) {
            return d.intrinsic(i, printAll(i.args()));
        }
        if (e instanceof KExpr.Atomic a) {
            return d.atomic(a, scope.spaceOf(a.address()), expr(a.address()), expr(a.value()),
                    a.compare() == null ? null : expr(a.compare()));
        }
        if (e instanceof KExpr.WarpShuffle w) {
            return d.shuffle(w, expr(w.mask()), expr(w.value()), expr(w.lane()), expr(w.width()));
        }
        if (e instanceof KExpr.WarpVote v) {
            return d.vote(v, expr(v.mask()), v.predicate() == null ? null : expr(v.predicate()));
        }
        if (e instanceof KExpr.BlockReduce r) {
            return d.blockReduce(r, expr(r.predicate()));
        }
        throw CompileException.at(fn.pos(), "internal: " + e.getClass().getSimpleName() + " reached the " + d.name()
                + " emitter (CPU-only KIR)");
    }

    private List<String> printAll(List<KExpr> es) {
        List<String> out = new ArrayList<>();
        for (KExpr a : es) {
            out.add(expr(a));
        }
        return out;
    }

    private String byteType(KExpr pointer) {
        return d.qualifier(scope.spaceOf(pointer)) + d.scalar(ScalarKind.UCHAR) + "*";
    }

    /** Narrow integer results are cast back, since C computes them in int. */
    private String narrow(CType t, String text) {
        if (t instanceof ScalarType s && s.kind().isInteger() && s.size() < 4) {
            return "((" + d.scalar(s.kind()) + ")" + text + ")";
        }
        return text;
    }

    private String binary(KExpr.Binary b) {
        String l = expr(b.left());
        String r = expr(b.right());
        String op = switch (b.op()) {
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case DIV -> "/";
            case REM -> "%";
            case SHL -> "<<";
            case SHR -> ">>";
            case AND -> "&";
            case OR -> "|";
            case XOR -> "^";
            case EQ -> "==";
            case NE -> "!=";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            case LAND -> "&&";
            case LOR -> "||";
        };
        if (b.op().isComparison() || b.op().isLogical()) {
            return "(" + l + " " + op + " " + r + ")";
        }
        if ((b.op() == KExpr.BinaryOp.DIV || b.op() == KExpr.BinaryOp.REM) && b.type() instanceof ScalarType st
                && st.kind().isInteger()) {
            return narrow(b.type(), d.integerDivision(b.op(), st.kind(), l, r, safeDivisor(b.right(), st.kind())));
        }
        if ((b.op() == KExpr.BinaryOp.SHL || b.op() == KExpr.BinaryOp.SHR) && !(b.right() instanceof KExpr.IntConst)) {
            int bits = b.left().type() instanceof ScalarType st && st.kind().is64BitInteger() ? 64 : 32;
            r = d.shiftCount(r, bits);
        }
        return narrow(b.type(), "(" + l + " " + op + " " + r + ")");
    }

    /** A constant divisor that cannot fault: not zero, and not -1 for a signed division. */
    private static boolean safeDivisor(KExpr divisor, ScalarKind kind) {
        return divisor instanceof KExpr.IntConst c && c.value() != 0 && !(kind.isSigned() && c.value() == -1);
    }

    private String convert(KExpr.Convert c) {
        CType to = c.type();
        CType from = c.operand().type();
        String x = expr(c.operand());
        if (to instanceof ScalarType ts && ts.kind() == ScalarKind.BOOL) {
            return "((" + d.scalar(ScalarKind.BOOL) + ")(" + x + " != 0))";
        }
        if (to instanceof PointerType) {
            AddressSpace target = scope.spaceOf(c);
            if (((PointerType) to).space() == AddressSpace.SHARED && from instanceof ScalarType fs && fs.size() < 8
                    && !d.narrowSharedAddresses()) {
                SourcePos at = buffer != null && buffer.current() != null ? buffer.current() : fn.pos();
                throw CompileException.at(at, "a shared-memory address held in " + 8 * fs.size() + " bits (nvcc's PTX,"
                        + " or __cvta_generic_to_shared into an \"r\" operand of inline PTX) is not supported on the "
                        + d.name() + " back end, whose shared-memory addresses need 64 bits: run it on the WebAssembly"
                        + " path, or pass the address to inline PTX as a 64-bit (\"l\") operand");
            }
            if (from instanceof PointerType) {
                return "((" + typeName(to, target) + ")" + x + ")";
            }
            return "((" + typeName(to, target) + ")(" + d.pointerSizedInteger() + ")" + x + ")";
        }
        ScalarType ts = (ScalarType) to;
        if (from instanceof PointerType) {
            return "((" + d.scalar(ts.kind()) + ")(" + d.pointerSizedInteger() + ")" + x + ")";
        }
        ScalarType fs = (ScalarType) from;
        if (fs.kind().isFloating() && ts.kind().isInteger()) {
            return d.floatToInteger(ts.kind(), fs.kind(), x);
        }
        if (fs.kind() == ts.kind()) {
            return x;
        }
        return "((" + d.scalar(ts.kind()) + ")" + x + ")";
    }

    /** The position statements of this function are attributed to by default. */
    public SourcePos position() {
        return fn.pos();
    }
}
