package io.cudawasm.runtime.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.testing.ChildOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker starting up removes the executor folders of dead workers, and only those: a folder named
 * after a PID that is not alive here (a worker in another PID namespace sharing /dev/shm looks like
 * that) stays while another process holds its lock.
 */
class FolderLeaseTest {
    @Test
    void startUpCleaningLeavesFoldersAnotherProcessHolds(@TempDir Path base) throws Exception {
        // PIDs above the kernel's limit (2^22): never alive
        Path held = Files.createDirectories(base.resolve("cw-exec-99999901-opencl0-1"));
        Path orphan = Files.createDirectories(base.resolve("cw-exec-99999902-opencl0-1"));
        Path released = Files.createDirectories(base.resolve("cw-exec-99999903-opencl0-1"));
        Files.writeString(orphan.resolve("control.sock"), "");
        FolderLease.claim(released).close(); // a lock file whose holder let go: a dead worker's
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                FolderLeaseHolder.class.getName(), held.toString())).redirectErrorStream(true).start();
        ChildOutput output = new ChildOutput("folder lease holder", child);
        try {
            output.awaitLine("held"::equals, "held", Duration.ofMinutes(1));
            assertTrue(FolderLease.held(held));
            assertFalse(FolderLease.held(orphan));
            assertFalse(FolderLease.held(released));
            new ExecutorSupervisor("opencl:0", ExecutorSettings.defaults().withDirectory(base), new SharedMemory()).close();
            assertTrue(Files.isDirectory(held), "the folder another process holds was removed");
            assertFalse(Files.exists(orphan), "a dead worker's folder stayed");
            assertFalse(Files.exists(released), "a dead worker's released folder stayed");
            child.getOutputStream().close(); // the holder exits and its lock goes with it
            assertEquals(0, output.awaitExit(Duration.ofMinutes(1)), output.transcript());
            assertFalse(FolderLease.held(held));
        } finally {
            child.destroyForcibly();
        }
    }
}
