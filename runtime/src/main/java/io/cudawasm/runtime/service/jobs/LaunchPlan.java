package io.cudawasm.runtime.service.jobs;

import io.cudawasm.runtime.launch.LaunchConfig;
import java.util.List;

/** One kernel launch of a job, in stream order. */
public record LaunchPlan(String kernel, LaunchConfig config, List<ArgPlan> args, List<SymbolWrite> symbols) {
    public LaunchPlan {
        args = List.copyOf(args);
        symbols = List.copyOf(symbols);
    }
}
