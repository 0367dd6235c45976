package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.check.TensorCopies;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * sm_90's bulk tensor copies, {@code cp.async.bulk.tensor.Nd}: the tiled box of a tensor map
 * ({@link io.cudawasm.kernels.abi.TensorMapAbi}) at the given coordinates, global to shared memory
 * completing an mbarrier's transaction count
 * ({@code .shared::cluster.global.tile.mbarrier::complete_tx::bytes [dst], [map, {c0, ...}], [mbar]})
 * or shared to global memory in a bulk group ({@code .global.shared::cta.tile.bulk_group [map, {...}], [src]}).
 * Copied at the issue by the device library's copy, the same C as the CUDA source path's
 * ({@code DeviceLibrary.tensorCopy}), so the transaction count and the bulk group have nothing left
 * to wait for; a status other than done stops the kernel at the instruction ({@link TensorCopies}).
 * Bulk reductions of tensors ({@code cp.reduce.async.bulk.tensor.Nd.global.shared::cta.op.tile.bulk_group
 * [map, {c0, ...}], [src]}) combine the box into the tensor by atomics of the map's data type
 * ({@code DeviceLibrary.tensorReduce}), also at the issue.
 * {@code .im2col} layouts, multicasts and {@code .cta_group} are refused by name; the tensor
 * prefetches are hints and do nothing.
 */
final class TensorCopyInstructions {
    private final FunctionLowering f;

    TensorCopyInstructions(FunctionLowering f) {
        this.f = f;
    }

    /** {@code cp.async.bulk.tensor...} and {@code cp.async.bulk.prefetch.tensor...}. */
    void copy(Instruction ins) {
        if (ins.has("prefetch")) {
            return; // a hint that changes no result
        }
        refuseLayouts(ins);
        int rank = rank(ins);
        List<StateSpace> spaces = ins.modifiers().stream().map(StateSpace::of).flatMap(java.util.Optional::stream)
                .toList();
        if (!spaces.equals(List.of(StateSpace.SHARED, StateSpace.GLOBAL))
                && !spaces.equals(List.of(StateSpace.GLOBAL, StateSpace.SHARED))) {
            throw f.unsupported(ins, "expects shared::cluster.global (to shared memory) or global.shared::cta"
                    + " (to global memory)");
        }
        boolean toShared = spaces.get(0) == StateSpace.SHARED;
        List<PtxOperand> ops = ins.operands();
        boolean cacheHint = ins.modifiers().stream().anyMatch(m -> m.contains("cache_hint"));
        int expected = (toShared ? 3 : 2) + (cacheHint ? 1 : 0);
        PtxOperand mapOperand = toShared ? ops.get(1) : ops.get(0);
        if (ops.size() != expected || !(mapOperand instanceof PtxOperand.IndexedAddress map)) {
            throw f.unsupported(ins, toShared ? "expects [dst], [tensorMap, {c0, ...}], [mbar]"
                    : "expects [tensorMap, {c0, ...}], [src]");
        }
        KFunction copy = f.module().deviceLibrary(ins.pos(), "a bulk tensor copy").tensorCopy();
        KExpr mapAddress = call(ins, copy, map, toShared ? ops.get(0) : ops.get(1), rank, toShared ? 1 : 0);
        if (toShared) {
            // in a module that counts transaction bytes (it multicasts), the box's bytes land on the mbarrier
            new ClusterBulkCopies(f).completeTx(ins, f.pointer(ops.get(2), StateSpace.SHARED, ScalarType.UCHAR, 0),
                    boxBytes(mapAddress));
        }
    }

    /**
     * {@code cp.reduce.async.bulk.tensor.Nd.global.shared::cta.op.tile.bulk_group [map, {c0, ...}], [src]}:
     * the op is one of {@link io.cudawasm.kernels.abi.TensorMapAbi#REDUCTIONS}, its type the map's.
     */
    void reduce(Instruction ins) {
        refuseLayouts(ins);
        int rank = rank(ins);
        int op = -1;
        for (String m : ins.modifiers()) {
            int at = io.cudawasm.kernels.abi.TensorMapAbi.REDUCTIONS.indexOf(m);
            op = at >= 0 ? at : op;
        }
        if (op < 0) {
            throw f.unsupported(ins, "expects a reduction (." + String.join(", .",
                    io.cudawasm.kernels.abi.TensorMapAbi.REDUCTIONS) + ")");
        }
        List<StateSpace> spaces = ins.modifiers().stream().map(StateSpace::of).flatMap(java.util.Optional::stream)
                .toList();
        if (!spaces.equals(List.of(StateSpace.GLOBAL, StateSpace.SHARED))) {
            throw f.unsupported(ins, "expects global.shared::cta (a reduction into the tensor in global memory)");
        }
        List<PtxOperand> ops = ins.operands();
        boolean cacheHint = ins.modifiers().stream().anyMatch(m -> m.contains("cache_hint"));
        if (ops.size() != 2 + (cacheHint ? 1 : 0) || !(ops.get(0) instanceof PtxOperand.IndexedAddress map)) {
            throw f.unsupported(ins, "expects [tensorMap, {c0, ...}], [src]");
        }
        call(ins, f.module().deviceLibrary(ins.pos(), "a bulk reduction of a tensor").tensorReduce(), map, ops.get(1),
                rank, op);
    }

    /** A call of the device library's {@code fn}(map, shared, rank, c0..c4, last) and its stops; the map's address. */
    private KExpr call(Instruction ins, KFunction fn, PtxOperand.IndexedAddress map, PtxOperand sharedOperand, int rank,
            int last) {
        if (map.coordinates().size() != rank) {
            throw f.unsupported(ins, "a ." + rank + "d copy takes " + rank + " coordinates, "
                    + map.coordinates().size() + " given");
        }
        List<KExpr> args = new ArrayList<>();
        // the map's generic address (nvcc's cvta.param of the __grid_constant__ parameter, or a pointer)
        args.add(f.pointer(new PtxOperand.Address(map.base(), 0, map.pos()), StateSpace.GENERIC, ScalarType.UCHAR, 0));
        args.add(f.pointer(sharedOperand, StateSpace.SHARED, ScalarType.UCHAR, 0));
        args.add(Exprs.constant(ScalarType.INT, rank));
        for (int d = 0; d < 5; d++) {
            args.add(d < rank ? f.read(map.coordinates().get(d), ScalarType.INT) : Exprs.constant(ScalarType.INT, 0));
        }
        args.add(Exprs.constant(ScalarType.INT, last));
        List<KExpr> converted = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            CType t = fn.params().get(i).type();
            converted.add(Exprs.convert(args.get(i), t));
        }
        KLocal status = f.local("tensorCopy", fn.returnType());
        f.emit(new KStmt.Assign(status, new KExpr.Call(fn, converted, fn.returnType())));
        for (KStmt stop : TensorCopies.stops(new KExpr.LocalGet(status), ins.pos())) {
            f.emit(stop);
        }
        return args.get(0);
    }

    private void refuseLayouts(Instruction ins) {
        for (String m : ins.modifiers()) {
            if (m.startsWith("im2col")) {
                throw f.unsupported(ins, "bulk tensor copies in the im2col layout are not supported (only .tile)");
            }
            if (m.startsWith("multicast")) {
                throw f.unsupported(ins, "a multicast of a bulk tensor copy to the blocks of a cluster is not supported");
            }
            if (m.startsWith("cta_group")) {
                throw f.unsupported(ins, "bulk tensor copies for a CTA pair (.cta_group) are not supported");
            }
        }
    }

    /** The bytes of a map's box: its element size times its box edges (1 past the rank). */
    private static KExpr boxBytes(KExpr map) {
        KExpr bytes = field(map, io.cudawasm.kernels.abi.TensorMapAbi.ELEMENT_SIZE);
        for (int d = 0; d < io.cudawasm.kernels.abi.TensorMapAbi.MAX_RANK; d++) {
            bytes = Exprs.mul(bytes, field(map, io.cudawasm.kernels.abi.TensorMapAbi.BOX + 4 * d));
        }
        return bytes;
    }

    private static KExpr field(KExpr map, int offset) {
        KExpr at = new KExpr.PtrAdd(map, Exprs.constant(ScalarType.LONGLONG, offset), null);
        return new KExpr.Load(Exprs.convert(at, new io.cudawasm.kernels.types.PointerType(ScalarType.UINT,
                io.cudawasm.kernels.types.AddressSpace.GLOBAL, false, false)), null);
    }

    private int rank(Instruction ins) {
        for (String m : ins.modifiers()) {
            if (m.length() == 2 && m.charAt(1) == 'd' && m.charAt(0) >= '1' && m.charAt(0) <= '5') {
                return m.charAt(0) - '0';
            }
        }
        throw f.unsupported(ins, "expects a dimension count .1d to .5d");
    }
}
