package io.cudawasm.runtime.benchreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A result file read from disk, with its JMH entries parsed and its host summarized. */
public record LoadedResult(Path path, BenchResultFile file, HostSummary host, List<Measurement> measurements) {

    public LoadedResult {
        measurements = List.copyOf(measurements);
    }

    /**
     * Reads and parses {@code path}.
     *
     * @throws ReportInputException when the file cannot be used
     */
    public static LoadedResult read(Path path) {
        BenchResultFile file = ResultFiles.read(path);
        List<Measurement> measurements = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : file.benchmarks()) {
            try {
                measurements.add(Measurement.fromJmh(entry));
            } catch (IllegalArgumentException e) {
                throw new ReportInputException(path + ": benchmarks[" + index + "] " + e.getMessage());
            }
            index++;
        }
        return new LoadedResult(path, file, HostSummary.of(file.host()), measurements);
    }

    public String label() {
        return file.label();
    }

    /** The workload of a kernel at a size, when the file describes one. */
    public Optional<BenchResultFile.Workload> workload(String kernel, String size) {
        return file.workloads().stream().filter(w -> w.kernel().equals(kernel) && w.size().equals(size)).findFirst();
    }
}
