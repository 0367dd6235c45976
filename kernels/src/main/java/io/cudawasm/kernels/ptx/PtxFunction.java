package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/**
 * An {@code .entry} (kernel) or {@code .func} (device function).
 *
 * @param returns the return parameters of a {@code .func} (at most one in practice)
 * @param body the statements, or null for a prototype ({@code .extern .func ...;})
 */
public record PtxFunction(boolean entry, String name, List<PtxVariable> returns, List<PtxVariable> params,
        List<PtxStatement> body, SourcePos pos, io.cudawasm.kernels.kir.ClusterDims clusterDims) {

    public PtxFunction(boolean entry, String name, List<PtxVariable> returns, List<PtxVariable> params,
            List<PtxStatement> body, SourcePos pos) {
        this(entry, name, returns, params, body, pos, null);
    }

    public PtxFunction {
        returns = List.copyOf(returns);
        params = List.copyOf(params);
        body = body == null ? null : List.copyOf(body);
    }

    public boolean hasBody() {
        return body != null;
    }
}
