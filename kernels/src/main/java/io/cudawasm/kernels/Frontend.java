package io.cudawasm.kernels;

import io.cudawasm.kernels.ast.TranslationUnit;
import io.cudawasm.kernels.check.CheckOptions;
import io.cudawasm.kernels.check.Checker;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.UnusedLibraryFunctions;
import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.parse.Parser;
import io.cudawasm.kernels.preprocess.HalfPrecisionHeader;
import io.cudawasm.kernels.preprocess.Preprocessor;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourceFile;
import java.util.List;
import java.util.Map;

/** Source to kernel IR: preprocess, parse, check. */
public final class Frontend {
    private Frontend() {}

    private static final java.util.Set<String> LIBRARY_FILES = java.util.stream.Stream.concat(
            HalfPrecisionHeader.LIBRARY_FILES.stream(), io.cudawasm.kernels.preprocess.TensorMapHeader.headers().stream())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    public static KModule toKir(SourceFile file, Map<String, String> defines, Map<String, String> headers,
            List<String> instantiations, List<Diagnostic> warnings) {
        List<Token> tokens = Preprocessor.run(file, defines, headers, warnings);
        TranslationUnit unit = Parser.parse(file, tokens);
        KModule module = Checker.check(unit, new CheckOptions(instantiations,
                io.cudawasm.kernels.devicelib.DeviceLimits.fromDefines(defines)), warnings);
        // unused functions of the built-in library headers stay out of every back end's output
        return UnusedLibraryFunctions.prune(module, LIBRARY_FILES);
    }
}
