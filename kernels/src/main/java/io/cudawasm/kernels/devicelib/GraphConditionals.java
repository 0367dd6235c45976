package io.cudawasm.kernels.devicelib;

import io.cudawasm.kernels.abi.GraphConditionalAbi;
import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * {@code cudaGraphSetConditional(handle, value)} as plain kernel IR over the module's table
 * ({@link GraphConditionalAbi}): look for the handle's slot among those claimed, overwrite its value,
 * or claim the next slot with an atomic.
 */
final class GraphConditionals {
    private static final PointerType WORD = new PointerType(ScalarType.UINT, AddressSpace.GLOBAL, false, false);

    private final KGlobal table = new KGlobal(GraphConditionalAbi.SYMBOL,
            new ArrayType(ScalarType.UINT, GraphConditionalAbi.WORDS), AddressSpace.GLOBAL, null, false, SourcePos.BUILTIN);

    KGlobal global() {
        return table;
    }

    private KExpr word(KExpr index) {
        KExpr base = new KExpr.Convert(WORD, new KExpr.GlobalAddr(table,
                new PointerType(table.type(), AddressSpace.GLOBAL, false, false)));
        return new KExpr.PtrAdd(base, new KExpr.Convert(ScalarType.LONG, index));
    }

    private static KExpr u32(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b, ScalarType t) {
        return new KExpr.Binary(op, a, b, t);
    }

    /** The first word of slot {@code slot} plus {@code field}. */
    private static KExpr slotWord(KExpr slot, int field) {
        return bin(BinaryOp.ADD, bin(BinaryOp.MUL, slot, u32(GraphConditionalAbi.SLOT_WORDS), ScalarType.UINT),
                u32(GraphConditionalAbi.HEADER_WORDS + field), ScalarType.UINT);
    }

    void set(KirSink sink, KExpr handle, KExpr value, SourcePos pos) {
        KLocal h = sink.temp("cond_handle", ScalarType.ULONGLONG);
        sink.emit(new KStmt.Assign(h, new KExpr.Convert(ScalarType.ULONGLONG, handle)));
        KLocal v = sink.temp("cond_value", ScalarType.UINT);
        sink.emit(new KStmt.Assign(v, new KExpr.Convert(ScalarType.UINT, value)));
        KExpr lo = new KExpr.Convert(ScalarType.UINT, new KExpr.LocalGet(h));
        KExpr hi = new KExpr.Convert(ScalarType.UINT, bin(BinaryOp.SHR, new KExpr.LocalGet(h),
                new KExpr.IntConst(ScalarType.ULONGLONG, 32), ScalarType.ULONGLONG));
        // the slots claimed so far (at most the table's)
        KLocal claimed = sink.temp("cond_claimed", ScalarType.UINT);
        KExpr count = new KExpr.Load(word(u32(0)), pos);
        sink.emit(new KStmt.Assign(claimed, count));
        KExpr n = new KExpr.LocalGet(claimed);
        sink.emit(new KStmt.If(bin(BinaryOp.GT, n, u32(GraphConditionalAbi.SLOTS), ScalarType.BOOL),
                new KBlock(List.of(new KStmt.Assign(claimed, u32(GraphConditionalAbi.SLOTS)))), KBlock.EMPTY));
        KLocal found = sink.temp("cond_found", ScalarType.UINT);
        sink.emit(new KStmt.Assign(found, u32(0)));
        KLocal i = sink.temp("cond_slot", ScalarType.UINT);
        KExpr at = new KExpr.LocalGet(i);
        sink.emit(new KStmt.Assign(i, u32(0)));
        KExpr same = bin(BinaryOp.LAND,
                bin(BinaryOp.EQ, new KExpr.Load(word(slotWord(at, 0)), pos), lo, ScalarType.BOOL),
                bin(BinaryOp.EQ, new KExpr.Load(word(slotWord(at, 1)), pos), hi, ScalarType.BOOL), ScalarType.BOOL);
        KBlock body = new KBlock(List.of(new KStmt.If(same, new KBlock(List.of(
                new KStmt.Store(word(slotWord(at, 2)), new KExpr.LocalGet(v), pos),
                new KStmt.Assign(found, u32(1)),
                new KStmt.Break())), KBlock.EMPTY)));
        sink.emit(new KStmt.Loop(false, bin(BinaryOp.LT, at, n, ScalarType.BOOL), body,
                new KBlock(List.of(new KStmt.Assign(i, bin(BinaryOp.ADD, at, u32(1), ScalarType.UINT))))));
        // a new handle: claim the next slot (past the table, the claim only counts a dropped call)
        KLocal slot = sink.temp("cond_new", ScalarType.UINT);
        KExpr s = new KExpr.LocalGet(slot);
        KBlock claim = new KBlock(List.of(
                new KStmt.Assign(slot, new KExpr.Atomic(AtomicOp.ADD, word(u32(0)), u32(1), null, ScalarType.UINT)),
                new KStmt.If(bin(BinaryOp.LT, s, u32(GraphConditionalAbi.SLOTS), ScalarType.BOOL), new KBlock(List.of(
                        new KStmt.Store(word(slotWord(s, 0)), lo, pos),
                        new KStmt.Store(word(slotWord(s, 1)), hi, pos),
                        new KStmt.Store(word(slotWord(s, 2)), new KExpr.LocalGet(v), pos),
                        new KStmt.Store(word(slotWord(s, 3)), u32(1), pos))), KBlock.EMPTY)));
        sink.emit(new KStmt.If(bin(BinaryOp.EQ, new KExpr.LocalGet(found), u32(0), ScalarType.BOOL), claim,
                KBlock.EMPTY));
    }
}
