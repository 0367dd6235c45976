package io.cudawasm.runtime.executor;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why an executor process ended, told from its exit status and the JVM's crash report on its
 * output ({@code #  SIGSEGV (0xb) at pc=...}, then {@code # Problematic frame:} and the frame).
 *
 * @param exitCode the process's exit status (128 + n after signal n)
 * @param signal the fatal signal the JVM reported or the status implies, null if none
 * @param frame the native frame the JVM blamed ({@code C  [libpocl.so.2+0x1234]}), null if unknown
 * @param planned set when the worker ended the process itself (a hang, a reset after a fault)
 */
record ExitCause(int exitCode, String signal, String frame, String planned) {
    private static final Pattern JVM_SIGNAL = Pattern.compile("^#\\s+(SIG[A-Z]+)\\s+\\(0x[0-9a-f]+\\)");
    private static final Map<Integer, String> SIGNALS = Map.of(4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE",
            9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");
    private static final List<String> FAULTS = List.of("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT");

    /** Reads the cause from the exit status and the last lines the process printed. */
    static ExitCause of(int exitCode, List<String> tail, String planned) {
        String signal = null;
        String frame = null;
        for (int i = 0; i < tail.size(); i++) {
            Matcher m = JVM_SIGNAL.matcher(tail.get(i));
            if (m.find() && signal == null) {
                signal = m.group(1);
            }
            if (tail.get(i).startsWith("# Problematic frame:") && i + 1 < tail.size()) {
                frame = tail.get(i + 1).replaceFirst("^#\\s*", "").strip().replaceAll("\\s+", " ");
            }
        }
        if (signal == null && exitCode > 128) {
            signal = SIGNALS.getOrDefault(exitCode - 128, "signal " + (exitCode - 128));
        }
        return new ExitCause(exitCode, signal, frame, planned);
    }

    /**
     * A fault of the code running inside (a wild access, a driver abort): what a kernel causes. A
     * SIGKILL (the OOM killer, an operator, {@code kill -9}) or a clean exit is not one.
     */
    boolean isFault() {
        return planned == null && signal != null && FAULTS.contains(signal);
    }

    /** "died with SIGSEGV in C  [libpocl...]", "was killed (SIGKILL)", "exited with status 3". */
    String describe() {
        if (planned != null) {
            return planned;
        }
        if (signal != null && FAULTS.contains(signal)) {
            return "died with " + signal + (frame == null ? "" : " in " + frame);
        }
        if (signal != null) {
            return "was killed (" + signal + ")";
        }
        return "exited with status " + exitCode;
    }
}
