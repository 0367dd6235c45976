package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/** Statements as written. */
public sealed interface Stmt {
    SourcePos pos();

    record Block(SourcePos pos, List<Stmt> statements) implements Stmt {}

    /** Local declarations (several declarators share one statement). */
    record Declaration(SourcePos pos, List<Decl> declarations) implements Stmt {}

    record ExprStmt(SourcePos pos, Expr expr) implements Stmt {}

    record If(SourcePos pos, Expr condition, Stmt then, Stmt otherwise) implements Stmt {}

    record While(SourcePos pos, Expr condition, Stmt body) implements Stmt {}

    record DoWhile(SourcePos pos, Stmt body, Expr condition) implements Stmt {}

    /** {@code for (init; condition; step) body}; any part may be null. */
    record For(SourcePos pos, Stmt init, Expr condition, Expr step, Stmt body) implements Stmt {}

    record Switch(SourcePos pos, Expr selector, Stmt body) implements Stmt {}

    record Case(SourcePos pos, Expr value) implements Stmt {}

    record Default(SourcePos pos) implements Stmt {}

    record Break(SourcePos pos) implements Stmt {}

    record Continue(SourcePos pos) implements Stmt {}

    record Return(SourcePos pos, Expr value) implements Stmt {}

    record Empty(SourcePos pos) implements Stmt {}

    /** {@code label: statement}. */
    record Labeled(SourcePos pos, String label, Stmt statement) implements Stmt {}

    record Goto(SourcePos pos, String label) implements Stmt {}

    /**
     * GCC-style inline assembly, {@code asm [volatile] ("template" : outputs : inputs : clobbers)}.
     * {@code extended} is false for the basic form without colons, whose template is taken as
     * written ({@code %} is not special there).
     */
    record Asm(SourcePos pos, String template, boolean extended, List<AsmOperand> outputs, List<AsmOperand> inputs,
            List<String> clobbers) implements Stmt {
        public Asm {
            outputs = List.copyOf(outputs);
            inputs = List.copyOf(inputs);
            clobbers = List.copyOf(clobbers);
        }
    }

    /** {@code "=r"(x)}: an operand of an asm statement, its constraint string and C expression. */
    record AsmOperand(SourcePos pos, String constraint, Expr value) {}
}
