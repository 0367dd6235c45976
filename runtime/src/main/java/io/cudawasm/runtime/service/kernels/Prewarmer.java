package io.cudawasm.runtime.service.kernels;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a list of kernels into the cache ahead of the first job and, when given a back end,
 * loads each one there too (on the CPU path that turns the Wasm module into JVM bytecode, the
 * slow part of a first launch). A failing kernel is reported and does not stop the others.
 */
public final class Prewarmer {
    private static final Logger log = LoggerFactory.getLogger(Prewarmer.class);

    /** What happened to one list item. */
    public record Outcome(int line, String ref, String id, Status status, String message) {}

    public enum Status {
        MEMORY, DISK, COMPILED, FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final KernelStore store;
    private final Backend preload;

    /** @param preload back end to load each kernel on, or null to only fill the cache */
    public Prewarmer(KernelStore store, Backend preload) {
        this.store = store;
        this.preload = preload;
    }

    public List<Outcome> warm(List<PrewarmList.Item> items) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (PrewarmList.Item item : items) {
            Outcome outcome = warmOne(item);
            if (outcome.status() == Status.FAILED) {
                log.warn("pre-warming {} (line {}) failed: {}", item.ref(), item.line(), outcome.message());
            } else {
                log.info("pre-warmed {} -> {} ({})", item.ref(), outcome.id(), outcome.status().label());
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private Outcome warmOne(PrewarmList.Item item) throws InterruptedException {
        KernelSpec spec;
        try {
            spec = item.load();
        } catch (IllegalArgumentException e) {
            return new Outcome(item.line(), item.ref(), null, Status.FAILED, e.getMessage());
        }
        String id = spec.key().id();
        try {
            KernelLookup lookup = store.resolve(spec);
            if (preload != null) {
                try (DeviceSession ignored = preload.open(lookup.kernel().result())) {
                    // opening is the work: the back end keeps the loaded module for later sessions
                }
            }
            Status status = switch (lookup.source()) {
                case MEMORY -> Status.MEMORY;
                case DISK -> Status.DISK;
                case COMPILED, PEER -> Status.COMPILED;
            };
            return new Outcome(item.line(), item.ref(), id, status, null);
        } catch (CompileException e) {
            return new Outcome(item.line(), item.ref(), id, Status.FAILED, e.getMessage());
        } catch (RuntimeException e) {
            return new Outcome(item.line(), item.ref(), id, Status.FAILED, e.toString());
        }
    }
}
