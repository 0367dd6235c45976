package io.cudawasm.runtime.testing;

import io.cudawasm.runtime.cli.CudaWasmCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of a command line, with its exit code and what it printed. */
public record CliRun(int code, String out, String err) {

    /** Runs {@code cuda-wasm ARGS...} as the launcher would, in this JVM. */
    public static CliRun cudaWasm(String... args) {
        return of(CudaWasmCommand.commandLine(), args);
    }

    public static CliRun of(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
