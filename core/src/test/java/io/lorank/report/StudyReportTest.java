package io.lorank.report;

import io.lorank.study.CellResult;
import io.lorank.study.CellSpec;
import io.lorank.study.InProcessEngine;
import io.lorank.study.ResultsDb;
import io.lorank.study.Study;
import io.lorank.study.StudyConfig;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.html parses as HTML, embeds one non-empty PNG per plot and nothing external; tables agree with the cells. */
class StudyReportTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void syntheticStudyReport(@TempDir Path dir) throws Exception {
        StudyConfig cfg = new StudyConfig(null, null, List.of(1, 2), List.of(1, 2, 3), List.of("synthetic"), null,
                List.of(0.1), 16, 0, 256, null, new StudyConfig.Synthetic(12, 12, 8, 2, 2, "ce", 1), null);
        Study.run(cfg, dir, null, false, new InProcessEngine(), Study.Events.NONE);
        StudyReport.Written w = StudyReport.write(dir);
        // objective curves, certified fraction, minimal rank vs bounds (no test metric in synthetic cells)
        assertEquals(3, w.plots());
        Document doc = checkHtml(w.html(), 3);
        assertTrue(doc.select("figure img").get(0).attr("alt").contains("LoRA objective per iteration"));
        Element table = doc.select("table").get(1);
        assertEquals(List.of("rank", "seeds", "certified", "objective F", "F − P*"), table.select("th").eachText());
        assertEquals(3, table.select("tbody tr").size(), "one row per rank");
        assertTrue(Files.readString(w.markdown()).contains("| 3 | 2 |"), "markdown has the rank-3 row with 2 seeds");
        assertEquals(2, w.csv().size(), "the answer and the rank table");
        assertTrue(Files.readString(w.csv().get(1)).startsWith("rank,seeds,certified"));
        assertEquals(List.of("synthetic-12x12-N8-K2-r2-ce", "8", "2", "6", "1"),
                doc.select("table").get(0).select("tbody td").eachText().subList(0, 5), "answer: task, N, K, both bounds");
        assertTrue(doc.select("footer").text().contains("Grid hash " + cfg.hash()), "provenance footer names the grid");
    }

    @Test
    void accuracyPlotsAndMeanStdTables(@TempDir Path dir) throws Exception {
        List<CellSpec> plan = new ArrayList<>();
        List<CellResult> results = new ArrayList<>();
        double[] acc = {0.70, 0.80};
        for (int s = 0; s < 2; s++) {
            plan.add(new CellSpec("eval", "m", "task-a", 13 + s, 16, "probe", null, null, Map.of()));
            results.add(CellResult.builder().metric("accuracy", acc[s]).accuracy(acc[s], 100).build());
            for (int r : new int[] {1, 2, 4}) {
                plan.add(new CellSpec("linearized", "m", "task-a", 13 + s, 16, null, r, 0.1, Map.of()));
                results.add(CellResult.builder().metric("accuracy", acc[s] + 0.01 * r).accuracy(acc[s] + 0.01 * r, 100)
                        .certificate(r >= 2 ? "CERTIFIED_GLOBAL" : "STATIONARY_NOT_GLOBAL", 1e-9, 1.0)
                        .objective(1.0 / r).convex(0.5, 2).solver("CONVERGED", 10, new double[] {2, 1.5, 1.0 / r})
                        .bounds(11, 1).build());
            }
        }
        try (ResultsDb db = ResultsDb.open(dir.resolve(ResultsDb.FILE))) {
            db.initialize(Map.of("schema_version", "1", "grid_hash", "g", "config", "{}"), plan);
            for (int i = 0; i < plan.size(); i++) {
                db.markRunning(plan.get(i));
                db.markDone(plan.get(i).hash(), results.get(i), null, null);
            }
        }
        StudyReport.Written w = StudyReport.write(dir);
        assertEquals(4, w.plots(), "accuracy vs rank, objective curves, certified fraction, minimal rank vs bounds");
        Document doc = checkHtml(w.html(), 4);
        assertTrue(doc.select("figure img").get(0).attr("alt").startsWith("task-a: test accuracy vs LoRA rank"));
        Element heads = doc.select("table").get(1);
        assertEquals(List.of("task-a", "m", "accuracy %", "2", "75.0 (7.1)"), heads.select("tbody td").eachText(),
                "mean (std) over seeds in percent: 0.70, 0.80 -> 75.0 (7.1)");
        assertTrue(doc.select("caption").eachText().stream().anyMatch(c -> c.contains("minimal certified rank 2.0 (0.0)")
                && c.contains("paper-1 r = 11, paper-2 r = 1")), () -> doc.select("caption").eachText().toString());
    }

    /**
     * The demo's shape: linearized (with the convex optimum's test metric) and fine-tuned LoRA on one accuracy plot
     * per task, a training-loss plot, a fine-tuning table, and answer rows per method (certified counts only for the
     * mode that certifies). Writes the HTML to {@code target/report-preview.html} for a look in a browser.
     */
    @Test
    void linearizedAndFinetuneTogether(@TempDir Path dir) throws Exception {
        List<CellSpec> plan = new ArrayList<>();
        List<CellResult> results = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            int seed = 13 + s;
            if (s == 0) {
                plan.add(new CellSpec("bounds", "m", "task-a", null, 16, null, null, null, Map.of()));
                results.add(CellResult.builder().problem(32, 2).bounds(11, 1).details(Map.of("targets", "query,value")).build());
            }
            plan.add(new CellSpec("eval", "m", "task-a", seed, 16, "embedding", null, null, Map.of()));
            results.add(CellResult.builder().metric("acc", 0.80).accuracy(0.80, 200).build());
            for (int r : new int[] {1, 2, 4, 8, 11}) {
                plan.add(new CellSpec("linearized", "m", "task-a", seed, 16, "embedding", r, 0.05, Map.of()));
                results.add(CellResult.builder().metric("acc", 0.78 + 0.01 * s).accuracy(0.78, 200)
                        .certificate(r >= 4 && s < 2 ? "CERTIFIED_GLOBAL" : "NOT_CONVERGED", 1e-3, null)
                        .objective(0.1 + 0.01 / r).convex(0.1, null).solver(null, 100, new double[] {0.4, 0.2, 0.1 + 0.01 / r})
                        .bounds(11, 1).details(Map.of("convex_test_metric", 0.81)).build());
            }
            for (Integer r : new Integer[] {1, 8, null}) {
                Map<String, Object> o = r == null ? Map.of("method", "full") : Map.of("method", "lora");
                plan.add(new CellSpec("finetune", "m", "task-a", seed, 16, "embedding", r, null, o));
                results.add(CellResult.builder().metric("acc", 0.85 + 0.01 * s).accuracy(0.85, 200).problem(32, 2)
                        .objective(0.2).solver("MAX_STEPS", 20, new double[] {0.7, 0.5, 0.3, 0.2})
                        .details(Map.of("delta_w_over_w0_mean", 0.003)).build());
            }
        }
        try (ResultsDb db = ResultsDb.open(dir.resolve(ResultsDb.FILE))) {
            db.initialize(Map.of("schema_version", "1", "grid_hash", "g", "config", "{}"), plan);
            for (int i = 0; i < plan.size(); i++) {
                db.markRunning(plan.get(i));
                db.markDone(plan.get(i).hash(), results.get(i), null, null);
            }
        }
        StudyReport.Written w = StudyReport.write(dir);
        // accuracy vs rank; objective curves (linearized, finetune); certified fraction; minimal rank vs bounds
        assertEquals(5, w.plots());
        Document doc = checkHtml(w.html(), 5);
        assertTrue(doc.select("figure img").eachAttr("alt").stream().anyMatch(a -> a.contains("training loss per step")));
        Element answer = doc.select("table").get(0);
        List<String> header = answer.select("th").eachText();
        assertEquals(List.of("task", "N", "K", "paper-1 r", "paper-2 r", "method", "minimal certified r", "certified",
                "r=1", "r=2", "r=4", "r=8", "r=11", "no rank"), header);
        Map<String, List<String>> rows = new java.util.HashMap<>();
        for (Element tr : answer.select("tbody tr")) {
            List<String> cells = tr.select("td").eachText();
            rows.put(cells.get(5), cells);
        }
        assertEquals(List.of("eval embedding", "finetune embedding", "finetune embedding full", "linearized embedding"),
                rows.keySet().stream().sorted().toList());
        List<String> lin = rows.get("linearized embedding");
        assertEquals("4.0 (0.0) over 2 of 3 seeds (others: none)", lin.get(6));
        assertEquals("2 of 3 seeds", lin.get(7));
        assertEquals("79.0 (1.0) ✓2/3", lin.get(10), "r=4: mean (std) of 78, 79, 80 and 2 of 3 seeds certified");
        assertEquals("convex 81.0 (0.0)", lin.get(13));
        List<String> ft = rows.get("finetune embedding");
        assertEquals(List.of("86.0 (1.0)", "–", "–", "86.0 (1.0)", "–", "–"), ft.subList(8, 14));
        assertEquals("86.0 (1.0)", rows.get("finetune embedding full").get(13));
        assertTrue(doc.select("caption").eachText().stream().anyMatch(c -> c.contains("real fine-tuning per rank")));
    }

    /** Parses, checks every image is an embedded non-empty PNG (no external resources), returns the document. */
    private static Document checkHtml(Path html, int images) throws Exception {
        Document doc = Jsoup.parse(html.toFile(), "UTF-8");
        assertEquals("en", doc.select("html").attr("lang"));
        List<Element> imgs = doc.select("img");
        assertEquals(images, imgs.size(), "one image per plot");
        for (Element img : imgs) {
            String src = img.attr("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "embedded, not linked: " + src.substring(0, Math.min(40, src.length())));
            byte[] png = Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1));
            assertTrue(png.length > 2000, "a real plot, " + png.length + " bytes");
            byte[] head = new byte[4];
            System.arraycopy(png, 0, head, 0, 4);
            assertArrayEquals(PNG_MAGIC, head);
            java.awt.image.BufferedImage im = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            assertEquals(900, im.getWidth());
        }
        assertTrue(doc.select("script, link[href], img[src^=http]").isEmpty(), "self-contained");
        return doc;
    }
}
