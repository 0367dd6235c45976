package io.cudawasm.nutanix.cli;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.examples.DeployGpuWorkload;
import io.cudawasm.nutanix.prism.PrismException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm example [VENDOR [COUNT]] [--yaml]}: the seed's {@code deploy_gpu_workload} example
 * ({@link DeployGpuWorkload}) from the command line: Prism Central (or an in-process simulator) to a
 * placement to the manifests it would apply.
 */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the deploy_gpu_workload example: discover GPU nodes, summarise, rank the best nodes for",
            "COUNT GPUs of VENDOR, read the chosen host, then build the deployment for it (--yaml prints it).",
            "Uses Prism Central from the NUTANIX_* variables, or an in-process simulator when none is set."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:Prism Central answered with an error", "2:invalid options",
            "3:no node has COUNT free GPUs of VENDOR"})
public final class ExampleCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "VENDOR", defaultValue = "nvidia",
            description = "nvidia, amd or intel (default: ${DEFAULT-VALUE})")
    String vendor;

    @Parameters(index = "1", arity = "0..1", paramLabel = "COUNT", defaultValue = "2",
            description = "GPUs per pod (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--yaml", description = "print the manifests the deployment step would apply")
    boolean yaml;

    @Option(names = "--image", description = "worker image (default: cuda-wasm:0.1.0-<vendor>)")
    String image = DeployGpuWorkload.DEFAULT_IMAGE;

    @Option(names = "--pin-host", description = "node selector on the chosen host (" + DeployGpuWorkload.PRISM_HOST_LABEL
            + ", set by the Nutanix CCM on NKP)")
    boolean pinToHost;

    private final Map<String, String> environment;

    public ExampleCommand() {
        this(System.getenv());
    }

    public ExampleCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<GpuVendor> v = GpuVendor.parse(vendor);
        if (v.isEmpty() || count < 1) {
            err.println("example: " + (v.isEmpty() ? "unknown GPU vendor '" + vendor + "' (use nvidia, amd or intel)"
                    : "the GPU count must be at least 1"));
            return 2;
        }
        try {
            // the YAML goes to standard output after the flow's report, so "--yaml > file" needs the report elsewhere
            PrintWriter report = yaml ? err : out;
            return DeployGpuWorkload.run(environment, v.get(), count, report,
                    new DeployGpuWorkload.DeploymentStep(image, pinToHost, yaml ? Optional.of(out) : Optional.empty()));
        } catch (IllegalArgumentException | PrismException e) {
            err.println("example: " + e.getMessage());
            return 2;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
