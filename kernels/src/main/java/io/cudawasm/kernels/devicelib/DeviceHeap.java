package io.cudawasm.kernels.devicelib;

import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.FenceScope;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayList;
import java.util.List;

/**
 * Device {@code malloc} and {@code free} as two device functions in kernel IR, the same on every
 * back end, over a {@code __device__} heap in the module's memory ({@link #HEAP_BYTES} unless
 * {@link DeviceLimits} says otherwise), so it counts against the session's memory and lives as long
 * as the session, as CUDA's heap lives as long as the context.
 *
 * <pre>
 * heap: u32 lock, u32 top (bytes handed out so far), u32 free list (block offset + 1, 0: empty), u32 unused,
 *       then blocks: u32 payload bytes (a multiple of 16), u32 state (ALLOCATED or FREE), u32 next free + 1, u32 unused,
 *       then the payload, 16-byte aligned as CUDA's malloc returns it
 * </pre>
 *
 * A spin lock (compare-and-swap, fenced) guards the list: a thread holds it only inside one call,
 * with no barrier inside, so threads that run one after another (a block's threads on the CPU path,
 * work-items on PoCL) never wait on each other. {@code malloc} takes the first free block that is
 * large enough (blocks are neither split nor merged), else cuts a new one from the top, else
 * returns null, as CUDA's does when the heap is full. {@code free} returns 0 for a pointer that is
 * not a live block of this heap (outside it, misaligned, not at a block start, freed already); the
 * caller traps there with {@link #BAD_FREE}.
 */
public final class DeviceHeap {
    public static final String HEAP_SYMBOL = "__cw_heap";
    /** CUDA's default {@code cudaLimitMallocHeapSize}: 8 MiB. */
    public static final int HEAP_BYTES = 8 << 20;
    /** The trap reason of a bad {@code free} ({@link io.cudawasm.kernels.abi.KernelAbi#TRAP_BAD_FREE}). */
    public static final String BAD_FREE = "free() of a pointer that malloc did not return, or that was freed already";

    static final int HEADER = 16;
    static final long ALLOCATED = 0xA110_C8EDL;
    static final long FREE = 0xF4EE_B10CL;

    private static final PointerType VOID_PTR = new PointerType(VoidType.VOID);
    private static final PointerType BYTES = new PointerType(ScalarType.UCHAR, AddressSpace.GLOBAL, false, false);
    private static final PointerType WORDS = new PointerType(ScalarType.UINT, AddressSpace.GLOBAL, false, false);

    private final KGlobal heap;
    private final KFunction malloc;
    private final KFunction free;

    /** Bytes of blocks and headers the heap holds (a multiple of 16). */
    private final int heapBytes;

    DeviceHeap(int heapBytes) {
        this.heapBytes = heapBytes;
        heap = new KGlobal(HEAP_SYMBOL, new ArrayType(ScalarType.ULONGLONG, (HEADER + heapBytes) / 8), AddressSpace.GLOBAL,
                null, false, SourcePos.BUILTIN);
        malloc = new KFunction("__cw_malloc", "malloc", false, VOID_PTR,
                List.of(new KLocal(0, "bytes", ScalarType.ULONGLONG, true, SourcePos.BUILTIN)), SourcePos.BUILTIN);
        free = new KFunction("__cw_free", "free", false, ScalarType.INT,
                List.of(new KLocal(0, "pointer", VOID_PTR, true, SourcePos.BUILTIN)), SourcePos.BUILTIN);
        malloc.setBody(mallocBody());
        free.setBody(freeBody());
    }

    KGlobal global() {
        return heap;
    }

    KFunction malloc() {
        return malloc;
    }

    KFunction free() {
        return free;
    }

    // ------------------------------------------------------------------ the heap's fields

    private KExpr bytes() {
        return new KExpr.Convert(BYTES, new KExpr.GlobalAddr(heap, new PointerType(heap.type(), AddressSpace.GLOBAL,
                false, false)));
    }

    /** A u32 of the heap's header (word 0: lock, 1: top, 2: free list). */
    private KExpr field(int word) {
        return new KExpr.Convert(WORDS, new KExpr.PtrAdd(bytes(), i64(4L * word)));
    }

    /** A u32 of a block's header (word 0: size, 1: state, 2: next free + 1); {@code block} is its offset (u32). */
    private KExpr blockField(KExpr block, int word) {
        return new KExpr.Convert(WORDS, new KExpr.PtrAdd(bytes(), new KExpr.Binary(BinaryOp.ADD,
                new KExpr.Convert(ScalarType.LONGLONG, block), i64(HEADER + 4L * word), ScalarType.LONGLONG)));
    }

    private KExpr payload(KExpr block) {
        KExpr at = new KExpr.PtrAdd(bytes(), new KExpr.Binary(BinaryOp.ADD, new KExpr.Convert(ScalarType.LONGLONG, block),
                i64(2 * HEADER), ScalarType.LONGLONG));
        return new KExpr.Convert(VOID_PTR, at);
    }

    /** Spins until this thread holds the heap's lock: compare-and-swap 0 to 1, then a fence. */
    private KStmt lockHeap(KFunction f) {
        KLocal seen = f.newLocal("seen", ScalarType.UINT, SourcePos.BUILTIN);
        return new KStmt.Nested(block(new KStmt.Loop(false, bool(true), block(
                new KStmt.Assign(seen, new KExpr.Atomic(AtomicOp.CAS, field(0), u32(1), u32(0), ScalarType.UINT)),
                new KStmt.If(eq(get(seen), u32(0)), block(new KStmt.Break()), KBlock.EMPTY)), KBlock.EMPTY),
                new KStmt.Fence(FenceScope.DEVICE)));
    }

    private KStmt unlock() {
        return new KStmt.Nested(block(new KStmt.Fence(FenceScope.DEVICE),
                new KStmt.Eval(new KExpr.Atomic(AtomicOp.EXCH, field(0), u32(0), null, ScalarType.UINT))));
    }

    // ------------------------------------------------------------------ malloc

    private KBlock mallocBody() {
        KFunction f = malloc;
        KExpr n = get(f.params().get(0));
        KLocal size = f.newLocal("size", ScalarType.UINT, SourcePos.BUILTIN);
        KLocal prev = f.newLocal("prev", ScalarType.UINT, SourcePos.BUILTIN);
        KLocal cur = f.newLocal("cur", ScalarType.UINT, SourcePos.BUILTIN);
        KLocal next = f.newLocal("next", ScalarType.UINT, SourcePos.BUILTIN);
        KLocal top = f.newLocal("top", ScalarType.UINT, SourcePos.BUILTIN);
        KLocal found = f.newLocal("found", ScalarType.UINT, SourcePos.BUILTIN);
        List<KStmt> s = new ArrayList<>();
        // malloc(0) and requests larger than the heap get null
        s.add(new KStmt.If(new KExpr.Binary(BinaryOp.LOR, eq64(n, 0), new KExpr.Binary(BinaryOp.GT, n,
                new KExpr.IntConst(ScalarType.ULONGLONG, heapBytes), ScalarType.BOOL), ScalarType.BOOL),
                block(new KStmt.Return(new KExpr.NullPtr(VOID_PTR))), KBlock.EMPTY));
        s.add(new KStmt.Assign(size, new KExpr.Convert(ScalarType.UINT, new KExpr.Binary(BinaryOp.AND,
                new KExpr.Binary(BinaryOp.ADD, n, new KExpr.IntConst(ScalarType.ULONGLONG, 15), ScalarType.ULONGLONG),
                new KExpr.IntConst(ScalarType.ULONGLONG, ~15L), ScalarType.ULONGLONG))));
        s.add(lockHeap(f));
        s.add(new KStmt.Assign(found, u32(0)));
        s.add(new KStmt.Assign(prev, u32(0)));
        s.add(new KStmt.Assign(cur, load(field(2))));
        // first fit in the free list
        KExpr block = sub(get(cur), u32(1));
        KStmt unlink = new KStmt.If(eq(get(prev), u32(0)), block(store(field(2), get(next))),
                block(store(blockField(sub(get(prev), u32(1)), 2), get(next))));
        s.add(new KStmt.Loop(false, ne(get(cur), u32(0)), block(
                new KStmt.Assign(next, load(blockField(block, 2))),
                new KStmt.If(new KExpr.Binary(BinaryOp.GE, load(blockField(block, 0)), get(size), ScalarType.BOOL),
                        block(unlink, store(blockField(block, 1), u32(ALLOCATED)), new KStmt.Assign(found, get(cur)),
                                new KStmt.Break()), KBlock.EMPTY),
                new KStmt.Assign(prev, get(cur)),
                new KStmt.Assign(cur, get(next))), KBlock.EMPTY));
        // else a new block from the top, if it fits
        KExpr end = new KExpr.Binary(BinaryOp.ADD, new KExpr.Binary(BinaryOp.ADD, new KExpr.Convert(ScalarType.LONGLONG,
                get(top)), i64(HEADER), ScalarType.LONGLONG), new KExpr.Convert(ScalarType.LONGLONG, get(size)),
                ScalarType.LONGLONG);
        s.add(new KStmt.If(eq(get(found), u32(0)), block(
                new KStmt.Assign(top, load(field(1))),
                new KStmt.If(new KExpr.Binary(BinaryOp.LE, end, i64(heapBytes), ScalarType.BOOL), block(
                        store(field(1), add(add(get(top), u32(HEADER)), get(size))),
                        store(blockField(get(top), 0), get(size)),
                        store(blockField(get(top), 1), u32(ALLOCATED)),
                        store(blockField(get(top), 2), u32(0)),
                        new KStmt.Assign(found, add(get(top), u32(1)))), KBlock.EMPTY)), KBlock.EMPTY));
        s.add(unlock());
        s.add(new KStmt.If(eq(get(found), u32(0)), block(new KStmt.Return(new KExpr.NullPtr(VOID_PTR))), KBlock.EMPTY));
        s.add(new KStmt.Return(payload(sub(get(found), u32(1)))));
        return new KBlock(s);
    }

    // ------------------------------------------------------------------ free

    private KBlock freeBody() {
        KFunction f = free;
        KExpr p = new KExpr.Convert(ScalarType.ULONGLONG, get(f.params().get(0)));
        KLocal offset = f.newLocal("offset", ScalarType.ULONGLONG, SourcePos.BUILTIN);
        KLocal blk = f.newLocal("block", ScalarType.UINT, SourcePos.BUILTIN);
        KLocal ok = f.newLocal("ok", ScalarType.INT, SourcePos.BUILTIN);
        List<KStmt> s = new ArrayList<>();
        s.add(new KStmt.If(eq64(p, 0), block(new KStmt.Return(new KExpr.IntConst(ScalarType.INT, 1))), KBlock.EMPTY));
        // offset of the payload in the heap's blocks; below the heap it wraps to a huge number
        s.add(new KStmt.Assign(offset, new KExpr.Binary(BinaryOp.SUB, new KExpr.Binary(BinaryOp.SUB, p,
                new KExpr.Convert(ScalarType.ULONGLONG, bytes()), ScalarType.ULONGLONG),
                new KExpr.IntConst(ScalarType.ULONGLONG, HEADER), ScalarType.ULONGLONG)));
        KExpr outside = new KExpr.Binary(BinaryOp.LOR, new KExpr.Binary(BinaryOp.LT, get(offset),
                new KExpr.IntConst(ScalarType.ULONGLONG, HEADER), ScalarType.BOOL), new KExpr.Binary(BinaryOp.LOR,
                new KExpr.Binary(BinaryOp.GT, get(offset), new KExpr.IntConst(ScalarType.ULONGLONG, heapBytes),
                        ScalarType.BOOL),
                new KExpr.Binary(BinaryOp.NE, new KExpr.Binary(BinaryOp.AND, get(offset),
                        new KExpr.IntConst(ScalarType.ULONGLONG, 15), ScalarType.ULONGLONG),
                        new KExpr.IntConst(ScalarType.ULONGLONG, 0), ScalarType.BOOL), ScalarType.BOOL), ScalarType.BOOL);
        s.add(new KStmt.If(outside, block(new KStmt.Return(new KExpr.IntConst(ScalarType.INT, 0))), KBlock.EMPTY));
        s.add(new KStmt.Assign(blk, sub(new KExpr.Convert(ScalarType.UINT, get(offset)), u32(HEADER))));
        s.add(lockHeap(f));
        KExpr live = new KExpr.Binary(BinaryOp.LAND, new KExpr.Binary(BinaryOp.LT, get(blk), load(field(1)),
                ScalarType.BOOL), eq(load(blockField(get(blk), 1)), u32(ALLOCATED)), ScalarType.BOOL);
        s.add(new KStmt.Assign(ok, new KExpr.IntConst(ScalarType.INT, 0)));
        s.add(new KStmt.If(live, block(
                store(blockField(get(blk), 1), u32(FREE)),
                store(blockField(get(blk), 2), load(field(2))),
                store(field(2), add(get(blk), u32(1))),
                new KStmt.Assign(ok, new KExpr.IntConst(ScalarType.INT, 1))), KBlock.EMPTY));
        s.add(unlock());
        s.add(new KStmt.Return(get(ok)));
        return new KBlock(s);
    }

    // ------------------------------------------------------------------ small builders

    private static KBlock block(KStmt... statements) {
        return new KBlock(List.of(statements));
    }

    private static KExpr get(KLocal l) {
        return new KExpr.LocalGet(l);
    }

    private static KExpr load(KExpr address) {
        return new KExpr.Load(address);
    }

    private static KStmt store(KExpr address, KExpr value) {
        return new KStmt.Store(address, value);
    }

    private static KExpr u32(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr i64(long v) {
        return new KExpr.IntConst(ScalarType.LONGLONG, v);
    }

    private static KExpr bool(boolean v) {
        return new KExpr.IntConst(ScalarType.BOOL, v ? 1 : 0);
    }

    private static KExpr add(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.ADD, a, b, ScalarType.UINT);
    }

    private static KExpr sub(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.SUB, a, b, ScalarType.UINT);
    }

    private static KExpr eq(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.EQ, a, b, ScalarType.BOOL);
    }

    private static KExpr ne(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.NE, a, b, ScalarType.BOOL);
    }

    private static KExpr eq64(KExpr a, long v) {
        return new KExpr.Binary(BinaryOp.EQ, a, new KExpr.IntConst(ScalarType.ULONGLONG, v), ScalarType.BOOL);
    }

    static CType voidPointer() {
        return VOID_PTR;
    }
}
