package io.cudawasm.runtime.cli;

import io.cudawasm.runtime.logging.WorkerLogProvider;

/** Entry point of the {@code cuda-wasm} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The provider that can switch the worker's log to JSON (serve --log-format json); selected
        // explicitly, before any logger exists, and without SLF4J's note that it was.
        setDefault("slf4j.provider", WorkerLogProvider.class.getName());
        setDefault("slf4j.internal.verbosity", "WARN");
        System.exit(CudaWasmCommand.execute(args));
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
