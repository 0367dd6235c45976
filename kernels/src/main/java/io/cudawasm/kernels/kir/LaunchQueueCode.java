package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.abi.DeviceLaunchAbi;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel IR that records a launch from device code in the launch queue ({@link DeviceLaunchAbi}),
 * shared by the CUDA front end ({@code kernel<<<...>>>(args)}) and the PTX front end
 * ({@code cudaGetParameterBufferV2}/{@code cudaLaunchDeviceV2}). A launch is two steps, as in PTX:
 * {@link #claim} takes a record for the kernel and configuration (or sets the launch error), the
 * caller writes the parameters at {@link DeviceLaunchAbi#REC_PARAMS}, and {@link #commit} marks it
 * ready with its stream.
 */
public final class LaunchQueueCode {
    private LaunchQueueCode() {}

    /** A {@code unsigned char*} into global memory: the queue and its records. */
    public static final PointerType BYTES = new PointerType(ScalarType.UCHAR, AddressSpace.GLOBAL, false, false);
    private static final PointerType WORDS = new PointerType(ScalarType.UINT, AddressSpace.GLOBAL, false, false);

    /** The queue's address, read from its {@code __device__} pointer. */
    public static KExpr queueAddress(KGlobal queueVar, SourcePos pos) {
        return new KExpr.Load(new KExpr.GlobalAddr(queueVar,
                new PointerType(queueVar.type(), AddressSpace.GLOBAL, false, false)), pos);
    }

    /**
     * Statements that set {@code record} to a claimed record (its kernel, grid, block and shared
     * bytes written) or leave it null and set {@code error}: an invalid configuration, no queue
     * (a back end that runs no child grids), or a full queue (the pending-launch limit or the
     * nesting depth, whichever the runtime wrote). {@code queue}, the dimensions and {@code shared}
     * must be side-effect free (they are read more than once); {@code slot} is a u32 scratch local.
     */
    public static List<KStmt> claim(KExpr queue, KExpr kernelId, KExpr[] grid, KExpr[] block, KExpr shared,
            KLocal record, KLocal slot, KLocal error, SourcePos pos) {
        List<KStmt> write = new ArrayList<>();
        KExpr stride = new KExpr.Load(word(queue, DeviceLaunchAbi.STRIDE), pos);
        KExpr offset = bin(BinaryOp.ADD, bin(BinaryOp.MUL, new KExpr.Convert(ScalarType.LONG, new KExpr.LocalGet(slot)),
                new KExpr.Convert(ScalarType.LONG, stride), ScalarType.LONG),
                new KExpr.IntConst(ScalarType.LONG, DeviceLaunchAbi.HEADER_BYTES), ScalarType.LONG);
        write.add(new KStmt.Assign(record, new KExpr.PtrAdd(queue, offset, pos)));
        KExpr rec = new KExpr.LocalGet(record);
        write.add(store(rec, DeviceLaunchAbi.REC_STATE, uint(DeviceLaunchAbi.STATE_RESERVED), pos));
        write.add(store(rec, DeviceLaunchAbi.REC_KERNEL, kernelId, pos));
        for (int i = 0; i < 3; i++) {
            write.add(store(rec, DeviceLaunchAbi.REC_GRID + 4 * i, grid[i], pos));
            write.add(store(rec, DeviceLaunchAbi.REC_BLOCK + 4 * i, block[i], pos));
        }
        write.add(store(rec, DeviceLaunchAbi.REC_SHARED, shared, pos));
        KBlock full = new KBlock(List.of(new KStmt.Assign(error, new KExpr.Convert(ScalarType.INT,
                new KExpr.Load(word(queue, DeviceLaunchAbi.FULL_ERROR), pos)))));
        KBlock take = new KBlock(List.of(
                new KStmt.Assign(slot, new KExpr.Atomic(AtomicOp.ADD, word(queue, DeviceLaunchAbi.COUNT), uint(1), null,
                        ScalarType.UINT, pos)),
                new KStmt.If(bin(BinaryOp.LT, new KExpr.LocalGet(slot),
                        new KExpr.Load(word(queue, DeviceLaunchAbi.CAPACITY), pos), ScalarType.BOOL),
                        new KBlock(write), full)));
        KExpr hasQueue = bin(BinaryOp.NE, new KExpr.Convert(ScalarType.ULONGLONG, queue),
                new KExpr.IntConst(ScalarType.ULONGLONG, 0), ScalarType.BOOL);
        KBlock noQueue = new KBlock(List.of(setError(error, DeviceLaunchAbi.ERROR_NOT_SUPPORTED)));
        KBlock invalid = new KBlock(List.of(setError(error, DeviceLaunchAbi.ERROR_INVALID_CONFIGURATION)));
        return List.of(
                new KStmt.Assign(record, new KExpr.NullPtr(BYTES)),
                new KStmt.If(valid(grid, block), new KBlock(List.of(new KStmt.If(hasQueue, take, noQueue))), invalid));
    }

    /** Marks a claimed record ready, with its stream (a u64 handle). */
    public static List<KStmt> commit(KExpr record, KExpr stream, SourcePos pos) {
        return List.of(store(record, DeviceLaunchAbi.REC_STREAM, stream, pos),
                store(record, DeviceLaunchAbi.REC_STATE, uint(DeviceLaunchAbi.STATE_READY), pos));
    }

    /** Whether a record was claimed. */
    public static KExpr claimed(KExpr record) {
        return bin(BinaryOp.NE, new KExpr.Convert(ScalarType.ULONGLONG, record),
                new KExpr.IntConst(ScalarType.ULONGLONG, 0), ScalarType.BOOL);
    }

    /** Stores {@code value} (of its own type) at {@code offset} bytes into a record. */
    public static KStmt store(KExpr record, int offset, KExpr value, SourcePos pos) {
        PointerType to = new PointerType(value.type(), AddressSpace.GLOBAL, false, false);
        KExpr at = new KExpr.PtrAdd(record, new KExpr.IntConst(ScalarType.LONG, offset));
        return new KStmt.Store(new KExpr.Convert(to, at), value, pos);
    }

    public static KStmt setError(KLocal error, int code) {
        return new KStmt.Assign(error, new KExpr.IntConst(ScalarType.INT, code));
    }

    /** CUDA's limits on a launch configuration: what makes a device launch fail with cudaErrorInvalidConfiguration. */
    private static KExpr valid(KExpr[] grid, KExpr[] block) {
        List<KExpr> checks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            checks.add(bin(BinaryOp.GE, grid[i], uint(1), ScalarType.BOOL));
            checks.add(bin(BinaryOp.GE, block[i], uint(1), ScalarType.BOOL));
        }
        checks.add(bin(BinaryOp.LE, grid[0], uint(Integer.MAX_VALUE), ScalarType.BOOL));
        checks.add(bin(BinaryOp.LE, grid[1], uint(65535), ScalarType.BOOL));
        checks.add(bin(BinaryOp.LE, grid[2], uint(65535), ScalarType.BOOL));
        checks.add(bin(BinaryOp.LE, block[0], uint(1024), ScalarType.BOOL));
        checks.add(bin(BinaryOp.LE, block[1], uint(1024), ScalarType.BOOL));
        checks.add(bin(BinaryOp.LE, block[2], uint(64), ScalarType.BOOL));
        checks.add(bin(BinaryOp.LE, bin(BinaryOp.MUL, bin(BinaryOp.MUL, block[0], block[1], ScalarType.UINT), block[2],
                ScalarType.UINT), uint(1024), ScalarType.BOOL));
        KExpr all = checks.get(0);
        for (int i = 1; i < checks.size(); i++) {
            all = bin(BinaryOp.LAND, all, checks.get(i), ScalarType.BOOL);
        }
        return all;
    }

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b, CType type) {
        return new KExpr.Binary(op, a, b, type);
    }

    /** The 32-bit word at {@code offset} bytes into the queue's header. */
    private static KExpr word(KExpr queue, int offset) {
        return new KExpr.Convert(WORDS, new KExpr.PtrAdd(queue, new KExpr.IntConst(ScalarType.LONG, offset)));
    }
}
