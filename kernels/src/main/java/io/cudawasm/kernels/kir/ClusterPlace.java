package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * A block's place in its thread block cluster, as unsigned KIR expressions of blockIdx, gridDim and
 * the launch's cluster shape ({@link SpecialReg#CLUSTER_NX}): what cooperative groups'
 * {@code cluster_group} and PTX's {@code %cluster_*} registers read.
 */
public final class ClusterPlace {
    private ClusterPlace() {}

    /** The block's rank: x + y * cluster.x + z * cluster.x * cluster.y of its place in the cluster. */
    public static KExpr rank() {
        return add(indexIn(0), mul(shape(0), add(indexIn(1), mul(shape(1), indexIn(2)))));
    }

    /** The blocks in a cluster. */
    public static KExpr blocks() {
        return mul(shape(0), mul(shape(1), shape(2)));
    }

    /** The block's place in its cluster along an axis (0 for x): blockIdx % clusterDim. */
    public static KExpr indexIn(int axis) {
        return new KExpr.Binary(BinaryOp.REM, block(axis), shape(axis), ScalarType.UINT);
    }

    /** The cluster's index in the grid along an axis: blockIdx / clusterDim. */
    public static KExpr clusterIndex(int axis) {
        return div(block(axis), shape(axis));
    }

    /** The grid's size in clusters along an axis: gridDim / clusterDim. */
    public static KExpr clusters(int axis) {
        return div(new KExpr.Special(List.of(SpecialReg.NCTAID_X, SpecialReg.NCTAID_Y, SpecialReg.NCTAID_Z).get(axis)),
                shape(axis));
    }

    /** The cluster's size in blocks along an axis. */
    public static KExpr shape(int axis) {
        return new KExpr.Special(List.of(SpecialReg.CLUSTER_NX, SpecialReg.CLUSTER_NY, SpecialReg.CLUSTER_NZ).get(axis));
    }

    private static KExpr block(int axis) {
        return new KExpr.Special(List.of(SpecialReg.CTAID_X, SpecialReg.CTAID_Y, SpecialReg.CTAID_Z).get(axis));
    }

    private static KExpr add(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.ADD, a, b, ScalarType.UINT);
    }

    private static KExpr mul(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.MUL, a, b, ScalarType.UINT);
    }

    private static KExpr div(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.DIV, a, b, ScalarType.UINT);
    }
}
