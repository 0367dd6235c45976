package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Stmt;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.ptx.InlinePtx;
import io.cudawasm.kernels.ptx.PtxType;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code asm("template" : outputs : inputs : clobbers)} in device code, as nvcc reads it: each
 * operand is a register of its constraint's type ({@code h} .u16, {@code r} .u32, {@code l} .u64,
 * {@code f} .f32, {@code d} .f64; {@code n} an immediate), numbered outputs first. Output lvalues
 * are evaluated once, inputs are evaluated once into their registers, the template's PTX is lowered
 * by the PTX front end ({@link InlinePtx}) into the function, and the outputs are assigned back.
 * A {@code +} output is read before and written after. Clobbers change nothing here: the snippet's effects happen in program
 * order, and memory is never cached across it. The carry flag of {@code .cc} instructions is one
 * per function, so a carry chain may continue from one asm statement to the next.
 */
final class InlineAssembly {
    private final FunctionContext ctx;
    private final ExpressionLowering exprs;

    InlineAssembly(FunctionContext ctx) {
        this.ctx = ctx;
        this.exprs = ctx.exprs;
    }

    /** An output being written back: where to, and from which register. */
    private record Output(LValue target, KLocal register, SourcePos pos) {}

    void lower(Stmt.Asm asm) {
        SourcePos at = asm.pos();
        if (!asm.extended()) {
            // basic asm: the template is PTX as written
            emit(InlinePtx.lower(asm.template(), asm.template(), List.of(), ctx.asmCarry, ctx.fn, at,
                    ctx.checker.deviceLibrary, enclosing(at)), at);
            return;
        }
        List<String> texts = new ArrayList<>();
        List<InlinePtx.Operand> registers = new ArrayList<>();
        List<Output> outputs = new ArrayList<>();
        for (Stmt.AsmOperand o : asm.outputs()) {
            String c = o.constraint();
            boolean readWrite = c.startsWith("+");
            if (!readWrite && !c.startsWith("=")) {
                throw CompileException.at(o.pos(), "output operand constraint '" + c + "' must start with '=' or '+'");
            }
            PtxType type = registerType(c.substring(1).replace("&", ""), o.pos());
            LValue target = exprs.stabilize(exprs.lvalue(o.value()));
            if (target.isConst()) {
                throw CompileException.at(o.pos(), "asm output operand is read-only");
            }
            KLocal reg = ctx.newLocal("asm" + texts.size(), type.kir(), o.pos());
            if (readWrite) {
                ctx.emit(new KStmt.Assign(reg, exprs.convert(exprs.load(target), reg.type(), o.pos(), true)));
            }
            String name = "%__asm" + texts.size();
            texts.add(name);
            registers.add(new InlinePtx.Operand(name, reg, type));
            outputs.add(new Output(target, reg, o.pos()));
        }
        for (Stmt.AsmOperand o : asm.inputs()) {
            String c = o.constraint();
            if (c.equals("n")) {
                KExpr v = exprs.rvalue(o.value());
                if (!(v instanceof KExpr.IntConst k)) {
                    throw CompileException.at(o.pos(), "asm operand with constraint \"n\" needs an integer constant expression");
                }
                texts.add(Long.toString(k.value()));
                continue;
            }
            if (!c.isEmpty() && Character.isDigit(c.charAt(0))) {
                // nvcc rejects them too ("does not match type/size implied by constraint")
                throw CompileException.at(o.pos(), "matching constraints (\"" + c + "\") are not supported; use \"+\" on the output");
            }
            PtxType type = registerType(c, o.pos());
            KLocal reg = ctx.newLocal("asm" + texts.size(), type.kir(), o.pos());
            ctx.emit(new KStmt.Assign(reg, exprs.convert(exprs.rvalue(o.value()), reg.type(), o.pos(), true)));
            String name = "%__asm" + texts.size();
            texts.add(name);
            registers.add(new InlinePtx.Operand(name, reg, type));
        }
        String template = substitute(asm.template(), texts, at);
        emit(InlinePtx.lower(template, asm.template(), registers, ctx.asmCarry, ctx.fn, at,
                ctx.checker.deviceLibrary, enclosing(at)), at);
        for (Output o : outputs) {
            exprs.store(o.target(), exprs.convert(new KExpr.LocalGet(o.register()), o.target().type(), o.pos(), true));
        }
    }

    /**
     * The module around the snippet: its {@code .shared} variables, one per asm statement and
     * declaration, and the functions it may call.
     */
    private InlinePtx.Enclosing enclosing(SourcePos at) {
        return new InlinePtx.Enclosing() {
            @Override
            public io.cudawasm.kernels.kir.KGlobal declareShared(String name, io.cudawasm.kernels.types.CType type,
                    SourcePos pos) {
                return ctx.checker.inlineAsmShared(at, name, type, pos);
            }

            @Override
            public io.cudawasm.kernels.kir.KFunction function(String name, SourcePos pos) {
                return ctx.checker.externCFunction(name, at);
            }

            @Override
            public io.cudawasm.kernels.ptx.HalfRuntime halfRuntime() {
                return ctx.checker.halfRuntime();
            }

            @Override
            public boolean countsTransactions() {
                return ctx.checker.countsTransactions;
            }
        };
    }

    private void emit(KBlock snippet, SourcePos at) {
        ctx.budget.countIrNodes(KirSize.of(snippet), at, ctx.fn.sourceName());
        ctx.out.emit(new KStmt.Nested(snippet));
    }

    /** The PTX register type of a constraint letter. */
    private static PtxType registerType(String constraint, SourcePos pos) {
        return switch (constraint) {
            case "h" -> PtxType.U16;
            case "r" -> PtxType.U32;
            case "l" -> PtxType.U64;
            case "f" -> PtxType.F32;
            case "d" -> PtxType.F64;
            case "q" -> throw CompileException.at(pos, "asm constraint \"q\" (128-bit operands) is not supported");
            case "n" -> throw CompileException.at(pos, "asm constraint \"n\" (an immediate) is for input operands");
            default -> throw CompileException.at(pos, "unsupported asm operand constraint \"" + constraint
                    + "\" (supported: h, r, l, f, d, n)");
        };
    }

    /** {@code %N} becomes operand N's register or immediate, {@code %%} a single {@code %}. */
    private static String substitute(String template, List<String> operands, SourcePos at) {
        StringBuilder sb = new StringBuilder(template.length() + 16);
        for (int i = 0; i < template.length(); i++) {
            char ch = template.charAt(i);
            if (ch != '%' || i + 1 == template.length()) {
                sb.append(ch);
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '%') {
                sb.append('%');
                i++;
            } else if (Character.isDigit(next)) {
                int j = i + 1;
                while (j < template.length() && Character.isDigit(template.charAt(j)) && j - i <= 4) {
                    j++;
                }
                int n = Integer.parseInt(template.substring(i + 1, j));
                if (n >= operands.size()) {
                    throw CompileException.at(at, "asm template refers to operand %" + n + ", but there are "
                            + operands.size() + " operands");
                }
                sb.append(operands.get(n));
                i = j - 1;
            } else {
                sb.append(ch); // '%globaltimer' where an operand list exists: nvcc keeps it as written
            }
        }
        return sb.toString();
    }
}
