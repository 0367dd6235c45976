package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;
import java.util.Map;

/**
 * sm_90's bulk reductions without a tensor map, {@code cp.reduce.async.bulk.dst.src.completion.op.type
 * [dst], [src], size{, [mbar]}}: each element of {@code src} (shared memory) is combined into the
 * element at the same place of {@code dst} (global memory, or shared memory of a cluster's block) by
 * an atomic operation, done at the issue like the bulk copies, so the bulk group and the mbarrier's
 * transaction count have nothing left to wait for (a module that counts transactions,
 * {@link ClusterBulkCopies}, gets the bytes). Half-precision elements ({@code .add.noftz},
 * {@code .min}, {@code .max} on {@code .f16}/{@code .bf16}) go through the half-precision atomics'
 * compare-and-swap loop ({@link HalfInstructions#atomic}). Addresses and size must be multiples of 16.
 */
final class BulkReductions {
    private static final Map<String, AtomicOp> OPS = Map.of("add", AtomicOp.ADD, "min", AtomicOp.MIN, "max",
            AtomicOp.MAX, "and", AtomicOp.AND, "or", AtomicOp.OR, "xor", AtomicOp.XOR, "inc", AtomicOp.INC, "dec",
            AtomicOp.DEC);
    private static final Map<String, ScalarType> TYPES = Map.of("b32", ScalarType.UINT, "u32", ScalarType.UINT, "s32",
            ScalarType.INT, "b64", ScalarType.ULONGLONG, "u64", ScalarType.ULONGLONG, "s64", ScalarType.LONGLONG, "f32",
            ScalarType.FLOAT, "f64", ScalarType.DOUBLE);

    private final FunctionLowering f;
    private final ClusterBulkCopies cluster;

    BulkReductions(FunctionLowering f, ClusterBulkCopies cluster) {
        this.f = f;
        this.cluster = cluster;
    }

    void reduce(Instruction ins) {
        if (ins.has("tensor")) {
            new TensorCopyInstructions(f).reduce(ins);
            return;
        }
        AtomicOp op = ins.modifiers().stream().map(OPS::get).filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow(() -> f.unsupported(ins, "expects a reduction (.add, .min, .max, .and, .or, .xor, .inc,"
                        + " .dec)"));
        PtxType half = ins.has("f16") ? PtxType.F16 : ins.has("bf16") ? PtxType.BF16 : null;
        ScalarType type = half != null ? half.kir() : ins.modifiers().stream().map(TYPES::get)
                .filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow(() -> f.unsupported(ins, "expects an element type (.b32, .u32, .s32, .b64, .u64, .s64,"
                        + " .f32, .f64, .f16, .bf16)"));
        boolean floating = type.kind().isFloating();
        if (half != null ? op != AtomicOp.ADD && op != AtomicOp.MIN && op != AtomicOp.MAX
                : floating && op != AtomicOp.ADD || !floating && type.size() == 8 && (op == AtomicOp.INC || op == AtomicOp.DEC)) {
            throw f.unsupported(ins, "." + op.name().toLowerCase(java.util.Locale.ROOT) + " of this element type");
        }
        List<StateSpace> spaces = ins.modifiers().stream().map(StateSpace::of).flatMap(java.util.Optional::stream)
                .toList();
        if (spaces.size() != 2 || spaces.get(1) != StateSpace.SHARED) {
            throw f.unsupported(ins, "expects a destination and a source state space (global.shared::cta or"
                    + " shared::cluster.shared::cta)");
        }
        boolean toShared = spaces.get(0) == StateSpace.SHARED;
        List<PtxOperand> ops = ins.operands();
        boolean cacheHint = ins.modifiers().stream().anyMatch(m -> m.contains("cache_hint"));
        if (ops.size() != (toShared ? 4 : 3) + (cacheHint ? 1 : 0)) {
            throw f.unsupported(ins, toShared ? "expects [dst], [src], size, [mbar]" : "expects [dst], [src], size");
        }
        KExpr size = f.temp(f.read(ops.get(2), Exprs.UINT));
        KExpr dst = f.temp(f.pointer(ops.get(0), spaces.get(0), type, 0));
        KExpr src = f.temp(f.pointer(ops.get(1), StateSpace.SHARED, type, 0));
        cluster.checkAligned(ins, dst, src, size);
        KLocal element = f.local("element", Exprs.UINT);
        KExpr i = new KExpr.LocalGet(element);
        KExpr index = Exprs.convert(i, ScalarType.LONG);
        KExpr target = new KExpr.PtrAdd(dst, index, ins.sourcePos());
        KExpr value = new KExpr.Load(new KExpr.PtrAdd(src, index, ins.sourcePos()), ins.sourcePos());
        // half-precision elements: the atomics' compare-and-swap loop, the sums rounded as atom.add.noftz.f16's
        List<KStmt> combine = half != null ? f.capture(() -> f.halves().atomic(target, value, op, half))
                : List.of(new KStmt.Eval(new KExpr.Atomic(op, target, value, null, type, ins.sourcePos())));
        KExpr elements = Exprs.shr(size, Exprs.u32(Integer.numberOfTrailingZeros(type.size())));
        f.emit(new KStmt.Assign(element, Exprs.u32(0)));
        f.emit(new KStmt.Loop(false, Exprs.compare(BinaryOp.LT, i, elements), new KBlock(combine),
                new KBlock(List.of(new KStmt.Assign(element, Exprs.add(i, Exprs.u32(1)))))));
        if (toShared) {
            cluster.completeTx(ins, f.pointer(ops.get(3), StateSpace.SHARED, ScalarType.UCHAR, 0), size);
        }
    }
}
