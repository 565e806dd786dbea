package io.lorank.spark;

import io.lorank.LorankException;
import io.lorank.engine.Engines;
import io.lorank.study.CellContext;
import io.lorank.study.CellEngine;
import io.lorank.study.CellRunner;
import io.lorank.study.CellRunners;
import io.lorank.study.CellSpec;
import io.lorank.study.InProcessEngine;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The per-JVM holder on the executor side: created lazily by the first task that reaches this JVM, it starts the
 * PyTorch engine once ({@link Engines#pytorch()}: offline natives from the application jar, threads, the AMD shim)
 * and runs cells; the loaded checkpoints and keyed artefacts are reused through the runners' own caches and the
 * executor's cache folder.
 *
 * <p><b>Gradient work is serialised per JVM.</b> DJL's {@code PtGradientCollector} is global to the JVM: a second
 * task thread that opens one while another is collecting fails with "A PtGradientCollector is already collecting"
 * (DJL issue 2232). Cells of the modes that take gradients (every mode but {@link #GRADIENT_FREE}: linearized
 * extracts eNTK factors by backward passes, finetune trains) therefore hold {@link #GRADIENTS} for the whole cell;
 * the gradient-free modes run concurrently. The whole cell, not only the backward: the factor extraction is
 * interleaved with the solves inside {@code LinearizedFineTuning.run}, and libtorch already spreads one cell over
 * every core of the JVM (intra-op threads), so a second gradient cell beside it would only share the same cores. On
 * a cluster the matching set-up is one task per executor JVM ({@code spark.task.cpus} = {@code spark.executor.cores}),
 * so nothing waits on the lock; in {@code local[N]} the lock is what keeps N task threads correct.
 *
 * <p>Errors: a {@link LorankException} is the cell's own deterministic one-line error, recorded as a failed cell
 * exactly as in-process (retrying cannot help). Anything else (a bug, a lost file, an out-of-memory) propagates, so
 * Spark retries the task (up to {@code spark.task.maxFailures}, or F in {@code local[N,F]}); a retry is safe because a
 * cell's result is a pure function of its spec, written by the driver under the cell's hash.
 */
public final class ExecutorRuntime {
    /** Modes whose cells open no gradient collector (they may run concurrently in one JVM). */
    public static final Set<String> GRADIENT_FREE = Set.of("eval", "bounds", "synthetic");
    private static final ReentrantLock GRADIENTS = new ReentrantLock(true);
    private static final AtomicInteger CELLS = new AtomicInteger();
    private static volatile boolean started;

    private ExecutorRuntime() {
    }

    /** Starts the engine once per JVM (idempotent, thread-safe). */
    static void ensureStarted() {
        if (!started) {
            synchronized (ExecutorRuntime.class) {
                if (!started) {
                    Engines.pytorch();
                    started = true;
                }
            }
        }
    }

    /** Cells this JVM has run (all tasks, all attempts). */
    public static int cellsRun() {
        return CELLS.get();
    }

    /**
     * Runs one cell here: {@link CellEngine.Done}, or {@link CellEngine.Failed} for a {@link LorankException};
     * other throwables propagate (Spark retries the task).
     */
    public static CellEngine.Outcome run(CellSpec cell, CellContext context) {
        boolean locked = !GRADIENT_FREE.contains(cell.mode());
        if (locked) {
            GRADIENTS.lock();
        }
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        try {
            CellRunner runner = CellRunners.get(cell.mode());
            ensureStarted();
            CellRunner.Output out = runner.run(cell, context);
            return new CellEngine.Done(out, InProcessEngine.timing(start, t0));
        } catch (LorankException e) {
            return new CellEngine.Failed(InProcessEngine.oneLine(e.getMessage()), InProcessEngine.timing(start, t0));
        } finally {
            CELLS.incrementAndGet();
            if (locked) {
                GRADIENTS.unlock();
            }
        }
    }
}
