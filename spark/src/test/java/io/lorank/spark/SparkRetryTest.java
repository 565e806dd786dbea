package io.lorank.spark;

import io.lorank.LorankException;
import io.lorank.study.CellSpec;
import io.lorank.study.ResultsDb;
import io.lorank.study.Study;
import io.lorank.study.StudyConfig;
import io.lorank.study.StudyConfigFile;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures on the executors, on {@code local[2,2]} (two attempts per task): a cell whose first attempt throws is
 * retried by Spark and the study completes with every cell done; a cell that throws on every attempt is recorded
 * failed with the in-process wording ({@code internal error: <exception>}) while the others complete; a cell's own
 * {@link LorankException} is a failed cell at once (one attempt: retrying a deterministic error cannot help).
 */
class SparkRetryTest {
    /** Attempts per cell hash, counted on the executors (local mode: the same JVM, so a static map). */
    static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    static StudyConfig synthetic(Path tmp) throws Exception {
        Path f = tmp.resolve("synthetic.yaml");
        Files.writeString(f, String.join("\n", "modes: [synthetic]", "seeds: [1, 2, 3]", "ranks: [1, 2]",
                "lambda_fractions: [0.1]", "synthetic: {m: 16, n: 16, examples: 12, outputs: 2, planted_rank: 2, loss: ce, inits: 1}", ""));
        return StudyConfigFile.read(f);
    }

    @BeforeEach
    void clear() {
        ATTEMPTS.clear();
    }

    /** Runs the real cell, after counting the attempt; attempts numbered below {@code failAttemptsBelow} throw. */
    private static CellFunction faulty(String hash, int failAttemptsBelow) {
        return (cell, ctx) -> {
            if (cell.hash().equals(hash)) {
                ATTEMPTS.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
                if (TaskContext.get().attemptNumber() < failAttemptsBelow) {
                    throw new IllegalStateException("planted fault, attempt " + TaskContext.get().attemptNumber());
                }
            }
            return CellFunction.DEFAULT.run(cell, ctx);
        };
    }

    @Test
    void aCellThatThrowsOnceIsRetriedAndTheStudyCompletes(@TempDir Path tmp) throws Exception {
        StudyConfig cfg = synthetic(tmp);
        List<CellSpec> plan = cfg.expand();
        String victim = plan.get(2).hash();
        Study.Summary s = Study.run(cfg, tmp.resolve("s"), null, false, SharedSpark.engine(faulty(victim, 1)), Study.Events.NONE);
        assertEquals(plan.size(), s.done(), () -> "failures: " + s.failures());
        assertEquals(0, s.failed());
        assertEquals(2, ATTEMPTS.get(victim).get(), "the failed first attempt, then the retry");
        assertEquals(ResultsDb.Status.DONE, StudyRows.of(tmp.resolve("s")).get(victim).status());
    }

    @Test
    void aCellThatAlwaysThrowsIsFailedWithOneLineAndTheOthersComplete(@TempDir Path tmp) throws Exception {
        StudyConfig cfg = synthetic(tmp);
        List<CellSpec> plan = cfg.expand();
        String victim = plan.get(0).hash();
        Study.Summary s = Study.run(cfg, tmp.resolve("s"), null, false, SharedSpark.engine(faulty(victim, 99)), Study.Events.NONE);
        assertEquals(plan.size() - 1, s.done());
        assertEquals(1, s.failed());
        assertEquals(2, ATTEMPTS.get(victim).get(), "local[2,2]: two attempts, then the job fails");
        String error = s.failures().get(0).error();
        assertEquals("internal error: java.lang.IllegalStateException: planted fault, attempt 1", error);
    }

    @Test
    void aCellErrorIsRecordedAtOnceAsInProcess(@TempDir Path tmp) throws Exception {
        StudyConfig cfg = synthetic(tmp);
        List<CellSpec> plan = cfg.expand();
        String victim = plan.get(1).hash();
        Study.Summary s = Study.run(cfg, tmp.resolve("s"), null, false, SharedSpark.engine(wrapLorank(victim)), Study.Events.NONE);
        assertEquals(1, s.failed());
        assertTrue(s.failures().get(0).error().startsWith("modes: 'no-such-mode' is not a mode this build can run"),
                s.failures().get(0).error());
        assertEquals(1, ATTEMPTS.get(victim).get(), "a deterministic cell error is not retried");
        assertTrue(s.done() == plan.size() - 1);
    }

    /** The victim is replaced by a cell of an unknown mode: a LorankException inside {@link ExecutorRuntime#run}. */
    private static CellFunction wrapLorank(String hash) {
        return (cell, ctx) -> {
            if (!cell.hash().equals(hash)) {
                return CellFunction.DEFAULT.run(cell, ctx);
            }
            ATTEMPTS.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
            CellSpec broken = new CellSpec("no-such-mode", cell.model(), cell.task(), cell.seed(), cell.shots(), cell.head(),
                    cell.rank(), cell.lambdaFraction(), cell.options());
            return CellFunction.DEFAULT.run(broken, ctx);
        };
    }
}
