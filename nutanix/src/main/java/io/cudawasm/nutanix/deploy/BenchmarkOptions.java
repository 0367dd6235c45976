package io.cudawasm.nutanix.deploy;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Command-line options of the benchmark Job; vendor, GPUs, mode, image and namespace come from {@link DeploymentOptions}. */
public final class BenchmarkOptions {
    @Option(names = {"--benchmark-job", "--bench-job"},
            description = "Emit a Job that runs the benchmark suite on the node type chosen by --vendor and --gpu-mode "
                    + "(and its results claim) instead of the worker fleet.")
    boolean enabled;

    @Option(names = "--benchmark-arg", paramLabel = "ARG", description = "Argument for benchmarks.jar (repeatable; default: "
            + "--preset full --result-dir /results).")
    List<String> args = new ArrayList<>();

    @Option(names = "--results-claim", description = "Claim for /results (default: <name>-benchmark-results).")
    String resultsClaim;

    @Option(names = "--results-size", description = "Size of the results claim (default: ${DEFAULT-VALUE}).")
    String resultsSize = "1Gi";

    @Option(names = "--no-results-claim", description = "Use an existing results claim instead of creating one.")
    boolean noResultsClaim;

    @Option(names = "--results-on-cache", description = "Keep the results on the worker fleet's shared kernel-cache claim, "
            + "in " + BenchmarkJobConfig.CACHE_RESULTS_FOLDER + "/ (fleets with one shared claim only).")
    boolean resultsOnCache;

    public boolean enabled() {
        return enabled;
    }

    /** The Job's settings, taking node type and image from the worker configuration. */
    public BenchmarkJobConfig toConfig(DeploymentConfig worker) {
        BenchmarkJobConfig.Builder b = BenchmarkJobConfig.from(worker)
                .requireGpuMode(true)
                .resultsSize(resultsSize)
                .createResultsClaim(!noResultsClaim);
        if (!args.isEmpty()) {
            b.args(args);
        }
        if (resultsOnCache) {
            if (resultsClaim != null || noResultsClaim) {
                throw new IllegalArgumentException("--results-on-cache uses the fleet's cache claim; "
                        + "leave out --results-claim and --no-results-claim");
            }
            b.resultsOnCacheOf(worker);
        }
        if (resultsClaim != null) {
            b.resultsClaimName(resultsClaim);
        }
        return b.build();
    }
}
