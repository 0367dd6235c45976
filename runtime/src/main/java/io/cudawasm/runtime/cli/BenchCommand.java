package io.cudawasm.runtime.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm bench}: runs the benchmark suite ({@code bench run}) and compares result files
 * ({@code bench report}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run the benchmark suite and compare its result files.",
        subcommands = {BenchRunCommand.class, BenchReportCommand.class})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
