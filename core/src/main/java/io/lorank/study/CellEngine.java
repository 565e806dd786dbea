package io.lorank.study;

import java.util.List;

/**
 * Runs cells and reports each one's start and outcome to the driver, which alone writes the database. The
 * in-process engine runs them one after another here; a distributed engine can ship the (serialisable) specs to
 * workers and call the listener as outcomes come back. Listener calls come from one thread at a time. Engines other
 * than the in-process one are made by a {@link CellEngineFactory} (see {@link CellEngines}); {@link #close()}
 * releases what they hold (e.g. a SparkContext).
 */
public interface CellEngine extends AutoCloseable {
    /** Runs {@code cells}; returns when every cell has a reported outcome. */
    void run(List<CellSpec> cells, CellContext context, Listener listener);

    /** Releases the engine's resources; the in-process engine holds none. */
    @Override
    default void close() {
    }

    /** What a cell ended with. */
    sealed interface Outcome permits Done, Failed {
        CellTiming timing();
    }

    record Done(CellRunner.Output output, CellTiming timing) implements Outcome {
    }

    /** @param error one line: what went wrong in this cell */
    record Failed(String error, CellTiming timing) implements Outcome {
    }

    /** Called before a cell starts and after it ends. */
    interface Listener {
        void started(CellSpec cell);

        void finished(CellSpec cell, Outcome outcome);
    }
}
