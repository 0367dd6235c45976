package io.cudawasm.runtime.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The launch options {@code run} and {@code submit} share: grid, block, dynamic shared memory, arguments. */
final class LaunchShapeMixin {
    @Option(names = "--grid", required = true, paramLabel = "X[,Y,Z]", description = "Grid size in blocks.")
    String grid;

    @Option(names = "--block", required = true, paramLabel = "X[,Y,Z]", description = "Block size in threads.")
    String block;

    @Option(names = "--shared", paramLabel = "BYTES", defaultValue = "0", description = "Dynamic shared memory bytes.")
    int sharedBytes;

    @Option(names = {"-a", "--arg"}, paramLabel = "VALUE",
            description = "A kernel argument, in parameter order or as NAME=VALUE (forms: cuda-wasm run --help).")
    List<String> args = new ArrayList<>();
}
