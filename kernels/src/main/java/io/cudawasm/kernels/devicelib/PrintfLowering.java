package io.cudawasm.kernels.devicelib;

import io.cudawasm.kernels.abi.PrintfAbi;
import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * Device {@code printf} as plain kernel IR, the same on every back end: measure the {@code %s}
 * strings, reserve a record in the module's printf buffer with a compare-and-swap loop that never
 * goes past its end (a record that does not fit is counted as dropped), then store the record's
 * header, one 8-byte slot per argument and the strings' bytes ({@link PrintfAbi}). The runtime
 * formats the records after the launch.
 */
public final class PrintfLowering {
    private static final PointerType BYTES = new PointerType(ScalarType.UCHAR, AddressSpace.GLOBAL, false, false);
    private static final PointerType CHARS = new PointerType(ScalarType.CHAR, AddressSpace.GENERIC, true, false);

    private final DeviceLibrary lib;
    private final KirSink sink;
    private final SourcePos pos;

    private PrintfLowering(DeviceLibrary lib, KirSink sink, SourcePos pos) {
        this.lib = lib;
        this.sink = sink;
        this.pos = pos;
    }

    /**
     * Lowers {@code printf(format, args...)}; the arguments are values already lowered (no side
     * effects left in them). Returns the call's value: the number of arguments, as CUDA's printf returns.
     */
    public static KExpr lower(DeviceLibrary lib, String format, List<KExpr> args, SourcePos pos, KirSink sink) {
        return new PrintfLowering(lib, sink, pos).lower(format, args);
    }

    /** The format's conversions, or a compile error at {@code pos} naming what is wrong with it. */
    public static PrintfFormat parse(String format, SourcePos pos) {
        try {
            return PrintfFormat.parse(format);
        } catch (PrintfFormat.FormatException e) {
            throw CompileException.at(pos, e.getMessage() + " in the printf format \"" + shown(format) + "\"");
        }
    }

    private static String shown(String format) {
        String s = format.replace("\n", "\\n").replace("\t", "\\t");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private KExpr lower(String format, List<KExpr> args) {
        List<PrintfFormat.Argument> kinds = parse(format, pos).arguments();
        if (args.size() < kinds.size()) {
            throw CompileException.at(pos, "the printf format \"" + shown(format) + "\" needs " + kinds.size()
                    + " argument" + (kinds.size() == 1 ? "" : "s") + ", " + args.size() + " given");
        }
        int formatOffset = lib.formatOffset(format);
        KGlobal buffer = lib.printfBuffer(pos);
        List<KExpr> slots = new ArrayList<>();
        List<KLocal> strings = new ArrayList<>();
        List<KLocal> lengths = new ArrayList<>();
        // arguments past the format's are evaluated (by the front end) and not printed, as in C
        for (int i = 0; i < kinds.size(); i++) {
            KExpr v = args.get(i);
            boolean string = kinds.get(i).kind() == PrintfFormat.ArgumentKind.STRING;
            if (string) {
                if (!(v.type() instanceof PointerType p) || p.pointee().size() != 1) {
                    throw CompileException.at(pos, "printf's %s needs a string ('char*'), argument " + (i + 1) + " is '"
                            + v.type().display() + "'");
                }
                KLocal s = sink.temp("str", CHARS);
                sink.emit(new KStmt.Assign(s, new KExpr.Convert(CHARS, v)));
                KLocal len = sink.temp("len", ScalarType.UINT);
                KLocal slot = sink.temp("slot", ScalarType.LONGLONG);
                measure(s, len, slot);
                strings.add(s);
                lengths.add(len);
                slots.add(new KExpr.LocalGet(slot));
            } else {
                KLocal slot = sink.temp("arg", slotType(v.type(), i));
                sink.emit(new KStmt.Assign(slot, new KExpr.Convert(slot.type(), v)));
                slots.add(new KExpr.LocalGet(slot));
            }
        }
        // the record's size: header, slots, each string padded to 8
        KExpr size = u32(PrintfAbi.RECORD_HEADER_BYTES + PrintfAbi.SLOT_BYTES * slots.size());
        for (KLocal len : lengths) {
            size = add(size, padded(new KExpr.LocalGet(len)));
        }
        KLocal recordSize = sink.temp("size", ScalarType.UINT);
        sink.emit(new KStmt.Assign(recordSize, size));

        KExpr words = new KExpr.GlobalAddr(buffer, new PointerType(buffer.type(), AddressSpace.GLOBAL, false, false));
        KExpr header = new KExpr.Convert(new PointerType(ScalarType.UINT, AddressSpace.GLOBAL, false, false), words);
        KExpr used = header;
        KExpr dropped = new KExpr.PtrAdd(header, new KExpr.IntConst(ScalarType.LONG, PrintfAbi.DROPPED_OFFSET / 4));
        KLocal at = sink.temp("at", ScalarType.UINT);
        KLocal seen = sink.temp("seen", ScalarType.UINT);
        KLocal reserved = sink.temp("reserved", ScalarType.BOOL);
        sink.emit(new KStmt.Assign(reserved, new KExpr.IntConst(ScalarType.BOOL, 0)));
        sink.emit(new KStmt.Assign(at, new KExpr.Atomic(AtomicOp.ADD, used, u32(0), null, ScalarType.UINT, pos)));
        // reserve [at, at + size) unless that passes the end: a full buffer stays full, nothing wraps
        KExpr end = add64(widen(new KExpr.LocalGet(at)), widen(new KExpr.LocalGet(recordSize)));
        List<KStmt> loop = new ArrayList<>();
        loop.add(new KStmt.If(cmp(BinaryOp.GT, end, new KExpr.IntConst(ScalarType.LONGLONG, lib.printfCapacity())),
                block(new KStmt.Eval(new KExpr.Atomic(AtomicOp.ADD, dropped, u32(1), null, ScalarType.UINT, pos)),
                        new KStmt.Break()), KBlock.EMPTY));
        loop.add(new KStmt.Assign(seen, new KExpr.Atomic(AtomicOp.CAS, used,
                add(new KExpr.LocalGet(at), new KExpr.LocalGet(recordSize)), new KExpr.LocalGet(at), ScalarType.UINT, pos)));
        loop.add(new KStmt.If(cmp(BinaryOp.EQ, new KExpr.LocalGet(seen), new KExpr.LocalGet(at)),
                block(new KStmt.Assign(reserved, new KExpr.IntConst(ScalarType.BOOL, 1)), new KStmt.Break()), KBlock.EMPTY));
        loop.add(new KStmt.Assign(at, new KExpr.LocalGet(seen)));
        sink.emit(new KStmt.Loop(false, new KExpr.IntConst(ScalarType.BOOL, 1), new KBlock(loop), KBlock.EMPTY));

        List<KStmt> write = new ArrayList<>();
        KLocal record = sink.temp("record", BYTES);
        KExpr data = new KExpr.PtrAdd(new KExpr.Convert(BYTES, words),
                new KExpr.IntConst(ScalarType.LONG, PrintfAbi.HEADER_BYTES));
        write.add(new KStmt.Assign(record, new KExpr.PtrAdd(data, widen(new KExpr.LocalGet(at)))));
        KExpr rec = new KExpr.LocalGet(record);
        write.add(store(rec, 0, new KExpr.LocalGet(recordSize)));
        write.add(store(rec, 4, u32(formatOffset)));
        write.add(store(rec, 8, new KExpr.Special(SpecialReg.CTAID_X)));
        write.add(store(rec, 12, new KExpr.Special(SpecialReg.CTAID_Y)));
        write.add(store(rec, 16, new KExpr.Special(SpecialReg.CTAID_Z)));
        write.add(store(rec, 20, new KExpr.Special(SpecialReg.LINEAR_TID)));
        for (int i = 0; i < slots.size(); i++) {
            write.add(store(rec, PrintfAbi.RECORD_HEADER_BYTES + PrintfAbi.SLOT_BYTES * i, slots.get(i)));
        }
        if (!strings.isEmpty()) {
            KLocal offset = sink.temp("offset", ScalarType.UINT);
            KLocal j = sink.temp("j", ScalarType.UINT);
            write.add(new KStmt.Assign(offset, u32(PrintfAbi.RECORD_HEADER_BYTES + PrintfAbi.SLOT_BYTES * slots.size())));
            for (int k = 0; k < strings.size(); k++) {
                KExpr len = new KExpr.LocalGet(lengths.get(k));
                KExpr dst = new KExpr.PtrAdd(rec, widen(add(new KExpr.LocalGet(offset), new KExpr.LocalGet(j))));
                KExpr src = new KExpr.PtrAdd(new KExpr.LocalGet(strings.get(k)), widen(new KExpr.LocalGet(j)));
                write.add(new KStmt.Assign(j, u32(0)));
                write.add(new KStmt.Loop(false, cmp(BinaryOp.LT, new KExpr.LocalGet(j), len),
                        block(new KStmt.Store(dst, new KExpr.Convert(ScalarType.UCHAR, new KExpr.Load(src, pos)), pos)),
                        block(new KStmt.Assign(j, add(new KExpr.LocalGet(j), u32(1))))));
                write.add(new KStmt.Assign(offset, add(new KExpr.LocalGet(offset), padded(len))));
            }
        }
        sink.emit(new KStmt.If(new KExpr.LocalGet(reserved), new KBlock(write), KBlock.EMPTY));
        return new KExpr.IntConst(ScalarType.INT, args.size());
    }

    /** {@code len} = the string's length up to the limit (0 for null); {@code slot} = it, or -1 for null. */
    private void measure(KLocal s, KLocal len, KLocal slot) {
        sink.emit(new KStmt.Assign(len, u32(0)));
        sink.emit(new KStmt.Assign(slot, new KExpr.IntConst(ScalarType.LONGLONG, PrintfAbi.NULL_STRING)));
        KExpr ch = new KExpr.Convert(ScalarType.INT, new KExpr.Load(new KExpr.PtrAdd(new KExpr.LocalGet(s),
                widen(new KExpr.LocalGet(len))), pos));
        KExpr more = new KExpr.Binary(BinaryOp.LAND, cmp(BinaryOp.LT, new KExpr.LocalGet(len), u32(PrintfAbi.STRING_LIMIT)),
                cmp(BinaryOp.NE, ch, new KExpr.IntConst(ScalarType.INT, 0)), ScalarType.BOOL);
        KStmt count = new KStmt.Loop(false, more, KBlock.EMPTY,
                block(new KStmt.Assign(len, add(new KExpr.LocalGet(len), u32(1)))));
        KStmt setSlot = new KStmt.Assign(slot, new KExpr.Convert(ScalarType.LONGLONG, new KExpr.LocalGet(len)));
        // compared as an integer: OpenCL C has no null pointer of a space the string's may differ from
        KExpr address = new KExpr.Convert(ScalarType.ULONGLONG, new KExpr.LocalGet(s));
        sink.emit(new KStmt.If(cmp(BinaryOp.NE, address, new KExpr.IntConst(ScalarType.ULONGLONG, 0)),
                block(count, setSlot), KBlock.EMPTY));
    }

    /** Integers widen to 64 bits as their type says, floating point to double, pointers to their address. */
    private CType slotType(CType t, int index) {
        if (t instanceof PointerType) {
            return ScalarType.ULONGLONG;
        }
        if (t instanceof ScalarType s) {
            return s.kind().isFloating() ? ScalarType.DOUBLE : ScalarType.LONGLONG;
        }
        throw CompileException.at(pos, "printf cannot print argument " + (index + 1) + " of type '" + t.display()
                + "' (numbers, pointers and strings only)");
    }

    private KStmt store(KExpr record, int offset, KExpr value) {
        PointerType to = new PointerType(value.type(), AddressSpace.GLOBAL, false, false);
        KExpr at = offset == 0 ? record : new KExpr.PtrAdd(record, new KExpr.IntConst(ScalarType.LONG, offset));
        return new KStmt.Store(new KExpr.Convert(to, at), value, pos);
    }

    private static KBlock block(KStmt... statements) {
        return new KBlock(List.of(statements));
    }

    private static KExpr u32(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr add(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.ADD, a, b, ScalarType.UINT);
    }

    private static KExpr add64(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.ADD, a, b, ScalarType.LONGLONG);
    }

    private static KExpr widen(KExpr v) {
        return new KExpr.Convert(ScalarType.LONGLONG, v);
    }

    private static KExpr padded(KExpr len) {
        return new KExpr.Binary(BinaryOp.AND, add(len, u32(7)), u32(~7L & 0xFFFF_FFFFL), ScalarType.UINT);
    }

    private static KExpr cmp(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, ScalarType.BOOL);
    }
}
