package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.CompileLimits;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.Severity;
import io.cudawasm.runtime.launch.TensorMapSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control channel's byte format: frames of {@code [int length][byte tag][long id][fields]},
 * big-endian, strings as {@code [int length][UTF-8]} (-1 for null). Hand-written rather than JSON:
 * messages are few and small, numbers keep their Java type exactly (a {@code Float} argument stays
 * a float, NaN included), and nothing needs configuring. {@link #VERSION} changes whenever a
 * message changes shape; the handshake refuses a mismatch (a jar replaced under a running worker).
 */
final class Wire {
    static final int VERSION = 2;
    /** The largest frame either side accepts: a compile request's source and headers, symbol bytes. */
    static final int MAX_FRAME = 64 << 20;

    /** One message and the id that pairs a reply with its request. */
    record Frame<T>(long id, T message) {}

    private Wire() {}

    // ------------------------------------------------------------------ frames

    /**
     * A stream reading the channel directly. Not {@code Channels.newInputStream}: its streams lock
     * the channel's blocking lock for reads and writes alike, so a reader waiting for the next
     * frame would block every write on the same socket.
     */
    static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    /** A stream writing to the channel directly (see {@link #input}). */
    static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }

    static void writeFrame(OutputStream out, byte[] payload) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(payload.length);
        d.write(payload);
        d.flush();
    }

    /** The next frame's payload; {@link EOFException} when the other side closed the channel. */
    static byte[] readFrame(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int length = d.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("frame of " + length + " bytes (at most " + MAX_FRAME + ")");
        }
        byte[] payload = new byte[length];
        d.readFully(payload);
        return payload;
    }

    // ------------------------------------------------------------------ requests

    static byte[] encode(long id, Request r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            if (r instanceof Request.Hello h) {
                head(o, 1, id);
                o.writeInt(h.version());
                string(o, h.device());
                limits(o, h.limits());
            } else if (r instanceof Request.Open op) {
                head(o, 2, id);
                o.writeLong(op.session());
                string(o, op.kernelKey());
                o.writeBoolean(op.request() != null);
                if (op.request() != null) {
                    compileRequest(o, op.request());
                }
            } else if (r instanceof Request.Allocate a) {
                head(o, 3, id);
                o.writeLong(a.session());
                o.writeInt(a.buffer());
                o.writeLong(a.bytes());
                string(o, a.file());
            } else if (r instanceof Request.Write w) {
                head(o, 4, id);
                o.writeLong(w.session());
                o.writeInt(w.buffer());
                o.writeLong(w.offset());
                o.writeLong(w.length());
            } else if (r instanceof Request.Read rd) {
                head(o, 5, id);
                o.writeLong(rd.session());
                o.writeInt(rd.buffer());
                o.writeLong(rd.offset());
                o.writeLong(rd.length());
            } else if (r instanceof Request.WriteSymbol s) {
                head(o, 6, id);
                o.writeLong(s.session());
                string(o, s.symbol());
                o.writeLong(s.offset());
                bytes(o, s.data());
            } else if (r instanceof Request.ReadSymbol s) {
                head(o, 7, id);
                o.writeLong(s.session());
                string(o, s.symbol());
            } else if (r instanceof Request.Launch l) {
                head(o, 8, id);
                o.writeLong(l.session());
                string(o, l.kernel());
                for (int i = 0; i < 3; i++) {
                    o.writeInt(l.grid()[i]);
                }
                for (int i = 0; i < 3; i++) {
                    o.writeInt(l.block()[i]);
                }
                o.writeInt(l.sharedBytes());
                o.writeInt(l.args().size());
                for (Request.Arg a : l.args()) {
                    arg(o, a);
                }
                o.writeLong(l.timeLimitNanos());
                o.writeBoolean(l.cancellable());
                o.writeBoolean(l.cooperative());
                for (int i = 0; i < 3; i++) {
                    o.writeInt(l.cluster() == null ? 0 : l.cluster()[i]); // zeros: no cluster shape given
                }
                o.writeBoolean(l.independentThreads());
            } else if (r instanceof Request.Close c) {
                head(o, 9, id);
                o.writeLong(c.session());
            } else if (r instanceof Request.Cancel c) {
                head(o, 10, id);
                o.writeLong(c.target());
            } else if (r instanceof Request.ArmCrash c) {
                head(o, 11, id);
                string(o, c.mode());
            } else if (r instanceof Request.Shutdown) {
                head(o, 12, id);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + r, e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static Frame<Request> decodeRequest(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int tag = in.readUnsignedByte();
        long id = in.readLong();
        Request r = switch (tag) {
            case 1 -> new Request.Hello(in.readInt(), string(in), limits(in));
            case 2 -> new Request.Open(in.readLong(), string(in), in.readBoolean() ? compileRequest(in) : null);
            case 3 -> new Request.Allocate(in.readLong(), in.readInt(), in.readLong(), string(in));
            case 4 -> new Request.Write(in.readLong(), in.readInt(), in.readLong(), in.readLong());
            case 5 -> new Request.Read(in.readLong(), in.readInt(), in.readLong(), in.readLong());
            case 6 -> new Request.WriteSymbol(in.readLong(), string(in), in.readLong(), bytes(in));
            case 7 -> new Request.ReadSymbol(in.readLong(), string(in));
            case 8 -> {
                long session = in.readLong();
                String kernel = string(in);
                int[] grid = {in.readInt(), in.readInt(), in.readInt()};
                int[] block = {in.readInt(), in.readInt(), in.readInt()};
                int shared = in.readInt();
                int n = in.readInt();
                List<Request.Arg> args = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    args.add(arg(in));
                }
                long limit = in.readLong();
                boolean cancellable = in.readBoolean();
                boolean cooperative = in.readBoolean();
                int[] cluster = {in.readInt(), in.readInt(), in.readInt()};
                yield new Request.Launch(session, kernel, grid, block, shared, args, limit, cancellable, cooperative,
                        cluster[0] == 0 ? null : cluster, in.readBoolean());
            }
            case 9 -> new Request.Close(in.readLong());
            case 10 -> new Request.Cancel(in.readLong());
            case 11 -> new Request.ArmCrash(string(in));
            case 12 -> new Request.Shutdown();
            default -> throw new IOException("unknown request tag " + tag);
        };
        return new Frame<>(id, r);
    }

    // ------------------------------------------------------------------ replies

    static byte[] encode(long id, Reply r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            if (r instanceof Reply.Ready ready) {
                head(o, 1, id);
                o.writeInt(ready.version());
                string(o, ready.name());
                string(o, ready.device());
                o.writeLong(ready.pid());
            } else if (r instanceof Reply.Done) {
                head(o, 2, id);
            } else if (r instanceof Reply.SymbolData s) {
                head(o, 3, id);
                bytes(o, s.data());
            } else if (r instanceof Reply.Launched l) {
                head(o, 4, id);
                string(o, l.kernel());
                string(o, l.backend());
                string(o, l.device());
                o.writeLong(l.elapsedNanos());
                o.writeInt(l.workers());
            } else if (r instanceof Reply.Failed f) {
                head(o, 5, id);
                string(o, f.kind().name());
                string(o, f.failure());
                string(o, f.kernel());
                string(o, f.message());
                o.writeInt(f.diagnostics().size());
                for (Diagnostic d : f.diagnostics()) {
                    string(o, d.severity().name());
                    string(o, d.message());
                    string(o, d.file());
                    o.writeInt(d.line());
                    o.writeInt(d.column());
                    string(o, d.sourceLine());
                }
                o.writeBoolean(f.restart());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + r, e);
        }
        return bytes.toByteArray();
    }

    static Frame<Reply> decodeReply(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int tag = in.readUnsignedByte();
        long id = in.readLong();
        Reply r = switch (tag) {
            case 1 -> new Reply.Ready(in.readInt(), string(in), string(in), in.readLong());
            case 2 -> new Reply.Done();
            case 3 -> new Reply.SymbolData(bytes(in));
            case 4 -> new Reply.Launched(string(in), string(in), string(in), in.readLong(), in.readInt());
            case 5 -> {
                Reply.Failed.Kind kind = Reply.Failed.Kind.valueOf(string(in));
                String failure = string(in);
                String kernel = string(in);
                String message = string(in);
                int n = in.readInt();
                List<Diagnostic> diagnostics = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    diagnostics.add(new Diagnostic(Severity.valueOf(string(in)), string(in), string(in), in.readInt(),
                            in.readInt(), string(in)));
                }
                yield new Reply.Failed(kind, failure, kernel, message, diagnostics, in.readBoolean());
            }
            default -> throw new IOException("unknown reply tag " + tag);
        };
        return new Frame<>(id, r);
    }

    /** The name a compiled kernel has in an executor: SHA-256 of its compile request. */
    static String kernelKey(CompileRequest request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(request.source().length() + 64);
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            compileRequest(o, request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes.toByteArray()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ------------------------------------------------------------------ fields

    private static void head(DataOutputStream o, int tag, long id) throws IOException {
        o.writeByte(tag);
        o.writeLong(id);
    }

    private static void string(DataOutputStream o, String s) throws IOException {
        if (s == null) {
            o.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.writeInt(b.length);
        o.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void bytes(DataOutputStream o, byte[] b) throws IOException {
        o.writeInt(b.length);
        o.write(b);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    private static void stringMap(DataOutputStream o, Map<String, String> m) throws IOException {
        o.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            string(o, e.getKey());
            string(o, e.getValue());
        }
    }

    private static Map<String, String> stringMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(string(in), string(in));
        }
        return m;
    }

    private static void compileRequest(DataOutputStream o, CompileRequest r) throws IOException {
        string(o, r.fileName());
        string(o, r.source());
        stringMap(o, r.defines());
        stringMap(o, r.headers());
        o.writeInt(r.instantiations().size());
        for (String s : r.instantiations()) {
            string(o, s);
        }
    }

    private static CompileRequest compileRequest(DataInputStream in) throws IOException {
        String fileName = string(in);
        String source = string(in);
        Map<String, String> defines = stringMap(in);
        Map<String, String> headers = stringMap(in);
        int n = in.readInt();
        List<String> instantiations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            instantiations.add(string(in));
        }
        return new CompileRequest(fileName, source, defines, headers, instantiations);
    }

    private static void limits(DataOutputStream o, CompileLimits l) throws IOException {
        o.writeLong(l.timeLimit().toNanos());
        o.writeInt(l.templateDepth());
        o.writeInt(l.templateInstantiations());
        o.writeLong(l.macroExpansionTokens());
        o.writeLong(l.sourceTokens());
        o.writeLong(l.astNodes());
        o.writeLong(l.irNodes());
        o.writeInt(l.nestingDepth());
        o.writeInt(l.includeDepth());
        o.writeLong(l.staticDataBytes());
        o.writeLong(l.sharedMemoryBytes());
        o.writeLong(l.expansionFloor());
        o.writeInt(l.expansionPerInputChar());
    }

    private static CompileLimits limits(DataInputStream in) throws IOException {
        return new CompileLimits(java.time.Duration.ofNanos(in.readLong()), in.readInt(), in.readInt(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readLong(),
                in.readLong(), in.readInt());
    }

    /** Numbers keep their class: the argument encoder treats an integral Double differently from a Long. */
    private static void arg(DataOutputStream o, Request.Arg a) throws IOException {
        if (a instanceof Request.Arg.Buffer b) {
            o.writeByte('b');
            o.writeInt(b.buffer());
            o.writeLong(b.offset());
        } else if (a instanceof Request.Arg.Bytes b) {
            o.writeByte('s');
            bytes(o, b.value());
        } else if (a instanceof Request.Arg.TensorMap m) {
            o.writeByte('m');
            o.writeInt(m.buffer());
            o.writeLong(m.offset());
            tensorMap(o, m.spec());
        } else if (a instanceof Request.Arg.Null) {
            o.writeByte('0');
        } else if (a instanceof Request.Arg.Scalar s) {
            Number n = s.value();
            if (n instanceof Integer i) {
                o.writeByte('I');
                o.writeInt(i);
            } else if (n instanceof Long l) {
                o.writeByte('J');
                o.writeLong(l);
            } else if (n instanceof Short sh) {
                o.writeByte('S');
                o.writeShort(sh);
            } else if (n instanceof Byte by) {
                o.writeByte('B');
                o.writeByte(by);
            } else if (n instanceof Float f) {
                o.writeByte('F');
                o.writeInt(Float.floatToRawIntBits(f));
            } else if (n instanceof Double d) {
                o.writeByte('D');
                o.writeLong(Double.doubleToRawLongBits(d));
            } else if (n instanceof BigInteger big) {
                o.writeByte('X');
                string(o, big.toString());
            } else {
                o.writeByte('Y'); // BigDecimal and any other Number, exactly as written
                string(o, new BigDecimal(n.toString()).toString());
            }
        }
    }

    /** Every field of the map's description; the executor's back end encodes it with the buffer's address. */
    private static void tensorMap(DataOutputStream o, TensorMapSpec spec) throws IOException {
        o.writeInt(spec.elementSize());
        o.writeInt(spec.rank());
        for (long d : spec.dims()) {
            o.writeLong(d);
        }
        for (long s : spec.strides()) {
            o.writeLong(s);
        }
        ints(o, spec.box()); // null for an im2col map
        o.writeByte(spec.kind().ordinal());
        o.writeByte(spec.swizzle().ordinal());
        ints(o, spec.elementStrides());
        TensorMapAbi.Im2col im2col = spec.im2col();
        o.writeBoolean(im2col != null);
        if (im2col != null) {
            ints(o, im2col.lowerCorner());
            ints(o, im2col.upperCorner());
            o.writeInt(im2col.channelsPerPixel());
            o.writeInt(im2col.pixelsPerColumn());
        }
    }

    private static TensorMapSpec tensorMap(DataInputStream in) throws IOException {
        int elementSize = in.readInt();
        int rank = in.readInt();
        if (rank < 1 || rank > TensorMapAbi.MAX_RANK) {
            throw new IOException("a tensor map of rank " + rank);
        }
        long[] dims = new long[rank];
        for (int d = 0; d < rank; d++) {
            dims[d] = in.readLong();
        }
        long[] strides = new long[rank - 1];
        for (int d = 0; d < rank - 1; d++) {
            strides[d] = in.readLong();
        }
        int[] box = ints(in);
        int kind = in.readUnsignedByte();
        int swizzle = in.readUnsignedByte();
        int[] elementStrides = ints(in);
        TensorMapAbi.Im2col im2col = null;
        try {
            if (in.readBoolean()) {
                im2col = new TensorMapAbi.Im2col(ints(in), ints(in), in.readInt(), in.readInt());
            }
            return new TensorMapSpec(elementSize, dims, strides, box, TensorMapAbi.Kind.values()[kind],
                    TensorMapAbi.Swizzle.values()[swizzle], elementStrides, im2col);
        } catch (IllegalArgumentException | NullPointerException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("a malformed tensor map: " + e.getMessage(), e);
        }
    }

    /** An int array of at most a tensor map's rank, or null. */
    private static void ints(DataOutputStream o, int[] values) throws IOException {
        o.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            for (int v : values) {
                o.writeInt(v);
            }
        }
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > TensorMapAbi.MAX_RANK) {
            throw new IOException("a tensor map's list of " + n + " numbers");
        }
        if (n < 0) {
            return null;
        }
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    private static Request.Arg arg(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case 'b' -> new Request.Arg.Buffer(in.readInt(), in.readLong());
            case 's' -> new Request.Arg.Bytes(bytes(in));
            case 'm' -> new Request.Arg.TensorMap(in.readInt(), in.readLong(), tensorMap(in));
            case '0' -> new Request.Arg.Null();
            case 'I' -> new Request.Arg.Scalar(in.readInt());
            case 'J' -> new Request.Arg.Scalar(in.readLong());
            case 'S' -> new Request.Arg.Scalar(in.readShort());
            case 'B' -> new Request.Arg.Scalar(in.readByte());
            case 'F' -> new Request.Arg.Scalar(Float.intBitsToFloat(in.readInt()));
            case 'D' -> new Request.Arg.Scalar(Double.longBitsToDouble(in.readLong()));
            case 'X' -> new Request.Arg.Scalar(new BigInteger(string(in)));
            case 'Y' -> new Request.Arg.Scalar(new BigDecimal(string(in)));
            default -> throw new IOException("unknown argument tag " + tag);
        };
    }
}
