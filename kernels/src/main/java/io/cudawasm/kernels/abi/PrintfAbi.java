package io.cudawasm.kernels.abi;

/**
 * Device {@code printf} on every back end: the contract between the code the compiler generates and
 * the runtime that formats the output. A kernel that prints gets a {@code __device__} buffer
 * ({@link #BUFFER_SYMBOL}): a header, then records appended by each {@code printf} call; the format
 * strings are the initial bytes of a {@code __constant__} table ({@link #FORMATS_SYMBOL}), so they
 * travel with the module wherever its symbols go. The host zeroes the header before a launch,
 * reads the buffer after it and formats the records in Java (never the device: a kernel cannot make
 * the worker allocate more than the buffer holds).
 *
 * <pre>
 * header: u32 used bytes of the record area, u32 records dropped (the area was full), 8 reserved
 * record: u32 size (a multiple of 8), u32 format offset, u32 blockIdx.x, .y, .z, u32 linear threadIdx,
 *         one 8-byte slot per argument (integers widened to 64 bits as their type says, floating point as
 *         a double, pointers as their address, a %s argument as the length of its string, -1 for null),
 *         then the bytes of each %s string in argument order, each padded to 8
 * </pre>
 */
public final class PrintfAbi {
    private PrintfAbi() {}

    public static final String BUFFER_SYMBOL = "__cw_printf";
    public static final String FORMATS_SYMBOL = "__cw_printf_formats";

    public static final int HEADER_BYTES = 16;
    public static final int USED_OFFSET = 0;
    public static final int DROPPED_OFFSET = 4;

    /** Bytes of the record area: CUDA's default {@code cudaLimitPrintfFifoSize} (1 MiB). */
    public static final int CAPACITY_BYTES = 1 << 20;

    public static final int RECORD_HEADER_BYTES = 24;
    public static final int SLOT_BYTES = 8;

    /** The most bytes of one {@code %s} argument a record keeps (longer strings are cut there). */
    public static final int STRING_LIMIT = 4096;

    /** The slot of a {@code %s} argument that was a null pointer. */
    public static final long NULL_STRING = -1;
}
