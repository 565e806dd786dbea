package io.lorank.report;

import io.lorank.study.CellResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one-screen answer of a study, per task: N and K, both papers' thresholds, the minimal certified rank found and
 * whether every seed was certified, the test metric per LoRA rank, and the heads at W0 for reference.
 */
public final class AnswerTable {
    private AnswerTable() {
    }

    public static Table of(StudyData d) {
        List<List<String>> rows = new ArrayList<>();
        for (String task : d.distinct(c -> true, c -> c.spec().task())) {
            List<StudyData.Cell> t = d.where(c -> task.equals(c.spec().task()));
            StudyData.Cell bound = t.stream().filter(c -> c.spec().mode().equals("bounds")).findFirst()
                    .orElse(t.stream().filter(c -> c.result().paper1Rank() != null).findFirst().orElse(null));
            List<StudyData.Cell> ranked = t.stream().filter(c -> c.spec().rank() != null && c.result().certified() != null).toList();
            String needed = "not measured (no rank mode)";
            String certified = "–";
            if (!ranked.isEmpty()) {
                Map<Integer, Integer> mcr = StudyData.minimalCertifiedRank(ranked);
                needed = Tables.minRank(mcr);
                long ok = mcr.values().stream().filter(java.util.Objects::nonNull).count();
                certified = ok == mcr.size() ? "yes, all " + ok + " seeds" : ok + " of " + mcr.size() + " seeds";
            }
            StringBuilder perRank = new StringBuilder();
            for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(t.stream()
                    .filter(c -> c.spec().rank() != null && c.result().testMetric() != null).toList(), StudyData::series).entrySet()) {
                perRank.append(perRank.length() == 0 ? "" : "; ").append(e.getKey()).append(':');
                for (Map.Entry<Integer, List<StudyData.Cell>> r : new TreeMap<>(StudyData.group(e.getValue(), c -> c.spec().rank())).entrySet()) {
                    perRank.append(" r").append(r.getKey()).append(' ').append(Tables.meanStd(StudyData.stat(r.getValue(), CellResult::testMetric), 100, 1));
                }
            }
            StringBuilder heads = new StringBuilder();
            for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(t.stream()
                    .filter(c -> c.spec().rank() == null && c.result().testMetric() != null).toList(), StudyData::series).entrySet()) {
                heads.append(heads.length() == 0 ? "" : "; ").append(e.getKey().replace("eval ", "")).append(' ')
                        .append(Tables.meanStd(StudyData.stat(e.getValue(), CellResult::testMetric), 100, 1));
            }
            CellResult b = bound == null ? null : bound.result();
            rows.add(List.of(task, b == null || b.examples() == null ? "–" : Integer.toString(b.examples()),
                    b == null || b.outputs() == null ? "–" : Integer.toString(b.outputs()),
                    b == null ? "–" : Integer.toString(b.paper1Rank()), b == null ? "–" : Tables.p2(b.paper2Rank()),
                    needed, certified, perRank.length() == 0 ? "–" : perRank.toString(), heads.length() == 0 ? "–" : heads.toString()));
        }
        return new Table("Answer: LoRA rank needed per task (metrics in %, mean (std) over seeds)",
                List.of("task", "N", "K", "paper-1 r", "paper-2 r", "minimal certified r", "certified", "test metric per rank", "heads at W0"),
                rows);
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
