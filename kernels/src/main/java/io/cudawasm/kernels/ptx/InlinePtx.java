package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileLimitException;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayList;
import java.util.List;

/**
 * Inline PTX ({@code asm("..." : "=r"(x) : "r"(y))} in CUDA C) through the PTX front end: the
 * template, its operands already replaced by register names, is parsed as a function body and its
 * instructions lowered by the same instruction families as a PTX file, into a block of the
 * enclosing C function. Whatever the PTX front end supports works inline, and nothing else.
 */
public final class InlinePtx {
    private InlinePtx() {}

    /** A C operand bound to a PTX register: {@code name} as the template uses it, in {@code local}. */
    public record Operand(String name, KLocal local, PtxType type) {}

    /**
     * What a snippet reaches of the C module around it: the variables of its {@code .shared}
     * declarations and the functions it calls.
     */
    public interface Enclosing {
        /**
         * The shared variable of a {@code .shared} declaration in the snippet: a variable of the
         * module, one per block, counted against the shared-memory budget, as ptxas allocates one
         * for a declaration in a kernel's body. One per asm statement and declaration, so a
         * statement lowered again (a template instantiated twice, a body lowered first to deduce its
         * return type) declares the same variable.
         */
        io.cudawasm.kernels.kir.KGlobal declareShared(String name, io.cudawasm.kernels.types.CType type, SourcePos pos);

        /**
         * The function {@code call} names: a {@code __device__} function of the module whose PTX name
         * is {@code name} (an {@code extern "C"} one, whose name nvcc keeps), or null.
         */
        KFunction function(String name, SourcePos pos);

        /**
         * The rounding core the snippet's half-precision instructions call ({@code add.f16},
         * {@code red.add.noftz.bf16}), one per C module, whose functions the module adds to its own.
         */
        HalfRuntime halfRuntime();

        /**
         * Whether the C module keeps mbarrier transaction counts (it multicasts, check/TransactionCounts):
         * then the snippet's mbarrier operations and bulk copies count them the same way.
         */
        boolean countsTransactions();
    }

    /**
     * The carry flag of a C function's asm statements, shared by all of them (a chain split over
     * two statements, {@code add.cc} in one and {@code addc} in the next, carries across), made by
     * the first that uses it.
     */
    public static final class CarryFlag {
        KLocal local;
    }

    /**
     * The kernel IR of a template in function {@code fn}. Errors, and the source position of
     * memory faults, point at {@code at} (the asm statement); an error's message names the
     * instruction.
     */
    public static KBlock lower(String template, List<Operand> operands, KFunction fn, SourcePos at) {
        return lower(template, template, operands, new CarryFlag(), fn, at);
    }

    /**
     * Like {@link #lower(String, List, KFunction, SourcePos)}; {@code written} is the template as
     * the source has it (before its operands were replaced, line for line the same), which an
     * error quotes; {@code carry} is the function's carry flag.
     */
    public static KBlock lower(String template, String written, List<Operand> operands, CarryFlag carry, KFunction fn,
            SourcePos at) {
        return lower(template, written, operands, carry, fn, at, null);
    }

    /**
     * Like the above; {@code library} is the enclosing module's device library, which {@code %clock},
     * {@code %clock64} and {@code %globaltimer} read (null: refused).
     */
    public static KBlock lower(String template, String written, List<Operand> operands, CarryFlag carry, KFunction fn,
            SourcePos at, io.cudawasm.kernels.devicelib.DeviceLibrary library) {
        return lower(template, written, operands, carry, fn, at, library, null);
    }

    /**
     * Like the above; {@code enclosing} gives the snippet's {@code .shared} variables and the
     * functions it calls (null: both refused).
     */
    public static KBlock lower(String template, String written, List<Operand> operands, CarryFlag carry, KFunction fn,
            SourcePos at, io.cudawasm.kernels.devicelib.DeviceLibrary library, Enclosing enclosing) {
        SourceFile text = new SourceFile(at.fileName() + " (inline PTX)", template);
        try {
            List<PtxStatement> body = new ArrayList<>();
            for (PtxStatement s : PtxParser.parseStatements(text)) {
                body.add(s instanceof PtxStatement.Instruction i
                        ? new PtxStatement.Instruction(i.guard(), i.opcode(), i.modifiers(), i.operands(), i.pos(), at)
                        : s);
            }
            // the enclosing module's device library: what the snippet makes of it belongs to that module
            ModuleLowering module = new ModuleLowering(
                    new PtxModule(text, "inline", null, 64, List.of(), List.of()), new ArrayList<>(), library);
            module.enclosing(enclosing);
            PtxFunction snippet = new PtxFunction(false, fn.name(), List.of(), List.of(), body, at);
            FunctionLowering lowering = new FunctionLowering(module, snippet, fn);
            for (Operand o : operands) {
                lowering.scopes().bind(o.name(), new Binding.Register(o.local(), o.type()));
            }
            return lowering.lowerSnippet(body, carry);
        } catch (CompileLimitException e) {
            // the same limit, at the asm statement when it was hit inside the template
            io.cudawasm.kernels.source.Diagnostic d = e.first();
            if (!text.name().equals(d.file())) {
                throw e;
            }
            throw io.cudawasm.kernels.source.CompileBudget.current().relocate(e, at, "inline assembly: ");
        } catch (CompileException e) {
            io.cudawasm.kernels.source.Diagnostic d = e.first();
            String line = text.name().equals(d.file()) && text.lineCount() > 1
                    ? " (template line " + d.line() + ": '" + new SourceFile("", written).line(d.line()).strip() + "')" : "";
            throw CompileException.at(at, "inline assembly: " + d.message() + line);
        }
    }
}
