package io.lorank.report;

import io.lorank.study.CellResult;
import io.lorank.util.MeanStd;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's plots as PNG bytes (XChart, headless). Fonts are sized for a 1000-pixel-wide page; every axis is
 * titled with its unit.
 */
public final class Plots {
    /** A titled PNG. */
    public record Plot(String title, String caption, byte[] png) {
    }

    private static final int W = 900;
    private static final int H = 480;

    private Plots() {
    }

    public static List<Plot> all(StudyData d) {
        System.setProperty("java.awt.headless", "true");
        List<Plot> out = new ArrayList<>();
        out.addAll(accuracy(d));
        out.addAll(objectiveCurves(d));
        out.addAll(certifiedFraction(d));
        Plot b = minimalRankVsBounds(d);
        if (b != null) {
            out.add(b);
        }
        return out;
    }

    /** Per task: test metric vs rank per rank mode (mean ± std over seeds); heads at W0 as bars when no rank mode has one. */
    static List<Plot> accuracy(StudyData d) {
        List<Plot> out = new ArrayList<>();
        for (String task : d.distinct(c -> c.result().testMetric() != null, c -> c.spec().task())) {
            List<StudyData.Cell> ranked = d.where(c -> task.equals(c.spec().task()) && c.spec().rank() != null && c.result().testMetric() != null);
            List<StudyData.Cell> flat = d.where(c -> task.equals(c.spec().task()) && c.spec().rank() == null && c.result().testMetric() != null);
            String metric = (ranked.isEmpty() ? flat : ranked).get(0).result().metric();
            if (!ranked.isEmpty()) {
                XYChart ch = xy(task + ": test " + metric + " vs LoRA rank (mean ± std over seeds)", "LoRA rank r (log scale)", "test " + metric + " (%)");
                // x = log2 r on a linear axis, labelled at the powers of two (XChart's log axis labels decades only)
                ch.setCustomXAxisTickLabelsFormatter(v -> Math.abs(v - Math.rint(v)) < 1e-9 && v >= 0
                        ? Long.toString(Math.round(Math.pow(2, Math.rint(v)))) : "");
                double[] span = {Double.MAX_VALUE, 0};
                for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(ranked, StudyData::series).entrySet()) {
                    TreeMap<Integer, List<StudyData.Cell>> byRank = new TreeMap<>(StudyData.group(e.getValue(), c -> c.spec().rank()));
                    double[] x = byRank.keySet().stream().mapToDouble(r -> Math.log(r) / Math.log(2)).toArray();
                    double[][] ye = meanErr(new ArrayList<>(byRank.values()), CellResult::testMetric, 100);
                    ch.addSeries(e.getKey(), x, ye[0], ye[1]).setMarker(SeriesMarkers.CIRCLE);
                    span[0] = Math.min(span[0], x[0]);
                    span[1] = Math.max(span[1], x[x.length - 1]);
                }
                for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(flat, StudyData::series).entrySet()) {
                    MeanStd s = StudyData.stat(e.getValue(), CellResult::testMetric);
                    String name = e.getKey().startsWith("eval ") ? e.getKey().substring(5) + " head at W0" : e.getKey();
                    ch.addSeries(name, new double[] {span[0], span[1]}, new double[] {100 * s.mean(), 100 * s.mean()})
                            .setMarker(SeriesMarkers.NONE);
                }
                for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(ranked, StudyData::series).entrySet()) {
                    MeanStd convex = convexMetric(e.getValue());
                    if (convex != null) {
                        ch.addSeries(e.getKey() + ": convex optimum", new double[] {span[0], span[1]},
                                new double[] {100 * convex.mean(), 100 * convex.mean()}).setMarker(SeriesMarkers.NONE);
                    }
                }
                out.add(new Plot(ch.getTitle(), "Markers: LoRA at each rank (linearized: on the eNTK at W0; finetune: the "
                        + "real encoder), error bars the sample std over seeds. Flat lines, for reference: rank-free "
                        + "methods (heads at W0, the convex nuclear-norm optimum, full fine-tuning, kernel baselines).", png(ch)));
            } else {
                CategoryChart ch = new CategoryChartBuilder().width(W).height(H).title(task + ": test " + metric + " of the heads at W0 (mean ± std over seeds)")
                        .xAxisTitle("head").yAxisTitle("test " + metric + " (%)").build();
                style(ch.getStyler());
                ch.getStyler().setLegendVisible(false);
                Map<String, List<StudyData.Cell>> g = StudyData.group(flat, StudyData::series);
                List<String> names = new ArrayList<>(g.keySet());
                double[][] ye = meanErr(new ArrayList<>(g.values()), CellResult::testMetric, 100);
                ch.addSeries(metric, names, box(ye[0]), box(ye[1]));
                ch.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
                out.add(new Plot(ch.getTitle(), "Error bars: sample std over seeds (0 for zero-shot heads: they do not read the train split).", png(ch)));
            }
        }
        return out;
    }

    /** Mean ± std over seeds of the convex optimum's test metric (details {@code convex_test_metric}); null if absent. */
    static MeanStd convexMetric(List<StudyData.Cell> cells) {
        Map<Integer, Double> perSeed = new TreeMap<>();
        for (StudyData.Cell c : cells) {
            Object v = c.result().details() == null ? null : c.result().details().get("convex_test_metric");
            if (v instanceof Number x && Double.isFinite(x.doubleValue()) && c.spec().seed() != null) {
                perSeed.put(c.spec().seed(), x.doubleValue());
            }
        }
        return perSeed.isEmpty() ? null : MeanStd.of(perSeed.values().stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Per rank group: the LoRA objective per iteration, one line per rank (first seed), log scale. */
    static List<Plot> objectiveCurves(StudyData d) {
        List<Plot> out = new ArrayList<>();
        List<StudyData.Cell> withCurves = d.where(c -> c.spec().rank() != null && c.result().curve() != null && c.result().curve().length > 1);
        for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(withCurves, StudyData::rankGroup).entrySet()) {
            Integer seed = e.getValue().get(0).spec().seed();
            boolean training = e.getValue().get(0).spec().mode().equals("finetune");
            // whole steps / iterations on the x axis
            XYChart ch = training
                    ? xy(e.getKey() + ": training loss per step (seed " + seed + ")", "optimizer step", "training loss (cross-entropy of the batch)")
                    : xy(e.getKey() + ": LoRA objective per iteration (seed " + seed + ")", "solver iteration", "objective h(B, A)");
            ch.getStyler().setXAxisDecimalPattern("#,##0");
            double pstar = Double.NaN;
            int maxIt = 1;
            double[] yr = {Double.MAX_VALUE, 0};
            for (StudyData.Cell c : new TreeMap<>(StudyData.group(e.getValue().stream().filter(c -> java.util.Objects.equals(c.spec().seed(), seed)).toList(),
                    c -> c.spec().rank())).values().stream().map(l -> l.get(0)).toList()) {
                double[] y = c.result().curve();
                int it = c.result().iterations() == null ? y.length - 1 : Math.max(c.result().iterations(), 1);
                double[] x = new double[y.length];
                for (int i = 0; i < y.length; i++) {
                    x[i] = (double) i * it / (y.length - 1);
                    y[i] = Math.max(y[i], 1e-300);
                }
                maxIt = Math.max(maxIt, it);
                for (double v : y) {
                    yr[0] = Math.min(yr[0], v);
                    yr[1] = Math.max(yr[1], v);
                }
                ch.addSeries("r = " + c.spec().rank(), x, y).setMarker(SeriesMarkers.NONE);
                if (c.result().convexObjective() != null) {
                    pstar = c.result().convexObjective();
                }
            }
            // a log axis only when the curves span more than a decade (XChart labels a log axis at decades only)
            ch.getStyler().setYAxisLogarithmic(yr[1] > 20 * yr[0]);
            if (!Double.isNaN(pstar) && pstar > 0) {
                ch.addSeries("convex solver's final objective", new double[] {0, maxIt}, new double[] {pstar, pstar}).setMarker(SeriesMarkers.NONE);
            }
            out.add(new Plot(ch.getTitle(), (training ? "Real LoRA fine-tuning: the loss of each step's mini-batch. "
                    : "Linearized LoRA: h(B, A) = F(BA) + λ/2 Σ(‖A‖² + ‖B‖²) ≥ P* = min F(ΔW) + λ‖ΔW‖_*, the lower bound every rank can "
                    + "reach. The flat line is the convex solver's final objective: P* when it converged, an upper bound on P* when "
                    + "it stopped early (then LoRA curves may end below it). ") + "Curves sampled at up to " + CellResult.CURVE_POINTS + " points per run.", png(ch)));
        }
        return out;
    }

    /** Per rank group: fraction of seeds whose LoRA solution is certified globally optimal, per rank. */
    static List<Plot> certifiedFraction(StudyData d) {
        List<Plot> out = new ArrayList<>();
        List<StudyData.Cell> cert = d.where(c -> c.spec().rank() != null && c.result().certified() != null);
        for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(cert, StudyData::rankGroup).entrySet()) {
            TreeMap<Integer, List<StudyData.Cell>> byRank = new TreeMap<>(StudyData.group(e.getValue(), c -> c.spec().rank()));
            CategoryChart ch = new CategoryChartBuilder().width(W).height(H).title(e.getKey() + ": certified fraction per rank")
                    .xAxisTitle("LoRA rank r").yAxisTitle("certified global optima (fraction of seeds)").build();
            style(ch.getStyler());
            ch.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
            ch.getStyler().setLegendVisible(false);
            List<String> x = byRank.keySet().stream().map(String::valueOf).toList();
            List<Double> y = byRank.values().stream().map(l -> (double) l.stream().filter(c -> c.result().certified()).count() / l.size()).toList();
            ch.addSeries("certified", x, y);
            out.add(new Plot(ch.getTitle(), "Certificate: ‖∇F‖op ≤ λ on every target and a relative duality gap ≤ tolerance.", png(ch)));
        }
        return out;
    }

    /** Per rank group (and per task for bounds-only studies): minimal certified rank (mean ± std) against both bounds. */
    static Plot minimalRankVsBounds(StudyData d) {
        List<String> groups = new ArrayList<>();
        List<Double> mcr = new ArrayList<>();
        List<Double> mcrErr = new ArrayList<>();
        List<Double> p1 = new ArrayList<>();
        List<Double> p2 = new ArrayList<>();
        for (Map.Entry<String, List<StudyData.Cell>> e : StudyData.group(d.where(c -> c.spec().rank() != null && c.result().certified() != null),
                StudyData::rankGroup).entrySet()) {
            List<Integer> found = StudyData.minimalCertifiedRank(e.getValue()).values().stream().filter(java.util.Objects::nonNull).toList();
            CellResult any = e.getValue().get(0).result();
            groups.add(short_(e.getKey()));
            MeanStd s = found.isEmpty() ? null : MeanStd.of(found.stream().mapToDouble(Integer::doubleValue).toArray());
            mcr.add(s == null ? 0.0 : s.mean());
            mcrErr.add(s == null || Double.isNaN(s.std()) ? 0.0 : s.std());
            p1.add(any.paper1Rank() == null ? 0.0 : any.paper1Rank());
            p2.add(any.paper2Rank() == null || any.paper2Rank() < 0 ? 0.0 : any.paper2Rank());
        }
        for (StudyData.Cell c : d.where(c -> c.spec().mode().equals("bounds"))) {
            groups.add(c.spec().task() + " (k-shot, " + c.spec().model() + ")");
            mcr.add(0.0);
            mcrErr.add(0.0);
            p1.add((double) c.result().paper1Rank());
            p2.add(c.result().paper2Rank() < 0 ? 0.0 : c.result().paper2Rank());
        }
        if (groups.isEmpty()) {
            return null;
        }
        boolean measured = mcr.stream().anyMatch(v -> v > 0);
        CategoryChart ch = new CategoryChartBuilder().width(W).height(H).title(measured
                        ? "Minimal certified rank vs the papers' thresholds"
                        : "The papers' rank thresholds (no certified rank measured in this study)")
                .xAxisTitle("problem").yAxisTitle("LoRA rank r").build();
        style(ch.getStyler());
        if (measured) {
            ch.addSeries("minimal certified rank (mean ± std over seeds)", groups, mcr, mcrErr);
        }
        ch.addSeries("paper 1: r(r+1)/2 > KN", groups, p1);
        ch.addSeries("paper 2: r(m+n) − r² > 1.35·KN", groups, p2);
        return new Plot(ch.getTitle(), "A bar at 0 means: not measured (no certified rank in the grid, or a bounds-only row) "
                + "or unattainable (paper 2).", png(ch));
    }

    private static String short_(String group) {
        return group.length() > 48 ? group.substring(0, 45) + "..." : group;
    }

    private static XYChart xy(String title, String x, String y) {
        XYChart ch = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
        style(ch.getStyler());
        return ch;
    }

    private static void style(org.knowm.xchart.style.AxesChartStyler s) {
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setPlotBackgroundColor(java.awt.Color.WHITE);
        s.setAntiAlias(true);
    }

    /** Per group: {mean, std} of f × scale (std 0 when there is one value). */
    private static double[][] meanErr(List<List<StudyData.Cell>> groups, java.util.function.Function<CellResult, ? extends Number> f, double scale) {
        double[][] out = new double[2][groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            MeanStd s = StudyData.stat(groups.get(i), f);
            out[0][i] = s.mean() * scale;
            out[1][i] = Double.isNaN(s.std()) ? 0 : s.std() * scale;
        }
        return out;
    }

    private static List<Double> box(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
