package io.cudawasm.runtime.printf;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.PrintfAbi;
import io.cudawasm.kernels.abi.SymbolInfo;
import io.cudawasm.kernels.devicelib.PrintfFormat;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.runtime.backend.DeviceSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects device {@code printf} around launches on any back end, through the session's symbol
 * access: {@link #beforeLaunch} empties the module's printf buffer, {@link #afterLaunch} reads it and
 * formats its records here, in Java. The records are validated first (a kernel can write anything
 * into its own memory, the buffer included): a record that does not fit, names an unknown format or
 * holds impossible lengths ends the output with a note. The text is cut at a limit, so one launch's
 * output costs at most the 1 MiB buffer plus that limit.
 */
public final class PrintfCollector {
    /** The default limit of formatted output per job or command: 1 MiB, as the device buffer. */
    public static final int DEFAULT_LIMIT_BYTES = 1 << 20;

    private final Map<Integer, PrintfFormat> formats;
    private final int limitBytes;

    private PrintfCollector(Map<Integer, PrintfFormat> formats, int limitBytes) {
        this.formats = formats;
        this.limitBytes = limitBytes;
    }

    /** A collector for this module, or empty when its kernels do not print. */
    public static Optional<PrintfCollector> forModule(CompileResult compiled, int limitBytes) {
        byte[] table = formatTable(compiled);
        if (table == null) {
            return Optional.empty();
        }
        Map<Integer, PrintfFormat> formats = new HashMap<>();
        int start = 0;
        for (int i = 0; i < table.length; i++) {
            if (table[i] == 0) {
                formats.put(start, PrintfFormat.parse(new String(table, start, i - start, StandardCharsets.UTF_8)));
                start = i + 1;
            }
        }
        return Optional.of(new PrintfCollector(formats, limitBytes));
    }

    /** Whether the module's kernels call printf. */
    public static boolean prints(CompileResult compiled) {
        return formatTable(compiled) != null;
    }

    private static byte[] formatTable(CompileResult compiled) {
        if (compiled.wasm() != null) {
            return compiled.wasm().symbol(PrintfAbi.FORMATS_SYMBOL).map(SymbolInfo::init).orElse(null);
        }
        if (compiled.kir() != null) {
            for (KGlobal g : compiled.kir().globals()) {
                if (g.name().equals(PrintfAbi.FORMATS_SYMBOL)) {
                    return g.init() == null ? new byte[0] : g.init();
                }
            }
        }
        return null;
    }

    public int limitBytes() {
        return limitBytes;
    }

    /** Empties the buffer: the next launch's records start at its beginning. */
    public void beforeLaunch(DeviceSession session) {
        session.writeSymbol(PrintfAbi.BUFFER_SYMBOL, 0, new byte[8]);
    }

    /** Reads and formats what the launch printed. */
    public PrintfOutput afterLaunch(DeviceSession session) {
        return format(session.readSymbol(PrintfAbi.BUFFER_SYMBOL));
    }

    /** A record as the device wrote it, with where it sorts. */
    private record Record(long blockZ, long blockY, long blockX, long thread, int at, int size, PrintfFormat format) {}

    /** Formats the contents of a printf buffer (header and record area). */
    PrintfOutput format(byte[] buffer) {
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        long used = Integer.toUnsignedLong(b.getInt(PrintfAbi.USED_OFFSET));
        long dropped = Integer.toUnsignedLong(b.getInt(PrintfAbi.DROPPED_OFFSET));
        long area = buffer.length - PrintfAbi.HEADER_BYTES;
        String problem = "";
        if (used > area) {
            problem = "the printf buffer's header was overwritten (it says " + used + " bytes are used of " + area + ")";
            used = 0;
        }
        List<Record> records = new ArrayList<>();
        int at = PrintfAbi.HEADER_BYTES;
        int end = (int) (PrintfAbi.HEADER_BYTES + used);
        while (at < end) {
            String bad = null;
            int size = b.getInt(at);
            PrintfFormat f = end - at >= PrintfAbi.RECORD_HEADER_BYTES ? formats.get(b.getInt(at + 4)) : null;
            if (end - at < PrintfAbi.RECORD_HEADER_BYTES || size < PrintfAbi.RECORD_HEADER_BYTES || size % 8 != 0
                    || size > end - at) {
                bad = "a record with an impossible size";
            } else if (f == null) {
                bad = "a record naming no format of this module";
            } else if (PrintfAbi.RECORD_HEADER_BYTES + (long) PrintfAbi.SLOT_BYTES * f.arguments().size() > size) {
                bad = "a record shorter than its format's arguments";
            }
            if (bad != null) {
                problem = "the printf buffer was overwritten by the kernel (" + bad + " at byte " + (at - PrintfAbi.HEADER_BYTES)
                        + "); the records after it are lost";
                break;
            }
            records.add(new Record(Integer.toUnsignedLong(b.getInt(at + 16)), Integer.toUnsignedLong(b.getInt(at + 12)),
                    Integer.toUnsignedLong(b.getInt(at + 8)), Integer.toUnsignedLong(b.getInt(at + 20)), at, size, f));
            at += size;
        }
        records.sort(Comparator.comparingLong(Record::blockZ).thenComparingLong(Record::blockY)
                .thenComparingLong(Record::blockX).thenComparingLong(Record::thread).thenComparingInt(Record::at));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean cut = false;
        long formatted = 0;
        for (Record r : records) {
            String bad = append(out, b, r);
            if (bad != null) {
                problem = "the printf buffer was overwritten by the kernel (" + bad + " at byte "
                        + (r.at() - PrintfAbi.HEADER_BYTES) + ")";
                break;
            }
            formatted++;
            if (out.size() > limitBytes) {
                cut = true;
                break;
            }
        }
        byte[] text = out.toByteArray();
        if (text.length > limitBytes) {
            text = java.util.Arrays.copyOf(text, limitBytes);
        }
        String note = problem;
        if (dropped > 0) {
            note = join(note, dropped + " printf record" + (dropped == 1 ? " was" : "s were") + " dropped: the launch printed "
                    + "more than the device buffer of " + (area >> 10) + " KiB holds (cudaLimitPrintfFifoSize; set "
                    + "another size with -D " + io.cudawasm.kernels.devicelib.DeviceLimits.PRINTF_DEFINE + "=BYTES)");
        }
        if (cut) {
            note = join(note, textLimitNote(limitBytes));
        }
        return new PrintfOutput(decode(text), formatted, dropped, cut || dropped > 0 || !problem.isEmpty(), note);
    }

    static String textLimitNote(int limitBytes) {
        return "printf output was cut at the limit of " + limitBytes + " bytes";
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "; " + b;
    }

    /** Formats one record; returns what is wrong with it, or null. */
    private String append(ByteArrayOutputStream out, ByteBuffer b, Record r) {
        List<PrintfFormat.Argument> args = r.format().arguments();
        int slot = r.at() + PrintfAbi.RECORD_HEADER_BYTES;
        int strings = slot + PrintfAbi.SLOT_BYTES * args.size();
        int recordEnd = r.at() + r.size();
        int next = 0;
        for (PrintfFormat.Piece p : r.format().pieces()) {
            if (p instanceof PrintfFormat.Literal l) {
                out.writeBytes(l.text().getBytes(StandardCharsets.UTF_8));
                continue;
            }
            PrintfFormat.Conversion c = (PrintfFormat.Conversion) p;
            String flags = c.flags();
            int width = c.width();
            int precision = c.precision();
            if (width == PrintfFormat.Conversion.STAR) {
                int w = (int) b.getLong(slot + 8 * next++);
                if (w < 0) {
                    flags = flags + "-";
                    w = w == Integer.MIN_VALUE ? Integer.MAX_VALUE : -w;
                }
                width = Math.min(w, PrintfFormat.MAX_WIDTH);
            }
            if (precision == PrintfFormat.Conversion.STAR) {
                int pr = (int) b.getLong(slot + 8 * next++);
                precision = pr < 0 ? -1 : Math.min(pr, PrintfFormat.MAX_WIDTH);
            }
            long v = b.getLong(slot + 8 * next++);
            if (c.isString()) {
                byte[] s = null;
                if (v != PrintfAbi.NULL_STRING) {
                    if (v < 0 || v > PrintfAbi.STRING_LIMIT || strings + v > recordEnd) {
                        return "a string longer than its record";
                    }
                    s = new byte[(int) v];
                    b.get(strings, s);
                    strings += (int) ((v + 7) & ~7L);
                }
                CFormat.string(out, width, precision, s, flags);
            } else if (c.isPointer()) {
                CFormat.pointer(out, width, v, flags);
            } else if (c.isFloating()) {
                CFormat.floating(out, c, width, precision, Double.longBitsToDouble(v), flags);
            } else {
                CFormat.integer(out, c, width, precision, v, flags);
            }
            if (out.size() > limitBytes) {
                return null;
            }
        }
        return null;
    }

    /** UTF-8 to text; bytes that are not UTF-8 (a %c of 0xE9) become U+FFFD. */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
