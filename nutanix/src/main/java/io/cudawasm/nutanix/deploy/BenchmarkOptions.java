package io.cudawasm.nutanix.deploy;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Command-line options of the benchmark Job; vendor, GPUs, mode, image and namespace come from {@link DeploymentOptions}. */
public final class BenchmarkOptions {
    @Option(names = "--benchmark-job", description = "Emit a benchmark Job (and its results claim) instead of the worker fleet.")
    boolean enabled;

    @Option(names = "--benchmark-arg", paramLabel = "ARG", description = "Argument for benchmarks.jar (repeatable; default: "
            + "-rf json -rff /results/jmh-result.json).")
    List<String> args = new ArrayList<>();

    @Option(names = "--results-claim", description = "Claim for /results (default: <name>-benchmark-results).")
    String resultsClaim;

    @Option(names = "--results-size", description = "Size of the results claim (default: ${DEFAULT-VALUE}).")
    String resultsSize = "1Gi";

    @Option(names = "--no-results-claim", description = "Use an existing results claim instead of creating one.")
    boolean noResultsClaim;

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
        if (resultsClaim != null) {
            b.resultsClaimName(resultsClaim);
        }
        return b.build();
    }
}
