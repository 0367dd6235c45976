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
 * The {@code .im2col} load mode takes the offsets after the mbarrier
 * ({@code [dst], [map, {c, w, h, n}], [mbar], {ow, oh}}), and stores and reductions take
 * {@code .im2col_no_offs}: the copy walks the pixels of an im2col map (TensorMapAbi); a copy whose
 * mode is not its map's stops. {@code .im2col::w} (sm_100), multicasts and {@code .cta_group} are
 * refused by name; the tensor prefetches are hints and do nothing.
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
        refuseModes(ins);
        int rank = rank(ins);
        List<StateSpace> spaces = ins.modifiers().stream().map(StateSpace::of).flatMap(java.util.Optional::stream)
                .toList();
        if (!spaces.equals(List.of(StateSpace.SHARED, StateSpace.GLOBAL))
                && !spaces.equals(List.of(StateSpace.GLOBAL, StateSpace.SHARED))) {
            throw f.unsupported(ins, "expects shared::cluster.global (to shared memory) or global.shared::cta"
                    + " (to global memory)");
        }
        boolean toShared = spaces.get(0) == StateSpace.SHARED;
        boolean im2col = ins.has(toShared ? "im2col" : "im2col_no_offs");
        if (!toShared && ins.has("im2col")) {
            throw f.unsupported(ins, "a store to global memory takes .tile or .im2col_no_offs");
        }
        if (toShared && ins.has("im2col_no_offs")) {
            throw f.unsupported(ins, "a load to shared memory takes .tile or .im2col (with its offsets)");
        }
        List<PtxOperand> ops = ins.operands();
        boolean cacheHint = ins.modifiers().stream().anyMatch(m -> m.contains("cache_hint"));
        boolean offsets = toShared && im2col;
        int expected = (toShared ? 3 : 2) + (offsets ? 1 : 0) + (cacheHint ? 1 : 0);
        PtxOperand mapOperand = toShared ? ops.get(1) : ops.get(0);
        if (ops.size() != expected || !(mapOperand instanceof PtxOperand.IndexedAddress map)
                || offsets && !(ops.get(3) instanceof PtxOperand.Vector)) {
            throw f.unsupported(ins, !toShared ? "expects [tensorMap, {c0, ...}], [src]"
                    : im2col ? "expects [dst], [tensorMap, {c, w, ..., n}], [mbar], {im2col offsets}"
                    : "expects [dst], [tensorMap, {c0, ...}], [mbar]");
        }
        List<KExpr> mode = mode(ins, rank, im2col, offsets ? ((PtxOperand.Vector) ops.get(3)).elements() : List.of(),
                true);
        mode.add(Exprs.constant(ScalarType.INT, toShared ? 1 : 0));
        KFunction copy = f.module().deviceLibrary(ins.pos(), "a bulk tensor copy").tensorCopy();
        KExpr mapAddress = call(ins, copy, map, toShared ? ops.get(0) : ops.get(1), rank, mode);
        if (toShared) {
            // in a module that counts transaction bytes (it multicasts), the box's bytes land on the mbarrier
            KFunction bytes = f.module().deviceLibrary(ins.pos(), "a bulk tensor copy").tensorBoxBytes();
            new ClusterBulkCopies(f).completeTx(ins, f.pointer(ops.get(2), StateSpace.SHARED, ScalarType.UCHAR, 0),
                    new KExpr.Call(bytes, List.of(Exprs.convert(mapAddress, bytes.params().get(0).type())),
                            bytes.returnType()));
        }
    }

    /**
     * The arguments after the coordinates that say the copy's mode: im2col (0 or 1) and, for copies,
     * the im2col offsets of dimensions 1..3 (0 where there are none).
     */
    private List<KExpr> mode(Instruction ins, int rank, boolean im2col, List<PtxOperand> offsets, boolean copy) {
        if (im2col && rank < 3) {
            throw f.unsupported(ins, "an im2col copy has 3 to 5 dimensions (NWC, NHWC, NDHWC)");
        }
        if (!offsets.isEmpty() && offsets.size() != rank - 2) {
            throw f.unsupported(ins, "a ." + rank + "d im2col copy takes " + (rank - 2) + " offsets, " + offsets.size()
                    + " given");
        }
        List<KExpr> out = new ArrayList<>();
        out.add(Exprs.constant(ScalarType.INT, im2col ? 1 : 0));
        for (int d = 0; copy && d < 3; d++) {
            // the offsets are unsigned 16-bit values (.b16 registers or immediates)
            out.add(d < offsets.size() ? Exprs.convert(f.read(offsets.get(d), ScalarType.USHORT), ScalarType.INT)
                    : Exprs.constant(ScalarType.INT, 0));
        }
        return out;
    }

    /**
     * {@code cp.reduce.async.bulk.tensor.Nd.global.shared::cta.op.tile.bulk_group [map, {c0, ...}], [src]}:
     * the op is one of {@link io.cudawasm.kernels.abi.TensorMapAbi#REDUCTIONS}, its type the map's.
     */
    void reduce(Instruction ins) {
        refuseModes(ins);
        if (ins.has("im2col")) {
            throw f.unsupported(ins, "a bulk reduction of a tensor takes .tile or .im2col_no_offs");
        }
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
        List<KExpr> mode = mode(ins, rank, ins.has("im2col_no_offs"), List.of(), false);
        mode.add(Exprs.constant(ScalarType.INT, op));
        call(ins, f.module().deviceLibrary(ins.pos(), "a bulk reduction of a tensor").tensorReduce(), map, ops.get(1),
                rank, mode);
    }

    /** A call of the device library's {@code fn}(map, shared, rank, c0..c4, rest...) and its stops; the map's address. */
    private KExpr call(Instruction ins, KFunction fn, PtxOperand.IndexedAddress map, PtxOperand sharedOperand, int rank,
            List<KExpr> rest) {
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
        args.addAll(rest);
        List<KExpr> converted = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            CType t = fn.params().get(i).type();
            converted.add(Exprs.convert(args.get(i), t));
        }
        KLocal status = f.local("tensorCopy", fn.returnType());
        f.emit(new KStmt.Assign(status, new KExpr.Call(fn, converted, fn.returnType())));
        for (KStmt stop : TensorCopies.stops(new KExpr.LocalGet(status), ins.sourcePos())) {
            f.emit(stop);
        }
        return args.get(0);
    }

    private void refuseModes(Instruction ins) {
        for (String m : ins.modifiers()) {
            if (m.startsWith("im2col::w") || m.startsWith("tile::")) {
                throw f.unsupported(ins, "the ." + m + " load mode (sm_100) is not supported (.tile and .im2col are)");
            }
            if (m.startsWith("multicast")) {
                throw f.unsupported(ins, "a multicast of a bulk tensor copy to the blocks of a cluster is not supported");
            }
            if (m.startsWith("cta_group")) {
                throw f.unsupported(ins, "bulk tensor copies for a CTA pair (.cta_group) are not supported");
            }
        }
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
