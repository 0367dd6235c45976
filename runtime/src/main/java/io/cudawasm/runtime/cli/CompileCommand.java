package io.cudawasm.runtime.cli;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.kir.KirPrinter;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cuda-wasm compile kernel.cu [-D...] [--emit wasm|wat|kir|signatures] [-o out]}. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile a CUDA C source and print diagnostics, kernel signatures or the generated code.")
final class CompileCommand implements Callable<Integer> {
    enum Emit { signatures, wasm, wat, kir }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A .cu file, or lib:NAME for a bundled kernel.")
    String source;

    @Mixin
    CompileOptionsMixin compile = new CompileOptionsMixin();

    @Option(names = "--emit", defaultValue = "signatures",
            description = "What to output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Emit emit;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the output here instead of stdout.")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KernelSource src = KernelSource.load(source);
        CompileResult r;
        try {
            r = KernelCompiler.compile(compile.request(src));
        } catch (CompileException e) {
            err.println(compile.describe(e));
            err.flush();
            return 1;
        }
        for (Diagnostic w : r.warnings()) {
            err.println(w.format());
        }
        err.flush();
        byte[] bytes = switch (emit) {
            case wasm -> r.wasm().binary();
            case wat -> r.wasm().text().getBytes(StandardCharsets.UTF_8);
            case kir -> KirPrinter.print(r.kir()).getBytes(StandardCharsets.UTF_8);
            case signatures -> signatures(r).getBytes(StandardCharsets.UTF_8);
        };
        if (output != null) {
            Files.write(output, bytes);
        } else if (emit == Emit.wasm) {
            err.println("refusing to write binary WebAssembly to a terminal: use -o FILE");
            return 2;
        } else {
            out.print(new String(bytes, StandardCharsets.UTF_8));
            out.flush();
        }
        return 0;
    }

    static String signatures(CompileResult r) {
        StringBuilder sb = new StringBuilder();
        for (KernelSignature k : r.kernels()) {
            sb.append("kernel ").append(k.sourceName()).append('(');
            for (int i = 0; i < k.params().size(); i++) {
                ParamInfo p = k.params().get(i);
                sb.append(i == 0 ? "" : ", ").append(p.type()).append(' ').append(p.name());
            }
            sb.append(")\n");
        }
        return sb.toString();
    }
}
