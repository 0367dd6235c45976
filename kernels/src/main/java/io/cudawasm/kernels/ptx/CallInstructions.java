package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.DeviceLaunchAbi;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.LaunchQueueCode;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.devicelib.PrintfFormat;
import io.cudawasm.kernels.devicelib.PrintfLowering;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code call} of a {@code .func} defined in the module: arguments and the result travel through
 * the {@code .param} variables of the call sequence, which are locals here. CUDA's assertion
 * handler {@code __assertfail} becomes a trap.
 */
final class CallInstructions {
    private final FunctionLowering f;

    CallInstructions(FunctionLowering f) {
        this.f = f;
    }

    void call(Instruction ins) {
        List<PtxOperand> ops = ins.operands();
        int i = 0;
        List<PtxOperand> results = List.of();
        if (i < ops.size() && ops.get(i) instanceof PtxOperand.Parenthesized p) {
            results = p.elements();
            i++;
        }
        if (i < ops.size() && ops.get(i) instanceof PtxOperand.Register target) {
            List<PtxOperand> args = i + 1 < ops.size() && ops.get(i + 1) instanceof PtxOperand.Parenthesized p
                    ? p.elements() : List.of();
            indirect(ins, target, results, args);
            return;
        }
        if (i >= ops.size() || !(ops.get(i) instanceof PtxOperand.Symbol callee)) {
            throw f.unsupported(ins, "a call whose target is neither a function nor a register");
        }
        i++;
        List<PtxOperand> args = List.of();
        if (i < ops.size() && ops.get(i) instanceof PtxOperand.Parenthesized p) {
            args = p.elements();
            i++;
        }
        if (i < ops.size()) {
            throw f.unsupported(ins, "calls with a prototype (indirect calls)");
        }
        Binding b = f.scopes().lookup(callee.name());
        if (b == null && f.inline()) {
            inlineCall(ins, f.module().inlineCallee(callee.name(), callee.pos()), results, args);
            return;
        }
        if (!(b instanceof Binding.Function fb)) {
            throw CompileException.at(callee.pos(), "call of undeclared function '" + callee.name() + "'");
        }
        if (fb.function() == null) {
            if (!deviceRuntime(ins, callee.name(), args, results)) {
                external(ins, callee.name(), args, results);
            }
            return;
        }
        KFunction target = fb.function();
        PtxFunction decl = fb.decl();
        if (args.size() != decl.params().size() || results.size() != decl.returns().size()) {
            throw CompileException.at(ins.pos(), "call of '" + callee.name() + "' with " + args.size() + " arguments and "
                    + results.size() + " results; it takes " + decl.params().size() + " and returns "
                    + decl.returns().size());
        }
        direct(ins, target, results, args);
    }

    /**
     * A call in inline PTX of a {@code __device__ extern "C"} function of the C module around it: its
     * arguments and result are numbers or pointers (a pointer in a 64-bit register or {@code .param}).
     */
    private void inlineCall(Instruction ins, KFunction target, List<PtxOperand> results, List<PtxOperand> args) {
        int returns = target.returnType() instanceof io.cudawasm.kernels.types.VoidType ? 0 : 1;
        if (args.size() != target.params().size() || results.size() != returns) {
            throw CompileException.at(ins.pos(), "call of '" + target.sourceName() + "' with " + args.size()
                    + " arguments and " + results.size() + " results; it takes " + target.params().size()
                    + " and returns " + returns);
        }
        boolean plain = target.params().stream().allMatch(p -> numberOrPointer(p.type()))
                && (returns == 0 || numberOrPointer(target.returnType()));
        if (!plain) {
            throw f.unsupported(ins, "a call in inline assembly passes and returns numbers and pointers only ('"
                    + target.sourceName() + "' takes or returns a struct or array)");
        }
        direct(ins, target, results, args);
    }

    private static boolean numberOrPointer(io.cudawasm.kernels.types.CType t) {
        return t instanceof ScalarType || t instanceof PointerType;
    }

    /**
     * {@code call (ret), %rd, (args), prototype;}: the register holds a function's index (see
     * {@link ModuleLowering#functionIndex}), so the call compares it with the module's functions whose
     * parameters and results have the call's shapes in turn; any other value, null included, traps.
     */
    private void indirect(Instruction ins, PtxOperand.Register target, List<PtxOperand> results, List<PtxOperand> args) {
        KExpr index = f.read(target, ScalarType.ULONGLONG);
        KLocal selector = f.fn().newLocal("callee", ScalarType.ULONGLONG, ins.pos());
        f.emit(new KStmt.Assign(selector, index));
        List<KFunction> candidates = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (Binding b : f.module().names().values()) {
            if (!(b instanceof Binding.Function fb) || fb.function() == null || fb.decl().entry()
                    || !sameShapes(fb.decl().params(), args) || !sameShapes(fb.decl().returns(), results)) {
                continue;
            }
            Long value = f.module().functionIndex(fb.decl().name());
            if (value == null) {
                continue;
            }
            candidates.add(fb.function());
            values.add(value);
        }
        // an if-else chain, as the source path's dispatchers (a barrier in a callee is allowed there, not in a switch)
        KBlock chain = new KBlock(List.of(new KStmt.Trap(
                "call through a function pointer that is null or not a function of the call's prototype",
                ins.sourcePos(), KernelAbi.TRAP_BAD_FUNCTION_POINTER)));
        for (int c = candidates.size() - 1; c >= 0; c--) {
            KFunction callee = candidates.get(c);
            KExpr matches = new KExpr.Binary(KExpr.BinaryOp.EQ, new KExpr.LocalGet(selector),
                    new KExpr.IntConst(ScalarType.ULONGLONG, values.get(c)), ScalarType.BOOL);
            chain = new KBlock(List.of(new KStmt.If(matches, new KBlock(f.capture(() -> direct(ins, callee, results, args))),
                    chain)));
        }
        f.emit(new KStmt.Nested(chain));
    }

    /** Whether a function's parameters (or results) are declared as the call's {@code .param} operands are. */
    private boolean sameShapes(List<PtxVariable> declared, List<PtxOperand> operands) {
        if (declared.size() != operands.size()) {
            return false;
        }
        for (int a = 0; a < operands.size(); a++) {
            if (!(operands.get(a) instanceof PtxOperand.Symbol s
                    && f.scopes().lookup(s.name()) instanceof Binding.Param p)) {
                return false;
            }
            PtxVariable d = declared.get(a);
            PtxVariable given = p.decl();
            if (d.size() != given.size() || d.isArray() != given.isArray()
                    || d.type().isFloat() != given.type().isFloat()) {
                return false;
            }
        }
        return true;
    }

    private void direct(Instruction ins, KFunction target, List<PtxOperand> results, List<PtxOperand> args) {
        List<KExpr> values = new ArrayList<>();
        for (int a = 0; a < args.size(); a++) {
            values.add(argument(args.get(a), target.params().get(a)));
        }
        KExpr call = new KExpr.Call(target, values, target.returnType());
        if (results.isEmpty()) {
            f.emit(new KStmt.Eval(call));
            return;
        }
        PtxOperand r = results.get(0);
        if (r instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p) {
            KLocal dst = p.local();
            if (dst.type().equals(target.returnType()) || !(dst.type() instanceof ScalarType)) {
                f.emit(new KStmt.Assign(dst, call));
            } else {
                KLocal tmp = f.fn().newLocal("t", target.returnType(), ins.pos());
                f.emit(new KStmt.Assign(tmp, call));
                f.emit(new KStmt.Assign(dst, Exprs.as(new KExpr.LocalGet(tmp), (ScalarType) dst.type())));
            }
            return;
        }
        f.write(r, call);
    }

    private KExpr argument(PtxOperand arg, KLocal param) {
        if (param.type() instanceof PointerType pt && f.inline()) {
            // a C function's pointer parameter, from the 64-bit .param or register of inline PTX
            KExpr bits = arg instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p
                    ? Exprs.as(new KExpr.LocalGet(p.local()), ScalarType.ULONGLONG) : f.read(arg, ScalarType.ULONGLONG);
            return Exprs.convert(bits, pt);
        }
        if (arg instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p) {
            KExpr v = new KExpr.LocalGet(p.local());
            if (param.type() instanceof ScalarType st && p.local().type() instanceof ScalarType) {
                return Exprs.as(v, st);
            }
            if (!p.local().type().equals(param.type())) {
                throw CompileException.at(arg.pos(), "argument '" + s.name() + "' does not match the parameter of "
                        + param.type().display());
            }
            return v;
        }
        if (param.type() instanceof ScalarType st) {
            return f.read(arg, st);
        }
        throw CompileException.at(arg.pos(), "expected a .param variable as the argument");
    }

    /**
     * The device runtime's calls that dynamic parallelism compiles to (CUDA 12's nvcc names them
     * {@code __cudaCDP2...}): a launch is {@code cudaGetParameterBufferV2}, which claims a record of
     * the launch queue and returns its parameter block, the parameters stored there, then
     * {@code cudaLaunchDeviceV2} with the stream. Returns false for any other function.
     */
    private boolean deviceRuntime(Instruction ins, String name, List<PtxOperand> args, List<PtxOperand> results) {
        String n = name.startsWith("__cudaCDP2") ? "cuda" + name.substring("__cudaCDP2".length()) : name;
        SourcePos pos = ins.pos();
        switch (n) {
            case "cudaGetParameterBufferV2" -> {
                shape(ins, name, args, results, 4);
                KExpr id = f.temp(Exprs.as(value(args.get(0)), ScalarType.UINT));
                KExpr[] grid = dims(args.get(1));
                KExpr[] block = dims(args.get(2));
                KExpr shared = f.temp(Exprs.as(value(args.get(3)), ScalarType.UINT));
                KExpr queue = f.temp(LaunchQueueCode.queueAddress(f.module().launchQueue(pos), pos));
                KLocal record = f.local("cw_record", LaunchQueueCode.BYTES);
                KLocal slot = f.local("cw_slot", ScalarType.UINT);
                for (KStmt st : LaunchQueueCode.claim(queue, id, grid, block, shared, record, slot, f.launchError(),
                        pos)) {
                    f.emit(st);
                }
                KExpr rec = new KExpr.LocalGet(record);
                KExpr params = Exprs.as(new KExpr.PtrAdd(rec, new KExpr.IntConst(ScalarType.LONG,
                        DeviceLaunchAbi.REC_PARAMS)), ScalarType.ULONGLONG);
                result(results, new KExpr.Select(LaunchQueueCode.claimed(rec), params,
                        new KExpr.IntConst(ScalarType.ULONGLONG, 0), ScalarType.ULONGLONG));
            }
            case "cudaLaunchDeviceV2" -> {
                shape(ins, name, args, results, 2);
                KExpr buffer = f.temp(Exprs.as(value(args.get(0)), ScalarType.ULONGLONG));
                KExpr stream = Exprs.as(value(args.get(1)), ScalarType.ULONGLONG);
                KExpr rec = new KExpr.PtrAdd(Exprs.convert(buffer, LaunchQueueCode.BYTES),
                        new KExpr.IntConst(ScalarType.LONG, -DeviceLaunchAbi.REC_PARAMS));
                KLocal status = f.local("cw_status", ScalarType.INT);
                List<KStmt> commit = new ArrayList<>(LaunchQueueCode.commit(rec, stream, pos));
                commit.add(LaunchQueueCode.setError(status, DeviceLaunchAbi.SUCCESS));
                f.emit(new KStmt.If(LaunchQueueCode.claimed(Exprs.convert(buffer, LaunchQueueCode.BYTES)),
                        new KBlock(commit), new KBlock(List.of(new KStmt.Assign(status,
                                new KExpr.LocalGet(f.launchError()))))));
                result(results, new KExpr.LocalGet(status));
            }
            case "cudaGetLastError", "cudaPeekAtLastError" -> {
                shape(ins, name, args, results, 0);
                KLocal e = f.launchError();
                KLocal t = f.local("cw_error", ScalarType.INT);
                f.emit(new KStmt.Assign(t, new KExpr.LocalGet(e)));
                if (n.equals("cudaGetLastError")) {
                    f.emit(LaunchQueueCode.setError(e, DeviceLaunchAbi.SUCCESS));
                }
                result(results, new KExpr.LocalGet(t));
            }
            case "cudaStreamCreateWithFlags" -> {
                shape(ins, name, args, results, 2);
                KExpr target = Exprs.convert(Exprs.as(value(args.get(0)), ScalarType.ULONGLONG),
                        new PointerType(ScalarType.ULONGLONG));
                f.emit(new KStmt.Store(target, new KExpr.IntConst(ScalarType.ULONGLONG, 0x10), pos));
                result(results, new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS));
            }
            case "cudaStreamDestroy" -> {
                shape(ins, name, args, results, 1);
                result(results, new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS));
            }
            case "cudaMalloc" -> {
                // the device runtime's cudaMalloc: the module's heap, as malloc; cudaErrorMemoryAllocation when full
                shape(ins, name, args, results, 2);
                KExpr target = f.temp(Exprs.as(value(args.get(0)), ScalarType.ULONGLONG));
                KExpr block = f.temp(Exprs.as(new KExpr.Convert(ScalarType.ULONGLONG, f.module().deviceLibrary(pos,
                        "cudaMalloc").malloc(f.sink(), Exprs.as(value(args.get(1)), ScalarType.ULONGLONG), pos)),
                        ScalarType.ULONGLONG));
                f.emit(new KStmt.Store(Exprs.convert(target, new PointerType(ScalarType.ULONGLONG)), block, pos));
                result(results, new KExpr.Select(new KExpr.Binary(KExpr.BinaryOp.EQ, block,
                        new KExpr.IntConst(ScalarType.ULONGLONG, 0), ScalarType.BOOL),
                        new KExpr.IntConst(ScalarType.INT, 2), new KExpr.IntConst(ScalarType.INT,
                        DeviceLaunchAbi.SUCCESS), ScalarType.INT));
            }
            case "cudaFree" -> {
                shape(ins, name, args, results, 1);
                f.module().deviceLibrary(pos, "cudaFree").free(f.sink(), Exprs.convert(Exprs.as(value(args.get(0)),
                        ScalarType.ULONGLONG), new PointerType(ScalarType.UCHAR, AddressSpace.GENERIC, false, false)), pos);
                result(results, new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS));
            }
            case "cudaGetParameterBuffer", "cudaLaunchDevice" -> throw f.unsupported(ins, "the device launch API of "
                    + "CUDA 11 and before ('" + name + "'): compile with CUDA 12's nvcc (cudaGetParameterBufferV2)");
            case "cudaDeviceSynchronize" -> throw f.unsupported(ins, "'" + name + "' (a parent grid waiting for its "
                    + "children, removed in CUDA 12)");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void shape(Instruction ins, String name, List<PtxOperand> args, List<PtxOperand> results, int n) {
        if (args.size() != n || results.size() != 1) {
            throw CompileException.at(ins.pos(), "call of '" + name + "' with " + args.size() + " arguments and "
                    + results.size() + " results; it takes " + n + " and returns one");
        }
    }

    /** A scalar argument: a .param variable of the call sequence, or a register or constant. */
    private KExpr value(PtxOperand arg) {
        if (arg instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p
                && p.local().type() instanceof ScalarType) {
            return new KExpr.LocalGet(p.local());
        }
        return f.read(arg, ScalarType.ULONGLONG);
    }

    /** A dim3 passed by value (a 12-byte .param array): its x, y and z in locals. */
    private KExpr[] dims(PtxOperand arg) {
        if (!(arg instanceof PtxOperand.Symbol s)) {
            throw CompileException.at(arg.pos(), "expected a .param variable holding a dim3");
        }
        KExpr base = f.symbolAddress(s.name(), s.pos(), StateSpace.GENERIC);
        KExpr[] out = new KExpr[3];
        for (int i = 0; i < 3; i++) {
            KExpr at = Exprs.convert(new KExpr.PtrAdd(base, new KExpr.IntConst(ScalarType.LONG, 4L * i)),
                    new PointerType(ScalarType.UINT));
            out[i] = f.temp(new KExpr.Load(at, s.pos()));
        }
        return out;
    }

    private void result(List<PtxOperand> results, KExpr value) {
        PtxOperand r = results.get(0);
        if (r instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p
                && p.local().type() instanceof ScalarType st) {
            f.emit(new KStmt.Assign(p.local(), Exprs.as(value, st)));
            return;
        }
        f.write(r, value);
    }

    private void external(Instruction ins, String name, List<PtxOperand> args, List<PtxOperand> results) {
        switch (name) {
            case "__assertfail" -> f.emit(new KStmt.Trap("assertion failed", ins.pos()));
            case "vprintf" -> vprintf(ins, args, results);
            case "malloc", "free" -> heap(ins, name, args, results);
            case "cudaGraphSetConditional" -> {
                // the device runtime's (handle, value): recorded for the job's result, as from CUDA source
                if (args.size() != 2) {
                    throw CompileException.at(ins.pos(), name + " takes 2 arguments, " + args.size() + " given");
                }
                f.module().deviceLibrary(ins.pos(), name).setGraphConditional(f.sink(), paramValue(args.get(0)),
                        Exprs.as(paramValue(args.get(1)), ScalarType.UINT), ins.pos());
            }
            default -> throw CompileException.at(ins.pos(), "call of external function '" + name
                    + "' whose body is not in this PTX (link it in first)");
        }
    }

    /**
     * {@code vprintf(format, args)}, what nvcc makes of printf: the format is a module string whose
     * address nvcc passes (found by {@link FunctionLowering#addressHeldBy}); the arguments are in a
     * local buffer, each at the next multiple of its size (after C's promotions: int 4 bytes, double,
     * long and pointers 8), which the format's conversions say. Lowered as the CUDA C front end lowers
     * printf ({@link PrintfLowering}); the result is the number of arguments.
     */
    private void vprintf(Instruction ins, List<PtxOperand> args, List<PtxOperand> results) {
        if (args.size() != 2) {
            throw CompileException.at(ins.pos(), "vprintf takes 2 arguments, " + args.size() + " given");
        }
        String format = formatString(ins, args.get(0));
        List<PrintfFormat.Argument> kinds = PrintfLowering.parse(format, ins.pos()).arguments();
        PointerType bytes = new PointerType(ScalarType.UCHAR, AddressSpace.GENERIC, false, false);
        KExpr buffer = kinds.isEmpty() ? null : f.temp(Exprs.convert(paramValue(args.get(1)), bytes));
        List<KExpr> values = new ArrayList<>();
        long offset = 0;
        for (PrintfFormat.Argument a : kinds) {
            offset = (offset + a.bytes() - 1) / a.bytes() * a.bytes();
            char conv = a.conversion().conversion();
            ScalarType t = switch (a.kind()) {
                case STAR -> ScalarType.INT;
                case FLOATING -> ScalarType.DOUBLE;
                case STRING, POINTER -> ScalarType.ULONGLONG;
                case INTEGER -> a.bytes() == 8 ? (conv == 'd' || conv == 'i' ? ScalarType.LONGLONG : ScalarType.ULONGLONG)
                        : conv == 'd' || conv == 'i' ? ScalarType.INT : ScalarType.UINT;
            };
            KExpr at = new KExpr.PtrAdd(buffer, new KExpr.IntConst(ScalarType.LONG, offset));
            KExpr v = f.temp(new KExpr.Load(new KExpr.Convert(new PointerType(t, AddressSpace.GENERIC, false, false), at),
                    ins.pos()));
            if (a.kind() == PrintfFormat.ArgumentKind.STRING) {
                v = Exprs.convert(v, new PointerType(ScalarType.CHAR, AddressSpace.GENERIC, true, false));
            }
            values.add(v);
            offset += a.bytes();
        }
        KExpr count = PrintfLowering.lower(f.module().deviceLibrary(ins.pos(), "vprintf"), format, values, ins.pos(), f.sink());
        if (results.isEmpty()) {
            return;
        }
        PtxOperand r = results.get(0);
        if (r instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p
                && p.local().type() instanceof ScalarType st) {
            f.emit(new KStmt.Assign(p.local(), Exprs.as(count, st)));
        } else {
            f.write(r, count);
        }
    }

    /** nvcc's {@code malloc(size)} and {@code free(pointer)}: the device library's heap. */
    private void heap(Instruction ins, String name, List<PtxOperand> args, List<PtxOperand> results) {
        if (args.size() != 1) {
            throw CompileException.at(ins.pos(), name + " takes 1 argument, " + args.size() + " given");
        }
        KExpr v = paramValue(args.get(0));
        if (name.equals("free")) {
            f.module().deviceLibrary(ins.pos(), "free").free(f.sink(), Exprs.convert(v, new PointerType(ScalarType.UCHAR,
                    AddressSpace.GENERIC, false, false)), ins.pos());
            return;
        }
        KExpr p = Exprs.as(new KExpr.Convert(ScalarType.ULONGLONG, f.module().deviceLibrary(ins.pos(), "malloc").malloc(f.sink(), v, ins.pos())),
                ScalarType.ULONGLONG);
        if (results.isEmpty()) {
            return;
        }
        PtxOperand r = results.get(0);
        if (r instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param bp
                && bp.local().type() instanceof ScalarType st) {
            f.emit(new KStmt.Assign(bp.local(), Exprs.as(p, st)));
        } else {
            f.write(r, p);
        }
    }

    /** The text of vprintf's format: the module string whose address the call's first parameter holds. */
    private String formatString(Instruction ins, PtxOperand arg) {
        String symbol = arg instanceof PtxOperand.Symbol s ? f.addressHeldBy(s.name()) : null;
        Binding b = symbol == null ? null : f.scopes().lookup(symbol);
        if (!(b instanceof Binding.Global g) || g.global().init() == null) {
            throw CompileException.at(ins.pos(), "vprintf's format is not a string of this module (nvcc passes the "
                    + "address of a .global string; a format computed at run time is not supported)");
        }
        byte[] init = g.global().init();
        int end = 0;
        while (end < init.length && init[end] != 0) {
            end++;
        }
        return new String(init, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The value a call argument holds: a call-sequence .param variable's, or a register's. */
    private KExpr paramValue(PtxOperand arg) {
        if (arg instanceof PtxOperand.Symbol s && f.scopes().lookup(s.name()) instanceof Binding.Param p) {
            return Exprs.as(new KExpr.LocalGet(p.local()), ScalarType.ULONGLONG);
        }
        return f.read(arg, ScalarType.ULONGLONG);
    }
}
