package io.lorank.spark;

import io.lorank.study.InProcessEngine;
import io.lorank.study.ResultsDb;
import io.lorank.study.Study;
import io.lorank.study.StudyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same small linearized study (MiniLM's eNTK on the embedded WordNet binary task, 2 seeds × 3 ranks × 2 λ
 * fractions = 12 cells in 2 groups, tiny budgets) run in-process and on Spark {@code local[2,2]} gives the same set
 * of cell hashes and byte-identical result JSON (every metric, curve and certificate to the last digit). On Spark the
 * two groups run as two concurrent tasks in one JVM, so this also exercises the per-JVM gradient lock (without it
 * the second task fails with "A PtGradientCollector is already collecting").
 */
class SparkEquivalenceTest {
    static StudyConfig tinyLinearized() {
        return new StudyConfig(List.of("all-minilm-l6-v2"), List.of("wordnet-binary"), List.of(13, 21), List.of(1, 2, 4),
                List.of("linearized"), List.of("embedding"), List.of(0.05, 0.1), 4, 16, 16, "last-layer", null,
                new StudyConfig.Linearized(20, 5));
    }

    @Test
    void inProcessAndSparkGiveTheSameCellsAndBytes(@TempDir Path tmp) {
        StudyConfig cfg = tinyLinearized();
        int planned = cfg.expand().size();
        assertEquals(12, planned);

        Study.Summary a = Study.run(cfg, tmp.resolve("in-process"), null, false, new InProcessEngine(), Study.Events.NONE);
        Study.Summary b = Study.run(cfg, tmp.resolve("spark"), null, false, SharedSpark.engine(CellFunction.DEFAULT), Study.Events.NONE);
        assertEquals(planned, a.done(), () -> "in-process failures: " + a.failures());
        assertEquals(planned, b.done(), () -> "spark failures: " + b.failures());

        Map<String, ResultsDb.Row> ra = StudyRows.of(tmp.resolve("in-process"));
        Map<String, ResultsDb.Row> rb = StudyRows.of(tmp.resolve("spark"));
        assertEquals(ra.keySet(), rb.keySet(), "same cell hashes");
        for (String h : ra.keySet()) {
            assertEquals(ra.get(h).spec(), rb.get(h).spec(), "spec of " + h);
            assertEquals(ra.get(h).result(), rb.get(h).result(), "result of " + h + " (byte-identical JSON)");
        }
    }
}
