package io.lorank.spark;

import io.lorank.study.Canonical;
import io.lorank.study.CellEngine;
import io.lorank.study.CellResult;
import io.lorank.study.CellRunner;
import io.lorank.study.CellTiming;

import java.io.Serializable;

/**
 * A cell's outcome as it travels from an executor to the driver: the result as its canonical JSON (the bytes the
 * database stores, so nothing is lost or reformatted on the way), or the one-line error.
 *
 * @param hash       the cell's hash
 * @param resultJson canonical JSON of the {@link CellResult}; null when failed
 * @param checkpoint SHA-256 of the weights read, or null
 * @param error      one-line error; null when done
 * @param startedAt  ISO instant
 * @param endedAt    ISO instant
 * @param seconds    wall seconds on the executor
 */
public record WireOutcome(String hash, String resultJson, String checkpoint, String error, String startedAt,
                          String endedAt, double seconds) implements Serializable {
    static WireOutcome of(String hash, CellEngine.Outcome o) {
        CellTiming t = o.timing();
        if (o instanceof CellEngine.Done d) {
            return new WireOutcome(hash, Canonical.json(d.output().result()), d.output().checkpointSha256(), null,
                    t.started(), t.finished(), t.seconds());
        }
        return new WireOutcome(hash, null, null, ((CellEngine.Failed) o).error(), t.started(), t.finished(), t.seconds());
    }

    CellEngine.Outcome toOutcome() {
        CellTiming t = new CellTiming(startedAt, endedAt, seconds);
        if (error != null) {
            return new CellEngine.Failed(error, t);
        }
        return new CellEngine.Done(new CellRunner.Output(Canonical.read(resultJson, CellResult.class), checkpoint), t);
    }
}
