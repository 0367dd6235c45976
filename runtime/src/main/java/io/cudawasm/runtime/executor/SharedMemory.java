package io.cudawasm.runtime.executor;

import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the worker puts buffers it shares with executors, and how much it has promised. Writing to
 * a mapped tmpfs page that the file system cannot provide raises SIGBUS in the writer, the worker
 * included; so an allocation is refused (OUT_OF_MEMORY, a 413 for a job) unless the file system's
 * free space covers it together with everything this worker already mapped, touched or not.
 */
final class SharedMemory {
    private final AtomicLong reserved = new AtomicLong();

    long reserved() {
        return reserved.get();
    }

    /** Creates and maps {@code folder/name} of {@code bytes}, within the free space of its file system. */
    SharedFile create(Path folder, String name, long bytes) {
        long total = reserved.addAndGet(bytes);
        try {
            long free = Files.getFileStore(folder).getUsableSpace();
            if (free < total) {
                throw new LaunchException(LaunchFailure.OUT_OF_MEMORY, null, "cannot share a buffer of " + bytes
                        + " bytes with the executor: " + folder.getParent() + " has " + free + " bytes free and "
                        + (total - bytes) + " are promised to other buffers (give the worker a larger /dev/shm, "
                        + "or set CUDA_WASM_EXECUTOR_DIR)");
            }
            return SharedFile.create(folder.resolve(name), bytes);
        } catch (IOException e) {
            reserved.addAndGet(-bytes);
            throw new LaunchException(LaunchFailure.OUT_OF_MEMORY, null, "cannot create a shared buffer of " + bytes
                    + " bytes in " + folder + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            reserved.addAndGet(-bytes);
            throw e;
        }
    }

    /** Unmaps a buffer and returns its bytes to the budget. */
    void release(SharedFile file) {
        file.close();
        reserved.addAndGet(-file.size());
    }
}
