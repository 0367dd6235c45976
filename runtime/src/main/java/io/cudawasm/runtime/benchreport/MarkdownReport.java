package io.cudawasm.runtime.benchreport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The comparison as Markdown: the hosts, what was absent or failed, and one table per benchmark with
 * padded columns, so the same text reads well in a terminal and renders on a code host.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    /**
     * @param charts chart file (relative to the Markdown file) by group, linked under each table; may be empty
     */
    public static String render(Comparison c, String title, Map<String, String> charts) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append("\n\n");
        sb.append(ReportText.explanation(c)).append("\n\n");
        sb.append("## Hosts\n\n");
        List<List<String>> hosts = new ArrayList<>();
        hosts.add(ReportText.HOST_HEADINGS);
        for (LoadedResult r : ReportText.files(c)) {
            hosts.add(ReportText.hostRow(r));
        }
        table(sb, hosts);
        List<String> notes = ReportText.notes(c);
        if (!notes.isEmpty()) {
            sb.append("\n## Notes\n\n");
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        for (Map.Entry<String, List<ComparisonRow>> group : c.groups().entrySet()) {
            sb.append("\n## ").append(group.getKey()).append("\n\n");
            table(sb, ReportText.groupTable(c, group.getValue()));
            String chart = charts.get(group.getKey());
            if (chart != null) {
                sb.append("\n![").append(group.getKey()).append("](").append(chart).append(")\n");
            }
        }
        return sb.toString();
    }

    /** A Markdown table whose columns are padded to equal width; the first row is the heading. */
    static void table(StringBuilder sb, List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], Math.max(3, escape(row.get(i)).length()));
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            sb.append('|');
            for (int i = 0; i < columns; i++) {
                String cell = escape(rows.get(r).get(i));
                sb.append(' ').append(cell).append(" ".repeat(width[i] - cell.length())).append(" |");
            }
            sb.append('\n');
            if (r == 0) {
                sb.append('|');
                for (int i = 0; i < columns; i++) {
                    sb.append(' ').append("-".repeat(width[i])).append(" |");
                }
                sb.append('\n');
            }
        }
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
