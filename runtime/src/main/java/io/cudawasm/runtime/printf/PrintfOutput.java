package io.cudawasm.runtime.printf;

/**
 * What device {@code printf} printed during one or more launches.
 *
 * @param text the output, records ordered by block (z, y, x), then thread (linear index), then program order
 * @param records records formatted
 * @param droppedRecords records the kernel could not store because the device buffer
 *     ({@link io.cudawasm.kernels.abi.PrintfAbi#CAPACITY_BYTES}) was full
 * @param truncated the text was cut at the output limit, or records were dropped
 * @param note why output is missing, for people ("" when nothing is)
 */
public record PrintfOutput(String text, long records, long droppedRecords, boolean truncated, String note) {
    public static final PrintfOutput EMPTY = new PrintfOutput("", 0, 0, false, "");

    public boolean isEmpty() {
        return text.isEmpty() && records == 0 && droppedRecords == 0 && !truncated;
    }

    /** This output followed by a later launch's, the whole cut at {@code limitBytes} of UTF-8 text. */
    public PrintfOutput append(PrintfOutput later, int limitBytes) {
        if (later.isEmpty()) {
            return this;
        }
        String joined = text + later.text;
        boolean cut = false;
        byte[] utf8 = joined.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (utf8.length > limitBytes) {
            joined = PrintfCollector.decode(java.util.Arrays.copyOf(utf8, limitBytes));
            cut = true;
        }
        String why = note.isEmpty() ? later.note : later.note.isEmpty() || note.equals(later.note) ? note
                : note + "; " + later.note;
        if (cut && why.isEmpty()) {
            why = PrintfCollector.textLimitNote(limitBytes);
        }
        return new PrintfOutput(joined, records + later.records, droppedRecords + later.droppedRecords,
                truncated || later.truncated || cut, why);
    }
}
