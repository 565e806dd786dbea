package io.lorank.report;

import io.lorank.study.Canonical;
import io.lorank.study.CellResult;
import io.lorank.study.CellSpec;
import io.lorank.study.Provenance;
import io.lorank.study.ResultsDb;
import io.lorank.util.MeanStd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The done cells of a study folder, read once from its database, with grouping helpers for plots and tables.
 *
 * @param cells      done cells in plan order
 * @param planned    cells in the grid
 * @param failed     failed cells
 * @param provenance a study-level provenance (grid hash, versions, machine of the first done row)
 * @param config     the resolved config as stored (canonical JSON)
 */
public record StudyData(Path dir, List<Cell> cells, int planned, int failed, Provenance provenance, String config) {

    /** A done cell. */
    public record Cell(CellSpec spec, CellResult result) {
    }

    public static StudyData load(Path dir) {
        try (ResultsDb db = ResultsDb.openExisting(dir.resolve(ResultsDb.FILE))) {
            List<Cell> cells = new ArrayList<>();
            int failed = 0;
            Provenance prov = null;
            for (ResultsDb.Row r : db.rows()) {
                if (r.status() == ResultsDb.Status.DONE) {
                    cells.add(new Cell(Canonical.read(r.spec(), CellSpec.class), Canonical.read(r.result(), CellResult.class)));
                    if (r.provenance() != null && (prov == null || prov.checkpointSha256() == null)) {
                        prov = Canonical.read(r.provenance(), Provenance.class); // prefer a row that read weights
                    }
                } else if (r.status() == ResultsDb.Status.FAILED) {
                    failed++;
                }
            }
            if (prov == null) {
                prov = Provenance.of(db.meta("grid_hash").orElse(null), null, null);
            }
            return new StudyData(dir, cells, db.planSpecs().size(), failed, prov, db.meta("config").orElse("{}"));
        }
    }

    public List<Cell> where(Predicate<Cell> p) {
        return cells.stream().filter(p).toList();
    }

    /** Distinct values of {@code key} over cells matching {@code p}, in first-seen order. */
    public <T> List<T> distinct(Predicate<Cell> p, Function<Cell, T> key) {
        return cells.stream().filter(p).map(key).filter(java.util.Objects::nonNull).distinct().toList();
    }

    /** Groups cells by a key, keeping first-seen order. */
    public static <K> Map<K, List<Cell>> group(List<Cell> cells, Function<Cell, K> key) {
        return cells.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    /** Mean ± std of a metric over cells (null values skipped); null when there is none. */
    public static MeanStd stat(List<Cell> cells, Function<CellResult, ? extends Number> f) {
        double[] v = cells.stream().map(c -> f.apply(c.result())).filter(java.util.Objects::nonNull)
                .mapToDouble(Number::doubleValue).toArray();
        return v.length == 0 ? null : MeanStd.of(v);
    }

    /** "series" name of a cell: its mode, with the head when it has one, and "full" for full fine-tuning. */
    public static String series(Cell c) {
        String s = c.spec().head() == null ? c.spec().mode() : c.spec().mode() + " " + c.spec().head();
        return "full".equals(c.spec().stringOption("method", "")) ? s + " full" : s;
    }

    /** Group key of the rank problems: mode, task, model, λ fraction. */
    public static String rankGroup(Cell c) {
        CellSpec s = c.spec();
        return s.mode() + " · " + s.task() + (s.model() == null ? "" : " · " + s.model())
                + (s.lambdaFraction() == null ? "" : " · λ = " + s.lambdaFraction() + "·λmax");
    }

    /**
     * Minimal certified rank per seed of one rank group: the smallest rank whose cell is certified, or null when no
     * rank of that seed is (then the grid's ranks were too small, or the solver did not converge).
     */
    public static Map<Integer, Integer> minimalCertifiedRank(List<Cell> group) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Cell>> e : group(group, c -> c.spec().seed()).entrySet()) {
            Integer best = null;
            for (Cell c : e.getValue()) {
                if (Boolean.TRUE.equals(c.result().certified()) && (best == null || c.spec().rank() < best)) {
                    best = c.spec().rank();
                }
            }
            out.put(e.getKey(), best);
        }
        return out;
    }
}
