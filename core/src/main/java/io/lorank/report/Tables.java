package io.lorank.report;

import io.lorank.study.CellResult;
import io.lorank.util.MeanStd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The study's tables in the papers' style: mean (std) over seeds, metrics in percent. */
public final class Tables {
    private Tables() {
    }

    public static List<Table> all(StudyData d) {
        List<Table> out = new ArrayList<>();
        Table heads = headMetrics(d);
        if (!heads.rows().isEmpty()) {
            out.add(heads);
        }
        out.addAll(rankTables(d));
        Table bounds = bounds(d);
        if (!bounds.rows().isEmpty()) {
            out.add(bounds);
        }
        return out;
    }

    /** "83.4 (1.2)": mean (sample std) × scale; std "–" for one seed. */
    public static String meanStd(MeanStd s, double scale, int decimals) {
        if (s == null) {
            return "–";
        }
        String f = "%." + decimals + "f";
        String sd = Double.isNaN(s.std()) ? "–" : String.format(Locale.ROOT, f, s.std() * scale);
        return String.format(Locale.ROOT, f + " (%s)", s.mean() * scale, sd);
    }

    /** Test metric of rank-free modes (heads at W0): rows task, columns mode/head. */
    static Table headMetrics(StudyData d) {
        List<StudyData.Cell> cells = d.where(c -> c.spec().rank() == null && c.result().testMetric() != null);
        List<String> series = d.distinct(c -> c.spec().rank() == null && c.result().testMetric() != null, StudyData::series);
        List<String> header = new ArrayList<>(List.of("task", "model", "metric", "seeds"));
        series.forEach(header::add);
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(cells, c -> c.spec().task() + "\u0000" + c.spec().model()).entrySet()) {
            List<StudyData.Cell> g = e.getValue();
            List<String> row = new ArrayList<>(List.of(g.get(0).spec().task(), String.valueOf(g.get(0).spec().model()),
                    g.get(0).result().metric() + " %", Integer.toString(new TreeSet<>(g.stream().map(c -> c.spec().seed()).toList()).size())));
            for (String s : series) {
                row.add(meanStd(StudyData.stat(g.stream().filter(c -> StudyData.series(c).equals(s)).toList(),
                        CellResult::testMetric), 100, 1));
            }
            rows.add(row);
        }
        return new Table("Test metric of the heads at W0, mean (std) over seeds", header, rows);
    }

    /** Per rank group: rank, certified fraction, objective, gap to the convex optimum, test metric. */
    static List<Table> rankTables(StudyData d) {
        List<Table> out = new ArrayList<>();
        List<StudyData.Cell> ranked = d.where(c -> c.spec().rank() != null);
        for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(ranked, StudyData::rankGroup).entrySet()) {
            List<StudyData.Cell> g = e.getValue();
            if (g.get(0).spec().mode().equals("finetune")) {
                out.add(finetune(e.getKey(), d.where(c -> c.spec().mode().equals("finetune")
                        && StudyData.rankGroup(c).equals(e.getKey()))));
                continue;
            }
            boolean hasMetric = g.stream().anyMatch(c -> c.result().testMetric() != null);
            List<String> header = new ArrayList<>(List.of("rank", "seeds", "certified", "objective F", "F − P*"));
            if (hasMetric) {
                header.add("test " + g.get(0).result().metric() + " %");
            }
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<Integer, List<StudyData.Cell>> r : new java.util.TreeMap<>(StudyData.group(g, c -> c.spec().rank())).entrySet()) {
                List<StudyData.Cell> rc = r.getValue();
                long cert = rc.stream().filter(c -> Boolean.TRUE.equals(c.result().certified())).count();
                List<String> row = new ArrayList<>(List.of(Integer.toString(r.getKey()), Integer.toString(rc.size()),
                        cert + "/" + rc.size(), sci(StudyData.stat(rc, CellResult::objective)),
                        sci(StudyData.stat(rc, x -> x.objective() == null || x.convexObjective() == null ? null
                                : x.objective() - x.convexObjective()))));
                if (hasMetric) {
                    row.add(meanStd(StudyData.stat(rc, CellResult::testMetric), 100, 1));
                }
                rows.add(row);
            }
            Map<Integer, Integer> mcr = StudyData.minimalCertifiedRank(g);
            CellResult any = g.get(0).result();
            String title = e.getKey() + ": minimal certified rank " + minRank(mcr)
                    + (any.paper1Rank() == null ? "" : "; paper-1 r = " + any.paper1Rank() + ", paper-2 r = " + p2(any.paper2Rank()));
            out.add(new Table(title, header, rows));
        }
        return out;
    }

    /**
     * A fine-tuning group: per rank (then full fine-tuning), the final training loss, ‖ΔW‖_F/‖W0‖_F (mean over the
     * targets), the steps run and the test metric, mean (std) over seeds.
     */
    static Table finetune(String group, List<StudyData.Cell> g) {
        List<List<String>> rows = new ArrayList<>();
        Map<String, List<StudyData.Cell>> by = new java.util.TreeMap<>(java.util.Comparator.comparing(
                (String k) -> k.equals("full") ? Integer.MAX_VALUE : Integer.parseInt(k)));
        by.putAll(StudyData.group(g, c -> c.spec().rank() == null ? "full" : Integer.toString(c.spec().rank())));
        for (Map.Entry<String, List<StudyData.Cell>> r : by.entrySet()) {
            List<StudyData.Cell> rc = r.getValue();
            rows.add(List.of(r.getKey(), Integer.toString(rc.size()), meanStd(StudyData.stat(rc, CellResult::objective), 1, 3),
                    sci(StudyData.stat(rc, x -> x.details() == null ? null : (Number) x.details().get("delta_w_over_w0_mean"))),
                    meanStd(StudyData.stat(rc, CellResult::iterations), 1, 0),
                    meanStd(StudyData.stat(rc, CellResult::testMetric), 100, 1)));
        }
        String metric = g.get(0).result().metric();
        return new Table(group + ": real fine-tuning per rank", List.of("rank", "seeds", "final training loss",
                "‖ΔW‖/‖W0‖ (mean over targets)", "steps", "test " + metric + " %"), rows);
    }

    /** Per task: N, K and both papers' thresholds (mode bounds), with the minimal certified ranks found. */
    static Table bounds(StudyData d) {
        List<List<String>> rows = new ArrayList<>();
        for (StudyData.Cell c : d.where(c -> c.spec().mode().equals("bounds"))) {
            CellResult r = c.result();
            rows.add(List.of(c.spec().task(), c.spec().model(), r.details() == null ? "–" : String.valueOf(r.details().get("targets")),
                    Integer.toString(r.examples()), Integer.toString(r.outputs()), Integer.toString(r.examples() * r.outputs()),
                    Integer.toString(r.paper1Rank()), p2(r.paper2Rank())));
        }
        return new Table("Rank thresholds of both papers for the k-shot training sets",
                List.of("task", "model", "LoRA targets", "N", "K", "KN", "paper-1 r (r(r+1)/2 > KN)", "paper-2 r (C* = 1.35)"), rows);
    }

    static String minRank(Map<Integer, Integer> perSeed) {
        List<Integer> found = perSeed.values().stream().filter(java.util.Objects::nonNull).toList();
        if (found.isEmpty()) {
            return "none within the ranks tried";
        }
        String s = meanStd(MeanStd.of(found.stream().mapToDouble(Integer::doubleValue).toArray()), 1, 1);
        return s + (found.size() < perSeed.size() ? " over " + found.size() + " of " + perSeed.size() + " seeds (others: none)" : "");
    }

    static String p2(Integer r) {
        return r == null ? "–" : r < 0 ? "unattainable" : Integer.toString(r);
    }

    private static String sci(MeanStd s) {
        if (s == null) {
            return "–";
        }
        String sd = Double.isNaN(s.std()) ? "–" : String.format(Locale.ROOT, "%.2e", s.std());
        return String.format(Locale.ROOT, "%.4e (%s)", s.mean(), sd);
    }
}
