package io.cudawasm.runtime.executor;

import java.nio.file.Path;

/**
 * A child JVM that claims an executor folder ({@link FolderLease}) and holds it until its standard
 * input closes: another process, as a worker in another PID namespace would be, for {@link FolderLeaseTest}.
 */
public final class FolderLeaseHolder {
    private FolderLeaseHolder() {}

    public static void main(String[] args) throws Exception {
        try (FolderLease lease = FolderLease.claim(Path.of(args[0]))) {
            System.out.println("held");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes the pipe
            }
        }
    }
}
