package io.lorank.spark;

import io.lorank.study.InProcessEngine;
import io.lorank.study.ResultsDb;
import io.lorank.study.Study;
import io.lorank.study.StudyConfig;
import io.lorank.study.StudyConfigFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume across engines. (1) A study started in-process in a child JVM ({@code lorank study}, the plain CLI path),
 * killed with SIGKILL half-way, then resumed on Spark: every planned cell exactly once, the cells done before the kill
 * kept, the one killed half-way redone, and spec and result bytes equal to an uninterrupted in-process run's.
 * (2) The other way round: a Spark run whose cells partly failed, finished in-process.
 */
class SparkResumeTest {
    private static final String CONFIG = String.join("\n",
            "modes: [synthetic]", "seeds: [1, 2, 3, 4, 5, 6]", "ranks: [1, 2, 3, 4]", "lambda_fractions: [0.1]",
            "synthetic: {m: 32, n: 32, examples: 24, outputs: 2, planted_rank: 2, loss: ce, inits: 2}", "");

    @TempDir
    static Path shared;
    private static Path cfgFile;
    private static StudyConfig cfg;
    private static int planned;
    private static Path clean;

    /** The config and the uninterrupted in-process run both tests compare with. */
    @BeforeAll
    static void cleanRun() throws Exception {
        cfgFile = shared.resolve("study.yaml");
        Files.writeString(cfgFile, CONFIG);
        cfg = StudyConfigFile.read(cfgFile);
        planned = cfg.expand().size();
        clean = shared.resolve("clean");
        assertEquals(planned, Study.run(cfg, clean, null, false, new InProcessEngine(), Study.Events.NONE).done());
    }

    @Test
    void killedInProcessStudyResumesOnSpark(@TempDir Path tmp) throws Exception {

        Path killed = tmp.resolve("killed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.lorank.cli.Main",
                "study", "--config", cfgFile.toString(), "--out", killed.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path db = killed.resolve(ResultsDb.FILE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && child.isAlive()) {
            int[] c = Files.exists(db) ? counts(db) : new int[] {0, 0};
            if (c[0] >= 3 && c[1] == 1) {
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(child.isAlive(), () -> "the child finished before it could be killed; log: " + read(tmp.resolve("child.log")));
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block
        assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        int[] afterKill = counts(db);
        assertTrue(afterKill[0] >= 3 && afterKill[0] < planned, "killed half-way: " + afterKill[0] + " of " + planned + " done");

        Study.Summary resumed = Study.run(cfg, killed, null, false, SharedSpark.engine(CellFunction.DEFAULT), Study.Events.NONE);
        assertEquals(planned, resumed.done(), () -> "failures: " + resumed.failures());
        assertEquals(0, resumed.failed());
        assertEquals(0, resumed.running());
        assertEquals(afterKill[0], resumed.skipped(), "cells done before the kill are not recomputed");
        assertEquals(afterKill[1], resumed.redone(), "the cell killed half-way is redone");
        assertSameRows(clean, killed, planned);
    }

    @Test
    void sparkStudyWithFailedCellsIsFinishedInProcess(@TempDir Path tmp) {
        // every cell of seed 1 or 2 fails on Spark (a deterministic cell error, as a lost input would give)
        CellFunction half = (cell, ctx) -> cell.seed() <= 2
                ? new io.lorank.study.CellEngine.Failed("planted: input unavailable", new io.lorank.study.CellTiming("", "", 0))
                : CellFunction.DEFAULT.run(cell, ctx);
        Path dir = tmp.resolve("mixed");
        Study.Summary onSpark = Study.run(cfg, dir, null, false, SharedSpark.engine(half), Study.Events.NONE);
        assertEquals(8, onSpark.failed());
        assertEquals(planned - 8, onSpark.done());

        Study.Summary finished = Study.run(cfg, dir, null, false, new InProcessEngine(), Study.Events.NONE);
        assertEquals(planned, finished.done());
        assertEquals(planned - 8, finished.skipped(), "Spark's done cells are kept");
        assertEquals(8, finished.redone());
        assertSameRows(clean, dir, planned);
    }

    private static void assertSameRows(Path clean, Path other, int planned) {
        Map<String, ResultsDb.Row> a = StudyRows.of(clean);
        Map<String, ResultsDb.Row> b = StudyRows.of(other);
        assertEquals(planned, a.size());
        assertEquals(a.keySet(), b.keySet(), "same cells, none missing, none extra");
        for (String h : a.keySet()) {
            assertEquals(ResultsDb.Status.DONE, b.get(h).status());
            assertEquals(a.get(h).spec(), b.get(h).spec(), "spec of " + h);
            assertEquals(a.get(h).result(), b.get(h).result(), "result of " + h + " (byte-identical)");
        }
    }

    /** {done, running} rows, read through a separate read-only connection as another process would. */
    private static int[] counts(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet rs = s.executeQuery("SELECT "
                    + "(SELECT count(*) FROM cells WHERE status = 'done'), (SELECT count(*) FROM cells WHERE status = 'running')")) {
                return rs.next() ? new int[] {rs.getInt(1), rs.getInt(2)} : new int[] {0, 0};
            }
        } catch (java.sql.SQLException e) {
            return new int[] {0, 0};
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
