package io.lorank.study;

import io.lorank.Lorank;
import io.lorank.LorankException;
import io.lorank.util.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a {@link StudyConfig} in a folder: takes the {@link StudyLock}, opens or creates {@code results.db} (refusing
 * one from another grid or schema unless {@code force}), redoes cells left {@code running} by a killed process and
 * cells that failed, skips {@code done} ones, and hands the rest to a {@link CellEngine}. Writes the resolved config
 * to {@code study.json}. Artefacts shared by cells live in {@code cache/}.
 */
public final class Study {
    public static final String CONFIG_FILE = "study.json";
    public static final String CACHE_DIR = "cache";
    private static final Set<String> OWN_FILES = Set.of(ResultsDb.FILE, ResultsDb.FILE + "-journal", CONFIG_FILE,
            StudyLock.FILE, CACHE_DIR, "report.html", "tables", "tables.md", "phase");

    /** Progress events for the CLI. {@code eta}: seconds left for the whole study, NaN before the first cell. */
    public interface Events {
        void resumed(int done, int redone, int todo);

        void cellFinished(int index, int total, CellSpec cell, CellEngine.Outcome outcome, double etaSeconds);

        Events NONE = new Events() {
            @Override
            public void resumed(int done, int redone, int todo) {
            }

            @Override
            public void cellFinished(int index, int total, CellSpec cell, CellEngine.Outcome outcome, double eta) {
            }
        };
    }

    /** A failed cell: its label and one-line error. */
    public record Failure(String hash, String cell, String error) {
    }

    /**
     * @param planned   cells in the grid
     * @param done      cells done now
     * @param failed    cells failed now
     * @param running   cells marked running (only while a study runs, or after a kill)
     * @param ran       cells computed by this call
     * @param skipped   cells found done and not recomputed
     * @param redone    cells found running (killed half-way) or failed, run again
     */
    public record Summary(String dir, int planned, int done, int failed, int running, int pending, int ran, int skipped,
                          int redone, double seconds, List<Failure> failures, Provenance provenance) {
    }

    private Study() {
    }

    public static Summary run(StudyConfig cfg, Path dir, Path data, boolean force, CellEngine engine, Events events) {
        long t0 = System.nanoTime();
        cfg.validateNames();
        List<CellSpec> plan = cfg.expand();
        String gridHash = cfg.hash();
        refuseForeignFolder(dir, force);
        try (StudyLock lock = StudyLock.acquire(dir)) {
            Path dbFile = dir.resolve(ResultsDb.FILE);
            if (Files.exists(dbFile)) {
                String problem = incompatibility(dbFile, gridHash);
                if (problem != null) {
                    if (!force) {
                        throw new LorankException(dir + ": " + problem + "; rerun with the same config, choose another "
                                + "--out, or add --force to start this folder anew (deletes its results.db)");
                    }
                    deleteDb(dbFile);
                }
            }
            try (ResultsDb db = ResultsDb.open(dbFile)) {
                if (db.meta("grid_hash").isEmpty()) {
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("schema_version", Integer.toString(ResultsDb.SCHEMA_VERSION));
                    meta.put("lorank_version", Lorank.VERSION);
                    meta.put("grid_hash", gridHash);
                    meta.put("config", Canonical.json(cfg));
                    meta.put("created", java.time.Instant.now().toString());
                    db.initialize(meta, plan);
                }
                AtomicFiles.writeString(dir.resolve(CONFIG_FILE), Canonical.pretty(cfg) + "\n");
                Map<String, ResultsDb.Status> before = db.statuses();
                List<CellSpec> todo = new ArrayList<>();
                int redone = 0;
                for (CellSpec c : plan) {
                    ResultsDb.Status s = before.get(c.hash());
                    if (s != ResultsDb.Status.DONE) {
                        todo.add(c);
                        if (s != null) {
                            redone++;
                        }
                    }
                }
                int skipped = plan.size() - todo.size();
                events.resumed(skipped, redone, todo.size());
                Path cache = dir.resolve(CACHE_DIR);
                long start = System.nanoTime();
                int[] count = {0};
                engine.run(todo, new CellContext(cache, data), new CellEngine.Listener() {
                    @Override
                    public void started(CellSpec cell) {
                        db.markRunning(cell);
                    }

                    @Override
                    public void finished(CellSpec cell, CellEngine.Outcome outcome) {
                        Provenance prov;
                        if (outcome instanceof CellEngine.Done d) {
                            prov = Provenance.of(gridHash, cell.seed(), d.output().checkpointSha256());
                            db.markDone(cell.hash(), d.output().result(), d.timing(), prov);
                        } else {
                            prov = Provenance.of(gridHash, cell.seed(), null);
                            db.markFailed(cell.hash(), ((CellEngine.Failed) outcome).error(), outcome.timing(), prov);
                        }
                        count[0]++;
                        double per = (System.nanoTime() - start) / 1e9 / count[0];
                        events.cellFinished(count[0], todo.size(), cell, outcome, per * (todo.size() - count[0]));
                    }
                });
                return summarize(dir, db, plan.size(), todo.size(), skipped, redone, (System.nanoTime() - t0) / 1e9, gridHash);
            }
        }
    }

    /** The state of a study folder without running anything (no lock needed: reads committed rows only). */
    public static Summary status(Path dir) {
        try (ResultsDb db = ResultsDb.openExisting(dir.resolve(ResultsDb.FILE))) {
            int planned = db.planSpecs().size();
            return summarize(dir, db, planned, 0, 0, 0, 0, db.meta("grid_hash").orElse(null));
        }
    }

    private static Summary summarize(Path dir, ResultsDb db, int planned, int ran, int skipped, int redone,
                                     double seconds, String gridHash) {
        int done = 0;
        int failed = 0;
        int running = 0;
        List<Failure> failures = new ArrayList<>();
        for (ResultsDb.Row r : db.rows()) {
            switch (r.status()) {
                case DONE -> done++;
                case RUNNING -> running++;
                case FAILED -> {
                    failed++;
                    failures.add(new Failure(r.hash(), Canonical.read(r.spec(), CellSpec.class).label(), r.error()));
                }
                default -> throw new IllegalStateException();
            }
        }
        return new Summary(dir.toString(), planned, done, failed, running, planned - done - failed - running, ran, skipped,
                redone, Math.round(seconds * 10) / 10.0, failures, Provenance.of(gridHash, null, null));
    }

    /** Null when the database belongs to this grid and schema; else what differs. */
    private static String incompatibility(Path dbFile, String gridHash) {
        try (ResultsDb db = ResultsDb.open(dbFile)) {
            String schema = db.meta("schema_version").orElse(null);
            if (schema == null) {
                return "results.db is not a lorank study database (no schema_version)";
            }
            if (!schema.equals(Integer.toString(ResultsDb.SCHEMA_VERSION))) {
                return "results.db has schema version " + schema + " (lorank " + db.meta("lorank_version").orElse("?")
                        + "), this lorank writes version " + ResultsDb.SCHEMA_VERSION;
            }
            String grid = db.meta("grid_hash").orElse("");
            if (!grid.equals(gridHash)) {
                return "results.db holds another study grid (hash " + abbrev(grid) + ", this config " + abbrev(gridHash)
                        + "; its config is in " + CONFIG_FILE + ")";
            }
            return null;
        }
    }

    private static String abbrev(String h) {
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    /** A non-empty folder that is not a study folder is refused (so --out . does not mix with other files). */
    private static void refuseForeignFolder(Path dir, boolean force) {
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve(ResultsDb.FILE))) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> foreign = s.map(p -> p.getFileName().toString()).filter(n -> !OWN_FILES.contains(n)).sorted().toList();
            if (!foreign.isEmpty() && !force) {
                throw new LorankException(dir + ": not empty and not a study folder (found " + foreign.get(0)
                        + (foreign.size() > 1 ? " and " + (foreign.size() - 1) + " more" : "")
                        + "); choose an empty or new --out, or add --force to use it anyway");
            }
        } catch (IOException e) {
            throw new LorankException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    private static void deleteDb(Path dbFile) {
        try {
            Files.deleteIfExists(dbFile);
            Files.deleteIfExists(dbFile.resolveSibling(ResultsDb.FILE + "-journal"));
            Files.deleteIfExists(dbFile.resolveSibling(CONFIG_FILE));
        } catch (IOException e) {
            throw new LorankException(dbFile + ": cannot delete for --force (" + e.getMessage() + ")");
        }
    }
}
