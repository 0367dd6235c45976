package io.cudawasm.runtime.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.Severity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control channel's frames: what goes in comes out, numbers with their exact Java type. */
class WireTest {

    private static Wire.Frame<Request> roundTrip(Request r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wire.writeFrame(out, Wire.encode(42, r));
        return Wire.decodeRequest(Wire.readFrame(new ByteArrayInputStream(out.toByteArray())));
    }

    @Test
    void launchArgumentsKeepTheirTypesAndBits() throws IOException {
        List<Request.Arg> args = List.of(new Request.Arg.Buffer(3, 256), new Request.Arg.Scalar(7),
                new Request.Arg.Scalar(1L << 40), new Request.Arg.Scalar(2.5f), new Request.Arg.Scalar(Double.NaN),
                new Request.Arg.Scalar(-0.0), new Request.Arg.Scalar((short) -2), new Request.Arg.Scalar((byte) 9),
                new Request.Arg.Scalar(new BigInteger("18446744073709551615")),
                new Request.Arg.Scalar(new BigDecimal("1.25")), new Request.Arg.Bytes(new byte[] {1, 2, 3}),
                new Request.Arg.Null());
        Wire.Frame<Request> f = roundTrip(new Request.Launch(5, "k", new int[] {4, 2, 1}, new int[] {32, 4, 1}, 128,
                args, 1_500_000_000L, true, true, new int[] {2, 1, 1}, true));
        assertEquals(42, f.id());
        Request.Launch l = assertInstanceOf(Request.Launch.class, f.message());
        assertArrayEquals(new int[] {4, 2, 1}, l.grid());
        assertArrayEquals(new int[] {32, 4, 1}, l.block());
        assertEquals(128, l.sharedBytes());
        assertEquals(1_500_000_000L, l.timeLimitNanos());
        assertTrue(l.cancellable());
        assertTrue(l.cooperative());
        assertArrayEquals(new int[] {2, 1, 1}, l.cluster());
        assertTrue(l.independentThreads());
        assertEquals(new Request.Arg.Buffer(3, 256), l.args().get(0));
        assertEquals(Integer.valueOf(7), ((Request.Arg.Scalar) l.args().get(1)).value());
        assertEquals(Long.valueOf(1L << 40), ((Request.Arg.Scalar) l.args().get(2)).value());
        assertEquals(Float.valueOf(2.5f), ((Request.Arg.Scalar) l.args().get(3)).value());
        assertTrue(Double.isNaN(((Request.Arg.Scalar) l.args().get(4)).value().doubleValue()));
        assertEquals(Long.MIN_VALUE, Double.doubleToRawLongBits((Double) ((Request.Arg.Scalar) l.args().get(5)).value()),
                "-0.0 keeps its sign");
        assertEquals(Short.valueOf((short) -2), ((Request.Arg.Scalar) l.args().get(6)).value());
        assertEquals(Byte.valueOf((byte) 9), ((Request.Arg.Scalar) l.args().get(7)).value());
        assertEquals(new BigInteger("18446744073709551615"), ((Request.Arg.Scalar) l.args().get(8)).value());
        assertEquals(new BigDecimal("1.25"), ((Request.Arg.Scalar) l.args().get(9)).value());
        assertArrayEquals(new byte[] {1, 2, 3}, ((Request.Arg.Bytes) l.args().get(10)).value());
        assertInstanceOf(Request.Arg.Null.class, l.args().get(11));
    }

    /** A tensor map crosses as its whole description; the executor's back end encodes it at the launch. */
    @Test
    void aTensorMapArgumentCrossesWithEveryField() throws IOException {
        io.cudawasm.runtime.launch.TensorMapSpec spec = new io.cudawasm.runtime.launch.TensorMapSpec(2,
                new long[] {64, 27, 3}, new long[] {256, 256 * 32}, new int[] {64, 8, 2},
                io.cudawasm.kernels.abi.TensorMapAbi.Kind.FLOAT, io.cudawasm.kernels.abi.TensorMapAbi.Swizzle.B128);
        Wire.Frame<Request> f = roundTrip(new Request.Launch(5, "k", new int[] {1, 1, 1}, new int[] {32, 1, 1}, 0,
                List.of(new Request.Arg.TensorMap(7, 4096, spec), new Request.Arg.Scalar(3)), -1, false, false, null,
                false));
        Request.Launch l = assertInstanceOf(Request.Launch.class, f.message());
        Request.Arg.TensorMap m = assertInstanceOf(Request.Arg.TensorMap.class, l.args().get(0));
        assertEquals(7, m.buffer());
        assertEquals(4096, m.offset());
        assertEquals(spec, m.spec());
        assertArrayEquals(spec.encode(0x7f00_0000_1000L), m.spec().encode(0x7f00_0000_1000L));
        assertEquals(Integer.valueOf(3), ((Request.Arg.Scalar) l.args().get(1)).value());
        // traversal strides and an im2col map (no box) cross too
        io.cudawasm.runtime.launch.TensorMapSpec strided = spec.withElementStrides(1, 2, 2);
        io.cudawasm.runtime.launch.TensorMapSpec im2col = io.cudawasm.runtime.launch.TensorMapSpec.im2col(4,
                new long[] {16, 9, 9, 2}, null, new io.cudawasm.kernels.abi.TensorMapAbi.Im2col(new int[] {-1, -1},
                        new int[] {-1, -1}, 16, 64));
        Request.Launch both = assertInstanceOf(Request.Launch.class, roundTrip(new Request.Launch(5, "k",
                new int[] {1, 1, 1}, new int[] {32, 1, 1}, 0, List.of(new Request.Arg.TensorMap(1, 0, strided),
                        new Request.Arg.TensorMap(2, 0, im2col)), -1, false, false, null, false)).message());
        assertEquals(strided, ((Request.Arg.TensorMap) both.args().get(0)).spec());
        assertEquals(im2col, ((Request.Arg.TensorMap) both.args().get(1)).spec());
        assertArrayEquals(im2col.encode(4096), ((Request.Arg.TensorMap) both.args().get(1)).spec().encode(4096));
    }

    @Test
    void compileRequestsCrossWholeAndNameTheSameKernel() throws IOException {
        CompileRequest req = new CompileRequest("k.cu", "#include \"h.h\"\n__global__ void k() {}", Map.of("N", "4"),
                Map.of("h.h", "#define X 1"), List.of("reduce<float, 256>"));
        Request.Open open = assertInstanceOf(Request.Open.class, roundTrip(new Request.Open(9, "key", req)).message());
        assertEquals(req, open.request());
        assertEquals(Wire.kernelKey(req), Wire.kernelKey(open.request()));
        assertNotEquals(Wire.kernelKey(req), Wire.kernelKey(req.withDefines(Map.of("N", "5"))));
        assertEquals(64, Wire.kernelKey(req).length());
        Request.Open known = assertInstanceOf(Request.Open.class, roundTrip(new Request.Open(9, "key", null)).message());
        assertEquals(null, known.request());
    }

    @Test
    void theHandshakeCarriesTheCompileLimits() throws IOException {
        io.cudawasm.kernels.CompileLimits limits = io.cudawasm.kernels.CompileLimits.defaults()
                .withOverrides("template-depth=77,ir-nodes=123456");
        Request.Hello h = assertInstanceOf(Request.Hello.class, roundTrip(new Request.Hello(Wire.VERSION, "cuda:1",
                ExecutorProcess.executorLimits(limits))).message());
        assertEquals("cuda:1", h.device());
        assertEquals(limits.withTimeLimit(java.time.Duration.ofSeconds(30)), h.limits(), "30 s at least for the executor");
    }

    @Test
    void failuresCarryDiagnosticsAndTheRestartFlag() throws IOException {
        Diagnostic d = new Diagnostic(Severity.ERROR, "undeclared 'y'", "k.cu", 3, 7, "  y = 1;");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wire.writeFrame(out, Wire.encode(7, new Reply.Failed(Reply.Failed.Kind.COMPILE, null, null, "k.cu:3:7",
                List.of(d), true)));
        Wire.Frame<Reply> f = Wire.decodeReply(Wire.readFrame(new ByteArrayInputStream(out.toByteArray())));
        Reply.Failed failed = assertInstanceOf(Reply.Failed.class, f.message());
        assertEquals(List.of(d), failed.diagnostics());
        assertTrue(failed.restart());
        assertEquals(7, f.id());
    }

    @Test
    void aClosedChannelIsEndOfFileAndOversizedFramesAreRefused() {
        assertThrows(EOFException.class, () -> Wire.readFrame(new ByteArrayInputStream(new byte[0])));
        byte[] huge = {0x7f, 0, 0, 0};
        IOException e = assertThrows(IOException.class, () -> Wire.readFrame(new ByteArrayInputStream(huge)));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
    }
}
