package io.cudawasm.kernels.devicelib;

import io.cudawasm.kernels.abi.PrintfAbi;
import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state a module's use of the device library needs, made on first use by either front end: the
 * printf buffer and format table, string constants passed to {@code %s}, the clock counter, the
 * heap, the table of graph conditional values. The
 * front end adds {@link #globals()} to its module at the end, so a module that uses none of it has
 * none of them.
 */
public final class DeviceLibrary {
    public static final String CLOCK_SYMBOL = "__cw_clock";

    private final DeviceLimits limits;
    private final CompileBudget budget = CompileBudget.current();
    private KGlobal printfBuffer;
    private KGlobal clock;
    private final ByteArrayOutputStream formats = new ByteArrayOutputStream();
    private final Map<String, Integer> formatOffsets = new HashMap<>();
    private final Map<String, KGlobal> strings = new HashMap<>();
    private final List<KGlobal> stringList = new ArrayList<>();

    public DeviceLibrary(DeviceLimits limits) {
        this.limits = limits;
    }

    public DeviceLibrary() {
        this(DeviceLimits.DEFAULT);
    }

    /** Bytes of the printf buffer's record area. */
    int printfCapacity() {
        return limits.printfBufferBytes();
    }

    /** The {@code __device__} printf buffer: header and record area, in 8-byte words (records hold 8-byte slots). */
    KGlobal printfBuffer(SourcePos use) {
        if (printfBuffer == null) {
            budget.countStaticData(PrintfAbi.HEADER_BYTES + limits.printfBufferBytes(), use, PrintfAbi.BUFFER_SYMBOL);
            printfBuffer = new KGlobal(PrintfAbi.BUFFER_SYMBOL,
                    new ArrayType(ScalarType.ULONGLONG, (PrintfAbi.HEADER_BYTES + limits.printfBufferBytes()) / 8),
                    AddressSpace.GLOBAL, null, false, SourcePos.BUILTIN);
        }
        return printfBuffer;
    }

    /** The byte offset of a format string in the format table (each string once, NUL-terminated). */
    int formatOffset(String format) {
        return formatOffsets.computeIfAbsent(format, f -> {
            int at = formats.size();
            byte[] b = f.getBytes(StandardCharsets.UTF_8);
            formats.write(b, 0, b.length);
            formats.write(0);
            return at;
        });
    }

    /** A string literal as a {@code __constant__} array of its bytes and a NUL; the same text once. */
    public KGlobal stringConstant(String text) {
        return strings.computeIfAbsent(text, t -> {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            byte[] init = java.util.Arrays.copyOf(b, b.length + 1);
            KGlobal g = new KGlobal("__cw_str_" + stringList.size(), new ArrayType(ScalarType.CHAR, init.length),
                    AddressSpace.CONSTANT, init, false, SourcePos.BUILTIN);
            stringList.add(g);
            return g;
        });
    }

    /** The address of a string constant as a {@code const char*}. */
    public static KExpr stringAddress(KGlobal string) {
        KExpr array = new KExpr.GlobalAddr(string, new PointerType(string.type(), AddressSpace.CONSTANT, false, false));
        return new KExpr.Convert(new PointerType(ScalarType.CHAR, AddressSpace.CONSTANT, true, false), array);
    }

    /**
     * {@code clock()}/{@code clock64()}: a device-wide counter every read advances, so each thread sees
     * its values increase (not cycles: a count of clock reads, 32 bits, wrapping after 2^32 reads).
     * Returns the value as {@code unsigned int}; the read is an atomic, placed in a local.
     */
    public KExpr readClock(KirSink sink) {
        if (clock == null) {
            clock = new KGlobal(CLOCK_SYMBOL, ScalarType.UINT, AddressSpace.GLOBAL, null, false, SourcePos.BUILTIN);
        }
        KLocal t = sink.temp("clock", ScalarType.UINT);
        KExpr counter = new KExpr.GlobalAddr(clock, new PointerType(ScalarType.UINT, AddressSpace.GLOBAL, false, false));
        sink.emit(new KStmt.Assign(t, new KExpr.Atomic(AtomicOp.ADD, counter, new KExpr.IntConst(ScalarType.UINT, 1),
                null, ScalarType.UINT)));
        return new KExpr.LocalGet(t);
    }

    private DeviceHeap heap;

    private DeviceHeap heap(SourcePos use) {
        if (heap == null) {
            budget.countStaticData(DeviceHeap.HEADER + limits.heapBytes(), use, DeviceHeap.HEAP_SYMBOL);
            heap = new DeviceHeap(limits.heapBytes());
        }
        return heap;
    }

    /** {@code malloc(bytes)}: a call of the heap's allocator, its result (void*, null when full) in a local. */
    public KExpr malloc(KirSink sink, KExpr bytes, SourcePos pos) {
        KFunction m = heap(pos).malloc();
        KLocal t = sink.temp("allocated", m.returnType());
        sink.emit(new KStmt.Assign(t, new KExpr.Call(m, List.of(new KExpr.Convert(ScalarType.ULONGLONG, bytes)),
                m.returnType())));
        return new KExpr.LocalGet(t);
    }

    /** {@code free(pointer)}: a pointer that is not a live block of the heap traps here ({@link DeviceHeap#BAD_FREE}). */
    public void free(KirSink sink, KExpr pointer, SourcePos pos) {
        KFunction f = heap(pos).free();
        KLocal ok = sink.temp("freed", ScalarType.INT);
        sink.emit(new KStmt.Assign(ok, new KExpr.Call(f, List.of(new KExpr.Convert(DeviceHeap.voidPointer(), pointer)),
                ScalarType.INT)));
        sink.emit(new KStmt.If(new KExpr.Binary(KExpr.BinaryOp.EQ, new KExpr.LocalGet(ok),
                new KExpr.IntConst(ScalarType.INT, 0), ScalarType.BOOL),
                new io.cudawasm.kernels.kir.KBlock(List.of(new KStmt.Trap(DeviceHeap.BAD_FREE, pos))),
                io.cudawasm.kernels.kir.KBlock.EMPTY));
    }

    private GraphConditionals conditionals;

    /**
     * {@code cudaGraphSetConditional(handle, value)}: recorded in the module's table for the runtime to
     * report ({@link io.cudawasm.kernels.abi.GraphConditionalAbi}); the graph that reads it is host code.
     */
    public void setGraphConditional(KirSink sink, KExpr handle, KExpr value, SourcePos pos) {
        if (conditionals == null) {
            conditionals = new GraphConditionals();
        }
        conditionals.set(sink, handle, value, pos);
    }


    private final Map<String, KFunction> rounded = new java.util.LinkedHashMap<>();

    /**
     * CUDA's directed-rounding intrinsic {@code cudaName} ({@code __dadd_rd}, {@code __double2float_ru},
     * ...; {@link RoundedArithmetic#builds} must hold) as a device function, made once per module.
     */
    public KFunction rounded(String cudaName) {
        return rounded.computeIfAbsent(cudaName, RoundedArithmetic::build);
    }

    private io.cudawasm.kernels.kir.KModule tensorCopy;

    /** The C functions of the tensor copy (preprocess/TensorMapHeader), renamed for the PTX front end. */
    private static final List<String> TENSOR_COPY_FUNCTIONS = List.of("__cw_tensor_copy", "__cw_tensor_reduce",
            "__cw_tensor_copy_mode", "__cw_tensor_reduce_mode", "__cw_tensor_check", "__cw_swizzle", "__cw_tensor_row",
            "__cw_tensor_edge", "__cw_tensor_rows", "__cw_tensor_box_bytes", "__cw_tensor_offset", "__cw_im2col_lower",
            "__cw_im2col_upper", "__cw_tensor_lo", "__cw_tensor_hi", "__cw_tensor_reduces", "__cw_tensor_combine",
            "__cw_zero_bytes", "__cw_copy_strided");

    /**
     * The copy of sm_90's bulk tensor copies, for the PTX front end: the C of the CUDA source path's
     * header (preprocess/TensorMapHeader), compiled once per module under names of its own (a C
     * module's inline PTX may sit beside the header's copy). Arguments: map, shared address, rank,
     * c0..c4, im2col (the copy's mode), the im2col offsets o1..o3, toShared; it answers a status of
     * {@link io.cudawasm.kernels.abi.TensorMapAbi}.
     */
    public KFunction tensorCopy() {
        return tensorFunction("__cw_tensor_copy_mode");
    }

    /** The bytes a copy with {@code map} moves to shared memory (map): an mbarrier's transaction count. */
    public KFunction tensorBoxBytes() {
        return tensorFunction("__cw_tensor_box_bytes");
    }

    /**
     * The bulk reduction of a tensor ({@code cp.reduce.async.bulk.tensor}), from the same C as
     * {@link #tensorCopy}: map, shared address, rank, c0..c4, im2col (the mode), the reduction's index
     * in {@link io.cudawasm.kernels.abi.TensorMapAbi#REDUCTIONS}; it answers a status.
     */
    public KFunction tensorReduce() {
        return tensorFunction("__cw_tensor_reduce_mode");
    }

    private KFunction tensorFunction(String name) {
        if (tensorCopy == null) {
            StringBuilder renamed = new StringBuilder();
            for (String f : TENSOR_COPY_FUNCTIONS) {
                renamed.append("#define ").append(f).append(' ').append(f.replace("__cw_", "__cw_ptx_")).append('\n');
            }
            tensorCopy = io.cudawasm.kernels.Frontend.toKir(new io.cudawasm.kernels.source.SourceFile(
                    "<tensor copy>", renamed + io.cudawasm.kernels.preprocess.TensorMapHeader.core()), Map.of(), Map.of(),
                    List.of(), new ArrayList<>());
        }
        return tensorCopy.function(name.replace("__cw_", "__cw_ptx_"))
                .orElseThrow(() -> new IllegalStateException("the tensor copy's C lacks " + name));
    }

    /** The device functions this module's use made (the heap's allocator, rounded arithmetic), to be added to it. */
    public List<KFunction> functions() {
        List<KFunction> out = new ArrayList<>(rounded.values());
        if (tensorCopy != null) {
            out.addAll(tensorCopy.functions());
        }
        if (heap != null) {
            out.add(heap.malloc());
            out.add(heap.free());
        }
        return out;
    }

    /** The globals this module's use made, to be added to it. */
    public List<KGlobal> globals() {
        List<KGlobal> out = new ArrayList<>(stringList);
        if (printfBuffer != null) {
            out.add(printfBuffer);
            byte[] table = formats.toByteArray();
            out.add(new KGlobal(PrintfAbi.FORMATS_SYMBOL, new ArrayType(ScalarType.UCHAR, table.length),
                    AddressSpace.CONSTANT, table, false, SourcePos.BUILTIN));
        }
        if (clock != null) {
            out.add(clock);
        }
        if (heap != null) {
            out.add(heap.global());
        }
        if (conditionals != null) {
            out.add(conditionals.global());
        }
        return out;
    }
}
