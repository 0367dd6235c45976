package io.cudawasm.runtime.service;

import io.cudawasm.runtime.cli.ServeCommand;
import picocli.CommandLine;

/** Runs {@code cuda-wasm serve} in a child JVM for the SIGTERM test. */
public final class ServeMain {
    private ServeMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }
}
