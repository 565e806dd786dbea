package io.lorank.report;

import io.lorank.linearized.phase.CstarEstimator;
import io.lorank.linearized.phase.PhaseConfig;
import io.lorank.linearized.phase.PhaseExperiment;
import io.lorank.util.AtomicFiles;
import io.lorank.util.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a phase experiment's files, each atomically: {@code phase.csv} (the grid), {@code phase.json} (resolved
 * config + estimates + grid), {@code phase-heatmap.png} (x = KN, y = r, colour = success fraction, with both papers'
 * threshold curves) and {@code phase-curve.png} (success fraction vs ρ with the logistic fit).
 */
public final class PhaseOutputs {
    public static final String CSV = "phase.csv";
    public static final String JSON = "phase.json";
    public static final String HEATMAP = "phase-heatmap.png";
    public static final String CURVE = "phase-curve.png";
    /** Colour buckets of the success fraction: 0, (0, .25), [.25, .5), [.5, .75), [.75, 1), 1. */
    private static final double[] EDGES = {0, 1e-9, 0.25, 0.5, 0.75, 1 - 1e-9, 1 + 1e-9};
    private static final String[] LABELS = {"0%", "1-24%", "25-49%", "50-74%", "75-99%", "100%"};
    private static final Color[] COLORS = {new Color(165, 0, 38), new Color(244, 109, 67), new Color(253, 174, 97),
            new Color(166, 217, 106), new Color(102, 189, 99), new Color(0, 104, 55)};

    private PhaseOutputs() {
    }

    public static void writeAll(PhaseExperiment.Result res, Path dir) {
        AtomicFiles.writeString(dir.resolve(CSV), csv(res));
        AtomicFiles.writeString(dir.resolve(JSON), Json.write(res));
        png(dir.resolve(HEATMAP), heatmap(res));
        png(dir.resolve(CURVE), curve(res));
    }

    public static String csv(PhaseExperiment.Result res) {
        StringBuilder sb = new StringBuilder("r,kn,dimension,ratio,successes,trials,fraction,successes_loose,"
                + "median_relative_loss,mean_iterations\n");
        for (PhaseExperiment.CellResult c : res.cells()) {
            sb.append(String.format(Locale.ROOT, "%d,%d,%d,%.6f,%d,%d,%.6f,%d,%.3e,%.1f%n", c.r(), c.kn(), c.dimension(),
                    c.ratio(), c.successes(), c.trials(), c.fraction(), c.successesLoose(), c.medianRelativeLoss(),
                    c.meanIterations()));
        }
        return sb.toString();
    }

    static XYChart heatmap(PhaseExperiment.Result res) {
        PhaseConfig c = res.config();
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title(String.format(Locale.ROOT, "LoRA interpolation success, Gaussian G, m=%d n=%d, %s",
                        c.m(), c.n(), protocol(c)))
                .xAxisTitle("KN (number of measurements)").yAxisTitle("LoRA rank r").build();
        chart.getStyler().setMarkerSize(16);
        chart.getStyler().setYAxisMin(c.ranks().get(0) - 0.5).setYAxisMax(c.ranks().get(c.ranks().size() - 1) + 0.5);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        for (int b = 0; b < LABELS.length; b++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (PhaseExperiment.CellResult cell : res.cells()) {
                if (cell.fraction() >= EDGES[b] && cell.fraction() < EDGES[b + 1]) {
                    xs.add((double) cell.kn());
                    ys.add((double) cell.r());
                }
            }
            if (!xs.isEmpty()) {
                XYSeries s = chart.addSeries("success " + LABELS[b], xs, ys);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.SQUARE);
                s.setMarkerColor(COLORS[b]);
            }
        }
        int rMax = c.ranks().get(c.ranks().size() - 1);
        int rMin = c.ranks().get(0);
        double cstar = res.pooled().cstar();
        line(chart, "paper 1: r(r+1)/2 = KN", c, rMin, rMax, r -> r * (r + 1) / 2, Color.BLUE, SeriesLines.SOLID);
        line(chart, "dimension count: d(r) = KN", c, rMin, rMax, r -> dim(c, r), Color.GRAY, SeriesLines.DOT_DOT);
        line(chart, "paper 2: d(r) = 1.35 KN", c, rMin, rMax, r -> dim(c, r) / 1.35, Color.BLACK, SeriesLines.DASH_DASH);
        if (Double.isFinite(cstar)) {
            line(chart, String.format(Locale.ROOT, "measured: d(r) = %.2f KN", cstar), c, rMin, rMax,
                    r -> dim(c, r) / cstar, Color.MAGENTA, SeriesLines.DASH_DOT);
        }
        return chart;
    }

    static XYChart curve(PhaseExperiment.Result res) {
        PhaseConfig c = res.config();
        CstarEstimator.Estimate e = res.pooled();
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title(String.format(Locale.ROOT, "m=%d n=%d, %s: C* = %.3f [%.3f, %.3f]",
                        c.m(), c.n(), protocol(c), e.cstar(), e.low(), e.high()))
                .xAxisTitle("rho = (r(m+n) - r^2) / KN").yAxisTitle("success fraction").build();
        chart.getStyler().setYAxisMin(-0.02).setYAxisMax(1.02);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        Color[] palette = {Color.BLUE, Color.RED, new Color(0, 140, 0), Color.ORANGE, Color.CYAN, Color.DARK_GRAY};
        int i = 0;
        for (Map.Entry<Integer, CstarEstimator.Estimate> entry : res.perRank().entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (PhaseExperiment.CellResult cell : res.cells()) {
                if (cell.r() == entry.getKey()) {
                    xs.add(cell.ratio());
                    ys.add(cell.fraction());
                    lo = Math.min(lo, cell.ratio());
                    hi = Math.max(hi, cell.ratio());
                }
            }
            XYSeries s = chart.addSeries("r = " + entry.getKey(), xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarkerColor(palette[i++ % palette.length]);
        }
        if (e.cstar() > 0 && hi > lo) {
            int k = 200;
            double[] xs = new double[k];
            double[] ys = new double[k];
            for (int j = 0; j < k; j++) {
                xs[j] = lo + (hi - lo) * j / (k - 1);
                ys[j] = CstarEstimator.sigmoid(e.slope() * (xs[j] - e.cstar()));
            }
            XYSeries s = chart.addSeries("logistic fit (pooled)", xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.MAGENTA);
        }
        vertical(chart, "rho = 1 (dimension count)", 1.0, Color.GRAY, SeriesLines.DOT_DOT);
        vertical(chart, "rho = 1.35 (paper 2)", 1.35, Color.BLACK, SeriesLines.DASH_DASH);
        return chart;
    }

    /** e.g. "LM 400 it, tol 1e-10, 100 draws/cell" (+ restarts when more than one). */
    private static String protocol(PhaseConfig c) {
        return String.format(Locale.ROOT, "%s %d it, tol %.0e, %d draws/cell%s", c.solver(), c.maxIterations(),
                c.tolerance(), c.trials(), c.restarts() > 1 ? ", " + c.restarts() + " inits each" : "");
    }

    private static double dim(PhaseConfig c, double r) {
        return r * (c.m() + c.n()) - r * r;
    }

    private static void line(XYChart chart, String name, PhaseConfig c, int rMin, int rMax,
                             java.util.function.DoubleUnaryOperator knOfR, Color color, java.awt.BasicStroke stroke) {
        int k = 60;
        double[] xs = new double[k];
        double[] ys = new double[k];
        for (int j = 0; j < k; j++) {
            double r = rMin - 0.4 + (rMax - rMin + 0.8) * j / (k - 1);
            ys[j] = r;
            xs[j] = knOfR.applyAsDouble(r);
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(stroke);
    }

    private static void vertical(XYChart chart, String name, double x, Color color, java.awt.BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, new double[]{x, x}, new double[]{0, 1});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(stroke);
    }

    private static void png(Path target, XYChart chart) {
        AtomicFiles.write(target, out -> {
            try {
                out.write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
