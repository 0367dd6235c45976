package io.cudawasm.runtime.benchreport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart of speed-ups for one benchmark: a band per row, a bar per non-baseline column
 * from 1x to its speed-up on a log scale (bars to the left are slower than the baseline), and the
 * confidence interval as a whisker. Plain SVG 1.1 with no scripts or external references, so it can be
 * embedded in the HTML page as it is.
 */
public final class SvgChart {
    static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948",
        "#9c755f"};
    private static final int WIDTH = 900;
    private static final int LABEL_WIDTH = 170;
    private static final int VALUE_WIDTH = 190;
    private static final int BAR = 13;
    private static final int GAP = 3;
    private static final int BAND_PAD = 10;

    private SvgChart() {}

    public static String render(Comparison c, String title, List<ComparisonRow> rows) {
        List<Integer> series = new ArrayList<>();
        for (int i = 0; i < c.columns().size(); i++) {
            if (i != c.baseline()) {
                series.add(i);
            }
        }
        double lo = 1;
        double hi = 1;
        for (ComparisonRow r : rows) {
            for (int s : series) {
                Estimate e = r.cells().get(s).speedUp();
                if (e == null || !(e.value() > 0)) {
                    continue;
                }
                lo = Math.min(lo, e.hasInterval() && e.low() > 0 ? e.low() : e.value());
                hi = Math.max(hi, e.hasInterval() && Double.isFinite(e.high()) ? e.high() : e.value());
            }
        }
        double min = Math.log10(lo) - 0.08;
        double max = Math.log10(hi) + 0.08;
        int x0 = LABEL_WIDTH;
        int x1 = WIDTH - VALUE_WIDTH;
        int top = 62;
        int band = series.size() * (BAR + GAP) + BAND_PAD;
        int plotHeight = rows.size() * band;
        int height = top + plotHeight + 44;
        Scale x = new Scale(min, max, x0, x1);

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.append("<title>").append(xml(title)).append("</title>\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        svg.append(text(8, 18, xml(title), "font-size=\"14\" font-weight=\"bold\""));
        // legend
        int lx = 8;
        for (int k = 0; k < series.size(); k++) {
            String name = c.columns().get(series.get(k)).name() + " vs " + c.baselineColumn().name();
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"28\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", lx,
                    color(k)));
            svg.append(text(lx + 16, 38, xml(name), ""));
            lx += 16 + 7 * name.length() + 18;
        }
        // grid and ticks
        for (double tick : ticks(min, max)) {
            double px = x.at(Math.log10(tick));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>%n",
                    px, top - 4, px, top + plotHeight));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%sx</text>%n", px,
                    top + plotHeight + 14, xml(java.math.BigDecimal.valueOf(tick).round(new java.math.MathContext(3))
                            .stripTrailingZeros().toPlainString())));
        }
        double one = x.at(0);
        svg.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333333\" stroke-dasharray=\"4 3\"/>%n", one,
                top - 8, one, top + plotHeight));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", one, top - 11,
                xml("= " + c.baselineColumn().name())));
        // bands
        for (int r = 0; r < rows.size(); r++) {
            ComparisonRow row = rows.get(r);
            int y = top + r * band;
            if (r % 2 == 1) {
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>%n", y, WIDTH, band));
            }
            svg.append(text(LABEL_WIDTH - 8, y + band / 2 + 4, xml(row.label()), "text-anchor=\"end\""));
            for (int k = 0; k < series.size(); k++) {
                Estimate e = row.cells().get(series.get(k)).speedUp();
                int by = y + BAND_PAD / 2 + k * (BAR + GAP);
                if (e == null || !(e.value() > 0)) {
                    svg.append(text(x0 + 4, by + BAR - 2, "not measured", "fill=\"#888888\""));
                    continue;
                }
                double v = x.at(Math.log10(e.value()));
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", Math.min(one, v), by,
                        Math.max(1, Math.abs(v - one)), BAR, color(k)));
                if (e.hasInterval() && e.low() > 0) {
                    double a = x.at(Math.log10(e.low()));
                    double b = x.at(Math.log10(Math.min(e.high(), Math.pow(10, max))));
                    double cy = by + BAR / 2.0;
                    svg.append(String.format(Locale.ROOT,
                            "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#222222\" fill=\"none\"/>%n",
                            a, cy, b, a, cy - 4, cy + 4, b, cy - 4, cy + 4));
                }
                svg.append(text(x1 + 8, by + BAR - 2, xml(Numbers.speedUp(e)), ""));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555555\">%s</text>%n", x0,
                top + plotHeight + 32, xml("speed-up over " + c.baselineColumn().name() + " (log scale, right = faster), "
                        + Numbers.percent(c.confidence()) + " confidence intervals")));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String color(int k) {
        return PALETTE[k % PALETTE.length];
    }

    private static String text(double x, double y, String content, String attributes) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n", x, y,
                attributes.isEmpty() ? "" : " " + attributes, content);
    }

    /** 1-2-5 ticks inside [10^min, 10^max]; decades only when the range is wide. */
    static List<Double> ticks(double min, double max) {
        List<Double> ticks = new ArrayList<>();
        double[] steps = max - min > 3 ? new double[] {1} : new double[] {1, 2, 5};
        for (int decade = (int) Math.floor(min); decade <= (int) Math.ceil(max); decade++) {
            for (double s : steps) {
                double t = s * Math.pow(10, decade);
                double l = Math.log10(t);
                if (l >= min && l <= max) {
                    ticks.add(t);
                }
            }
        }
        return ticks;
    }

    static String xml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (ch >= 0x20 || ch == '\n' || ch == '\t') {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Maps a log10 value to an x pixel. */
    private record Scale(double min, double max, int from, int to) {
        double at(double log) {
            return from + (log - min) / (max - min) * (to - from);
        }
    }
}
