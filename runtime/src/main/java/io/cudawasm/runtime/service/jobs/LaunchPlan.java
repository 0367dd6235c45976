package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.launch.LaunchConfig;
import java.util.List;

/**
 * One planned kernel launch of a job, in stream order; {@code cooperative} and {@code independentThreads}
 * as {@link io.cudawasm.runtime.launch.LaunchOptions}'s.
 */
public record LaunchPlan(String kernel, LaunchConfig config, List<ArgPlan> args, List<SymbolWrite> symbols,
        boolean cooperative, boolean independentThreads) {
    public LaunchPlan {
        args = List.copyOf(args);
        symbols = List.copyOf(symbols);
    }
}
