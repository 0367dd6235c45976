package io.cudawasm.runtime.executor;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Executors still running when this JVM exits are killed by a shutdown hook: {@code System.exit}
 * and SIGTERM run hooks, and Java never ends child processes by itself. (After kill -9 of the
 * worker no hook runs; the executor then sees its standard input close and halts.)
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                p.destroyForcibly();
            }
        }, "cuda-wasm-executor-reaper"));
    }

    private ChildProcesses() {}

    static void register(Process p) {
        LIVE.add(p);
        p.onExit().thenRun(() -> LIVE.remove(p));
    }
}
