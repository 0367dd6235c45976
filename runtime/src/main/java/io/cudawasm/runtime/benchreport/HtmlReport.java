package io.cudawasm.runtime.benchreport;

import java.util.List;
import java.util.Map;

/**
 * The comparison as one self-contained HTML page: styles inline, charts as inline SVG, no scripts and
 * nothing fetched, so the file can be mailed or attached to a ticket as it is.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** @param charts SVG documents by group */
    public static String render(Comparison c, String title, Map<String, String> charts) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1em}")
                .append("th,td{border:1px solid #ccc;padding:3px 7px;font-size:13px;text-align:left;vertical-align:top}")
                .append("th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap}")
                .append(".faster{background:#e3f4e3}.slower{background:#fbe4e4}.same{color:#555}")
                .append("p.note{max-width:70em}svg{max-width:100%;height:auto}\n")
                .append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(esc(title)).append("</h1>\n");
        sb.append("<p class=\"note\">").append(esc(ReportText.explanation(c))).append("</p>\n");
        sb.append("<h2>Hosts</h2>\n<table>\n<tr>");
        for (String h : ReportText.HOST_HEADINGS) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (LoadedResult r : ReportText.files(c)) {
            sb.append("<tr>");
            for (String cell : ReportText.hostRow(r)) {
                sb.append("<td>").append(esc(cell)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
        List<String> notes = ReportText.notes(c);
        if (!notes.isEmpty()) {
            sb.append("<h2>Notes</h2>\n<ul>\n");
            for (String n : notes) {
                sb.append("<li>").append(esc(n)).append("</li>\n");
            }
            sb.append("</ul>\n");
        }
        for (Map.Entry<String, List<ComparisonRow>> group : c.groups().entrySet()) {
            sb.append("<h2>").append(esc(group.getKey())).append("</h2>\n");
            table(sb, c, group.getValue());
            String svg = charts.get(group.getKey());
            if (svg != null) {
                sb.append(svg);
            }
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /** The group's table, with speed-up cells coloured when their interval excludes 1. */
    private static void table(StringBuilder sb, Comparison c, List<ComparisonRow> rows) {
        List<List<String>> table = ReportText.groupTable(c, rows);
        int paramColumns = table.get(0).size() - c.columns().size() - (c.columns().size() - 1);
        sb.append("<table>\n<tr>");
        for (String h : table.get(0)) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (int r = 1; r < table.size(); r++) {
            ComparisonRow row = rows.get(r - 1);
            List<String> line = table.get(r);
            sb.append("<tr>");
            int speedUpIndex = 0;
            for (int i = 0; i < line.size(); i++) {
                String cls = "";
                if (i >= paramColumns) {
                    cls = " class=\"num\"";
                }
                if (i >= paramColumns + c.columns().size()) {
                    int column = nonBaseline(c, speedUpIndex++);
                    Estimate e = row.cells().get(column).speedUp();
                    if (e != null) {
                        cls = " class=\"num " + (e.excludes(1) ? (e.value() > 1 ? "faster" : "slower") : "same") + "\"";
                    }
                }
                sb.append("<td").append(cls).append('>').append(esc(line.get(i))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static int nonBaseline(Comparison c, int k) {
        int seen = -1;
        for (int i = 0; i < c.columns().size(); i++) {
            if (i != c.baseline() && ++seen == k) {
                return i;
            }
        }
        throw new IndexOutOfBoundsException(k);
    }

    static String esc(String s) {
        return SvgChart.xml(s);
    }
}
