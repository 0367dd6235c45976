package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.CompileLimits;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.HostTransfers;
import io.cudawasm.runtime.backend.cuda.CudaBackend;
import io.cudawasm.runtime.backend.cuda.CudaDevice;
import io.cudawasm.runtime.backend.cuda.CudaProbe;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import io.cudawasm.runtime.backend.tornadovm.TornadoVmBackend;
import io.cudawasm.runtime.backend.tornadovm.TornadoVmProbe;
import io.cudawasm.runtime.launch.Cancellation;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The executor's side of the control channel: opens the device's back end, then runs the worker's
 * requests one after another on one thread, so at most one launch runs at a time and the worker
 * always knows which request was in flight when the process died. A reader thread takes frames off
 * the channel and handles {@link Request.Cancel} at once (it stops the running launch between grid
 * slices).
 */
final class ExecutorServer {
    /** Compiled kernels kept by key; the worker resends the compile request for one evicted here. */
    private static final int KERNELS = 64;
    /** Failures after which the executor must not be trusted with the next request. */
    private static final Set<LaunchFailure> RESTART = EnumSet.of(LaunchFailure.TIMEOUT, LaunchFailure.CANCELLED,
            LaunchFailure.DEVICE_ERROR, LaunchFailure.OUT_OF_BOUNDS);

    private final InputStream in;
    private final OutputStream out;
    private final boolean testHooks;
    private final BlockingQueue<Wire.Frame<Request>> queue = new LinkedBlockingQueue<>();
    private final Map<Long, Session> sessions = new HashMap<>();
    private final Map<String, CompileResult> kernels = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompileResult> eldest) {
            return size() > KERNELS;
        }
    };
    private Backend backend;
    private CompileLimits limits = CompileLimits.defaults();
    private volatile long runningRequest = -1;
    private volatile Cancellation runningCancellation;
    /** A cancel that arrived before its launch started running. */
    private volatile long earlyCancel = -1;
    private String armedCrash;

    /** A session of the worker: the back end's session, its buffers and their shared files. */
    private record Session(DeviceSession device, Map<Integer, DeviceBuffer> buffers, Map<Integer, SharedFile> files) {}

    ExecutorServer(InputStream in, OutputStream out, boolean testHooks) {
        this.in = in;
        this.out = out;
        this.testHooks = testHooks;
    }

    /** Answers requests until the worker says {@link Request.Shutdown} or closes the channel. */
    void serve() throws IOException, InterruptedException {
        Wire.Frame<Request> hello = Wire.decodeRequest(Wire.readFrame(in));
        if (!(hello.message() instanceof Request.Hello h)) {
            throw new IOException("expected Hello, got " + hello.message());
        }
        if (h.version() != Wire.VERSION) {
            reply(hello.id(), failed(Reply.Failed.Kind.INTERNAL, null, null, "executor speaks protocol version "
                    + Wire.VERSION + ", the worker " + h.version() + " (was the jar replaced while the worker ran?)",
                    false));
            return;
        }
        limits = h.limits();
        try {
            backend = openBackend(h.device());
        } catch (RuntimeException | LinkageError e) {
            reply(hello.id(), failed(Reply.Failed.Kind.INTERNAL, null, null, "cannot open " + h.device() + ": " + e,
                    false));
            return;
        }
        reply(hello.id(), new Reply.Ready(Wire.VERSION, backend.name(), backend.device(), ProcessHandle.current().pid()));
        Thread reader = new Thread(this::readFrames, "executor-reader");
        reader.setDaemon(true);
        reader.start();
        while (true) {
            Wire.Frame<Request> f = queue.take();
            if (f.message() == null || f.message() instanceof Request.Shutdown) {
                closeAll();
                if (f.message() != null) {
                    reply(f.id(), new Reply.Done());
                }
                return;
            }
            reply(f.id(), handle(f.id(), f.message()));
        }
    }

    private void readFrames() {
        try {
            while (true) {
                Wire.Frame<Request> f = Wire.decodeRequest(Wire.readFrame(in));
                if (f.message() instanceof Request.Cancel c) {
                    Cancellation running = runningCancellation;
                    if (running != null && runningRequest == c.target()) {
                        running.cancel();
                    } else {
                        earlyCancel = c.target();
                    }
                } else {
                    queue.add(f);
                }
            }
        } catch (EOFException e) {
            queue.add(new Wire.Frame<>(-1, null)); // the worker closed the channel
        } catch (IOException e) {
            queue.add(new Wire.Frame<>(-1, null));
        }
    }

    private void reply(long id, Reply r) throws IOException {
        synchronized (out) {
            Wire.writeFrame(out, Wire.encode(id, r));
        }
    }

    static Backend openBackend(String device) {
        if (device.startsWith("opencl:")) {
            // opencl:N, or opencl:N/tornadovm-abi: TornadoVM's kernel ABI on a plain OpenCL device (tests)
            boolean tornadoAbi = device.endsWith("/tornadovm-abi");
            int index = Integer.parseInt(device.substring("opencl:".length(), tornadoAbi ? device.indexOf('/')
                    : device.length()));
            OpenClProbe.Result r = OpenClProbe.devices();
            for (OpenClDevice d : r.devices()) {
                if (d.index() == index) {
                    return tornadoAbi ? new OpenClBackend(d, OpenClOptions.Abi.TORNADOVM, null) : new OpenClBackend(d);
                }
            }
            throw new IllegalStateException("no OpenCL device " + index + " (" + r.reason() + ")");
        }
        if (device.startsWith("cuda:")) {
            int index = Integer.parseInt(device.substring("cuda:".length()));
            CudaProbe.Result r = CudaProbe.devices();
            for (CudaDevice d : r.devices()) {
                if (d.index() == index) {
                    return new CudaBackend(d);
                }
            }
            throw new IllegalStateException("no CUDA device " + index + " (" + r.reason() + ")");
        }
        if (device.equals("tornadovm")) {
            TornadoVmProbe.Result r = TornadoVmProbe.probe();
            if (!r.available()) {
                throw new IllegalStateException(r.reason());
            }
            return new TornadoVmBackend(r.device());
        }
        throw new IllegalArgumentException("unknown device '" + device + "'");
    }

    // ------------------------------------------------------------------ requests

    private Reply handle(long id, Request r) {
        try {
            if (r instanceof Request.Open o) {
                return open(o);
            } else if (r instanceof Request.Allocate a) {
                return allocate(a);
            } else if (r instanceof Request.Write w) {
                return write(w);
            } else if (r instanceof Request.Read rd) {
                return read(rd);
            } else if (r instanceof Request.WriteSymbol ws) {
                session(ws.session()).device().writeSymbol(ws.symbol(), ws.offset(), ws.data());
                return new Reply.Done();
            } else if (r instanceof Request.ReadSymbol rs) {
                return new Reply.SymbolData(session(rs.session()).device().readSymbol(rs.symbol()));
            } else if (r instanceof Request.Launch l) {
                return launch(id, l);
            } else if (r instanceof Request.Close c) {
                return close(c.session());
            } else if (r instanceof Request.ArmCrash c) {
                return arm(c.mode());
            }
            return failed(Reply.Failed.Kind.INTERNAL, null, null, "unexpected request " + r, false);
        } catch (LaunchException e) {
            return failed(Reply.Failed.Kind.LAUNCH, e.failure().name(), e.kernel(), e.getMessage(),
                    RESTART.contains(e.failure()));
        } catch (CompileException e) {
            return new Reply.Failed(Reply.Failed.Kind.COMPILE, null, null, e.getMessage(), e.diagnostics(), false);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return failed(Reply.Failed.Kind.ARGUMENT, null, null, String.valueOf(e.getMessage()), false);
        } catch (RuntimeException | OutOfMemoryError e) {
            // the executor's own failure (a driver exception, the heap): replace it rather than guess
            return failed(Reply.Failed.Kind.INTERNAL, null, null, e.toString(), true);
        }
    }

    private static Reply.Failed failed(Reply.Failed.Kind kind, String failure, String kernel, String message,
            boolean restart) {
        return new Reply.Failed(kind, failure, kernel, message, List.of(), restart);
    }

    private Session session(long id) {
        Session s = sessions.get(id);
        if (s == null) {
            throw new IllegalStateException("no session " + id + " in this executor");
        }
        return s;
    }

    private Reply open(Request.Open o) {
        CompileResult compiled = kernels.get(o.kernelKey());
        if (compiled == null) {
            if (o.request() == null) {
                return failed(Reply.Failed.Kind.UNKNOWN_KERNEL, null, null, "kernel " + o.kernelKey()
                        + " is not loaded here", false);
            }
            compiled = KernelCompiler.compileForDevices(o.request(), limits);
            kernels.put(o.kernelKey(), compiled);
        }
        sessions.put(o.session(), new Session(backend.open(compiled), new HashMap<>(), new HashMap<>()));
        return new Reply.Done();
    }

    private Reply allocate(Request.Allocate a) {
        Session s = session(a.session());
        DeviceBuffer b = s.device().allocate(a.bytes());
        s.buffers().put(a.buffer(), b);
        if (a.file() != null) {
            try {
                s.files().put(a.buffer(), SharedFile.open(Path.of(a.file()), a.bytes()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot map " + a.file() + ": " + e.getMessage(), e);
            }
        }
        return new Reply.Done();
    }

    private SharedFile file(Session s, int buffer) {
        SharedFile f = s.files().get(buffer);
        if (f == null) {
            throw new IllegalArgumentException("buffer " + buffer + " has no shared memory in this session");
        }
        return f;
    }

    private Reply write(Request.Write w) {
        Session s = session(w.session());
        DeviceBuffer b = s.buffers().get(w.buffer());
        SharedFile f = file(s, w.buffer());
        if (s.device() instanceof HostTransfers direct) {
            f.pieces(w.offset(), w.length(), (at, piece) -> direct.write(b, at, piece));
        } else {
            f.pieces(w.offset(), w.length(), (at, piece) -> {
                byte[] bytes = new byte[piece.remaining()];
                piece.get(bytes);
                s.device().write(b, at, bytes);
            });
        }
        return new Reply.Done();
    }

    private Reply read(Request.Read r) {
        Session s = session(r.session());
        DeviceBuffer b = s.buffers().get(r.buffer());
        SharedFile f = file(s, r.buffer());
        if (s.device() instanceof HostTransfers direct) {
            f.pieces(r.offset(), r.length(), (at, piece) -> direct.read(b, at, piece));
        } else {
            f.pieces(r.offset(), r.length(), (at, piece) -> piece.put(s.device().read(b, at, piece.remaining())));
        }
        return new Reply.Done();
    }

    private Reply launch(long id, Request.Launch l) {
        Session s = session(l.session());
        List<KernelArg> args = new ArrayList<>(l.args().size());
        for (Request.Arg a : l.args()) {
            if (a instanceof Request.Arg.Buffer b) {
                // an id this session does not know reaches the back end, which names the parameter in its error
                args.add(new KernelArg.Buffer(s.buffers().getOrDefault(b.buffer(), new DeviceBuffer(b.buffer(), -1, 0)),
                        b.offset()));
            } else if (a instanceof Request.Arg.Scalar n) {
                args.add(new KernelArg.Scalar(n.value()));
            } else if (a instanceof Request.Arg.Bytes b) {
                args.add(new KernelArg.Bytes(b.value()));
            } else if (a instanceof Request.Arg.TensorMap m) {
                args.add(new KernelArg.TensorMap(s.buffers().getOrDefault(m.buffer(), new DeviceBuffer(m.buffer(), -1, 0)),
                        m.offset(), m.spec()));
            } else {
                args.add(KernelArg.of(0));
            }
        }
        LaunchConfig config = new LaunchConfig(new Dim3(l.grid()[0], l.grid()[1], l.grid()[2]),
                new Dim3(l.block()[0], l.block()[1], l.block()[2]), l.sharedBytes(),
                l.cluster() == null ? null : new Dim3(l.cluster()[0], l.cluster()[1], l.cluster()[2]));
        Cancellation cancellation = new Cancellation();
        LaunchOptions options = new LaunchOptions(l.timeLimitNanos() < 0 ? null : Duration.ofNanos(l.timeLimitNanos()),
                0, l.cancellable() ? cancellation : null).withCooperative(l.cooperative())
                .withIndependentThreads(l.independentThreads());
        runningCancellation = cancellation;
        runningRequest = id;
        if (earlyCancel == id) {
            cancellation.cancel();
        }
        try {
            crashIfArmed();
            LaunchStats stats = s.device().launch(l.kernel(), config, args, options);
            return new Reply.Launched(stats.kernel(), stats.backend(), stats.device(), stats.elapsed().toNanos(),
                    stats.workers());
        } finally {
            runningRequest = -1;
            runningCancellation = null;
        }
    }

    private Reply close(long id) {
        Session s = sessions.remove(id);
        if (s != null) {
            closeSession(s);
        }
        return new Reply.Done();
    }

    private static void closeSession(Session s) {
        try {
            s.device().close();
        } finally {
            for (SharedFile f : s.files().values()) {
                f.close();
            }
        }
    }

    private void closeAll() {
        for (Session s : sessions.values()) {
            try {
                closeSession(s);
            } catch (RuntimeException e) {
                // exiting anyway
            }
        }
        sessions.clear();
        if (backend instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }
    }

    // ------------------------------------------------------------------ test hooks

    private Reply arm(String mode) {
        if (!testHooks) {
            return failed(Reply.Failed.Kind.ARGUMENT, null, null, "test hooks are off in this executor", false);
        }
        if (!mode.equals("halt") && !mode.equals("segv")) {
            return failed(Reply.Failed.Kind.ARGUMENT, null, null, "crash mode must be halt or segv", false);
        }
        armedCrash = mode;
        return new Reply.Done();
    }

    private void crashIfArmed() {
        String mode = armedCrash;
        if (mode == null) {
            return;
        }
        if (mode.equals("halt")) {
            Runtime.getRuntime().halt(134); // what abort() leaves: 128 + SIGABRT
        }
        Unmapper.writeToAddressZero();
    }
}
