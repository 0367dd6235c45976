package io.cudawasm.nutanix.prism.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/** A plain-text table with a header row and columns padded to the widest cell. */
public final class TextTable {
    private final List<String> headers;
    private final boolean showHeaders;
    private final List<List<String>> rows = new ArrayList<>();
    private final BitSet rightAligned = new BitSet();

    private TextTable(List<String> headers, boolean showHeaders) {
        this.headers = List.copyOf(headers);
        this.showHeaders = showHeaders;
    }

    public static TextTable withHeaders(String... headers) {
        return new TextTable(Arrays.asList(headers), true);
    }

    /** A table without a header row, e.g. "label  value" lines. */
    public static TextTable withoutHeaders(int columns) {
        return new TextTable(Collections.nCopies(columns, ""), false);
    }

    /** Right-aligns these columns (0-based), e.g. counts. */
    public TextTable rightAlign(int... columns) {
        for (int c : columns) {
            rightAligned.set(c);
        }
        return this;
    }

    public TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : String.valueOf(c)).toList());
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, one line per row, each ending in a newline; columns separated by two spaces. */
    public String render() {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = showHeaders ? headers.get(c).length() : 0;
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        if (showHeaders) {
            line(sb, headers, width);
        }
        rows.forEach(r -> line(sb, r, width));
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            line.append(rightAligned.get(c) ? pad + cell : cell + pad);
            if (c < cells.size() - 1) {
                line.append("  ");
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    @Override
    public String toString() {
        return render();
    }
}
