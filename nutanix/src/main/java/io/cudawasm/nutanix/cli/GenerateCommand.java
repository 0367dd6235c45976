package io.cudawasm.nutanix.cli;

import io.cudawasm.nutanix.deploy.BenchmarkOptions;
import io.cudawasm.nutanix.deploy.DeploymentConfig;
import io.cudawasm.nutanix.deploy.DeploymentGenerator;
import io.cudawasm.nutanix.deploy.DeploymentOptions;
import io.cudawasm.nutanix.deploy.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cuda-wasm generate [options] > manifest.yaml}: writes the worker fleet's manifests as multi-document YAML. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Writes Kubernetes manifests for a cuda-wasm worker fleet (or a benchmark Job) as YAML.",
            "ReadWriteOnce cache classes with more than one replica give a StatefulSet (one cache per replica)."
        })
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment = new DeploymentOptions();

    @Mixin
    BenchmarkOptions benchmark = new BenchmarkOptions();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws IOException {
        String yaml;
        try {
            DeploymentConfig config = deployment.toConfig();
            yaml = benchmark.enabled()
                    ? Manifests.toYaml(DeploymentGenerator.benchmarkObjects(benchmark.toConfig(config)))
                    : new DeploymentGenerator(config).generateAll();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        if (output == null) {
            spec.commandLine().getOut().print(yaml);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(output, yaml, StandardCharsets.UTF_8);
            spec.commandLine().getErr().println("wrote " + output);
        }
        return 0;
    }
}
