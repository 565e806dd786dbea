package io.lorank.spark;

import io.lorank.LorankException;
import io.lorank.study.CellContext;
import io.lorank.study.CellEngine;
import io.lorank.study.CellSpec;
import io.lorank.study.CellTiming;
import io.lorank.study.InProcessEngine;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs study cells on Apache Spark: one small job per cell, or per group of cells that share one computation
 * ({@link CellGroups}), each job one task. The driver (this object, in the {@code lorank study} JVM) keeps up to
 * {@code defaultParallelism} jobs in flight from a few submitting threads, and reports every start and outcome to the
 * {@link CellEngine.Listener} from the calling thread only, as each job completes, so {@code results.db} gains a row
 * per finished cell at once and a driver crash loses no finished cell.
 *
 * <p>Executors receive the cells' canonical JSON and compute them with {@link ExecutorRuntime} (the per-JVM holder);
 * results come back as canonical JSON ({@link WireOutcome}). A cell's deterministic error is a failed cell, as
 * in-process; a task that throws is retried by Spark, and a job whose task failed every attempt fails its cells with
 * {@code internal error: <exception>}, the in-process wording.
 */
public final class SparkCellEngine implements CellEngine {
    private final JavaSparkContext jsc;
    private final boolean owned;
    private final CellFunction function;
    private final String executorCacheDir;
    private final String executorDataDir;

    private SparkCellEngine(JavaSparkContext jsc, boolean owned, CellFunction function) {
        this.jsc = jsc;
        this.owned = owned;
        this.function = function;
        this.executorCacheDir = jsc.getConf().get(SparkSettings.EXECUTOR_CACHE_KEY, null);
        this.executorDataDir = jsc.getConf().get(SparkSettings.EXECUTOR_DATA_KEY, null);
    }

    /** Starts a SparkContext with {@code settings} (closed with this engine); one-line error naming the master when it cannot. */
    public static SparkCellEngine start(SparkSettings settings) {
        settings.probeMaster();
        org.apache.spark.SparkConf conf = settings.sparkConf();
        quietLogging(conf.get(SparkSettings.LOG_LEVEL_KEY, "WARN"));
        JavaSparkContext jsc;
        try {
            jsc = new JavaSparkContext(conf);
        } catch (RuntimeException | ExceptionInInitializerError e) {
            throw new LorankException("--master " + settings.master() + ": cannot start Spark ("
                    + InProcessEngine.oneLine(rootMessage(e)) + ")");
        }
        jsc.setLogLevel("WARN");
        return new SparkCellEngine(jsc, true, CellFunction.DEFAULT);
    }

    /**
     * Sets log4j's root level before the context starts: under spark-submit, Spark's default profile (INFO) is
     * already in place and {@code spark.log.level} alone takes effect only after the first ~40 start-up lines.
     */
    private static void quietLogging(String level) {
        try {
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.toLevel(level,
                    org.apache.logging.log4j.Level.WARN));
        } catch (LinkageError e) {
            // a Spark distribution without log4j-core: leave its logging as configured
        }
    }

    /** An engine on a context someone else owns (tests share one per JVM); {@code function} runs each cell on the executors. */
    public static SparkCellEngine on(JavaSparkContext jsc, CellFunction function) {
        return new SparkCellEngine(jsc, false, function);
    }

    public JavaSparkContext context() {
        return jsc;
    }

    @Override
    public void run(List<CellSpec> cells, CellContext context, Listener listener) {
        Deque<List<CellSpec>> pending = new ArrayDeque<>(CellGroups.of(cells));
        if (pending.isEmpty()) {
            return;
        }
        String cacheDir = executorCacheDir != null ? executorCacheDir : context.cacheDir().toAbsolutePath().toString();
        String dataDir = executorDataDir != null ? executorDataDir
                : context.data() == null ? null : context.data().toAbsolutePath().toString();
        int slots = Math.max(1, Math.min(jsc.defaultParallelism(), pending.size()));
        BlockingQueue<Completed> done = new LinkedBlockingQueue<>();
        ExecutorService submitters = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "lorank-spark-submit");
            t.setDaemon(true);
            return t;
        });
        try {
            int inFlight = 0;
            while (inFlight < slots && !pending.isEmpty()) {
                submit(pending.poll(), cacheDir, dataDir, listener, submitters, done);
                inFlight++;
            }
            while (inFlight > 0) {
                Completed c = done.take();
                inFlight--;
                if (!pending.isEmpty()) {
                    submit(pending.poll(), cacheDir, dataDir, listener, submitters, done);
                    inFlight++;
                }
                report(c, listener);
            }
        } catch (InterruptedException e) {
            jsc.cancelAllJobs();
            Thread.currentThread().interrupt();
            throw new LorankException("study: interrupted; finished cells are in results.db, rerun the same command to resume");
        } finally {
            submitters.shutdownNow();
        }
    }

    /** A finished job: its cells and either their outcomes (same order) or the job's failure. */
    private record Completed(List<CellSpec> cells, List<WireOutcome> outcomes, Throwable failure, Instant submitted,
                             long t0) {
    }

    private void submit(List<CellSpec> cells, String cacheDir, String dataDir, Listener listener,
                        ExecutorService submitters, BlockingQueue<Completed> done) {
        for (CellSpec c : cells) {
            listener.started(c);
        }
        CellJob job = new CellJob(cells.stream().map(CellSpec::canonicalJson).toList(), cacheDir, dataDir);
        CellFunction fn = function;
        String label = cells.get(0).label() + (cells.size() > 1 ? " (+" + (cells.size() - 1) + " of its group)" : "");
        Instant submitted = Instant.now();
        long t0 = System.nanoTime();
        submitters.execute(() -> {
            List<WireOutcome> out = null;
            Throwable failure = null;
            try {
                jsc.setJobDescription("lorank: " + label);
                out = jsc.parallelize(List.of(job), 1).map(j -> j.run(fn)).collect().get(0);
            } catch (Throwable t) {
                failure = t;
            }
            done.add(new Completed(cells, out, failure, submitted, t0));
        });
    }

    private void report(Completed c, Listener listener) {
        if (c.failure() != null) {
            if (jsc.sc().isStopped()) {
                throw new LorankException("spark: the SparkContext stopped (" + InProcessEngine.oneLine(rootMessage(c.failure()))
                        + "); finished cells are in results.db, rerun the same command to resume");
            }
            CellTiming t = InProcessEngine.timing(c.submitted(), c.t0());
            Failed f = new Failed(InProcessEngine.oneLine("internal error: " + cause(c.failure())), t);
            for (CellSpec cell : c.cells()) {
                listener.finished(cell, f);
            }
            return;
        }
        for (int i = 0; i < c.cells().size(); i++) {
            CellSpec cell = c.cells().get(i);
            WireOutcome o = c.outcomes().get(i);
            if (!o.hash().equals(cell.hash())) {
                throw new IllegalStateException("spark: cell " + cell.label() + " came back with hash " + o.hash()
                        + ", expected " + cell.hash() + " (the spec did not survive its JSON round trip)");
            }
            listener.finished(cell, o.toOutcome());
        }
    }

    /** The executor's exception behind a job failure (Spark wraps it as the cause), else the failure itself. */
    static Throwable cause(Throwable t) {
        Throwable c = t;
        while (c instanceof SparkException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }

    @Override
    public void close() {
        if (owned) {
            jsc.stop();
        }
    }
}
