package io.cudawasm.runtime.cli;

/** Entry point of the {@code cuda-wasm} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(CudaWasmCommand.execute(args));
    }
}
