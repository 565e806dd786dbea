package io.lorank.report;

import io.lorank.study.Canonical;
import io.lorank.study.Provenance;
import io.lorank.util.AtomicFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes a study folder's report: {@code report.html} (self-contained: PNGs embedded as base64 data URIs, CSS
 * inline, no script), {@code tables.md} and {@code tables/*.csv}, all atomically. A phase diagram written by
 * {@code lorank phase --out DIR/phase} is embedded when present.
 */
public final class StudyReport {
    public static final String HTML = "report.html";
    public static final String MARKDOWN = "tables.md";
    public static final String CSV_DIR = "tables";
    static final String PHASE_HEATMAP = "phase/phase-heatmap.png";

    /** What was written. */
    public record Written(Path html, Path markdown, List<Path> csv, int plots, int tables) {
    }

    private StudyReport() {
    }

    public static Written write(Path dir) {
        StudyData d = StudyData.load(dir);
        List<Plots.Plot> plots = new java.util.ArrayList<>(Plots.all(d));
        Path phase = dir.resolve(PHASE_HEATMAP);
        if (Files.isRegularFile(phase)) {
            try {
                plots.add(new Plots.Plot("Phase diagram (C* experiment)", "From lorank phase --out " + dir.resolve("phase"),
                        Files.readAllBytes(phase)));
            } catch (java.io.IOException e) {
                throw new io.lorank.LorankException(phase + ": cannot read (" + e.getMessage() + ")");
            }
        }
        List<Table> tables = new java.util.ArrayList<>();
        tables.add(AnswerTable.of(d));
        tables.addAll(Tables.all(d));
        Path html = dir.resolve(HTML);
        AtomicFiles.writeString(html, html(d, plots, tables));
        StringBuilder md = new StringBuilder("# lorank study " + dir.getFileName() + "\n\n");
        tables.forEach(t -> md.append(t.markdown()));
        Path mdFile = dir.resolve(MARKDOWN);
        AtomicFiles.writeString(mdFile, md.toString());
        List<Path> csv = new java.util.ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            Path f = dir.resolve(CSV_DIR).resolve(String.format("%02d-%s.csv", i + 1, tables.get(i).slug()));
            AtomicFiles.writeString(f, tables.get(i).csv());
            csv.add(f);
        }
        return new Written(html, mdFile, csv, plots.size(), tables.size());
    }

    static String html(StudyData d, List<Plots.Plot> plots, List<Table> tables) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>lorank study ")
                .append(Table.esc(d.dir().getFileName().toString())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;font-size:16px}\n")
                .append("h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\n")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}caption{text-align:left;font-weight:bold;padding:.3em 0}\n")
                .append("td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}th{background:#f2f2f2}\n")
                .append("figure{margin:1.5em 0}img{max-width:100%;border:1px solid #eee}\n")
                .append("figcaption{font-size:14px;color:#555}footer{margin-top:3em;font-size:13px;color:#555;border-top:1px solid #ccc}\n")
                .append("code{font-size:13px}\n</style>\n</head>\n<body>\n");
        sb.append("<h1>lorank study: ").append(Table.esc(d.dir().getFileName().toString())).append("</h1>\n");
        sb.append("<p>").append(d.cells().size()).append(" of ").append(d.planned()).append(" cells done")
                .append(d.failed() > 0 ? ", " + d.failed() + " failed (see <code>lorank study --status</code>)" : "")
                .append(". Metrics in percent; mean (sample std) over seeds. Paper 1: Jang, Lee &amp; Ryu (ICML 2024), "
                        + "no spurious local minima once r(r+1)/2 &gt; KN. Paper 2: Park (2026, arXiv 2605.03724), "
                        + "r(m+n) − r² &gt; C*·KN with C* = 1.35.</p>\n");
        sb.append("<h2>Answer</h2>\n").append(tables.get(0).html());
        sb.append("<h2>Plots</h2>\n");
        for (Plots.Plot p : plots) {
            sb.append("<figure>\n<img alt=\"").append(Table.esc(p.title())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(p.png())).append("\">\n<figcaption>")
                    .append(Table.esc(p.caption())).append("</figcaption>\n</figure>\n");
        }
        sb.append("<h2>Tables</h2>\n");
        tables.subList(1, tables.size()).forEach(t -> sb.append(t.html()));
        sb.append("<p>The same tables: <code>").append(MARKDOWN).append("</code> and <code>").append(CSV_DIR)
                .append("/*.csv</code> beside this file.</p>\n");
        Provenance p = d.provenance();
        sb.append("<footer>\n<p><b>Provenance.</b> Grid hash <code>").append(Table.esc(String.valueOf(p.configHash())))
                .append("</code>; checkpoint SHA-256 <code>").append(Table.esc(String.valueOf(p.checkpointSha256())))
                .append("</code>; lorank ").append(Table.esc(p.lorankVersion())).append("; libraries ");
        for (Map.Entry<String, String> e : p.libraries().entrySet()) {
            sb.append(Table.esc(e.getKey())).append(' ').append(Table.esc(e.getValue())).append("; ");
        }
        Provenance.Machine m = p.machine();
        sb.append("machine ").append(Table.esc(m.cpu())).append(", ").append(m.cores()).append(" cores, ")
                .append(Table.esc(m.os())).append(", Java ").append(Table.esc(m.java())).append(".</p>\n<p>Config: <code>")
                .append(Table.esc(d.config())).append("</code></p>\n<p>Every cell's spec, result, timing and provenance: "
                        + "<code>results.db</code>, table <code>cells</code>.</p>\n</footer>\n</body>\n</html>\n");
        return sb.toString();
    }

    /** The written files, for {@code --json}. */
    public static String json(Written w) {
        return Canonical.pretty(w);
    }
}
