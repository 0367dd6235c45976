package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.Frontend;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.preprocess.HalfPrecisionHeader;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The device functions {@code .f16} instructions call: the rounding core of the built-in
 * cuda_fp16.h, compiled by the C front end once per PTX module that needs it, so both front ends
 * round halves with the same code. Its functions join the module's (for inline PTX, the C
 * module's: {@link InlinePtx.Enclosing#halfRuntime}).
 */
public final class HalfRuntime {
    /** What the core is called in diagnostics (not the header's name: that one's unused functions are pruned). */
    static final String FILE = "<cuda_fp16 core>";

    private final KModule core;

    public HalfRuntime() {
        List<Diagnostic> ignored = new ArrayList<>();
        core = Frontend.toKir(new SourceFile(FILE, HalfPrecisionHeader.core()), Map.of(), Map.of(), List.of(), ignored);
    }

    public List<KFunction> functions() {
        return core.functions();
    }

    KFunction function(String name) {
        return core.function(name).orElseThrow(() -> new IllegalStateException("cuda_fp16 core lacks " + name));
    }
}
