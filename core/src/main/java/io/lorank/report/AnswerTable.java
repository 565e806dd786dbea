package io.lorank.report;

import io.lorank.study.CellResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one-screen answer of a study: one row per task and method (mode and head). Columns: N and K of the k-shot
 * train set, both papers' thresholds, the minimal certified rank (mean (std) over the seeds that have one) and for how
 * many seeds it exists, the test metric per LoRA rank (with the certified seeds at that rank for modes that certify),
 * and the test metric of the rank-free methods (convex optimum, heads at W0, full fine-tuning, kernel baselines).
 */
public final class AnswerTable {
    private AnswerTable() {
    }

    public static Table of(StudyData d) {
        List<Integer> ranks = new ArrayList<>(new TreeSet<>(d.distinct(c -> c.spec().rank() != null, c -> c.spec().rank())));
        List<String> header = new ArrayList<>(List.of("task", "N", "K", "paper-1 r", "paper-2 r", "method",
                "minimal certified r", "certified"));
        ranks.forEach(r -> header.add("r=" + r));
        header.add("no rank");
        List<List<String>> rows = new ArrayList<>();
        for (String task : d.distinct(c -> true, c -> c.spec().task())) {
            List<StudyData.Cell> t = d.where(c -> task.equals(c.spec().task()));
            StudyData.Cell bound = t.stream().filter(c -> c.spec().mode().equals("bounds")).findFirst()
                    .orElse(t.stream().filter(c -> c.result().paper1Rank() != null).findFirst().orElse(null));
            CellResult b = bound == null ? null : bound.result();
            Integer n = b != null && b.examples() != null ? b.examples()
                    : t.stream().map(c -> c.result().examples()).filter(Objects::nonNull).findFirst().orElse(null);
            Integer k = b != null && b.outputs() != null ? b.outputs()
                    : t.stream().map(c -> c.result().outputs()).filter(Objects::nonNull).findFirst().orElse(null);
            List<String> lead = List.of(task, n == null ? "–" : n.toString(), k == null ? "–" : k.toString(),
                    b == null ? "–" : Integer.toString(b.paper1Rank()), b == null ? "–" : Tables.p2(b.paper2Rank()));
            List<StudyData.Cell> scored = t.stream().filter(c -> c.result().testMetric() != null || c.spec().rank() != null).toList();
            for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(scored, StudyData::series).entrySet()) {
                List<StudyData.Cell> g = e.getValue();
                List<StudyData.Cell> ranked = g.stream().filter(c -> c.spec().rank() != null).toList();
                boolean certifies = ranked.stream().anyMatch(c -> c.result().certified() != null);
                List<String> row = new ArrayList<>(lead);
                row.add(e.getKey());
                if (certifies) {
                    Map<Integer, Integer> mcr = StudyData.minimalCertifiedRank(ranked);
                    long ok = mcr.values().stream().filter(Objects::nonNull).count();
                    row.add(Tables.minRank(mcr));
                    row.add(ok == mcr.size() ? "yes, all " + ok + " seeds" : ok == 0 ? "no (0 of " + mcr.size() + " seeds)"
                            : ok + " of " + mcr.size() + " seeds");
                } else {
                    row.add("–");
                    row.add("–");
                }
                Map<Integer, List<StudyData.Cell>> byRank = new TreeMap<>(StudyData.group(ranked, c -> c.spec().rank()));
                for (int r : ranks) {
                    List<StudyData.Cell> rc = byRank.get(r);
                    if (rc == null) {
                        row.add("–");
                        continue;
                    }
                    String cell = Tables.meanStd(StudyData.stat(rc, CellResult::testMetric), 100, 1);
                    if (certifies) {
                        cell += " ✓" + rc.stream().filter(c -> Boolean.TRUE.equals(c.result().certified())).count() + "/" + rc.size();
                    }
                    row.add(cell);
                }
                row.add(noRank(g));
                rows.add(row);
            }
            if (scored.isEmpty()) { // a bounds-only task
                List<String> row = new ArrayList<>(lead);
                row.addAll(List.of("bounds only", "not measured (no rank mode)", "–"));
                ranks.forEach(r -> row.add("–"));
                row.add("–");
                rows.add(row);
            }
        }
        return new Table("Answer: LoRA rank needed per task (test metric in %, mean (std) over seeds; ✓c/n: seeds "
                + "whose LoRA point is certified globally optimal)", header, rows);
    }

    /** The rank-free figure of a method: the convex optimum of a linearized group, or the method's own metric. */
    private static String noRank(List<StudyData.Cell> g) {
        List<StudyData.Cell> flat = g.stream().filter(c -> c.spec().rank() == null).toList();
        if (!flat.isEmpty()) {
            return Tables.meanStd(StudyData.stat(flat, CellResult::testMetric), 100, 1);
        }
        Map<Integer, Double> convex = new TreeMap<>(); // per seed: every rank's cell carries the same convex result
        for (StudyData.Cell c : g) {
            Object v = c.result().details() == null ? null : c.result().details().get("convex_test_metric");
            if (v instanceof Number x && c.spec().seed() != null) {
                convex.put(c.spec().seed(), x.doubleValue());
            }
        }
        if (convex.isEmpty()) {
            return "–";
        }
        return "convex " + Tables.meanStd(io.lorank.util.MeanStd.of(convex.values().stream().mapToDouble(Double::doubleValue)
                .toArray()), 100, 1);
    }

    /** Fixed-width text for a terminal. */
    public static String text(Table t) {
        int[] w = new int[t.header().size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = t.header().get(i).length();
            for (List<String> r : t.rows()) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder(t.title()).append('\n');
        appendRow(sb, t.header(), w);
        for (List<String> r : t.rows()) {
            appendRow(sb, r, w);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] w) {
        for (int i = 0; i < cells.size(); i++) {
            sb.append(i == 0 ? "" : "  ").append(String.format("%-" + w[i] + "s", cells.get(i)));
        }
        sb.append('\n');
    }
}
