package io.cudawasm.runtime.benchreport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes {@link BenchResultFile}s; every reading problem becomes one {@link ReportInputException}. */
public final class ResultFiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {}

    /**
     * Reads and checks one result file.
     *
     * @throws ReportInputException when the file is missing, unreadable, not JSON, a plain JMH result
     *     without host tags, or of another format
     */
    public static BenchResultFile read(Path file) {
        String name = file.toString();
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ReportInputException(name + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ReportInputException(name + ": permission denied");
        } catch (JsonProcessingException e) {
            throw new ReportInputException(name + " is not a benchmark result file (not JSON: "
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ReportInputException(name + ": cannot read (" + e.getMessage() + ")");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ReportInputException(name + " is not a benchmark result file (it is empty)");
        }
        if (tree.isArray()) {
            throw new ReportInputException(name + " is a plain JMH result without host capabilities; run the suite "
                    + "with 'java -jar benchmarks.jar' (or 'cuda-wasm bench run') to get a tagged result file");
        }
        String format = tree.path("format").asText("");
        if (!BenchResultFile.FORMAT.equals(format)) {
            throw new ReportInputException(name + " is not a benchmark result file (format is "
                    + (format.isEmpty() ? "missing" : "'" + format + "'") + ", expected '" + BenchResultFile.FORMAT + "')");
        }
        if (!tree.path("benchmarks").isArray()) {
            throw new ReportInputException(name + " is not a benchmark result file (no 'benchmarks' array)");
        }
        try {
            return JSON.treeToValue(tree, BenchResultFile.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ReportInputException(name + " is a damaged benchmark result file (" + firstLine(why) + ")");
        }
    }

    /** Writes {@code file} to {@code target} atomically (a partial file is never left behind). */
    public static void write(Path target, BenchResultFile file) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                JSON.writeValue(temp.toFile(), file);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** The mapper the file format uses (indenting, tolerant of fields added later). */
    public static ObjectMapper json() {
        return JSON;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
