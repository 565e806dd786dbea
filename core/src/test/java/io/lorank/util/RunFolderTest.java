package io.lorank.util;

import io.lorank.LorankException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFolderTest {
    private static void run(Path out, boolean force, Map<String, Object> cfg, String... files) {
        try (RunFolder r = RunFolder.open(out, force, "test", cfg)) {
            for (String f : files) {
                AtomicFiles.writeString(r.dir().resolve(f), f);
            }
            r.commit();
        }
    }

    private static long hidden(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Test
    void commitReplacesWholeAndRecordsTheManifestLast(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        run(out, false, Map.of("seeds", "1,2"), "results.json", "seed-1/split.json", "seed-2/split.json");
        assertEquals("complete", RunFolder.status(out).orElseThrow());
        assertTrue(Files.readString(out.resolve(RunFolder.MANIFEST)).contains("seed-2/split.json"));
        // the same run again is allowed without --force; a different one needs --force and is replaced whole
        run(out, false, Map.of("seeds", "1,2"), "results.json", "seed-1/split.json", "seed-2/split.json");
        String m = assertThrows(LorankException.class, () -> run(out, false, Map.of("seeds", "1"), "results.json")).getMessage();
        assertTrue(m.contains("holds a different run") && m.contains("--force"), m);
        run(out, true, Map.of("seeds", "1"), "results.json", "seed-1/split.json");
        assertFalse(Files.exists(out.resolve("seed-2")), "stale seed-2/ survived");
        assertEquals(0, hidden(dir));
    }

    @Test
    void aFailedRunLeavesThePreviousRunUntouched(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        run(out, false, Map.of("a", 1), "results.json");
        String before = Files.readString(out.resolve(RunFolder.MANIFEST));
        assertThrows(IllegalStateException.class, () -> {
            try (RunFolder r = RunFolder.open(out, true, "test", Map.of("a", 2))) {
                AtomicFiles.writeString(r.dir().resolve("config.json"), "{}");
                throw new IllegalStateException("boom");
            }
        });
        assertEquals(before, Files.readString(out.resolve(RunFolder.MANIFEST)));
        assertFalse(Files.exists(out.resolve("config.json")));
        assertEquals(0, hidden(dir));
    }

    @Test
    void leftoversOfKilledRunsAreRecoveredOrRemoved(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        run(out, false, Map.of("a", 1), "results.json");
        // a run killed mid-way (a dead pid) left a partial staging folder: removed by the next open
        Path dead = Files.createDirectories(dir.resolve(".run.incomplete-999999999"));
        Files.writeString(dead.resolve("config.json"), "{}");
        // a run killed between the two renames: previous run moved aside, new complete run not yet in place
        run(dir.resolve("other"), false, Map.of("b", 1), "x.txt");
        Files.move(out, dir.resolve(".run.replaced-999999998"));
        try (RunFolder r = RunFolder.open(out, false, "test", Map.of("a", 1))) {
            assertFalse(Files.exists(dead));
            assertEquals("complete", RunFolder.status(out).orElseThrow(), "previous run restored");
            r.commit();
        }
        assertEquals(0, hidden(dir));
    }

    @Test
    void refusesFilesForeignFoldersAndUnwritablePlacesBeforeWork(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertTrue(assertThrows(LorankException.class, () -> RunFolder.open(file, true, "t", Map.of())).getMessage()
                .contains("is a file"));
        Path foreign = Files.createDirectories(dir.resolve("home"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        String m = assertThrows(LorankException.class, () -> RunFolder.open(foreign, true, "t", Map.of())).getMessage();
        assertTrue(m.contains("holds no lorank run") && m.contains("notes.txt"), m);
        Path legacy = Files.createDirectories(dir.resolve("old"));
        Files.writeString(legacy.resolve("config.json"), "{}");
        assertTrue(assertThrows(LorankException.class, () -> RunFolder.open(legacy, false, "t", Map.of())).getMessage()
                .contains("--force"));
        run(legacy, true, Map.of(), "results.json");
        assertFalse(Files.exists(legacy.resolve("config.json")));
        String p = assertThrows(LorankException.class, () -> RunFolder.open(Path.of("/proc/x"), false, "t", Map.of()))
                .getMessage();
        assertTrue(p.startsWith("/proc/x: cannot create the run folder"), p);
    }
}
