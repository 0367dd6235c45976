package io.cudawasm.runtime.executor;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The executor process: a child JVM of the worker that runs one native device (OpenCL, CUDA or
 * TornadoVM) and nothing else. It connects to the worker's control socket, answers its requests
 * ({@link ExecutorServer}) and dies with the worker: when its standard input reaches end of file
 * (the worker's end of the pipe closes with the worker, even on kill -9) or its parent process is
 * gone, it halts at once.
 *
 * <p>Usage: {@code ExecutorMain --socket PATH --device opencl:0 --parent PID [--test-hooks]}.
 */
public final class ExecutorMain {
    /** How often the parent is looked for, besides the end of standard input. */
    private static final long PARENT_POLL_MILLIS = 500;

    private ExecutorMain() {}

    public static void main(String[] args) {
        String socket = null;
        long parent = -1;
        boolean testHooks = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--socket" -> socket = args[++i];
                case "--parent" -> parent = Long.parseLong(args[++i]);
                case "--test-hooks" -> testHooks = true;
                case "--device" -> i++; // the device comes with Hello; kept on the command line for ps
                default -> {
                    System.err.println("executor: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (socket == null || parent < 0) {
            System.err.println("usage: ExecutorMain --socket PATH --device NAME --parent PID [--test-hooks]");
            System.exit(2);
        }
        watchParent(parent);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(Path.of(socket)));
            InputStream in = new java.io.BufferedInputStream(Wire.input(channel), 1 << 16);
            BufferedOutputStream out = new BufferedOutputStream(Wire.output(channel), 1 << 16);
            new ExecutorServer(in, out, testHooks).serve();
        } catch (IOException e) {
            System.err.println("executor: control channel failed: " + e);
            Runtime.getRuntime().halt(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(0); // no native library's atexit handler may keep a dying executor alive
    }

    /** Halts when the worker is gone: standard input at end of file, or the parent process not alive. */
    private static void watchParent(long parentPid) {
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the worker never writes; anything read is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of file
            }
            Runtime.getRuntime().halt(4);
        }, "executor-stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
        Thread poll = new Thread(() -> {
            Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
            while (parent.isPresent() && parent.get().isAlive()) {
                try {
                    Thread.sleep(PARENT_POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(4);
        }, "executor-parent-watch");
        poll.setDaemon(true);
        poll.start();
    }
}
