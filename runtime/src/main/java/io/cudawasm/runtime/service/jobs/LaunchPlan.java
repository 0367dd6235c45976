package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.launch.LaunchConfig;
import java.util.List;

/** One kernel launch of a job, in stream order. */
/** One planned launch; {@code cooperative} as {@link io.cudawasm.runtime.launch.LaunchOptions#cooperative()}. */
public record LaunchPlan(String kernel, LaunchConfig config, List<ArgPlan> args, List<SymbolWrite> symbols,
        boolean cooperative) {
    public LaunchPlan {
        args = List.copyOf(args);
        symbols = List.copyOf(symbols);
    }
}
