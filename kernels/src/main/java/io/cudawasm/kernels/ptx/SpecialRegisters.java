package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.ClusterPlace;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.SpecialReg;
import java.util.Map;

/** PTX's read-only special registers in terms of kernel IR's built-in values. */
final class SpecialRegisters {
    private SpecialRegisters() {}

    private static final Map<String, SpecialReg> DIRECT = Map.ofEntries(
            Map.entry("%tid.x", SpecialReg.TID_X), Map.entry("%tid.y", SpecialReg.TID_Y),
            Map.entry("%tid.z", SpecialReg.TID_Z), Map.entry("%ntid.x", SpecialReg.NTID_X),
            Map.entry("%ntid.y", SpecialReg.NTID_Y), Map.entry("%ntid.z", SpecialReg.NTID_Z),
            Map.entry("%ctaid.x", SpecialReg.CTAID_X), Map.entry("%ctaid.y", SpecialReg.CTAID_Y),
            Map.entry("%ctaid.z", SpecialReg.CTAID_Z), Map.entry("%nctaid.x", SpecialReg.NCTAID_X),
            Map.entry("%nctaid.y", SpecialReg.NCTAID_Y), Map.entry("%nctaid.z", SpecialReg.NCTAID_Z),
            Map.entry("%laneid", SpecialReg.LANE_ID), Map.entry("%warpid", SpecialReg.WARP_ID));

    /** {@code %clock}, {@code %clock64}, {@code %globaltimer} (and its low half): the device library's counter. */
    static boolean isClock(String name) {
        return name.equals("%clock") || name.equals("%clock64") || name.equals("%globaltimer")
                || name.equals("%globaltimer_lo");
    }

    /** Whether the name is a special register (supported or not). */
    static boolean isSpecial(String name) {
        return DIRECT.containsKey(name) || name.startsWith("%lanemask_") || name.startsWith("%clock")
                || name.startsWith("%globaltimer") || name.startsWith("%envreg") || name.startsWith("%pm")
                || name.equals("%smid") || name.equals("%nsmid") || name.equals("%nwarpid") || name.equals("%gridid")
                || name.startsWith("%dynamic_smem_size") || name.startsWith("%total_smem_size")
                || name.startsWith("%cluster") || name.startsWith("%ncluster") || name.startsWith("%is_explicit_cluster")
                || name.equals("%tid") || name.equals("%ntid") || name.equals("%ctaid") || name.equals("%nctaid")
                || name.startsWith("%reserved_smem") || name.startsWith("%aggr_smem") || name.equals("%current_graph_exec");
    }

    /** The value (unsigned int), or null when the register is not supported. */
    static KExpr value(String name) {
        SpecialReg r = DIRECT.get(name);
        if (r != null) {
            return new KExpr.Special(r);
        }
        KExpr lane = new KExpr.Special(SpecialReg.LANE_ID);
        KExpr bit = Exprs.shl(Exprs.u32(1), lane);
        return switch (name) {
            case "%lanemask_eq" -> bit;
            case "%lanemask_lt" -> Exprs.sub(bit, Exprs.u32(1));
            case "%lanemask_le" -> Exprs.sub(Exprs.shl(bit, Exprs.u32(1)), Exprs.u32(1));
            case "%lanemask_gt" -> Exprs.bitNot(Exprs.sub(Exprs.shl(bit, Exprs.u32(1)), Exprs.u32(1)));
            case "%lanemask_ge" -> Exprs.bitNot(Exprs.sub(bit, Exprs.u32(1)));
            // the driver's grid workspace address, as inline PTX in CUDA source reads it: null, as outside a
            // cooperative launch (a PTX function's own reads are FunctionLowering.gridWorkspace); other envregs stay refused
            case "%envreg1", "%envreg2" -> Exprs.u32(0);
            // the launch's cluster shape (1, 1, 1 without clusters: every block a cluster of one, sm_90)
            case "%clusterid.x", "%clusterid.y", "%clusterid.z" -> ClusterPlace.clusterIndex(axis(name));
            case "%nclusterid.x", "%nclusterid.y", "%nclusterid.z" -> ClusterPlace.clusters(axis(name));
            case "%cluster_ctaid.x", "%cluster_ctaid.y", "%cluster_ctaid.z" -> ClusterPlace.indexIn(axis(name));
            case "%cluster_nctaid.x", "%cluster_nctaid.y", "%cluster_nctaid.z" -> ClusterPlace.shape(axis(name));
            case "%cluster_ctarank" -> ClusterPlace.rank();
            case "%cluster_nctarank" -> ClusterPlace.blocks();
            case "%is_explicit_cluster" -> Exprs.convert(Exprs.compare(KExpr.BinaryOp.GT, ClusterPlace.blocks(),
                    Exprs.u32(1)), Exprs.UINT);
            default -> null;
        };
    }

    private static int axis(String name) {
        return name.charAt(name.length() - 1) - 'x';
    }
}
