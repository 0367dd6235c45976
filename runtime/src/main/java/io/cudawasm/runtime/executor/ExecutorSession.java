package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.runtime.backend.BufferTable;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device session that lives in an executor process. Every call becomes a request to it; buffer
 * contents go through shared memory: {@link #write} copies into the buffer's mapped file and asks
 * the executor to copy that range to the device, {@link #read} the other way round.
 */
final class ExecutorSession implements DeviceSession {
    private static final AtomicLong SESSIONS = new AtomicLong();

    private final ExecutorSupervisor supervisor;
    private final ExecutorProcess run;
    private final long id = SESSIONS.incrementAndGet();
    private final BufferTable<Slot> buffers = new BufferTable<>();
    private final List<SharedFile> files = new ArrayList<>();
    private boolean closed;

    /** A buffer's shared file; null for an empty buffer. */
    private record Slot(SharedFile file) {}

    ExecutorSession(ExecutorSupervisor supervisor, String kernelKey, io.cudawasm.kernels.CompileRequest request) {
        this.supervisor = supervisor;
        this.run = supervisor.open(id, kernelKey, request);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
    }

    private Reply call(Request r, String what) {
        return throwIfFailed(supervisor.call(run, r, null, null, what, null));
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation");
        }
        int n = files.size();
        SharedFile file = bytes == 0 ? null : supervisor.shared().create(run.folder(), "s" + id + "-b" + n, bytes);
        if (file != null) {
            files.add(file);
        }
        DeviceBuffer b = buffers.add(new Slot(file), bytes);
        Path path = file == null ? null : run.folder().resolve("s" + id + "-b" + n);
        try {
            call(new Request.Allocate(id, b.id(), bytes, path == null ? null : path.toString()), "allocating a buffer");
        } finally {
            if (path != null) {
                try {
                    Files.deleteIfExists(path); // both sides have it mapped now (or never will)
                } catch (IOException e) {
                    // the folder goes with the executor
                }
            }
        }
        return b;
    }

    private SharedFile file(DeviceBuffer b) {
        return buffers.handle(b).file();
    }

    @Override
    public synchronized void write(DeviceBuffer buffer, long offset, byte[] data) {
        checkOpen();
        BufferTable.checkRange(buffer, offset, data.length);
        if (data.length == 0) {
            return;
        }
        file(buffer).put(offset, data);
        call(new Request.Write(id, buffer.id(), offset, data.length), "writing a buffer");
    }

    @Override
    public synchronized byte[] read(DeviceBuffer buffer, long offset, int length) {
        checkOpen();
        BufferTable.checkRange(buffer, offset, length);
        if (length == 0) {
            buffers.handle(buffer);
            return new byte[0];
        }
        SharedFile f = file(buffer);
        call(new Request.Read(id, buffer.id(), offset, length), "reading a buffer");
        return f.get(offset, length);
    }

    @Override
    public synchronized void writeSymbol(String symbol, long offset, byte[] data) {
        checkOpen();
        call(new Request.WriteSymbol(id, symbol, offset, data), "writing a symbol");
    }

    @Override
    public synchronized byte[] readSymbol(String symbol) {
        checkOpen();
        return ((Reply.SymbolData) call(new Request.ReadSymbol(id, symbol), "reading a symbol")).data();
    }

    @Override
    public synchronized LaunchStats launch(String kernel, LaunchConfig config, List<KernelArg> args,
            LaunchOptions options) {
        checkOpen();
        List<Request.Arg> wire = new ArrayList<>(args.size());
        for (KernelArg a : args) {
            if (a instanceof KernelArg.Buffer b) {
                wire.add(new Request.Arg.Buffer(wireId(b.buffer()), b.offset()));
            } else if (a instanceof KernelArg.Scalar s) {
                wire.add(new Request.Arg.Scalar(s.value()));
            } else if (a instanceof KernelArg.Bytes b) {
                wire.add(new Request.Arg.Bytes(b.value()));
            } else if (a instanceof KernelArg.TensorMap m) {
                // the executor's back end makes the map: the buffer's device address is known there
                wire.add(new Request.Arg.TensorMap(wireId(m.buffer()), m.offset(), m.spec()));
            }
        }
        Duration limit = options.timeLimit();
        Request.Launch request = new Request.Launch(id, kernel, new int[] {config.grid().x(), config.grid().y(),
            config.grid().z()}, new int[] {config.block().x(), config.block().y(), config.block().z()},
                config.sharedBytes(), wire, limit == null ? -1 : limit.toNanos(), options.cancellation() != null,
                options.cooperative(), config.cluster() == null ? null
                        : new int[] {config.cluster().x(), config.cluster().y(), config.cluster().z()},
                options.independentThreads());
        Reply r = throwIfFailed(supervisor.call(run, request, limit, options.cancellation(), "a launch", kernel));
        Reply.Launched l = (Reply.Launched) r;
        return new LaunchStats(l.kernel(), l.backend(), l.device(), Duration.ofNanos(l.elapsedNanos()), l.workers());
    }

    /** The buffer's id in the executor; -1 for one not of this session, which the executor's back end names. */
    private int wireId(DeviceBuffer b) {
        try {
            buffers.handle(b);
            return b.id();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            supervisor.closeQuietly(run, new Request.Close(id));
        } finally {
            for (SharedFile f : files) {
                supervisor.shared().release(f);
            }
            files.clear();
        }
    }

    /** The reply, or the exception it stands for, as the back end inside the executor threw it. */
    static Reply throwIfFailed(Reply r) {
        if (!(r instanceof Reply.Failed f)) {
            return r;
        }
        switch (f.kind()) {
            case LAUNCH -> throw new LaunchException(LaunchFailure.valueOf(f.failure()), f.kernel(), f.message());
            case COMPILE -> throw new CompileException(f.diagnostics().isEmpty()
                    ? List.of(Diagnostic.error(SourcePos.BUILTIN, f.message())) : f.diagnostics());
            case ARGUMENT -> throw new IllegalArgumentException(f.message());
            default -> throw new LaunchException(LaunchFailure.DEVICE_ERROR, f.kernel(), "executor: " + f.message());
        }
    }
}
