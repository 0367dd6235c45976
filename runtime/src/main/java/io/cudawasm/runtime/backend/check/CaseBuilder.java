package io.cudawasm.runtime.backend.check;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link KernelCase} the way a launch reads: arguments in parameter order, outputs with
 * their Java-reference values.
 *
 * <pre>
 * CaseBuilder.of("saxpy", "saxpy.cu", source).kernel("saxpy").launch(Dim3.of(391), Dim3.of(256))
 *     .scalar(n).scalar(2.5f).in("x", x).out("y", y, expectedY).build();
 * </pre>
 */
public final class CaseBuilder {
    private final String name;
    private CompileRequest request;
    private String kernel;
    private Dim3 grid = Dim3.of(1);
    private Dim3 block = Dim3.of(1);
    private int sharedBytes;
    private Dim3 cluster;
    private final List<CheckedRun.Arg> args = new ArrayList<>();
    private final Map<String, byte[]> expected = new LinkedHashMap<>();
    private final Map<String, byte[]> symbols = new LinkedHashMap<>();
    private Tolerance tolerance = Tolerance.exact();

    private CaseBuilder(String name, CompileRequest request) {
        this.name = name;
        this.request = request;
    }

    public static CaseBuilder of(String name, String fileName, String source) {
        return new CaseBuilder(name, CompileRequest.of(fileName, source));
    }

    public static CaseBuilder of(String name, CompileRequest request) {
        return new CaseBuilder(name, request);
    }

    public CaseBuilder defines(Map<String, String> defines) {
        request = request.withDefines(defines);
        return this;
    }

    public CaseBuilder kernel(String k) {
        this.kernel = k;
        return this;
    }

    public CaseBuilder launch(Dim3 g, Dim3 b) {
        this.grid = g;
        this.block = b;
        return this;
    }

    /** Thread block clusters of this shape given at the launch (null: the kernel's own, else one block). */
    public CaseBuilder cluster(Dim3 shape) {
        this.cluster = shape;
        return this;
    }

    public CaseBuilder sharedBytes(int bytes) {
        this.sharedBytes = bytes;
        return this;
    }

    public CaseBuilder tolerance(Tolerance t) {
        this.tolerance = t;
        return this;
    }

    public CaseBuilder scalar(Number n) {
        args.add(new CheckedRun.Arg.Scalar(n));
        return this;
    }

    public CaseBuilder struct(byte[] bytes) {
        args.add(new CheckedRun.Arg.Struct(bytes.clone()));
        return this;
    }

    public CaseBuilder symbol(String symbol, byte[] bytes) {
        symbols.put(symbol, bytes.clone());
        return this;
    }

    /** An input buffer (not compared). */
    public CaseBuilder in(String buffer, Object array) {
        args.add(new CheckedRun.Arg.Buffer(buffer, bytes(array), type(array), false));
        return this;
    }

    /** An output buffer: compared across back ends, and with {@code reference} when not null. */
    public CaseBuilder out(String buffer, Object initial, Object reference) {
        args.add(new CheckedRun.Arg.Buffer(buffer, bytes(initial), type(initial), true));
        if (reference != null) {
            expected.put(buffer, bytes(reference));
        }
        return this;
    }

    /**
     * A tensor map ({@code CUtensorMap}) over a buffer of its own named {@code buffer}, made at the
     * launch; the buffer is compared with {@code reference} when not null (a kernel that stores
     * through the map). A spec without a data type gets the type of {@code initial}'s elements.
     */
    public CaseBuilder tensorMap(String buffer, Object initial, Object reference, io.cudawasm.runtime.launch.TensorMapSpec spec) {
        if (spec.kind() == io.cudawasm.kernels.abi.TensorMapAbi.Kind.UNSPECIFIED) {
            spec = spec.withKind(type(initial).tensorMapKind());
        }
        args.add(new CheckedRun.Arg.TensorMap(new CheckedRun.Arg.Buffer(buffer, bytes(initial), type(initial),
                reference != null), spec));
        if (reference != null) {
            expected.put(buffer, bytes(reference));
        }
        return this;
    }

    /** A raw byte buffer (structs) compared as {@code type} elements. */
    public CaseBuilder outBytes(String buffer, byte[] initial, ElementType type, byte[] reference) {
        args.add(new CheckedRun.Arg.Buffer(buffer, initial.clone(), type, true));
        if (reference != null) {
            expected.put(buffer, reference.clone());
        }
        return this;
    }

    public KernelCase build() {
        if (kernel == null) {
            throw new IllegalStateException("case " + name + " needs a kernel name");
        }
        LaunchConfig config = new LaunchConfig(grid, block, sharedBytes, cluster);
        return new KernelCase(name, request, new CheckedRun.Launch(kernel, config, args, symbols, LaunchOptions.DEFAULT),
                expected, tolerance);
    }

    // ------------------------------------------------------------------ arrays as little-endian bytes

    static ElementType type(Object array) {
        if (array instanceof float[]) {
            return ElementType.F32;
        }
        if (array instanceof double[]) {
            return ElementType.F64;
        }
        if (array instanceof int[]) {
            return ElementType.I32;
        }
        if (array instanceof long[]) {
            return ElementType.I64;
        }
        if (array instanceof byte[]) {
            return ElementType.U8;
        }
        throw new IllegalArgumentException("unsupported array " + array);
    }

    /** Little-endian bytes of a float[], double[], int[], long[] or byte[]. */
    public static byte[] bytes(Object array) {
        if (array instanceof byte[] b) {
            return b.clone();
        }
        ByteBuffer b;
        if (array instanceof float[] f) {
            b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(f);
        } else if (array instanceof double[] d) {
            b = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(d);
        } else if (array instanceof int[] i) {
            b = ByteBuffer.allocate(i.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(i);
        } else if (array instanceof long[] l) {
            b = ByteBuffer.allocate(l.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(l);
        } else {
            throw new IllegalArgumentException("unsupported array " + array);
        }
        return b.array();
    }
}
