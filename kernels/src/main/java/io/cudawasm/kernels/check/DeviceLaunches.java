package io.cudawasm.kernels.check;

import io.cudawasm.kernels.abi.DeviceLaunchAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.LaunchQueueCode;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dynamic parallelism in device code: {@code child<<<grid, block, shared, stream>>>(args)} becomes
 * a record in the launch queue ({@link DeviceLaunchAbi}), claimed with an atomic add, which the
 * runtime launches after the parent grid; plus the device runtime calls around it
 * ({@code cudaStreamCreateWithFlags}, {@code cudaStreamDestroy}, {@code cudaGetLastError},
 * {@code cudaPeekAtLastError}) and its constants. A launch that fails (queue full: the pending-launch
 * limit; an invalid configuration; no queue) sets the error {@code cudaGetLastError} returns: kept
 * in a local of the function that launched, so it sees the launches of its own body.
 */
final class DeviceLaunches {
    /** CUDA's cudaErrorMemoryAllocation: what device-side cudaMalloc returns when the heap is full. */
    private static final int ERROR_MEMORY_ALLOCATION = 2;

    private static final Set<String> CALLS = Set.of("cudaStreamCreateWithFlags", "cudaStreamCreate",
            "cudaStreamDestroy", "cudaGetLastError", "cudaPeekAtLastError", "cudaDeviceSynchronize",
            "cudaStreamSynchronize", "cudaMalloc", "cudaFree");

    private static final Map<String, KExpr> CONSTANTS = Map.ofEntries(
            Map.entry("cudaSuccess", new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS)),
            Map.entry("cudaErrorMemoryAllocation", new KExpr.IntConst(ScalarType.INT, ERROR_MEMORY_ALLOCATION)),
            Map.entry("cudaErrorInvalidConfiguration", new KExpr.IntConst(ScalarType.INT,
                    DeviceLaunchAbi.ERROR_INVALID_CONFIGURATION)),
            Map.entry("cudaErrorLaunchPendingCountExceeded", new KExpr.IntConst(ScalarType.INT,
                    DeviceLaunchAbi.ERROR_LAUNCH_PENDING_COUNT_EXCEEDED)),
            Map.entry("cudaErrorLaunchMaxDepthExceeded", new KExpr.IntConst(ScalarType.INT,
                    DeviceLaunchAbi.ERROR_LAUNCH_MAX_DEPTH_EXCEEDED)),
            Map.entry("cudaErrorNotSupported", new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.ERROR_NOT_SUPPORTED)),
            Map.entry("cudaStreamDefault", new KExpr.IntConst(ScalarType.UINT, 0)),
            Map.entry("cudaStreamNonBlocking", new KExpr.IntConst(ScalarType.UINT, 1)),
            Map.entry("cudaStreamTailLaunch", new KExpr.IntConst(ScalarType.ULONGLONG,
                    DeviceLaunchAbi.STREAM_TAIL_LAUNCH)),
            Map.entry("cudaStreamFireAndForget", new KExpr.IntConst(ScalarType.ULONGLONG,
                    DeviceLaunchAbi.STREAM_FIRE_AND_FORGET)),
            // graph conditional nodes (driver_types.h): for a kernel that passes them on; the graph is host code
            Map.entry("cudaGraphCondAssignDefault", new KExpr.IntConst(ScalarType.UINT, 1)),
            Map.entry("cudaGraphCondTypeIf", new KExpr.IntConst(ScalarType.INT, 0)),
            Map.entry("cudaGraphCondTypeWhile", new KExpr.IntConst(ScalarType.INT, 1)),
            Map.entry("cudaGraphCondTypeSwitch", new KExpr.IntConst(ScalarType.INT, 2)));

    /** The handle a stream created in device code gets: any value other than CUDA's named streams. */
    private static final long CREATED_STREAM = 0x10;

    private final FunctionContext ctx;
    /** The function's last launch error (cudaGetLastError), made on first use. */
    private KLocal lastError;

    DeviceLaunches(FunctionContext ctx) {
        this.ctx = ctx;
    }

    static boolean handles(String name) {
        return CALLS.contains(name);
    }

    /** The value of a device runtime constant ({@code cudaStreamNonBlocking}, ...), else null. */
    static KExpr constant(String name) {
        return CONSTANTS.get(name);
    }

    private static CompileException error(SourcePos pos, String message) {
        return CompileException.at(pos, message);
    }

    private KLocal lastError(SourcePos pos) {
        if (lastError == null) {
            lastError = ctx.newLocal("cw_launch_error", ScalarType.INT, pos);
        }
        return lastError;
    }

    /** The function's body with its launch error cleared first, when it has one. */
    KBlock initializeErrorState(KBlock body) {
        if (lastError == null) {
            return body;
        }
        List<KStmt> out = new ArrayList<>();
        out.add(new KStmt.Assign(lastError, new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS)));
        out.addAll(body.statements());
        return new KBlock(out);
    }

    // ------------------------------------------------------------------ the device runtime's calls

    Operand call(String name, List<Expr> args, SourcePos pos) {
        ExpressionLowering x = ctx.exprs;
        switch (name) {
            case "cudaStreamCreateWithFlags" -> {
                arity(name, args, 2, pos);
                KExpr target = x.convert(x.rvalue(args.get(0)),
                        new PointerType(ScalarType.ULONGLONG), args.get(0).pos(), false);
                ctx.emit(new KStmt.Eval(x.rvalue(args.get(1))));
                ctx.emit(new KStmt.Store(target, new KExpr.IntConst(ScalarType.ULONGLONG, CREATED_STREAM), pos));
                return new Value(new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS));
            }
            case "cudaStreamDestroy" -> {
                arity(name, args, 1, pos);
                ctx.emit(new KStmt.Eval(x.rvalue(args.get(0))));
                return new Value(new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS));
            }
            case "cudaGetLastError", "cudaPeekAtLastError" -> {
                arity(name, args, 0, pos);
                KLocal e = lastError(pos);
                KLocal t = ctx.temp(ScalarType.INT, pos);
                ctx.emit(new KStmt.Assign(t, new KExpr.LocalGet(e)));
                if (name.equals("cudaGetLastError")) {
                    ctx.emit(new KStmt.Assign(e, new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS)));
                }
                return new Value(new KExpr.LocalGet(t));
            }
            case "cudaMalloc" -> {
                // the device runtime's cudaMalloc allocates from the same heap as malloc
                arity(name, args, 2, pos);
                KExpr target = x.rvalue(args.get(0));
                if (!(target.type() instanceof PointerType pp) || !(pp.pointee() instanceof PointerType)) {
                    throw error(args.get(0).pos(), "cudaMalloc needs the address of a pointer, not '"
                            + target.type().display() + "'");
                }
                KExpr bytes = x.rvalue(args.get(1));
                if (!bytes.type().isInteger()) {
                    throw error(args.get(1).pos(), "cudaMalloc needs a size, not '" + bytes.type().display() + "'");
                }
                KLocal where = ctx.temp(target.type(), pos);
                ctx.emit(new KStmt.Assign(where, target));
                KLocal block = ctx.temp(pp.pointee(), pos);
                ctx.emit(new KStmt.Assign(block, new KExpr.Convert(pp.pointee(),
                        new DeviceLibraryCalls(ctx).malloc(bytes, pos))));
                ctx.emit(new KStmt.Store(new KExpr.LocalGet(where), new KExpr.LocalGet(block), pos));
                return new Value(new KExpr.Select(new KExpr.Binary(KExpr.BinaryOp.EQ, new KExpr.Convert(
                        ScalarType.ULONGLONG, new KExpr.LocalGet(block)), new KExpr.IntConst(ScalarType.ULONGLONG, 0),
                        ScalarType.BOOL), new KExpr.IntConst(ScalarType.INT, ERROR_MEMORY_ALLOCATION),
                        new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS), ScalarType.INT));
            }
            case "cudaFree" -> {
                arity(name, args, 1, pos);
                new DeviceLibraryCalls(ctx).heap("free", args, pos);
                return new Value(new KExpr.IntConst(ScalarType.INT, DeviceLaunchAbi.SUCCESS));
            }
            case "cudaStreamCreate" -> throw error(pos, "device code creates streams with "
                    + "cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), as CUDA requires");
            default -> throw error(pos, "'" + name + "' in device code was removed in CUDA 12 (dynamic parallelism "
                    + "2): a parent grid cannot wait for its children; launch the work that needs their results "
                    + "into cudaStreamTailLaunch");
        }
    }

    private static void arity(String name, List<Expr> args, int n, SourcePos pos) {
        if (args.size() != n) {
            throw error(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", " + args.size()
                    + " given");
        }
    }

    // ------------------------------------------------------------------ launches

    /** Lowers {@code kernel<<<grid, block, shared, stream>>>(args)}: a record in the launch queue. */
    void launch(Expr.KernelLaunch l) {
        ExpressionLowering x = ctx.exprs;
        SourcePos pos = l.pos();
        if (!(l.kernel() instanceof Expr.Ident id)) {
            throw error(pos, "a kernel launch names a __global__ function");
        }
        String name = x.resolveNamespace(id.name());
        List<Checker.FunctionEntry> overloads = ctx.checker.functions.get(name);
        if (overloads == null) {
            throw error(id.pos(), "use of undeclared identifier '" + name + "'");
        }
        List<Operand> args = x.arguments(l.args());
        ExpressionLowering.Resolution r = x.resolve(name, overloads, id.templateArgs(), args, pos);
        KFunction kernel = ctx.checker.instance(r.entry(), r.env(), pos);
        if (!kernel.isKernel()) {
            throw error(id.pos(), "'" + kernel.sourceName() + "' is not a __global__ function: only kernels are "
                    + "launched with <<<...>>>");
        }
        List<KExpr> values = x.callValues(r, kernel, args, ExpressionLowering.positions(l.args()), null, pos);
        KExpr[] grid = dims(l.config().get(0));
        KExpr[] block = dims(l.config().get(1));
        KExpr shared = l.config().size() > 2 ? ctx.let(x.convert(x.rvalue(l.config().get(2)), ScalarType.UINT,
                l.config().get(2).pos(), false), pos) : new KExpr.IntConst(ScalarType.UINT, 0);
        KExpr stream = l.config().size() > 3 ? ctx.let(x.convert(x.rvalue(l.config().get(3)),
                ScalarType.ULONGLONG, l.config().get(3).pos(), false), pos)
                : new KExpr.IntConst(ScalarType.ULONGLONG, 0);

        KLocal err = lastError(pos);
        KExpr queue = ctx.let(LaunchQueueCode.queueAddress(ctx.checker.launchQueue(pos), pos), pos);
        KLocal record = ctx.temp(LaunchQueueCode.BYTES, pos);
        KLocal slot = ctx.temp(ScalarType.UINT, pos);
        KExpr kernelId = new KExpr.IntConst(ScalarType.UINT, DeviceLaunchAbi.kernelId(kernel.name()) & 0xffffffffL);
        for (KStmt st : LaunchQueueCode.claim(queue, kernelId, grid, block, shared, record, slot, err, pos)) {
            ctx.emit(st);
        }
        KExpr rec = new KExpr.LocalGet(record);
        List<KStmt> fill = new ArrayList<>();
        List<ParamInfo> params = KernelAbi.signature(kernel).params();
        for (int i = 0; i < values.size(); i++) {
            KExpr v = values.get(i);
            if (v.type() instanceof PointerType) {
                v = new KExpr.Convert(ScalarType.ULONGLONG, v);
            }
            fill.add(LaunchQueueCode.store(rec, DeviceLaunchAbi.REC_PARAMS + params.get(i).offset(), v, pos));
        }
        fill.addAll(LaunchQueueCode.commit(rec, stream, pos));
        ctx.emit(new KStmt.If(LaunchQueueCode.claimed(rec), new KBlock(fill), KBlock.EMPTY));
    }

    /** A launch's grid or block: a {@code dim3} (or {@code uint3}), or a number for x with y and z 1. */
    private KExpr[] dims(Expr e) {
        ExpressionLowering x = ctx.exprs;
        SourcePos pos = e.pos();
        Operand o = x.operand(e);
        if (o.type() instanceof StructType s && s.isVector() && s.fields().size() == 3) {
            KExpr addr;
            if (o instanceof Place p) {
                addr = ctx.let(x.address(p.lvalue()), pos);
            } else {
                KLocal t = ctx.temp(s, pos);
                ctx.emit(new KStmt.Assign(t, x.toRValue(o, pos)));
                addr = x.localAddress(t);
            }
            KExpr[] out = new KExpr[3];
            for (int i = 0; i < 3; i++) {
                out[i] = ctx.let(x.convert(new KExpr.Load(x.fieldAddr(addr, s.fields().get(i)), pos),
                        ScalarType.UINT, pos, false), pos);
            }
            return out;
        }
        if (!(o.type() instanceof ScalarType)) {
            throw error(pos, "a launch's grid and block are dim3 values or numbers, not '" + o.type().display() + "'");
        }
        KExpr v = ctx.let(x.convert(x.toRValue(o, pos), ScalarType.UINT, pos, false), pos);
        KExpr one = new KExpr.IntConst(ScalarType.UINT, 1);
        return new KExpr[] {v, one, one};
    }
}
