package io.lorank.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A study killed with kill -9 half-way (a child JVM on the test classpath) and restarted completes with every planned
 * cell exactly once, and the spec and result columns of every cell are byte-identical to an uninterrupted run's
 * (timing and provenance columns are kept apart and not compared: they hold wall times and the host).
 */
class StudyResumeTest {
    private static final String CONFIG = String.join("\n",
            "modes: [synthetic]", "seeds: [1, 2, 3, 4, 5, 6]", "ranks: [1, 2, 3, 4]", "lambda_fractions: [0.1]",
            "synthetic: {m: 32, n: 32, examples: 24, outputs: 2, planted_rank: 2, loss: ce, inits: 2}", "");

    @Test
    void killedStudyResumesToTheSameRows(@TempDir Path tmp) throws Exception {
        Path cfgFile = tmp.resolve("study.yaml");
        Files.writeString(cfgFile, CONFIG);
        StudyConfig cfg = StudyConfigFile.read(cfgFile);
        int planned = cfg.expand().size();

        Path clean = tmp.resolve("clean");
        Study.Summary full = Study.run(cfg, clean, null, false, new InProcessEngine(), Study.Events.NONE);
        assertEquals(planned, full.done(), "uninterrupted run: every cell done");

        Path killed = tmp.resolve("killed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.lorank.cli.Main",
                "study", "--config", cfgFile.toString(), "--out", killed.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path db = killed.resolve(ResultsDb.FILE);
        int[] seen = {0, 0};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (Files.exists(db)) {
                int[] c = counts(db);
                if (c[0] >= 3 && c[1] == 1) {
                    seen = c;
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(child.isAlive(), () -> "the child finished before it could be killed; log: " + log(tmp));
        child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no finally block runs
        assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        int[] afterKill = counts(db);
        assertTrue(afterKill[0] < planned, "killed before the end: " + afterKill[0] + " of " + planned + " done");
        assertTrue(afterKill[0] >= seen[0], "done rows never go away");

        Study.Summary resumed = Study.run(cfg, killed, null, false, new InProcessEngine(), Study.Events.NONE);
        assertEquals(planned, resumed.done());
        assertEquals(0, resumed.failed());
        assertEquals(0, resumed.running());
        assertEquals(afterKill[0], resumed.skipped(), "cells done before the kill are not recomputed");
        assertEquals(afterKill[1], resumed.redone(), "the cell killed half-way is redone");

        Map<String, ResultsDb.Row> a = rows(clean);
        Map<String, ResultsDb.Row> b = rows(killed);
        assertEquals(planned, a.size());
        assertEquals(a.keySet(), b.keySet(), "same cells, none missing, none extra");
        for (String h : a.keySet()) {
            assertEquals(a.get(h).spec(), b.get(h).spec(), "spec of " + h);
            assertEquals(a.get(h).result(), b.get(h).result(), "result of " + h + " (byte-identical)");
        }
        // a third run computes nothing
        Study.Summary again = Study.run(cfg, killed, null, false, new InProcessEngine(), Study.Events.NONE);
        assertEquals(0, again.ran());
        assertEquals(planned, again.skipped());
    }

    /** {done, running} rows, read through a separate connection as another process would. */
    private static int[] counts(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet rs = s.executeQuery("SELECT "
                    + "(SELECT count(*) FROM cells WHERE status = 'done'), (SELECT count(*) FROM cells WHERE status = 'running')")) {
                return rs.next() ? new int[] {rs.getInt(1), rs.getInt(2)} : new int[] {0, 0};
            }
        } catch (java.sql.SQLException e) {
            return new int[] {0, 0}; // tables not created yet
        }
    }

    private static Map<String, ResultsDb.Row> rows(Path dir) {
        Map<String, ResultsDb.Row> m = new HashMap<>();
        try (ResultsDb db = ResultsDb.openExisting(dir.resolve(ResultsDb.FILE))) {
            List<ResultsDb.Row> rows = db.rows();
            for (ResultsDb.Row r : rows) {
                assertFalse(m.containsKey(r.hash()), "duplicate row " + r.hash());
                assertEquals(ResultsDb.Status.DONE, r.status());
                m.put(r.hash(), r);
            }
        }
        return m;
    }

    private static String log(Path tmp) {
        try {
            return Files.readString(tmp.resolve("child.log"));
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }

}
