package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a C program with the host's gcc and runs it, returning what it prints: the reference
 * compiler of the differential tests. Without gcc the tests fail (the build machine and CI have it:
 * nvcc needs it too).
 */
final class Gcc {
    /**
     * Strict IEEE arithmetic: no contraction to fma, SSE (not x87) on x86-64, plain char signed as on
     * the GPU. {@code -frounding-math}: without it gcc 12 folds {@code 0.0f - (float)i} into
     * {@code -(float)i}, which is -0.0 for i == 0 where IEEE gives +0.0 (found by this test, seed 7).
     */
    static final List<String> FLAGS = List.of("-std=c11", "-O1", "-ffp-contract=off", "-frounding-math",
            "-fsigned-char", "-fno-strict-aliasing", "-w");

    private Gcc() {}

    static String compileAndRun(String source) {
        try {
            Path dir = Files.createTempDirectory("cuda-wasm-gcc");
            try {
                Path c = dir.resolve("prog.c");
                Path exe = dir.resolve("prog");
                Files.writeString(c, source, StandardCharsets.UTF_8);
                List<String> cmd = new ArrayList<>(List.of("gcc"));
                cmd.addAll(FLAGS);
                cmd.addAll(List.of("-o", exe.toString(), c.toString(), "-lm"));
                run(cmd, dir);
                return run(List.of(exe.toString()), dir);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            return fail("gcc could not be run: " + e.getMessage());
        }
    }

    private static String run(List<String> cmd, Path dir) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail("failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            return fail("gcc is needed for the differential tests: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + cmd);
        }
    }
}
