package io.cudawasm.nutanix.cli;

import io.cudawasm.nutanix.prism.NutanixConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code prism-sim} tells other commands where it is: an env file ({@code export NUTANIX_...=...}
 * lines a shell can source) at a per-user path, written once the simulator listens and removed when it
 * stops. {@code discover} without a Prism Central URL reads it, so {@code cuda-wasm prism-sim &} followed
 * by {@code cuda-wasm discover --summary} works as written, and waits for a simulator that is still
 * starting.
 *
 * @see PrismSimCommand
 * @see DiscoverCommand
 */
final class LocalPrismSimulator {
    /** The variables the file sets; {@code discover} takes all of them from the file. */
    static final List<String> VARIABLES =
            List.of(NutanixConfig.ENV_URL, NutanixConfig.ENV_CA_BUNDLE, NutanixConfig.ENV_API_KEY);
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");
    private static final Pattern EXPORT = Pattern.compile("^export ([A-Z_]+)='([^']*)'$");
    private static final Duration POLL = Duration.ofMillis(100);

    /** The simulator found: its process and the variables it wrote. */
    record Found(Path file, long pid, Map<String, String> variables) {
        String url() {
            return variables.get(NutanixConfig.ENV_URL);
        }
    }

    private LocalPrismSimulator() {}

    /**
     * {@code $XDG_CACHE_HOME/cuda-wasm/prism-sim.env}, else {@code ~/.cache/cuda-wasm/prism-sim.env}
     * (next to the kernel cache); empty when the environment names no home.
     */
    static Optional<Path> defaultEnvFile(Map<String, String> environment) {
        String xdg = environment.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Optional.of(Path.of(xdg, "cuda-wasm", "prism-sim.env"));
        }
        String home = environment.get("HOME");
        return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home, ".cache", "cuda-wasm", "prism-sim.env"));
    }

    /** Writes the file readable by its owner only (it holds an API key), atomically. */
    static void write(Path file, long pid, Map<String, String> variables) {
        StringBuilder text = new StringBuilder("# written by cuda-wasm prism-sim (pid " + pid + "); removed when it stops\n");
        variables.forEach((k, v) -> text.append("export ").append(k).append("='").append(v).append("'\n"));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling("." + file.getFileName() + "." + pid);
            Files.deleteIfExists(temp);
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(temp);
            }
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the file if it is still this process's (another simulator may have replaced it). */
    static void remove(Path file, long pid) {
        read(file).filter(f -> f.pid() == pid).ifPresent(f -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stale file is recognised by its dead pid; nothing more to do on the way out
            }
        });
    }

    /** The file's simulator, if the file exists, parses and names a running process. */
    static Optional<Found> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        Matcher pid = PID.matcher(text);
        if (!pid.find()) {
            return Optional.empty();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        text.lines().map(EXPORT::matcher).filter(Matcher::matches).forEach(m -> variables.put(m.group(1), m.group(2)));
        long p = Long.parseLong(pid.group(1));
        boolean alive = ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
        return alive && variables.containsKey(NutanixConfig.ENV_URL) ? Optional.of(new Found(file, p, variables)) : Optional.empty();
    }

    /**
     * The running simulator: at once if its file is there; else, while a simulator process is still
     * starting ({@code launching}, usually {@link #startingSimulator()}), waits for its file up to
     * {@code patience}.
     *
     * @param starting called once, with the starting process's pid, before waiting
     */
    static Optional<Found> find(Path file, Duration patience, Supplier<Optional<ProcessHandle>> launcher,
            java.util.function.LongConsumer starting) {
        Optional<Found> found = read(file);
        if (found.isPresent()) {
            return found;
        }
        Optional<ProcessHandle> launching = launcher.get();
        if (launching.isEmpty()) {
            return Optional.empty();
        }
        starting.accept(launching.get().pid());
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline && launching.get().isAlive()) {
            found = read(file);
            if (found.isPresent()) {
                return found;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return read(file);
    }

    /**
     * Another process of this user running {@code cuda-wasm ... prism-sim}: the launcher script or
     * the JVM it starts ({@code java -jar .../cuda-wasm.jar prism-sim}).
     */
    static Optional<ProcessHandle> startingSimulator() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive())
                .filter(p -> {
                    String[] args = p.info().arguments().orElse(new String[0]);
                    boolean verb = List.of(args).contains("prism-sim");
                    boolean ours = List.of(args).stream().anyMatch(a -> a.contains("cuda-wasm"))
                            || p.info().command().orElse("").contains("cuda-wasm");
                    return verb && ours;
                })
                .findFirst();
    }
}
