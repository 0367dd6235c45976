package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.SourceFile;
import java.util.List;

/** A parsed PTX file: its module-level variables and its functions, in order. */
public record PtxModule(SourceFile file, String version, String target, int addressSize, List<PtxVariable> variables,
        List<PtxFunction> functions) {

    public PtxModule {
        variables = List.copyOf(variables);
        functions = List.copyOf(functions);
    }
}
