package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.lex.Literals;
import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/** Expressions as written. */
public sealed interface Expr {
    SourcePos pos();

    record IntLit(SourcePos pos, Literals.IntLiteral value, String text) implements Expr {}

    record FloatLit(SourcePos pos, Literals.FloatLiteral value, String text) implements Expr {}

    record CharLit(SourcePos pos, int value) implements Expr {}

    record BoolLit(SourcePos pos, boolean value) implements Expr {}

    record StringLit(SourcePos pos, String value) implements Expr {}

    /** {@code nullptr}. */
    record NullPtr(SourcePos pos) implements Expr {}

    /** A name, possibly qualified ({@code cg::sync}) and with explicit template arguments. */
    record Ident(SourcePos pos, String name, List<TypeSyntax.TemplateArg> templateArgs) implements Expr {}

    enum UnaryOp { NEG, PLUS, BIT_NOT, NOT, DEREF, ADDR, PRE_INC, PRE_DEC, POST_INC, POST_DEC }

    record Unary(SourcePos pos, UnaryOp op, Expr operand) implements Expr {}

    enum BinaryOp {
        MUL("*"), DIV("/"), REM("%"), ADD("+"), SUB("-"), SHL("<<"), SHR(">>"),
        LT("<"), GT(">"), LE("<="), GE(">="), EQ("=="), NE("!="),
        BIT_AND("&"), BIT_XOR("^"), BIT_OR("|"), AND("&&"), OR("||"), COMMA(",");

        private final String symbol;

        BinaryOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public boolean isComparison() {
            return this == LT || this == GT || this == LE || this == GE || this == EQ || this == NE;
        }
    }

    record Binary(SourcePos pos, BinaryOp op, Expr left, Expr right) implements Expr {}

    /** {@code l = r} (op null) or a compound assignment {@code l op= r}. */
    record Assign(SourcePos pos, BinaryOp op, Expr target, Expr value) implements Expr {}

    record Conditional(SourcePos pos, Expr condition, Expr ifTrue, Expr ifFalse) implements Expr {}

    record Call(SourcePos pos, Expr callee, List<Expr> args) implements Expr {}

    /**
     * A kernel launched from device code (dynamic parallelism):
     * {@code kernel<<<grid, block[, sharedBytes[, stream]]>>>(args)}.
     */
    record KernelLaunch(SourcePos pos, Expr kernel, List<Expr> config, List<Expr> args) implements Expr {}

    record Index(SourcePos pos, Expr base, Expr index) implements Expr {}

    record Member(SourcePos pos, Expr base, String name, boolean arrow) implements Expr {}

    enum CastKind { C_STYLE, FUNCTIONAL, STATIC, REINTERPRET, CONST }

    record Cast(SourcePos pos, TypeSyntax type, Expr operand, CastKind kind) implements Expr {}

    /** {@code T(a, b, ...)} or {@code T{...}} with several arguments: a constructor-style call. */
    record Construct(SourcePos pos, TypeSyntax type, List<Expr> args) implements Expr {}

    /**
     * {@code new T}, {@code new T(args)}, {@code new T{args}}, {@code new T[count]}, and placement
     * {@code new (where) T(args)}; {@code count} and {@code placement} are null when absent.
     */
    record New(SourcePos pos, TypeSyntax type, Expr count, List<Expr> args, boolean initialized, Expr placement)
            implements Expr {}

    /** {@code delete p} or {@code delete[] p}. */
    record Delete(SourcePos pos, Expr operand, boolean array) implements Expr {}

    record SizeofType(SourcePos pos, TypeSyntax type) implements Expr {}

    record SizeofExpr(SourcePos pos, Expr operand) implements Expr {}

    record AlignofType(SourcePos pos, TypeSyntax type) implements Expr {}

    /** A braced list in an expression position ({@code return {a, b};}). */
    record InitList(SourcePos pos, List<Initializer> elements) implements Expr {}

    /** {@code this} in a member function. */
    record This(SourcePos pos) implements Expr {}

    /** A static member of a class named with its template arguments: {@code SharedMemory<T>::get}. */
    record TypeMember(SourcePos pos, TypeSyntax owner, String name) implements Expr {}

    /** How a lambda captures what its body names: nothing by default, by copy ({@code [=]}) or by reference ({@code [&]}). */
    enum CaptureDefault { NONE, COPY, REFERENCE }

    /** An explicit capture: {@code x}, {@code &x}, {@code x = expr}, or {@code this}. */
    record Capture(SourcePos pos, String name, boolean byReference, Expr init) {}

    /** A lambda expression; {@code returnType} null when deduced from its return statements. */
    record Lambda(SourcePos pos, CaptureDefault captureDefault, List<Capture> captures, List<Decl.Param> params,
            TypeSyntax returnType, boolean mutable, Stmt.Block body) implements Expr {}
}
