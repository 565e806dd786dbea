package io.lorank.study;

import io.lorank.LorankException;

import java.time.Instant;
import java.util.List;

/** Runs cells one after another in this JVM (each cell uses the machine's cores itself). */
public final class InProcessEngine implements CellEngine {
    @Override
    public void run(List<CellSpec> cells, CellContext context, Listener listener) {
        for (CellSpec cell : cells) {
            listener.started(cell);
            listener.finished(cell, runOne(cell, context));
        }
    }

    /** One cell: its output, or its one-line error (a user error's message, or a bug's class and message). */
    public static Outcome runOne(CellSpec cell, CellContext context) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        try {
            CellRunner.Output out = CellRunners.get(cell.mode()).run(cell, context);
            return new Done(out, timing(start, t0));
        } catch (LorankException e) {
            return new Failed(oneLine(e.getMessage()), timing(start, t0));
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            return new Failed(oneLine("internal error: " + e), timing(start, t0));
        }
    }

    /** The timing of a cell that started at {@code start} ({@code t0}: {@link System#nanoTime()} then) and ends now. */
    public static CellTiming timing(Instant start, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        return new CellTiming(start.toString(), Instant.now().toString(), Math.round(s * 1000) / 1000.0);
    }

    /** {@code s} on one line, at most 500 characters. */
    public static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String line = s.replace('\n', ' ').replace('\r', ' ').trim();
        return line.length() > 500 ? line.substring(0, 497) + "..." : line;
    }
}
