package io.lorank.report;

import java.util.List;

/**
 * A text table: a title, a header and rows of already formatted cells; rendered as Markdown, CSV or HTML.
 */
public record Table(String title, List<String> header, List<List<String>> rows) {
    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException(title + ": row " + r + " has " + r.size() + " cells, header " + header.size());
            }
        }
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("### ").append(title).append("\n\n| ");
        sb.append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> sb.append("---|"));
        sb.append('\n');
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.append('\n').toString();
    }

    /** RFC 4180 CSV: the header line, then the rows. */
    public String csv() {
        StringBuilder sb = new StringBuilder(String.join(",", header.stream().map(Table::csvCell).toList())).append("\r\n");
        for (List<String> r : rows) {
            sb.append(String.join(",", r.stream().map(Table::csvCell).toList())).append("\r\n");
        }
        return sb.toString();
    }

    public String html() {
        StringBuilder sb = new StringBuilder("<table>\n<caption>").append(esc(title)).append("</caption>\n<thead><tr>");
        header.forEach(h -> sb.append("<th>").append(esc(h)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : rows) {
            sb.append("<tr>");
            r.forEach(c -> sb.append("<td>").append(esc(c)).append("</td>"));
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>\n").toString();
    }

    /** A file-name form of the title: lower case, words joined by '-'. */
    public String slug() {
        String t = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
