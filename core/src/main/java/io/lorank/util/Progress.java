package io.lorank.util;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long stage on stderr: a bar with ETA on a terminal; when stderr is piped or redirected, a plain line
 * about every 10 s ({@code lorank: phase 37/256 (14%), 1m12s elapsed, ETA 6m03s}); nothing with {@code --quiet}
 * ({@link #setQuiet}). When the ETA first says the stage will take over ~10 minutes, one line says so, on a terminal
 * or not, so a grid that will take 50 hours does not start without a word. Thread-safe: workers may call
 * {@link #step()} concurrently.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("phase", cells * trials)) {
 *     for (...) { ...; p.step(); }
 * }
 * Progress.estimate("phase grid", 3600 * 50);   // a known cost up front: one line when it exceeds ~10 minutes
 * }</pre>
 */
public final class Progress implements AutoCloseable {
    /** System property: seconds between plain lines when stderr is not a terminal (default 10; tests shorten it). */
    public static final String INTERVAL_PROPERTY = "lorank.progress.seconds";
    /** Stages estimated longer than this get a one-line warning with the estimate. */
    public static final double LONG_SECONDS = 600;
    private static volatile boolean quiet;
    private static volatile PrintStream err; // null: System.err at the time of the call (tests swap it)

    private final ProgressBar bar;
    private final String task;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final long intervalNanos = intervalNanos();
    private long lastLineNanos = startNanos;
    private boolean warned;

    private Progress(ProgressBar bar, String task, long total) {
        this.bar = bar;
        this.task = task;
        this.total = total;
    }

    /** {@code --quiet}: no progress at all (bars, lines, estimates). */
    public static void setQuiet(boolean q) {
        quiet = q;
    }

    public static boolean quiet() {
        return quiet;
    }

    /** Sends progress to {@code stream} instead of {@code System.err} (null restores it); for tests. */
    static void redirect(PrintStream stream) {
        err = stream;
    }

    public static Progress start(String task, long total) {
        if (quiet) {
            return new Progress(null, task, total);
        }
        boolean terminal = System.console() != null || System.getenv("LORANK_PROGRESS") != null;
        ProgressBar bar = !terminal ? null : new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(500)
                .build();
        return new Progress(bar, task, total);
    }

    /**
     * A cost known before a stage starts: prints {@code lorank: WHAT is estimated to take about 3h20m} when it exceeds
     * {@link #LONG_SECONDS}, unless quiet.
     */
    public static void estimate(String what, double seconds) {
        if (!quiet && seconds > LONG_SECONDS) {
            stream().println("lorank: " + what + " is estimated to take about " + duration(seconds)
                    + " (press Ctrl-C to stop; --quiet hides progress)");
        }
    }

    public void step() {
        stepBy(1);
    }

    public void stepBy(long n) {
        long d = done.addAndGet(n);
        if (bar != null) {
            bar.stepBy(n);
        }
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        synchronized (this) {
            double elapsed = (now - startNanos) / 1e9;
            double eta = d > 0 && total > 0 ? elapsed * (total - d) / d : Double.NaN;
            if (!warned && d > 0 && total > d && elapsed + eta > LONG_SECONDS && (elapsed > intervalNanos / 2e9 || d * 20 >= total)) {
                warned = true;
                stream().println("lorank: " + task + " is estimated to take about " + duration(elapsed + eta)
                        + " in all (" + d + " of " + total + " done); --quiet hides progress");
            }
            if (bar == null && now - lastLineNanos >= intervalNanos) {
                lastLineNanos = now;
                stream().println(line(task, d, total, elapsed, eta));
            }
        }
    }

    public void message(String extra) {
        if (bar != null) {
            bar.setExtraMessage(extra);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** {@code lorank: phase 37/256 (14%), 1m12s elapsed, ETA 6m03s}. */
    static String line(String task, long done, long total, double elapsed, double eta) {
        return String.format(Locale.ROOT, "lorank: %s %d/%d (%.0f%%), %s elapsed, ETA %s", task, done, total,
                total > 0 ? 100.0 * done / total : 0, duration(elapsed), Double.isNaN(eta) ? "?" : duration(eta));
    }

    /** {@code 45s}, {@code 6m03s}, {@code 3h20m}, {@code 2d04h}. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
    }

    private static long intervalNanos() {
        try {
            double s = Double.parseDouble(System.getProperty(INTERVAL_PROPERTY, "10"));
            return s > 0 ? (long) (s * 1e9) : 10_000_000_000L;
        } catch (NumberFormatException e) {
            return 10_000_000_000L;
        }
    }

    private static PrintStream stream() {
        PrintStream e = err;
        return e != null ? e : System.err;
    }
}
