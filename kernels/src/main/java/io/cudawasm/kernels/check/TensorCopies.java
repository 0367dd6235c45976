package io.cudawasm.kernels.check;

import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * The stops of sm_90's bulk tensor copies ({@code cde::cp_async_bulk_tensor_*}, {@code cuda::ptx::cp_async_bulk_tensor}, whose header
 * functions answer the copy's status, preprocess/TensorMapHeader), placed at the caller's line: a
 * misaligned shared-memory address, a map the launch did not make, a rank that is not the map's, a
 * reduction the map's data type has not, a swizzle the box or the address does not fit, a copy
 * whose mode (tiled or im2col) is not the map's.
 * The PTX front end stops {@code cp.async.bulk.tensor} with the same statements.
 */
public final class TensorCopies {
    private TensorCopies() {}

    static boolean isTensorCopy(String name) {
        return name.startsWith("__cuda_device_cp_async_bulk_tensor_") || name.equals("__cuda_ptx_cp_async_bulk_tensor")
                || name.equals("__cuda_ptx_cp_reduce_async_bulk_tensor");
    }

    /** The result of a call to {@code name}: a tensor copy's status checked where it was called. */
    static Operand afterCall(FunctionContext ctx, String name, Operand result, SourcePos pos) {
        if (!isTensorCopy(name) || !(result instanceof Value v) || v.type() != ScalarType.INT) {
            return result;
        }
        KExpr status = ctx.let(v.value(), pos);
        for (KStmt s : stops(status, pos)) {
            ctx.emit(s);
        }
        return new Value(status);
    }

    /** A trap for each status other than done: {@code status} is an {@code int} expression without effects. */
    public static List<KStmt> stops(KExpr status, SourcePos pos) {
        List<KStmt> out = new ArrayList<>();
        for (int s = TensorMapAbi.STATUS_MISALIGNED; s <= TensorMapAbi.STATUS_LAST; s++) {
            out.add(new KStmt.If(new KExpr.Binary(KExpr.BinaryOp.EQ, status, new KExpr.IntConst(ScalarType.INT, s),
                    ScalarType.BOOL), new KBlock(List.of(new KStmt.Trap(TensorMapAbi.reason(s), pos))), KBlock.EMPTY));
        }
        return out;
    }
}
