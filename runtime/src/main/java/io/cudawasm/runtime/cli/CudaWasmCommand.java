package io.cudawasm.runtime.cli;

import io.cudawasm.nutanix.cli.DeployCommand;
import io.cudawasm.nutanix.cli.DiscoverCommand;
import io.cudawasm.nutanix.cli.ExampleCommand;
import io.cudawasm.nutanix.cli.GenerateCommand;
import io.cudawasm.nutanix.cli.PrismSimCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code cuda-wasm} command; each verb is a subcommand in its own class. */
@Command(
        name = "cuda-wasm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs CUDA C kernels on GPUs (CUDA, OpenCL) and CPUs (WebAssembly sandbox).",
        subcommands = {ServeCommand.class, SubmitCommand.class, CompileCommand.class, RunCommand.class,
            CacheCommand.class, DevicesCommand.class, BenchCommand.class, DiscoverCommand.class, PrismSimCommand.class,
            GenerateCommand.class, DeployCommand.class, ExampleCommand.class, VersionCommand.class,
            CommandLine.HelpCommand.class})
public final class CudaWasmCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the process exit code. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The configured command line: errors in user input print one line, not a stack trace (with
     * {@code --json}, one JSON object: {@link JsonErrors}); {@code completion} prints a bash/zsh
     * completion script ({@code source <(cuda-wasm completion)}).
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CudaWasmCommand());
        cl.addSubcommand("completion", new CommandLine(new AutoComplete.GenerateCompletion()));
        CommandLine completion = cl.getSubcommands().get("completion");
        completion.getCommandSpec().usageMessage().hidden(false).description(
                "Print a bash/zsh completion script for cuda-wasm; load it with: source <(cuda-wasm completion)");
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("error: " + e.getMessage());
                cmd.getErr().flush();
                return 2;
            }
            throw e;
        });
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> JsonErrors.execute(parsed, runLast));
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, args) -> JsonErrors.printUsageError(e, args) ? 2 : usage.handleParseException(e, args));
        return cl;
    }
}
