package io.cudawasm.runtime.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keeps the JVM's signal handlers first in a process that loads native device libraries. PoCL's
 * LLVM installs handlers of its own for SIGSEGV and SIGBUS ({@code llvm::sys::RemoveFileOnSignal})
 * over the JVM's; the JVM raises SIGSEGV itself in normal operation (implicit null checks in
 * compiled code, stack banging), which then ends the whole process without a report. The JDK's
 * signal-chaining library ({@code lib/libjsig.so}), preloaded, keeps the JVM's handlers and passes
 * the signals they do not claim to the library's.
 */
public final class SignalChaining {
    private SignalChaining() {}

    /** The JDK's signal-chaining library, if this JDK has one. */
    public static Path library() {
        Path lib = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        return Files.isRegularFile(lib) ? lib : null;
    }

    /** Adds the library to a child JVM's {@code LD_PRELOAD} (keeping what is there). */
    public static void preload(Map<String, String> environment) {
        Path lib = library();
        if (lib == null) {
            return;
        }
        String current = environment.getOrDefault("LD_PRELOAD", "");
        if (!current.contains(lib.toString())) {
            environment.put("LD_PRELOAD", current.isBlank() ? lib.toString() : lib + ":" + current);
        }
    }
}
