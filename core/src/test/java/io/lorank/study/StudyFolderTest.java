package io.lorank.study;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study folder's guards: lock, foreign grid, --force, the database's done-only-with-result rule, hashes. */
class StudyFolderTest {
    private static StudyConfig synthetic(List<Integer> seeds) {
        return new StudyConfig(null, null, seeds, List.of(1, 2), List.of("synthetic"), null, List.of(0.1), 16, 0, 256,
                null, new StudyConfig.Synthetic(8, 8, 6, 2, 1, "ce", 1), null);
    }

    @Test
    void secondProcessOnAFolderIsRefusedByTheLock(@TempDir Path dir) {
        try (StudyLock held = StudyLock.acquire(dir)) {
            LorankException e = assertThrows(LorankException.class,
                    () -> Study.run(synthetic(List.of(1)), dir, null, false, new InProcessEngine(), Study.Events.NONE));
            assertTrue(e.getMessage().contains("another lorank process (pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        assertEquals(2, Study.run(synthetic(List.of(1)), dir, null, false, new InProcessEngine(), Study.Events.NONE).done(),
                "the lock is released with its holder");
    }

    @Test
    void anotherGridIsRefusedUnlessForced(@TempDir Path dir) {
        Study.run(synthetic(List.of(1)), dir, null, false, new InProcessEngine(), Study.Events.NONE);
        LorankException e = assertThrows(LorankException.class,
                () -> Study.run(synthetic(List.of(1, 2)), dir, null, false, new InProcessEngine(), Study.Events.NONE));
        assertTrue(e.getMessage().contains("another study grid") && e.getMessage().contains("--force"), e.getMessage());
        Study.Summary s = Study.run(synthetic(List.of(1, 2)), dir, null, true, new InProcessEngine(), Study.Events.NONE);
        assertEquals(4, s.done());
        assertEquals(4, s.ran(), "--force starts anew: nothing kept from the old grid");
    }

    @Test
    void incompatibleSchemaIsRefused(@TempDir Path dir) throws Exception {
        Study.run(synthetic(List.of(1)), dir, null, false, new InProcessEngine(), Study.Events.NONE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(ResultsDb.FILE));
             Statement s = c.createStatement()) {
            s.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'");
        }
        LorankException e = assertThrows(LorankException.class,
                () -> Study.run(synthetic(List.of(1)), dir, null, false, new InProcessEngine(), Study.Events.NONE));
        assertTrue(e.getMessage().contains("schema version 999"), e.getMessage());
    }

    @Test
    void foreignFolderIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        LorankException e = assertThrows(LorankException.class,
                () -> Study.run(synthetic(List.of(1)), dir, null, false, new InProcessEngine(), Study.Events.NONE));
        assertTrue(e.getMessage().contains("not a study folder (found notes.txt)"), e.getMessage());
    }

    @Test
    void doneRequiresAResultAndRunningCellsOnly(@TempDir Path dir) throws Exception {
        CellSpec spec = synthetic(List.of(1)).expand().get(0);
        try (ResultsDb db = ResultsDb.open(dir.resolve(ResultsDb.FILE))) {
            db.initialize(Map.of("schema_version", "1"), List.of(spec));
            assertThrows(IllegalStateException.class, () -> db.markDone(spec.hash(), CellResult.builder().build(), null, null),
                    "a cell that was never started cannot be done");
            db.markRunning(spec);
            db.markDone(spec.hash(), CellResult.builder().objective(1.5).build(), null, null);
            assertThrows(IllegalStateException.class, () -> db.markRunning(spec), "a done cell never runs again");
            assertEquals("{\"objective\":1.5}", db.rows().get(0).result());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(ResultsDb.FILE));
             Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.execute("UPDATE cells SET result = NULL"),
                    "the table itself refuses a done row without a result");
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO cells (hash, status, spec, updated) "
                    + "VALUES ('" + spec.hash() + "', 'running', '{}', 'now')"), "hash is unique");
        }
    }

    @Test
    void specHashIsCanonical() {
        CellSpec a = new CellSpec("synthetic", null, "t", 1, null, null, 2, 0.1, Map.of("m", 8, "n", 9));
        CellSpec b = new CellSpec("synthetic", null, "t", 1, null, null, 2, 0.1, new java.util.LinkedHashMap<>(Map.of("n", 9, "m", 8)));
        assertEquals(a.canonicalJson(), b.canonicalJson());
        assertEquals("{\"lambda_fraction\":0.1,\"mode\":\"synthetic\",\"options\":{\"m\":8,\"n\":9},\"rank\":2,\"seed\":1,\"task\":\"t\"}",
                a.canonicalJson());
        assertEquals(64, a.hash().length());
        assertNotEquals(a.hash(), new CellSpec("synthetic", null, "t", 1, null, null, 3, 0.1, Map.of("m", 8, "n", 9)).hash());
        assertEquals(a, Canonical.read(a.canonicalJson(), CellSpec.class), "specs round-trip through their JSON");
    }

    @Test
    void configFileErrorsNameTheKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "modes: [eval]\ntasks: [wordnet-binary]\nhaeds: [probe]\n");
        LorankException e = assertThrows(LorankException.class, () -> StudyConfigFile.read(f));
        assertEquals(f + ": unknown key 'haeds'; allowed keys: " + String.join(", ", StudyConfigFile.KEYS), e.getMessage());
        Files.writeString(f, "modes: [eval, linearised]\ntasks: [wordnet-binary]\nheads: [probe]\n");
        e = assertThrows(LorankException.class, () -> StudyConfigFile.read(f));
        assertTrue(e.getMessage().contains("'linearised' is not a mode") && e.getMessage().contains("available: eval"), e.getMessage());
        Files.writeString(f, "modes: [synthetic]\nranks: [1]\nlambda_fractions: [0.1]\nsynthetic: {m: 8, lost: ce}\n");
        e = assertThrows(LorankException.class, () -> StudyConfigFile.read(f));
        assertTrue(e.getMessage().contains("unknown key 'synthetic.lost'"), e.getMessage());
    }
}
